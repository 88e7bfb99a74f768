/* io — fetch's responses: the Response object, the body as an async
 * iterator of chunks with flow control, text / bytes / json, and streamed
 * request bodies.
 *
 * The body's state lives in the transfer (fetch_xfer): a queue of chunks
 * the write callback filled and nobody has read, and a queue of next()s
 * waiting for a chunk. The write callback hands a chunk straight to the
 * oldest waiting next(), or queues it; past FETCH_HIGH bytes queued it
 * returns CURL_WRITEFUNC_PAUSE, and a next() that brings the queue under
 * FETCH_LOW schedules the resume (an immediate: fetch.c's on_resume). */
#include <stdlib.h>
#include <string.h>

#include "fetch_impl.h"

/* ---- A FIFO of values ------------------------------------------------- */

int tide__vq_push(vqueue *q, tide_val v) {
    if (q->len == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 8;
        tide_val *a = tide__malloc(cap * sizeof *a);
        if (!a) {
            tide_release(v);
            return TIDE_ENOMEM;
        }
        for (size_t i = 0; i < q->len; i++)
            a[i] = q->v[(q->head + i) % q->cap];
        tide__free(q->v);
        q->v = a;
        q->cap = cap;
        q->head = 0;
    }
    q->v[(q->head + q->len) % q->cap] = v;
    q->len++;
    return 0;
}

tide_val tide__vq_shift(vqueue *q) {
    if (!q->len)
        return tide_undefined();
    tide_val v = q->v[q->head];
    q->head = (q->head + 1) % q->cap;
    q->len--;
    return v;
}

void tide__vq_clear(vqueue *q) {
    while (q->len)
        tide_release(tide__vq_shift(q));
    tide__free(q->v);
    q->v = NULL;
    q->head = q->cap = 0;
}

/* ---- The Response --------------------------------------------------------- */

typedef struct response {
    fetch_xfer *x;
} response;

static void response_finalize(void *data) {
    fetch_xfer *x = ((response *)data)->x;
    x->resp_alive = false;
    tide__xfer_hold(x);
    tide__xfer_abandon(x); /* a body still arriving: nobody can read it now */
    tide__xfer_unhold(x);
}

static const tide_class response_class = {
    .name = "Response",
    .finalize = response_finalize,
};

tide_val tide__response_new(fetch_xfer *x) {
    tide_val r = tide_object_new(&response_class, sizeof(response));
    if (tide_is_error(r))
        return r;
    ((response *)tide_object_data(r))->x = x;
    x->resp_alive = true;
    return r;
}

static fetch_xfer *xfer_of(tide_val v) {
    if (tide_object_class(v) != &response_class)
        return NULL;
    return ((response *)tide_object_data(v))->x;
}

bool tide_is_response(tide_val v) { return xfer_of(v) != NULL; }

int tide_response_status(tide_val resp) {
    fetch_xfer *x = xfer_of(resp);
    return x ? x->status : 0;
}

const char *tide_response_status_text(tide_val resp) {
    fetch_xfer *x = xfer_of(resp);
    return x ? (x->status_text ? x->status_text : "") : NULL;
}

bool tide_response_ok(tide_val resp) {
    int s = tide_response_status(resp);
    return s >= 200 && s <= 299;
}

const char *tide_response_url(tide_val resp) {
    fetch_xfer *x = xfer_of(resp);
    return x ? x->final_url : NULL;
}

bool tide_response_redirected(tide_val resp) {
    fetch_xfer *x = xfer_of(resp);
    return x && x->redirected;
}

size_t tide_response_header_count(tide_val resp, const char *name) {
    fetch_xfer *x = xfer_of(resp);
    if (!x)
        return 0;
    if (!name)
        return x->hcount;
    size_t n = 0;
    for (size_t i = 0; i < x->hcount; i++)
        n += strcasecmp(x->hnames[i], name) == 0;
    return n;
}

const char *tide_response_header(tide_val resp, const char *name, size_t index) {
    fetch_xfer *x = xfer_of(resp);
    if (!x)
        return NULL;
    for (size_t i = 0; i < x->hcount; i++)
        if (!name || strcasecmp(x->hnames[i], name) == 0) {
            if (index == 0)
                return x->hvalues[i];
            index--;
        }
    return NULL;
}

const char *tide_response_header_name(tide_val resp, size_t index) {
    fetch_xfer *x = xfer_of(resp);
    return x && index < x->hcount ? x->hnames[index] : NULL;
}

