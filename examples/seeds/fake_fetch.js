// fakeFetch — the stand-in for fetch() that the JavaScript twins use: the
// table of seed_server.h (the local HTTP server that the C programs
// 000_get_resources, 000_get_resources_gen and 002_fetch_urls start and
// fetch from with tide_fetch) plus the tweet of fake_fetch.h (the C stand-in
// 002_log_tweet still uses), with fake_fetch.h's delay. Output does not
// depend on the delay, so both sides print the same lines.
'use strict';

const { ms } = require('./seed_util.js');

const FAKE_FETCH_MS = 100;

const routes = {
  '/api/users': '[{"name":"ada"},{"name":"grace"}]',
  '/api/testers': '[{"name":"margaret"}]',
  '/api/hackers': '[{"name":"kevin"},{"name":"adrian"}]',
  'https://twitter.com/eileen/1': 'just setting up my tide',
};

const NOT_FOUND = '{"error":"not found"}';

async function fakeFetch(url) {
  const found = Object.hasOwn(routes, url);
  const body = found ? routes[url] : NOT_FOUND;
  await new Promise((resolve) => setTimeout(resolve, ms(FAKE_FETCH_MS))); // the network
  return {
    status: found ? 200 : 404,
    text: async () => body,
    json: async () => JSON.parse(body),
  };
}

module.exports = { fakeFetch };
