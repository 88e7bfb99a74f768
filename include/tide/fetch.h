/* tide — HTTP fetch, on libcurl driven by the loop.
 *
 *   const res = await fetch(url);
 *   if (res.status === 200)
 *     for await (const chunk of res.body) use(chunk);
 *
 *   tide_val res, chunk, err;
 *   int rc = tide_await(tide_fetch(url, NULL), &res);
 *   if (rc < 0) ... res is why ...
 *   if (tide_response_status(res) == 200)
 *       tide_for_await (chunk, tide_response_body(res), &rc, &err)
 *           use(chunk), tide_release(chunk);
 *   tide_release(res);
 *
 * As the web's fetch: tide_fetch's promise fulfils as soon as the status line
 * and the headers of the final response (after redirects) have arrived; an
 * HTTP error status is a response like any other (a 404 fulfils), and only a
 * failure to get a response rejects. The body then streams as an async
 * iterable of bytes chunks, or is collected whole by tide_response_text /
 * _bytes / _json.
 *
 * Transfers run on libcurl's multi-socket interface on the thread's loop:
 * every fetch of a loop shares one multi handle (and so its connection pool
 * and DNS cache); sockets are watched by libuv, libcurl's timer is a libuv
 * timer. A body nobody reads is not buffered without bound: past 512 KiB
 * queued the transfer pauses (libcurl's pause) and resumes, from a fresh
 * macrotask, when the consumer asks again — a slow consumer holds memory
 * flat, whatever the body's size.
 *
 * Cancellation: a fetch is tied to an abort signal — the one in its options,
 * else the running task's (tide_task_signal) — so cancelling the task that
 * started it stops the transfer, closes its connection and frees what it
 * holds. Aborted before the headers, the fetch's promise rejects with the
 * signal's reason; after, the body's pending and later reads do.
 *
 * Errors (each an error value with libcurl's own message in its text):
 *   TIDE_EINVAL     invalid URL, unsupported scheme (only http and https),
 *                   bad options
 *   TIDE_ENOTFOUND  DNS failure ("could not resolve host: ...")
 *   TIDE_ECONNREFUSED  refused or failed connection ("connection failed: ...")
 *   TIDE_ETLS       TLS failure ("TLS failure: ...")
 *   TIDE_EREDIRECT  too many redirects, or a redirect with redirect: error
 *   TIDE_ECONNRESET a connection that closed mid-body ("connection lost")
 *   TIDE_EIO        any other transfer failure
 *   TIDE_ETIMEDOUT  the options' timeout expired
 *   TIDE_ECANCELED  aborted (the signal's reason is what rejects: its code is
 *                   the reason's)
 *   TIDE_ENOMEM     out of memory
 *
 * Names are resolved with libuv (uv_getaddrinfo on its thread pool) and handed
 * to libcurl, so aborting during a lookup never blocks the loop; a redirect to
 * another host name is resolved by libcurl itself.
 *
 * Lifetimes: a response (TIDE_T_OBJECT of class "Response") holds its transfer;
 * releasing the last reference to a response whose body is still arriving
 * cancels the transfer. The loop stays alive while a transfer runs and a
 * consumer waits on it; the multi handle is freed when the last transfer of the
 * loop has ended (so connections are reused by fetches that overlap or follow
 * one another within the same tick) and, at the latest, when the loop is freed.
 */
#ifndef TIDE_FETCH_H
#define TIDE_FETCH_H

#include "iter.h"

/* What to do with a 3xx response that has a Location header (the web's
 * `redirect` option). */
typedef enum tide_redirect {
    TIDE_REDIRECT_FOLLOW = 0, /* follow it, up to max_redirects (the default) */
    TIDE_REDIRECT_MANUAL,     /* do not follow: the 3xx response is the answer */
    TIDE_REDIRECT_ERROR       /* reject with TIDE_EREDIRECT */
} tide_redirect;

/* Options of tide_fetch. A zero-initialised struct (or NULL) means a GET with
 * the defaults: follow up to 20 redirects, no timeout, the running task's
 * signal, TLS certificates verified. Everything here is borrowed and read
 * during the call only. */
