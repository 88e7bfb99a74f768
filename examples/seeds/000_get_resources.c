/* Seed 000: getResources, an async iterator written by hand that fetches a
 * list of endpoints one after the other.
 *
 *   const getResources = endpoints => ({
 *     [Symbol.asyncIterator]: () => ({
 *       next: () => {
 *         if (endpoints.length === 0) {
 *           return Promise.resolve({ done: true })
 *         }
 *         return fetch(endpoints.shift())
 *           .then(response => response.json())
 *           .then(value => ({ value, done: false }))
 *       }
 *     })
 *   })
 *
 *   for await (const data of getResources(resources)) console.log(data);
 *
 * next() returns a promise chain built with tide_promise_then, as the seed
 * builds it with .then(). Fetching goes to fake_fetch.h, a stand-in with
 * fetch's shape; '/api/nsa-backdoor' is not in its table, and fetch does not
 * reject on a 404, so its error body is printed like any other. The data are
 * printed as JSON text, as JSON.stringify(data) prints them in the twin,
 * 000_get_resources.js.
 */
#include <stdio.h>
#include <tide.h>

#include "fake_fetch.h"

/* The caller's array of endpoints. Like the seed's endpoints.shift(),
 * iterating consumes it. */
typedef struct endpoints {
    const char **urls;
    size_t length;
} endpoints;

static const char *shift(endpoints *e) {
    e->length--;
    return *e->urls++;
}

/* What getResources' object and its iterator hold: the endpoints (borrowed:
 * main's, which outlive the loop). */
typedef struct resources {
    endpoints *endpoints;
} resources;

/* ---- the iterator: { next } ------------------------------------------ */

/* response => response.json() */
static int to_json(void *data, tide_val response, tide_val *out) {
    (void)data;
    *out = fake_response_json(response); /* a promise: the chain adopts it */
    return 0;
}

/* value => ({ value, done: false }) */
static int to_result(void *data, tide_val value, tide_val *out) {
    (void)data;
    *out = tide_iter_result(tide_retain(value), false);
    return tide_is_error(*out) ? tide_error_code(*out) : 0;
}

static tide_val resources_next(tide_val self, tide_val v) {
    resources *it = tide_object_data(self);
    tide_release(v);
    if (it->endpoints->length == 0)
        return tide_promise_resolved(tide_iter_result(tide_undefined(), true));
    tide_val response = fake_fetch(shift(it->endpoints));
    tide_val json = tide_promise_then(response, to_json, NULL, NULL);
    return tide_promise_then(json, to_result, NULL, NULL);
}

static const tide_async_iter_methods resources_methods = {.next = resources_next};
static const tide_class resources_iter_class = {.name = "ResourcesIterator",
                                                .async_iter = &resources_methods};

/* ---- getResources(endpoints): { [Symbol.asyncIterator]: () => ... } -- */

static tide_val resources_async_iterator(tide_val self) {
    tide_val it = tide_object_new(&resources_iter_class, sizeof(resources));
    if (!tide_is_error(it))
        *(resources *)tide_object_data(it) = *(resources *)tide_object_data(self);
    return it;
}

static const tide_class resources_class = {.name = "Resources",
                                           .async_iterator = resources_async_iterator};

/* getResources(endpoints): e is borrowed and must outlive the iteration. */
static tide_val get_resources(endpoints *e) {
    tide_val r = tide_object_new(&resources_class, sizeof(resources));
    if (!tide_is_error(r))
        ((resources *)tide_object_data(r))->endpoints = e;
    return r;
}

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    const char *urls[] = {"/api/users", "/api/testers", "/api/hackers", "/api/nsa-backdoor"};
    endpoints resources = {urls, sizeof urls / sizeof urls[0]};

    tide_val data, err;
    int rc;
    tide_for_await (data, get_resources(&resources), &rc, &err) {
        printf("%s\n", tide_str(data)); /* JSON text: see fake_fetch.h */
        tide_release(data);
    }
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
