// Seed 002: "under the hood, async/await is just a generator that yields
// promises". logTweet twice: as an async function, and as a generator that
// yields each promise to a small runner, which resumes it with the settled
// value — what `async` and `await` do for you. The twin of 002_log_tweet.c.
//
// Corrections to the seed:
// - fetch gives a response, not the tweet: both versions read its text,
//   which takes a second await / yield. fetch is the stand-in from
//   fake_fetch.js.
// - The seed drives the generator with
//     var yieldedPromise = iterator.next();
//     yieldedPromise.then((tweet) => iterator.next(tweet));
//   but iterator.next() returns { value, done }: the promise is its .value.
//   run() below is a general runner: it resumes the generator with each
//   settled value (or throws the rejection into it) until it is done.
'use strict';

const { fakeFetch: fetch } = require('./fake_fetch.js');

const TWEET_URL = 'https://twitter.com/eileen/1';

async function logTweetAsync() {
  var response = await fetch(TWEET_URL);
  var tweet = await response.text();
  console.log('async function: ' + tweet);
}

function* logTweet() {
  var response = yield fetch(TWEET_URL);
  var tweet = yield response.text();
  console.log('generator:      ' + tweet);
}

function run(iterator) {
  return new Promise((resolve, reject) => {
    function step(method, arg) {
      let result;
      try {
        result = iterator[method](arg);
      } catch (error) {
        reject(error); // the generator threw
        return;
      }
      if (result.done) {
        resolve(result.value);
        return;
      }
      Promise.resolve(result.value).then(
        (value) => step('next', value),
        (error) => step('throw', error),
      );
    }
    step('next', undefined);
  });
}

(async () => {
  await logTweetAsync();
  await run(logTweet());
})();
