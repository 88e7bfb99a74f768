/* Seed 000: getResources again, as an async generator.
 *
 *   async function* getResources(endpoints) {
 *     while (endpoints.length > 0) {
 *       const endpoint = endpoints.shift()
 *       const response = await fetch(endpoint)
 *       yield await response.json()
 *     }
 *   }
 *
 *   for await (const data of getResources(resources)) console.log(data);
 *
 * The body awaits and yields as the JavaScript does; the loop that consumes
 * it is the same as for the hand-written iterator (000_get_resources.c).
 * fetch is tide_fetch, over real HTTP to a local server the program starts
 * itself (seed_server.h); json() is tide_response_json, and data are printed
 * as JSON.stringify(data) prints them in the twin, 000_get_resources_gen.js.
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

/* async function* getResources(endpoints): arg is main's endpoints. */
static int get_resources(tide_gen *g, void *arg, tide_val *out) {
    endpoints *e = arg;
    while (e->length > 0) {
        const char *endpoint = shift(e);
        tide_val response, data;
        int rc = tide_await(tide_fetch(endpoint, NULL), &response);
        if (rc < 0)
            return *out = response, rc; /* the consumer's next() rejects */
        rc = tide_await(tide_response_json(response), &data);
        tide_release(response);
        if (rc < 0)
            return *out = data, rc;
        if ((rc = tide_yield(g, data, out)) != 0)
            return rc; /* return() or throw() from the consumer */
    }
    *out = tide_undefined();
    return 0;
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
    tide_for_await (data, tide_async_gen(get_resources, &resources), &rc, &err) {
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
