/* http_server — a tiny HTTP/1.1 server on tide's TCP layer, for the examples
 * that fetch (the seeds' getResources and fetchURLs, the tour's pipeline):
 * they start one on 127.0.0.1, port 0 (so two runs never collide), fetch
 * from it with tide_fetch, and stop it when they are done so that their
 * loop can end.
 *
 *   static const struct route routes[] = {{"/api/users", "[...]"}, ...};
 *
 *   int port;
 *   tide_val server = http_server_start(routes, 2, 0, &port);  // in a task
 *   ... tide_fetch("http://127.0.0.1:<port>/api/users", NULL) ...
 *   http_server_stop(server);
 *
 * The accept loop is a tide_for_await over the server, in a task of its own;
 * each connection is an async function that reads the request until the
 * blank line ending its head, answers from the route table with
 *
 *   HTTP/1.1 200 OK\r\nContent-Length: N\r\nConnection: close\r\n\r\nbody
 *
 * (404 Not Found with HTTP_SERVER_NOT_FOUND for a path not in the table, 400
 * for a head it cannot read), then ends its side and closes. Only the
 * request line's path is looked at: the method and the headers are ignored.
 *
 * Written on tide's public API alone, as a program of its own could be. The
 * tasks it starts never reject (a connection that fails is just closed), so
 * they cannot make tide_run report an unhandled rejection.
 */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tide.h>

/* One answer: the body (a string) served for a path, with status 200. */
struct route {
    const char *path;
    const char *body;
};

/* The body of a 404. */
#define HTTP_SERVER_NOT_FOUND "{\"error\":\"not found\"}"

/* A request head longer than this is answered 400. */
#define HTTP_SERVER_MAX_HEAD 4096

/* What the server's tasks share: the route table (borrowed — it must outlive
 * every connection: a static table) and the delay before each answer. */
struct http_server_config {
    const struct route *routes;
    size_t n;
    uint64_t delay_ms;
};

/* What a connection's task gets: copied before its first await. */
struct http_conn_arg {
    tide_val conn; /* taken */
    struct http_server_config config;
};

/* The status and body for a request head (NUL-terminated). */
static int http_server_answer(const struct http_server_config *c, const char *head,
                              const char **body) {
    /* "GET /path HTTP/1.1\r\n..." */
    const char *sp = strchr(head, ' ');
    const char *eol = strstr(head, "\r\n");
    const char *end = sp ? strchr(sp + 1, ' ') : NULL;
    if (!sp || !end || !eol || end > eol) {
        *body = "bad request";
        return 400;
    }
    const char *path = sp + 1;
    size_t len = (size_t)(end - path);
    for (size_t i = 0; i < c->n; i++)
        if (strlen(c->routes[i].path) == len && memcmp(c->routes[i].path, path, len) == 0) {
            *body = c->routes[i].body;
            return 200;
        }
    *body = HTTP_SERVER_NOT_FOUND;
    return 404;
}