typedef struct tide_fetch_options {
    /* "GET" (NULL), "POST", "PUT", "HEAD", any token. */
    const char *method;
    /* Request headers as "Name: value" strings, NULL-terminated (NULL: none).
     * "Name:" removes a header libcurl would send (e.g. "Expect:"). */
    const char *const *headers;
    /* The request body: undefined for none; a string or bytes value (copied;
     * sent with a Content-Length); or an async or sync iterable of string or
     * bytes chunks, streamed (chunked transfer encoding) as the consumer
     * pulls, one next() at a time — an async generator works. A body with no
     * method given makes the method "POST"; with GET or HEAD it is TIDE_ETYPE,
     * as in the web's fetch. A streamed body is not rewound: a 307/308
     * redirect of such a request fails. */
    tide_val body;
    /* A limit in milliseconds for the whole transfer, body included (libcurl's
     * CURLOPT_TIMEOUT_MS); 0: none. Rejects with TIDE_ETIMEDOUT — the fetch's
     * promise before the headers, the body's reads after. */
    uint64_t timeout_ms;
    tide_redirect redirect;
    /* Redirects followed at most (0: the default, 20); one more rejects. */
    unsigned max_redirects;
    /* The abort signal: undefined (the zero value) takes the running task's
     * (none outside a task); tide_null() opts out of cancellation; else a
     * signal (tide_abort_controller_signal, tide_abort_signal_timeout ...). */
    tide_val signal;
    /* true: do not verify the server's TLS certificate and name (curl -k). */
    bool insecure;
} tide_fetch_options;

/* fetch(url, opts): starts the request and returns a promise (owned) of its
 * response. url and opts are borrowed (copied as needed before the call
 * returns; opts may be NULL). Never fails synchronously: bad arguments (url
 * NULL or malformed, a scheme other than http/https, a body with GET) give a
 * rejected promise (TIDE_EINVAL, TIDE_ETYPE), and so does a signal that is
 * already aborted (with its reason). See the top of this file for how it
 * settles. Requests to loopback hosts (localhost, 127.x.x.x, ::1) never go
 * through a proxy set in the environment. */
TIDE_EXTERN tide_val tide_fetch(const char *url, const tide_fetch_options *opts);

/* ---- Responses --------------------------------------------------------
 * Accessors borrow the response and return 0 / NULL / false when v is not
 * one. Strings returned are borrowed: valid while the response is. */

/* True when v is a response. */
TIDE_EXTERN bool tide_is_response(tide_val v);
/* response.status: 200, 404 ... */
TIDE_EXTERN int tide_response_status(tide_val resp);
/* response.statusText: "OK", "Not Found" ...; "" when the status line has
 * none (HTTP/2). */
TIDE_EXTERN const char *tide_response_status_text(tide_val resp);
/* response.ok: status in 200..299. */
TIDE_EXTERN bool tide_response_ok(tide_val resp);
/* response.url: the final URL, after redirects. */
TIDE_EXTERN const char *tide_response_url(tide_val resp);
/* response.redirected: true when at least one redirect was followed. */
TIDE_EXTERN bool tide_response_redirected(tide_val resp);

/* Headers of the final response, in the order received; repeated headers are
 * kept (Set-Cookie twice is two entries), names are compared without regard
 * to case, values have surrounding spaces removed.
 *   tide_response_header_count(resp, "set-cookie")   how many (name NULL: all)
 *   tide_response_header(resp, "Set-Cookie", 1)      the second one's value,
 *                                                    or NULL; name NULL: the
 *                                                    index-th header of all
 *   tide_response_header_name(resp, i)               the i-th header's name as
 *                                                    sent, or NULL
 * The web's headers.get(name) joins repeated values with ", ": here, loop. */
TIDE_EXTERN size_t tide_response_header_count(tide_val resp, const char *name);
TIDE_EXTERN const char *tide_response_header(tide_val resp, const char *name, size_t index);
TIDE_EXTERN const char *tide_response_header_name(tide_val resp, size_t index);