bool tide_response_body_used(tide_val resp) {
    fetch_xfer *x = xfer_of(resp);
    return x && x->body_used;
}

/* ---- Collecting: text / bytes / json --------------------------------------- */

static bool buf_append(fetch_xfer *x, const void *data, size_t n) {
    if (x->blen + n + 1 > x->bcap) {
        size_t cap = x->bcap ? x->bcap : 16384;
        while (cap < x->blen + n + 1)
            cap *= 2;
        char *b = tide__realloc(x->buf, cap);
        if (!b)
            return false;
        x->buf = b;
        x->bcap = cap;
    }
    memcpy(x->buf + x->blen, data, n);
    x->blen += n;
    return true;
}

/* Settles the collector's promise: with the body (ok) or x->err. */
static void collect_settle(fetch_xfer *x, bool ok) {
    tide_val p = x->collect_p, resp = x->collect_resp;
    x->collect_p = x->collect_resp = tide_undefined();
    if (!tide_is_obj(p))
        return;
    if (!ok) {
        tide_promise_reject(p, tide_retain(x->err));
    } else {
        const char *data = x->buf ? x->buf : "";
        tide_val v = x->collect == COLLECT_TEXT    ? tide_str_newn(data, x->blen)
                     : x->collect == COLLECT_BYTES ? tide_bytes_new(data, x->blen)
                                                   : tide__json_parse(data, x->blen);
        if (tide_is_error(v))
            tide_promise_reject(p, v);
        else
            tide_promise_resolve(p, v);
    }
    tide__free(x->buf);
    x->buf = NULL;
    x->blen = x->bcap = 0;
    tide_release(p);
    tide_release(resp); /* last: it may free x */
}

static tide_val collect(tide_val resp, int kind, const char *what) {
    fetch_xfer *x = xfer_of(resp);
    if (!x)
        return tide_promise_rejected(tide_error_new(TIDE_ETYPE, "%s: not a Response", what));
    if (x->body_used)
        return tide_promise_rejected(tide_error_new(TIDE_ESTATE, "%s: body already used", what));
    x->body_used = true;
    if (!tide_is_undefined(x->err))
        return tide_promise_rejected(tide_retain(x->err));
    tide_val p = tide_promise_new();
    if (tide_promise_state(p) != TIDE_PENDING)
        return p;
    while (x->chunks.len) { /* what arrived before anyone asked */
        tide_val c = tide__vq_shift(&x->chunks);
        bool ok = buf_append(x, tide_bytes_data(c), tide_bytes_len(c));
        tide_release(c);
        if (!ok) {
            tide_promise_reject(p, tide_error_new(TIDE_ENOMEM, NULL));
            return p;
        }
    }
    x->queued = 0;
    x->collect = kind;
    x->collect_p = tide_retain(p);
    x->collect_resp = tide_retain(resp); /* the transfer goes on without the caller's */
    if (x->finished)
        collect_settle(x, true);
    else if (x->recv_paused)
        tide__xfer_schedule_resume(x);
    return p;
}

tide_val tide_response_text(tide_val resp) {
    return collect(resp, COLLECT_TEXT, "tide_response_text");
}

tide_val tide_response_bytes(tide_val resp) {
    return collect(resp, COLLECT_BYTES, "tide_response_bytes");
}

tide_val tide_response_json(tide_val resp) {
    return collect(resp, COLLECT_JSON, "tide_response_json");
}

/* ---- The body stream -------------------------------------------------------- */

/* libcurl's write callback (inside libcurl). */
size_t tide__xfer_on_data(fetch_xfer *x, const char *data, size_t n) {
    if (!x->headers_done || x->finished || n == 0) /* an interim response's body */
        return n;
    if (x->collect != COLLECT_NONE) {
        if (buf_append(x, data, n))
            return n;
        x->fail = tide_error_new(TIDE_ENOMEM, NULL);
        return 0;
    }
    if (x->waiters.len == 0 && x->queued >= FETCH_HIGH) {
        x->recv_paused = true; /* libcurl keeps this chunk and stops reading */
        return CURL_WRITEFUNC_PAUSE;
    }
    tide_val chunk = tide_bytes_new(data, n);
    if (tide_is_error(chunk)) {
        x->fail = chunk;
        return 0;
    }
    if (x->waiters.len) {
        tide_val p = tide__vq_shift(&x->waiters);
        tide_val r = tide_iter_result(chunk, false);
        if (tide_is_error(r))
            tide_promise_reject(p, r);
        else
            tide_promise_resolve(p, r);
        tide__xfer_trash(x, p);
        return n;
    }
    if (tide__vq_push(&x->chunks, chunk) != 0) {
        x->fail = tide_error_new(TIDE_ENOMEM, NULL);
        return 0;
    }
    x->queued += n;
    return n;
}

