// Seed 000: getResources, an async iterator written by hand that fetches a
// list of endpoints one after the other. The twin of 000_get_resources.c.
//
// Corrections to the seed: `for await` needs an async function around it
// (here an async IIFE); data are printed as JSON text (JSON.stringify), as
// the C program prints them. fetch here is the stand-in from fake_fetch.js;
// the C side now fetches over real HTTP (tide_fetch) from a local server it
// starts itself, serving the same table (seed_server.h).
// '/api/nsa-backdoor' answers 404: fetch does not reject on that, and its
// error body is printed like any other.
'use strict';

const { fakeFetch: fetch } = require('./fake_fetch.js');

const getResources = (endpoints) => ({
  [Symbol.asyncIterator]: () => ({
    next: () => {
      if (endpoints.length === 0) {
        return Promise.resolve({ done: true });
      }
      return fetch(endpoints.shift())
        .then((response) => response.json())
        .then((value) => ({ value, done: false }));
    },
  }),
});

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
