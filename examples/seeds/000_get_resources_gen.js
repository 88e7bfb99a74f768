// Seed 000: getResources again, as an async generator. The twin of
// 000_get_resources_gen.c.
//
// Corrections to the seed: `for await` needs an async function around it
// (here an async IIFE); fetch is the stand-in from fake_fetch.js, and data
// are printed as JSON text (see 000_get_resources.js). The C side now
// fetches over real HTTP (tide_fetch) from a local server it starts itself,
// serving the same table (seed_server.h).
'use strict';

const { fakeFetch: fetch } = require('./fake_fetch.js');

async function* getResources(endpoints) {
  while (endpoints.length > 0) {
    const endpoint = endpoints.shift();
    const response = await fetch(endpoint);
    yield await response.json();
  }
}

const resources = [
  `/api/users`,
  `/api/testers`,
  `/api/hackers`,
  `/api/nsa-backdoor`,
];

(async () => {
  for await (const data of getResources(resources)) {
    console.log(JSON.stringify(data));
  }
})();
