// fakeFetch — the stand-in for fetch() that the seed examples use; the same
// table and delay as fake_fetch.h, where the C programs get theirs.
//
// tide's own HTTP fetch is not written yet: the C side will switch to
// tide_fetch against a local test server, and these twins to the real fetch
// against the same server.
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
