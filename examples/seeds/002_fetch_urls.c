/* Seed 002: fetchURLs, an async generator that fetches each URL and yields
 * its body upper-cased — or undefined when the status is not 200 — consumed
 * with for await.
 *
 *   async function* fetchURLs(urls) {
 *     for (let url of urls) {
 *       let res = await fetch(url);
 *       if (res.status == 200) {
 *         let text = await res.text();
 *         yield text.toUpperCase();
 *       } else {
 *         yield undefined;
 *       }
 *     }
 *   }
 *
 *   async function main(favoriteSites) {
 *     for await (let text of fetchURLs(favoriteSites)) console.log(text);
 *   }
 *
 * `yield` pushes a value out to the consumer, `await` pulls one in. The
 * `for (let url of urls)` over the array is a tide_for_of inside the
 * generator; a `return` out of it (when the consumer stops early) closes the
 * array's iterator on the way. fetch is tide_fetch, over real HTTP to a
 * local server the program starts itself (seed_server.h), where
 * '/api/nsa-backdoor' answers 404. The twin is 002_fetch_urls.js.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <tide.h>

#include "seed_server.h"

/* text.toUpperCase() for ASCII text: a new string (owned). text borrowed. */
static tide_val to_upper_case(tide_val text) {
    size_t n = tide_str_len(text);
    char *s = malloc(n + 1);
    if (!s)
        return tide_error_new(TIDE_ENOMEM, NULL);
    for (size_t i = 0; i <= n; i++)
        s[i] = (char)toupper((unsigned char)tide_str(text)[i]);
    tide_val upper = tide_str_newn(s, n);
    free(s);
    return upper;
}

/* async function* fetchURLs(urls): arg is the array of URLs (borrowed: main
 * holds it until the loop is over). */
static int fetch_urls(tide_gen *g, void *arg, tide_val *out) {
    tide_val urls = *(tide_val *)arg, url, err;
    int rc;
    tide_for_of (url, tide_retain(urls), &rc, &err) {
        tide_val res, text;
        int st = tide_await(tide_fetch(tide_str(url), NULL), &res);
        tide_release(url);
        if (st < 0)
            return *out = res, st; /* leaving the loop closes its iterator */
        if (tide_response_status(res) == 200) {
            st = tide_await(tide_response_text(res), &text);
            tide_release(res);
            if (st < 0)
                return *out = text, st;
            tide_val upper = to_upper_case(text);
            tide_release(text);
            st = tide_yield(g, upper, out);
        } else {
            tide_release(res);
            st = tide_yield(g, tide_undefined(), out);
        }
        if (st != 0)
            return st; /* return() or throw() from the consumer */
    }
    if (rc < 0)
        return *out = err, rc;
    *out = tide_undefined();
    return 0;
}

/* async function main(favoriteSites): arg is a NULL-terminated list of
 * paths, made into an array (a tide value) of URLs on the local server here,
 * on the loop. */
static int main_async(void *arg, tide_val *out) {
    const char **sites = arg;
    int port;
    tide_val server = seed_server_start(&port);
    if (tide_is_error(server))
        return *out = server, tide_error_code(server);
    tide_val favorite_sites = tide_array_new(0);
    for (size_t i = 0; sites[i]; i++) {
        char url[64];
        int st = tide_array_push(favorite_sites,
                                 tide_str_new(http_server_url(url, sizeof url, port, sites[i])));
        if (st != 0) {
            tide_release(favorite_sites);
            http_server_stop(server);
            return *out = tide_error_new(st, NULL), st;
        }
    }

    tide_val text, err;
    int rc;
    tide_for_await (text, tide_async_gen(fetch_urls, &favorite_sites), &rc, &err) {
        char buf[256];
        printf("%s\n", tide_format(text, buf, sizeof buf)); /* a string or undefined */
        tide_release(text);
    }
    tide_release(favorite_sites);
    http_server_stop(server);
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) {
    const char *favorite_sites[] = {"/api/users", "/api/nsa-backdoor", "/api/hackers", NULL};
    return tide_run(main_async, favorite_sites);
}