/* async function handle(conn): read the head, answer, close. Never rejects. */
static int http_server_conn(void *arg, tide_val *out) {
    struct http_conn_arg a = *(struct http_conn_arg *)arg; /* before the first await */
    char head[HTTP_SERVER_MAX_HEAD + 1];
    size_t len = 0;
    head[0] = '\0';
    bool complete = false;
    tide_val it = tide_async_iter_get(a.conn), res, r;

    /* Reads until "\r\n\r\n" with next() by hand: leaving a tide_for_await
     * early would call return(), which closes a connection. */
    while (!complete && len < HTTP_SERVER_MAX_HEAD) {
        if (tide_is_error(it) || tide_await(tide_async_iter_next(it, tide_undefined()), &res) < 0) {
            if (!tide_is_error(it))
                tide_release(res); /* reset by the peer, say: nothing to answer */
            tide_release(it);
            goto done;
        }
        bool ended = tide_iter_result_done(res);
        tide_val chunk = tide_iter_result_value(res);
        size_t n = ended ? 0 : tide_bytes_len(chunk);
        if (n > HTTP_SERVER_MAX_HEAD - len)
            n = HTTP_SERVER_MAX_HEAD - len;
        if (n)
            memcpy(head + len, tide_bytes_data(chunk), n);
        len += n;
        head[len] = '\0';
        tide_release(res);
        if (ended)
            break;
        complete = strstr(head, "\r\n\r\n") != NULL;
    }
    tide_release(it);
    if (!complete && len < HTTP_SERVER_MAX_HEAD)
        goto done; /* the peer ended before a whole head */

    if (a.config.delay_ms) {
        tide_await(tide_sleep(a.config.delay_ms), &r);
        tide_release(r);
    }

    const char *body;
    int status = complete ? http_server_answer(&a.config, head, &body) : (body = "bad request", 400);
    const char *reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request";
    size_t blen = strlen(body);
    char top[256];
    int tlen = snprintf(top, sizeof top,
                        "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n"
                        "Content-Type: %s\r\nConnection: close\r\n\r\n",
                        status, reason, blen,
                        body[0] == '[' || body[0] == '{' ? "application/json" : "text/plain");
    char *msg = malloc((size_t)tlen + blen);
    if (!msg)
        goto done;
    memcpy(msg, top, (size_t)tlen);
    memcpy(msg + tlen, body, blen);
    tide_val data = tide_bytes_new(msg, (size_t)tlen + blen);
    free(msg);
    if (tide_await(tide_tcp_write(a.conn, data), &r) < 0) {
        tide_release(r);
        goto done;
    }
    tide_release(r);
    if (tide_await(tide_tcp_shutdown(a.conn), &r) < 0) {
        tide_release(r);
        goto done;
    }
    tide_release(r);

done:
    tide_tcp_close(a.conn);
    tide_release(a.conn);
    *out = tide_undefined();
    return 0;
}

/* What the accept loop's task gets: copied before its first await. */
struct http_serve_arg {
    tide_val server; /* borrowed: retained by the loop itself */
    struct http_server_config config;
};

/* The accept loop: one task per connection, until the server is closed.
 * Never rejects. */
static int http_server_serve(void *arg, tide_val *out) {
    struct http_serve_arg a = *(struct http_serve_arg *)arg;
    tide_val conn, err;
    int rc;
    tide_for_await (conn, tide_retain(a.server), &rc, &err) {
        struct http_conn_arg c = {conn, a.config};
        tide_release(tide_async(http_server_conn, &c)); /* it takes conn */
    }
    if (rc < 0)
        tide_release(err); /* an accept error: stop serving */
    *out = tide_undefined();
    return 0;
}

/* Starts serving routes[0..n) on 127.0.0.1 with a port the system picks,
 * stored in *port. Each answer waits delay_ms first (0: none). Call it from a
 * task (an async function), on the loop the fetches will run on. Returns the
 * server (owned), to give to http_server_stop; or an error value (owned). */
static inline tide_val http_server_start(const struct route *routes, size_t n, uint64_t delay_ms,
                                         int *port) {
    tide_val server = tide_tcp_listen("127.0.0.1", 0, 0);
    if (tide_is_error(server))
        return server;
    *port = tide_tcp_server_port(server);
    struct http_serve_arg a = {server, {routes, n, delay_ms}};
    /* With no signal of its own, the server is not cancelled with the task
     * that started it: http_server_stop ends it. */
    tide_release(tide_async_signal(http_server_serve, &a, tide_undefined()));
    return server;
}

/* Stops accepting (the accept loop ends, and the loop can finish once the
 * connections in progress have) and releases server (taken). */
static inline void http_server_stop(tide_val server) {
    tide_tcp_close(server);
    tide_release(server);
}

/* "http://127.0.0.1:<port><path>" into buf (of size n); returns buf. */
static inline const char *http_server_url(char *buf, size_t n, int port, const char *path) {
    snprintf(buf, n, "http://127.0.0.1:%d%s", port, path);
    return buf;
}

#endif
