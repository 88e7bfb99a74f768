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
 * builds it with .then(). fetch is tide_fetch, over real HTTP to a local
 * server the program starts itself (seed_server.h); '/api/nsa-backdoor' is
 * not in its table, and fetch does not reject on a 404, so its error body is
 * printed like any other. The data are printed as JSON.stringify(data)
 * prints them in the twin, 000_get_resources.js.
 */
#include <stdio.h>
#include <tide.h>

#include "seed_server.h"

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
    *out = tide_response_json(response); /* a promise: the chain adopts it */
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
    tide_val response = tide_fetch(shift(it->endpoints), NULL);
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
    int port;
    tide_val server = seed_server_start(&port);
    if (tide_is_error(server))
        return *out = server, tide_error_code(server);

    const char *paths[] = {"/api/users", "/api/testers", "/api/hackers", "/api/nsa-backdoor"};
    char buf[4][64];
    const char *urls[4];
    for (size_t i = 0; i < 4; i++)
        urls[i] = http_server_url(buf[i], sizeof buf[i], port, paths[i]);
    endpoints resources = {urls, 4};

    tide_val data, err;
    int rc;
    tide_for_await (data, get_resources(&resources), &rc, &err) {
        tide_val json = tide_json_stringify(data); /* console.log(JSON.stringify(data)) */
        printf("%s\n", tide_is_error(json) ? "?" : tide_str(json));
        tide_release(json);
        tide_release(data);
    }
    http_server_stop(server);
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
