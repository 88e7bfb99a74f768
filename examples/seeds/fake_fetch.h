/* fake_fetch — a stand-in for fetch() in the seed examples.
 *
 * Only 002_log_tweet uses it now, for its tweet's URL on twitter.com (which
 * the seed fetches and no local server can stand for); the examples that
 * fetch the /api/ paths use tide_fetch against a local HTTP server they start
 * (seed_server.h, ../http_server.h). fake_fetch has fetch's shape: a promise
 * of a response whose text() and json() are promises too. Answers come from
 * the fixed table below after a short delay (scaled like every delay in the
 * seeds); a URL not in the table answers 404, as a server would.
 * fake_fetch.js is the same table for the JavaScript twins.
 *
 *   JavaScript                      C
 *   fetch(url)                      fake_fetch(url)
 *   response.status                 fake_response_status(response)
 *   response.text()                 fake_response_text(response)
 *   response.json()                 fake_response_json(response)
 *
 * One difference: json() fulfils with the JSON text itself (a string), not
 * parsed as tide_response_json does. The table's bodies are written compactly, so
 * that text is what JSON.stringify(await response.json()) gives in the twin.
 */
#ifndef FAKE_FETCH_H
#define FAKE_FETCH_H

#include <string.h>

#include <tide.h>

#include "seed_util.h"

/* How long a fake request takes, before scaling. */
#define FAKE_FETCH_MS 100

static const struct fake_route {
    const char *url;
    const char *body;
} fake_routes[] = {
    {"/api/users", "[{\"name\":\"ada\"},{\"name\":\"grace\"}]"},
    {"/api/testers", "[{\"name\":\"margaret\"}]"},
    {"/api/hackers", "[{\"name\":\"kevin\"},{\"name\":\"adrian\"}]"},
    {"https://twitter.com/eileen/1", "just setting up my tide"},
};

#define FAKE_NOT_FOUND "{\"error\":\"not found\"}"

/* A response: a user object of class "Response". */
typedef struct fake_response {
    int status;
    tide_val body; /* a string */
} fake_response;

static void fake_response_finalize(void *data) {
    tide_release(((fake_response *)data)->body);
}

static const tide_class fake_response_class = {
    .name = "Response",
    .finalize = fake_response_finalize,
};

/* The async function behind fake_fetch. url (arg) is borrowed and only read
 * before the first await, while the caller's string is surely alive. */
static int fake_fetch_body(void *arg, tide_val *out) {
    const char *url = arg;
    const char *body = FAKE_NOT_FOUND;
    int status = 404;
    for (size_t i = 0; i < sizeof fake_routes / sizeof fake_routes[0]; i++)
        if (strcmp(url, fake_routes[i].url) == 0) {
            body = fake_routes[i].body;
            status = 200;
        }

    tide_val v;
    int rc = tide_await(tide_sleep(seed_ms(FAKE_FETCH_MS)), &v); /* the network */
    if (rc < 0)
        return *out = v, rc;

    tide_val response = tide_object_new(&fake_response_class, sizeof(fake_response));
    if (tide_is_error(response))
        return *out = response, tide_error_code(response);
    fake_response *r = tide_object_data(response);
    r->status = status;
    r->body = tide_str_new(body);
    if (tide_is_error(r->body)) {
        *out = tide_retain(r->body);
        tide_release(response);
        return tide_error_code(*out);
    }
    *out = response;
    return 0;
}

/* fetch(url): a promise (owned) of a response. url is borrowed. */
static inline tide_val fake_fetch(const char *url) {
    if (!url)
        return tide_promise_rejected(tide_error_new(TIDE_EINVAL, "fake_fetch: NULL url"));
    return tide_async_named("fake_fetch", fake_fetch_body, (void *)url);
}

/* The response's data, or NULL if v is not a response. v borrowed. */
static inline fake_response *fake_response_of(tide_val v) {
    return tide_object_class(v) == &fake_response_class ? tide_object_data(v) : NULL;
}

/* response.status; 0 if response (borrowed) is not a response. */
static inline int fake_response_status(tide_val response) {
    fake_response *r = fake_response_of(response);
    return r ? r->status : 0;
}

/* response.text(): a promise (owned) of the body as a string. response is
 * borrowed. */
static inline tide_val fake_response_text(tide_val response) {
    fake_response *r = fake_response_of(response);
    if (!r)
        return tide_promise_rejected(tide_error_new(TIDE_ETYPE, "not a Response"));
    return tide_promise_resolved(tide_retain(r->body));
}

/* response.json(): a promise (owned) of the body's JSON — as its text, see
 * above. response is borrowed. */
static inline tide_val fake_response_json(tide_val response) {
    return fake_response_text(response);
}

#endif
