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
 * Fetching goes to the stand-in in fake_fetch.h; data are printed as JSON
 * text. The twin is 000_get_resources_gen.js.
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

/* async function* getResources(endpoints): arg is main's endpoints. */
static int get_resources(tide_gen *g, void *arg, tide_val *out) {
    endpoints *e = arg;
    while (e->length > 0) {
        const char *endpoint = shift(e);
        tide_val response, data;
        int rc = tide_await(fake_fetch(endpoint), &response);
        if (rc < 0)
            return *out = response, rc; /* the consumer's next() rejects */
        rc = tide_await(fake_response_json(response), &data);
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
    const char *urls[] = {"/api/users", "/api/testers", "/api/hackers", "/api/nsa-backdoor"};
    endpoints resources = {urls, sizeof urls / sizeof urls[0]};

    tide_val data, err;
    int rc;
    tide_for_await (data, tide_async_gen(get_resources, &resources), &rc, &err) {
        printf("%s\n", tide_str(data)); /* JSON text: see fake_fetch.h */
        tide_release(data);
    }
    if (rc < 0)
        return *out = err, rc;
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
