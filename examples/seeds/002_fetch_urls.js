// Seed 002: fetchURLs, an async generator that fetches each URL and yields
// its body upper-cased — or undefined when the status is not 200 — consumed
// with for await. The twin of 002_fetch_urls.c.
//
// The seed's code, with fetch replaced by the stand-in from fake_fetch.js
// ('/api/nsa-backdoor' answers 404), and main actually called with a list of
// favorite sites. The C side now fetches over real HTTP (tide_fetch) from a
// local server it starts itself, serving the same table (seed_server.h).
'use strict';

const { fakeFetch: fetch } = require('./fake_fetch.js');

async function* fetchURLs(urls) {
  for (let url of urls) {
    let res = await fetch(url);
    if (res.status == 200) {
      let text = await res.text();
      yield text.toUpperCase();
    } else {
      yield undefined;
    }
  }
}

async function main(favoriteSites) {
  for await (let text of fetchURLs(favoriteSites)) {
    console.log(text);
  }
}

main(['/api/users', '/api/nsa-backdoor', '/api/hackers']);