/* response.body: an async iterator (owned) of the body's chunks, each a bytes
 * value (owned by whoever next() handed it to), in order; it ends (done)
 * with the body. A transfer that fails after the headers (the connection
 * closed mid-body, a timeout, an abort) makes the pending and later next()s
 * reject; chunks not yet read are dropped, as an errored web stream drops
 * them. return() — leaving a tide_for_await early — cancels the transfer.
 * Several calls give iterators over the same stream (they share its chunks).
 * A TIDE_ESTATE error value once text/bytes/json took the body; TIDE_ETYPE
 * when resp is not a response. resp borrowed. */
TIDE_EXTERN tide_val tide_response_body(tide_val resp);
/* response.bodyUsed: true once the body was asked for (any of the four). */
TIDE_EXTERN bool tide_response_body_used(tide_val resp);

/* The whole body, as a promise (owned) that settles when the transfer ends:
 *   text   a string (the bytes as received: no charset decoding)
 *   bytes  a bytes value
 *   json   the body parsed as JSON (see below)
 * Each takes the body: a second call, or a call after tide_response_body,
 * rejects with TIDE_ESTATE ("body already used"); resp not a response
 * rejects with TIDE_ETYPE. The response need not outlive the call: the
 * promise keeps the transfer going. A transfer failure rejects as the body's
 * next() would; invalid JSON rejects with TIDE_EINVAL ("JSON: what at offset
 * n"). */
TIDE_EXTERN tide_val tide_response_text(tide_val resp);
TIDE_EXTERN tide_val tide_response_bytes(tide_val resp);
TIDE_EXTERN tide_val tide_response_json(tide_val resp);

/* ---- JSON ------------------------------------------------------------
 * JSON.parse's values as tide values, by tide's own parser (RFC 8259's
 * grammar, as strict as JSON.parse; numbers read the same in any locale):
 *   null -> tide_null()         true/false -> tide_bool
 *   number -> tide_int when it is an integer that fits in int64_t (kept
 *             exact, where JavaScript rounds past 2^53), else tide_double
 *             (-0 is the double -0, past DBL_MAX Infinity, as JavaScript)
 *   string -> string value (UTF-8; a lone surrogate escape becomes U+FFFD)
 *   array -> array value (tide_array_get ...)
 *   object -> a JSON object: a user object of class "JSONObject" keeping its
 *             members in document order (a repeated key keeps the last
 *             value, at its first place, as JSON.parse does), read with the
 *             functions below.
 * Nesting deeper than 64 levels is refused (TIDE_EINVAL): the parser
 * recurses, and coroutine stacks are small. */

/* JSON.parse: the value (owned) of the n bytes at text, or a TIDE_EINVAL
 * error value ("JSON: what at offset n") / the ENOMEM error. text
 * borrowed. */
TIDE_EXTERN tide_val tide_json_parse(const char *text, size_t n);
/* JSON.stringify, compact: a string (owned), or an error value: TIDE_ETYPE
 * for values JSON has no form for (promises, iterators, other objects;
 * undefined inside an array is written null as JavaScript does), TIDE_EINVAL
 * nested deeper than 64. Numbers are written as JavaScript writes them for
 * the values tide_json_parse gives. v borrowed. */
TIDE_EXTERN tide_val tide_json_stringify(tide_val v);
/* True when v is a JSON object. */
TIDE_EXTERN bool tide_is_json_object(tide_val v);
/* Its number of members (0 for other values). */
TIDE_EXTERN size_t tide_json_object_len(tide_val obj);
/* Member i's key / value, borrowed (NULL / undefined out of range). */
TIDE_EXTERN const char *tide_json_object_key(tide_val obj, size_t i);
TIDE_EXTERN tide_val tide_json_object_value(tide_val obj, size_t i);
/* obj[key]: the member's value, borrowed; undefined when there is no such
 * member or obj is not a JSON object. A linear search. */
TIDE_EXTERN tide_val tide_json_get(tide_val obj, const char *key);

#endif