/* The transfer succeeded: readers waiting get done, a collector its value. */
void tide__xfer_body_end(fetch_xfer *x) {
    while (x->waiters.len) { /* the queue is empty when anyone waits */
        tide_val p = tide__vq_shift(&x->waiters);
        tide_promise_resolve(p, tide_iter_result(tide_undefined(), true));
        tide_release(p);
    }
    if (tide_is_obj(x->collect_p))
        collect_settle(x, true);
}

/* The transfer failed (x->err) or was cancelled: unread chunks are dropped,
 * readers reject (or get done), a collector rejects. */
void tide__xfer_body_fail(fetch_xfer *x, bool cancel) {
    tide__vq_clear(&x->chunks);
    x->queued = 0;
    while (x->waiters.len) {
        tide_val p = tide__vq_shift(&x->waiters);
        if (cancel)
            tide_promise_resolve(p, tide_iter_result(tide_undefined(), true));
        else
            tide_promise_reject(p, tide_retain(x->err));
        tide_release(p);
    }
    if (tide_is_obj(x->collect_p)) {
        if (cancel && tide_is_undefined(x->err))
            x->err = tide_error_new(TIDE_ECANCELED, "fetch %s: body cancelled", x->url);
        collect_settle(x, false);
    }
}

typedef struct body_iter {
    tide_val resp;
} body_iter;

static tide_val body_next(tide_val self, tide_val v) {
    fetch_xfer *x = xfer_of(((body_iter *)tide_object_data(self))->resp);
    tide_release(v);
    if (x->chunks.len) {
        tide_val c = tide__vq_shift(&x->chunks);
        x->queued -= tide_bytes_len(c);
        if (x->recv_paused && x->queued < FETCH_LOW)
            tide__xfer_schedule_resume(x);
        return tide_promise_resolved(tide_iter_result(c, false));
    }
    if (x->canceled)
        return tide_promise_resolved(tide_iter_result(tide_undefined(), true));
    if (!tide_is_undefined(x->err))
        return tide_promise_rejected(tide_retain(x->err));
    if (x->finished)
        return tide_promise_resolved(tide_iter_result(tide_undefined(), true));
    tide_val p = tide_promise_new();
    if (tide_promise_state(p) != TIDE_PENDING)
        return p;
    if (tide__vq_push(&x->waiters, tide_retain(p)) != 0) {
        tide_release(p);
        return tide_promise_rejected(tide_error_new(TIDE_ENOMEM, NULL));
    }
    if (x->recv_paused)
        tide__xfer_schedule_resume(x);
    return p;
}

/* Leaving the loop early cancels the transfer (ReadableStream's cancel). */
static tide_val body_return(tide_val self, tide_val v) {
    tide_val resp = ((body_iter *)tide_object_data(self))->resp;
    fetch_xfer *x = xfer_of(resp);
    if (!x->finished) {
        tide__xfer_stop(x, tide_undefined(), true);
    } else if (!x->canceled && tide_is_undefined(x->err)) {
        x->canceled = true;
        tide__xfer_body_fail(x, true);
    }
    return tide_promise_resolved(tide_iter_result(v, true));
}

static void body_finalize(void *data) { tide_release(((body_iter *)data)->resp); }

static const tide_async_iter_methods body_methods = {body_next, body_return, NULL};
static const tide_class body_class = {
    .name = "ResponseBody",
    .finalize = body_finalize,
    .async_iterator = tide_iter_self,
    .async_iter = &body_methods,
};

tide_val tide_response_body(tide_val resp) {
    fetch_xfer *x = xfer_of(resp);
    if (!x)
        return tide_error_new(TIDE_ETYPE, "tide_response_body: not a Response");
    if (x->collect != COLLECT_NONE)
        return tide_error_new(TIDE_ESTATE, "tide_response_body: body already used");
    tide_val it = tide_object_new(&body_class, sizeof(body_iter));
    if (tide_is_error(it))
        return it;
    ((body_iter *)tide_object_data(it))->resp = tide_retain(resp);
    x->body_used = true;
    return it;
}

