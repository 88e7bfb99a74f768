/* Seed 002: "under the hood, async/await is just a generator that yields
 * promises". logTweet twice: as an async function, and as a generator that
 * yields each promise to a small runner, which resumes it with the settled
 * value — what `async` and `await` do for you.
 *
 *   async function logTweet() {            function* logTweet() {
 *     var tweet = await fetch(url);          var tweet = yield fetch(url);
 *     console.log(tweet);                    console.log(tweet);
 *   }                                      }
 *
 * Two corrections to the seed (see 002_log_tweet.js, the twin): fetch gives
 * a response, not the tweet, so both versions read its text, which takes a
 * second await / yield; and the seed's runner treats iterator.next() as the
 * promise, where it is { value, done } with the promise in .value — the
 * runner here is a general one. Fetching goes to the stand-in in
 * fake_fetch.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <tide.h>

#include "fake_fetch.h"

#define TWEET_URL "https://twitter.com/eileen/1"

/* async function logTweet() */
static int log_tweet_async(void *arg, tide_val *out) {
    (void)arg;
    tide_val response, tweet;
    int rc = tide_await(fake_fetch(TWEET_URL), &response);
    if (rc < 0)
        return *out = response, rc;
    rc = tide_await(fake_response_text(response), &tweet);
    tide_release(response);
    if (rc < 0)
        return *out = tweet, rc;
    printf("async function: %s\n", tide_str(tweet));
    tide_release(tweet);
    return 0;
}

/* function* logTweet(): the same body, with yield where await was. What
 * comes back from a yield is whatever the runner resumes it with. */
static int log_tweet(tide_gen *g, void *arg, tide_val *out) {
    (void)arg;
    tide_val response, tweet;
    int rc = tide_yield(g, fake_fetch(TWEET_URL), &response);
    if (rc != 0)
        return *out = response, rc; /* thrown into (a rejection), or returned */
    rc = tide_yield(g, fake_response_text(response), &tweet);
    tide_release(response);
    if (rc != 0)
        return *out = tweet, rc;
    printf("generator:      %s\n", tide_str(tweet));
    tide_release(tweet);
    *out = tide_undefined();
    return 0;
}

/* ---- run(iterator): drives a generator that yields promises ------------
 *
 * Each value the generator yields is turned into a promise; when it fulfils,
 * the generator is resumed with next(value), when it rejects, with
 * throw(reason). run() returns a promise of the generator's return value. */

typedef struct runner {
    tide_val iterator; /* the generator */
    tide_val promise;  /* what run() returned */
} runner;

static void step(runner *r, bool thrown, tide_val arg);

static int on_fulfilled(void *data, tide_val value, tide_val *out) {
    (void)out;
    step(data, false, tide_retain(value)); /* value => step('next', value) */
    return 0;
}

static int on_rejected(void *data, tide_val reason, tide_val *out) {
    (void)out;
    step(data, true, tide_retain(reason)); /* error => step('throw', error) */
    return 0;
}

/* iterator[method](arg), then wait for what it yielded. arg is taken. */
static void step(runner *r, bool thrown, tide_val arg) {
    tide_val value;
    bool done;
    int rc = thrown ? tide_iter_throw(r->iterator, arg, &value, &done)
                    : tide_iter_next(r->iterator, arg, &value, &done);
    if (rc < 0 || done) { /* the generator threw or returned: settle run()'s promise */
        if (rc < 0)
            tide_promise_reject(r->promise, value);
        else
            tide_promise_resolve(r->promise, value);
        tide_release(r->promise);
        tide_release(r->iterator);
        free(r);
        return;
    }
    /* Promise.resolve(value).then(on_fulfilled, on_rejected) */
    tide_release(tide_promise_then(tide_promise_resolved(value), on_fulfilled, on_rejected, r));
}

/* run(iterator): iterator is taken; returns a promise (owned). */
static tide_val run(tide_val iterator) {
    runner *r = malloc(sizeof *r);
    if (!r) {
        tide_release(iterator);
        return tide_promise_rejected(tide_error_new(TIDE_ENOMEM, NULL));
    }
    tide_val promise = tide_promise_new();
    *r = (runner){iterator, tide_retain(promise)};
    step(r, false, tide_undefined());
    return promise;
}

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    tide_val v;
    /* await logTweet()  — the async function */
    int rc = tide_await(tide_async(log_tweet_async, NULL), &v);
    if (rc < 0)
        return *out = v, rc;
    /* await run(logTweet())  — the generator, driven by the runner */
    rc = tide_await(run(tide_generator(log_tweet, NULL)), &v);
    if (rc < 0)
        return *out = v, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
