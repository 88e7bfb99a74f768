/* seed_server — the local HTTP server the seed examples that fetch start
 * (000_get_resources, 000_get_resources_gen, 002_fetch_urls; the tour's
 * pipeline too): ../http_server.h on 127.0.0.1 with a port the system picks,
 * serving the table below. A path not in it answers 404 with
 * {"error":"not found"} ('/api/nsa-backdoor' is one).
 *
 * The JavaScript twins keep fake_fetch.js, whose table is this one: the
 * outputs compare equal.
 */
#ifndef SEED_SERVER_H
#define SEED_SERVER_H

#include "../http_server.h"

static const struct route seed_routes[] = {
    {"/api/users", "[{\"name\":\"ada\"},{\"name\":\"grace\"}]"},
    {"/api/testers", "[{\"name\":\"margaret\"}]"},
    {"/api/hackers", "[{\"name\":\"kevin\"},{\"name\":\"adrian\"}]"},
};

/* Starts serving seed_routes (from a task); *port gets its port. The server
 * (owned), for http_server_stop, or an error value. */
static inline tide_val seed_server_start(int *port) {
    return http_server_start(seed_routes, sizeof seed_routes / sizeof seed_routes[0], 0, port);
}

#endif