/* ---- Streamed uploads --------------------------------------------------------
 * libcurl's read callback takes from the current chunk; with none it pauses
 * sending and an immediate starts a small task that awaits the source's
 * next() (a task, so that tearing the loop down cancels the wait) and then
 * schedules the resume. */

int tide__xfer_upload_setup(fetch_xfer *x, tide_val body) {
    tide_val it = tide_async_iter_get(body);
    if (tide_is_error(it)) {
        tide_release(it);
        return TIDE_ETYPE;
    }
    x->up_it = it;
    return 0;
}

static int pull_task(void *arg, tide_val *out) {
    fetch_xfer *x = arg;
    tide_val r;
    int rc = tide_await(tide_async_iter_next(x->up_it, tide_undefined()), &r);
    x->up_pulling = false;
    *out = tide_undefined();
    if (x->finished) {
        tide_release(r);
    } else if (rc < 0) {
        x->up_err = r;
    } else if (tide_iter_result_done(r)) {
        x->up_done = true;
        tide_release(r);
    } else {
        tide_val v = tide_retain(tide_iter_result_value(r));
        tide_release(r);
        if (tide_is_string(v) || tide_type_of(v) == TIDE_T_BYTES) {
            x->up_chunk = v;
            x->up_off = 0;
        } else {
            char b[64];
            x->up_err = tide_error_new(TIDE_ETYPE,
                                       "fetch %s: a body chunk must be a string or bytes, not %s",
                                       x->url, tide_format(v, b, sizeof b));
            tide_release(v);
        }
    }
    tide__xfer_schedule_resume(x);
    tide__xfer_unhold(x);
    return 0;
}

static void on_pull(void *data) {
    fetch_xfer *x = data;
    x->pull_pending = false;
    if (x->finished || x->up_pulling || !tide_is_obj(x->up_it))
        return;
    x->up_pulling = true;
    tide__xfer_hold(x);
    /* No signal: the transfer's own ending closes the source. */
    tide_val t = tide_async_signal_named("fetch_upload", pull_task, x, tide_undefined());
    if (tide_promise_state(t) == TIDE_REJECTED && x->up_pulling) { /* could not start */
        x->up_pulling = false;
        x->up_err = tide_retain(tide_promise_result(t));
        tide__xfer_schedule_resume(x);
        tide__xfer_unhold(x);
    }
    tide_release(t);
}

/* libcurl's read callback (inside libcurl). */
size_t tide__xfer_on_read(fetch_xfer *x, char *buf, size_t n) {
    if (x->finished)
        return CURL_READFUNC_ABORT;
    while (tide_is_obj(x->up_chunk)) {
        size_t len = tide_str_len(x->up_chunk), k = len - x->up_off;
        if (k > n)
            k = n;
        memcpy(buf, tide_str(x->up_chunk) + x->up_off, k);
        x->up_off += k;
        if (x->up_off == len) {
            tide__xfer_trash(x, x->up_chunk);
            x->up_chunk = tide_undefined();
        }
        if (k)
            return k;
    }
    if (!tide_is_undefined(x->up_err)) {
        if (tide_is_undefined(x->fail))
            x->fail = tide_retain(x->up_err);
        return CURL_READFUNC_ABORT;
    }
    if (x->up_done)
        return 0;
    if (!x->up_pulling && !x->pull_pending &&
        tide_immediate_start(&x->pull_t, on_pull, x) == 0)
        x->pull_pending = true;
    x->send_paused = true;
    return CURL_READFUNC_PAUSE;
}

static int swallow(void *data, tide_val reason, tide_val *out) {
    (void)data, (void)reason, (void)out;
    return 0;
}

/* The transfer ended: a source not read to its end is closed (return()). */
void tide__xfer_upload_close(fetch_xfer *x) {
    tide_val it = x->up_it;
    x->up_it = tide_undefined();
    if (tide_is_obj(it) && !x->up_done) {
        tide_val closed = tide_async_iter_return(it, tide_undefined());
        tide_release(tide_promise_catch(closed, swallow, NULL));
    }
    tide_release(it);
    tide_clear(&x->up_chunk);
}

void tide__xfer_body_free(fetch_xfer *x) {
    tide__vq_clear(&x->chunks);
    tide__vq_clear(&x->waiters);
    tide_clear(&x->err);
    tide_clear(&x->collect_p);
    tide_clear(&x->collect_resp);
    tide__free(x->buf);
    x->buf = NULL;
    tide__xfer_upload_close(x);
    tide_clear(&x->up_err);
}
