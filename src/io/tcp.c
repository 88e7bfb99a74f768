/* io — TCP on libuv: connect; a connection's data as an async iterator
 * (read only while a next() is pending); write, shutdown, close; listen,
 * with the accepted connections as an async iterator (accepted only while a
 * next() is pending).
 *
 * Built on tide's public API and libuv alone (layering: io could have been
 * written by a user).
 *
 * Memory. A libuv handle must outlive its uv_close until the close callback
 * runs, so each socket lives in a "core" record separate from the object the
 * user holds: the core is a refcounted tide object with one reference held by
 * the user-visible TcpConnection / TcpServer (released by its finalizer,
 * which closes the handle) and one held by the open handle (released in the
 * close callback). Requests in flight (connect, write, shutdown, pending
 * next()) are records too, freed when libuv's callback for them has run.
 * Records are tide objects so that every allocation goes through tide's
 * allocator hooks (and its fault injection).
 *
 * Every libuv callback registered here ends with tide_loop_checkpoint, after
 * it has finished with its own state: the checkpoint runs user code that may
 * close or release anything. The allocation callback is the exception: it
 * settles nothing, and a checkpoint there would run user code between
 * libuv's alloc and read steps. */
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "tcp_impl.h"

static _Thread_local tide__tcp_stats stats;

void tide__tcp_get_stats(tide__tcp_stats *out) {
    if (out)
        *out = stats;
}

/* What libuv reads into. Chunks are copied out at once, so one buffer serves
 * every connection of the thread (libuv calls alloc, read(2) and the read
 * callback with nothing in between). Made on the first read, let go when
 * the thread's last TCP handle has closed. */
typedef struct read_buffer {
    tide_val self;
    char data[64 * 1024];
} read_buffer;
static _Thread_local read_buffer *read_buf;

/* A handle's close callback ran. */
static void handle_gone(void) {
    if (--stats.handles == 0 && read_buf) {
        tide__tcp_rec_free(read_buf);
        read_buf = NULL;
    }
}

/* ---- Connections -------------------------------------------------------- */

typedef struct conn {
    tide_val self;
    uv_tcp_t h;
    bool closing; /* uv_close called */
    bool reading; /* uv_read_start in effect */
    bool ended;   /* end of stream or a read error: later next()s are done */
    bool shut;    /* shutdown asked: writes are refused */
    tide_val stash; /* a chunk that came while nobody asked (never, by design) */
    tcp_queue q;    /* pending next()s, oldest first */
    char peer[72];
} conn;

typedef struct conn_ref {
    conn *c;
} conn_ref;

static void conn_finalize(void *data);
static tide_val conn_next(tide_val self, tide_val v);
static tide_val conn_return(tide_val self, tide_val v);
static const tide_async_iter_methods conn_methods = {conn_next, conn_return, NULL};
static const tide_class conn_class = {
    .name = "TcpConnection",
    .finalize = conn_finalize,
    .async_iterator = tide_iter_self,
    .async_iter = &conn_methods,
};

static conn *conn_of(tide_val v) {
    if (tide_object_class(v) != &conn_class)
        return NULL;
    return ((conn_ref *)tide_object_data(v))->c;
}

static void conn_closed(uv_handle_t *h) {
    conn *c = h->data;
    handle_gone();
    tide__tcp_rec_free(c); /* the handle's reference */
    tide__tcp_checkpoint();
}

static void set_reading(conn *c, bool on) {
    if (c->reading != on)
        stats.reading += on ? 1 : -1;
    c->reading = on;
}

static void conn_close(conn *c) {
    if (c->closing)
        return;
    c->closing = true;
    set_reading(c, false); /* uv_close stops the reading */
    tide_clear(&c->stash);
    tcp_pend *r;
    while ((r = tide__tcp_q_shift(&c->q)))
        tide__tcp_pend_finish(r, 1, tide_undefined());
    uv_close((uv_handle_t *)&c->h, conn_closed);
}

/* A new core with an initialised handle, holding two references: the
 * caller's and the handle's. NULL when out of memory. */
static conn *conn_new(void) {
    conn *c = tide__tcp_rec_new(sizeof *c);
    if (!c)
        return NULL;
    if (uv_tcp_init(tide_loop_uv(tide_loop_current()), &c->h) != 0) {
        tide__tcp_rec_free(c);
        return NULL;
    }
    c->h.data = c;
    tide_retain(c->self);
    stats.handles++;
    return c;
}

/* The connection object over core c, taking the caller's reference to c;
 * an error value (c closed and released) when out of memory. */
static tide_val conn_wrap(conn *c) {
    tide_val v = tide_object_new(&conn_class, sizeof(conn_ref));
    conn_ref *ref = tide_object_data(v);
    if (!ref) {
        conn_close(c);
        tide__tcp_rec_free(c);
        return v;
    }
    ref->c = c;
    return v;
}

/* Once connected: the peer's name, and no Nagle. */
static void conn_ready(conn *c) {
    struct sockaddr_storage ss;
    int len = sizeof ss;
    if (uv_tcp_getpeername(&c->h, (struct sockaddr *)&ss, &len) == 0)
        tide__tcp_fmt_addr(c->peer, sizeof c->peer, (struct sockaddr *)&ss);
    else
        snprintf(c->peer, sizeof c->peer, "?");
    uv_tcp_nodelay(&c->h, 1);
}

static void conn_finalize(void *data) {
    conn *c = ((conn_ref *)data)->c;
    conn_close(c);
    tide__tcp_rec_free(c);
}

const char *tide_tcp_peer(tide_val v) {
    conn *c = conn_of(v);
    return c ? c->peer : "";
}

/* ---- Reading -------------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    (void)h;
    (void)suggested;
    if (!read_buf)
        read_buf = tide__tcp_rec_new(sizeof *read_buf);
    /* Out of memory: an empty buffer, and libuv reports UV_ENOBUFS. */
    *buf = read_buf ? uv_buf_init(read_buf->data, sizeof read_buf->data) : uv_buf_init(NULL, 0);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

/* Reads while, and only while, a next() is pending. */
static void read_update(conn *c) {
    bool want = c->q.head && !c->closing && !c->ended;
    if (want == c->reading)
        return;
    if (!want) {
        uv_read_stop((uv_stream_t *)&c->h);
        set_reading(c, false);
        return;
    }
    int rc = uv_read_start((uv_stream_t *)&c->h, on_alloc, on_read);
    if (rc == 0) {
        set_reading(c, true);
        return;
    }
    c->ended = true;
    tcp_pend *r;
    while ((r = tide__tcp_q_shift(&c->q)))
        tide__tcp_pend_finish(r, -1, tide__tcp_error(rc, "read", c->peer));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
    conn *c = s->data;
    if (nread == 0) /* EAGAIN: nothing */
        goto out;
    stats.reads++;
    tcp_pend *r = tide__tcp_q_shift(&c->q);
    if (nread > 0) {
        tide_val chunk = tide_bytes_new(buf->base, (size_t)nread);
        if (tide_is_error(chunk)) {
            c->ended = true; /* the data is lost: the stream cannot go on */
            if (r)
                tide__tcp_pend_finish(r, -1, chunk);
            else
                tide_release(chunk);
        } else if (r) {
            tide__tcp_pend_finish(r, 0, chunk);
        } else {
            stats.reads_unasked++;
            tide_release(c->stash);
            c->stash = chunk;
        }
    } else {
        c->ended = true;
        if (r) {
            if (nread == UV_EOF)
                tide__tcp_pend_finish(r, 1, tide_undefined());
            else
                tide__tcp_pend_finish(r, -1, tide__tcp_error((int)nread, "read", c->peer));
        }
        while ((r = tide__tcp_q_shift(&c->q)))
            tide__tcp_pend_finish(r, 1, tide_undefined());
    }
    read_update(c);
out:
    tide__tcp_checkpoint();
}

static void read_abort(void *rec, tide_val reason) {
    tcp_pend *r = rec;
    conn *c = r->owner;
    tide__tcp_q_remove(&c->q, r);
    tide__tcp_pend_finish(r, -1, tide_retain(reason));
    read_update(c);
}

static tide_val conn_next(tide_val self, tide_val v) {
    conn *c = conn_of(self);
    tide_release(v);
    if (!tide__tcp_same_loop((uv_handle_t *)&c->h))
        return tide_promise_rejected(tide_error_new(TIDE_ETHREAD, NULL));
    if (tide_is_obj(c->stash)) {
        tide_val chunk = c->stash;
        c->stash = tide_undefined();
        return tide__tcp_result(chunk, false);
    }
    if (c->closing || c->ended)
        return tide__tcp_result(tide_undefined(), true);
    tide_val p = tide__tcp_pend_new(&c->q, c, read_abort);
    read_update(c);
    return p;
}

/* return(): like Node's socket iterator, leaving the loop destroys the
 * connection. */
static tide_val conn_return(tide_val self, tide_val v) {
    conn_close(conn_of(self));
    return tide__tcp_result(v, true);
}

/* ---- Writing and shutting down --------------------------------------------- */

typedef struct wreq {
    tide_val self;
    tcp_wait w;     /* promise undefined once settled */
    tide_val data;  /* what is being written (write) */
    tide_val conn;  /* keeps the connection open while this is pending */
    conn *c;
    bool shutdown;
    union {
        uv_write_t write;
        uv_shutdown_t shutdown;
    } u;
} wreq;

static void write_abort(void *rec, tide_val reason) {
    wreq *w = rec;
    tide__tcp_wait_settle(&w->w, false, tide_retain(reason));
    conn_close(w->c); /* libuv's callback (ECANCELED) frees w */
}

static void write_done(wreq *w, int status) {
    if (!tide_is_undefined(w->w.promise)) {
        tide__tcp_wait_end(&w->w);
        if (status < 0)
            tide__tcp_wait_settle(&w->w, false,
                            tide__tcp_error(status, w->shutdown ? "shutdown" : "write", w->c->peer));
        else
            tide__tcp_wait_settle(&w->w, true, tide_undefined());
    }
    tide_val connv = w->conn;
    tide_release(w->data);
    tide__tcp_rec_free(w);
    tide_release(connv); /* may close the connection: last */
    tide__tcp_checkpoint();
}

static void on_written(uv_write_t *req, int status) { write_done(req->data, status); }
static void on_shut(uv_shutdown_t *req, int status) { write_done(req->data, status); }

static tide_val write_start(tide_val connv, tide_val data, bool shutdown) {
    const char *what = shutdown ? "tide_tcp_shutdown" : "tide_tcp_write";
    conn *c = conn_of(connv);
    if (!c) {
        tide_release(data);
        return tide_promise_rejected(tide_error_new(TIDE_ETYPE, "%s: not a TCP connection", what));
    }
    if (tide_is_error(data)) /* tide_tcp_write(c, tide_str_new(...)) out of memory */
        return tide_promise_rejected(data);
    if (!shutdown && !tide_is_string(data) && tide_type_of(data) != TIDE_T_BYTES) {
        tide_val e = tide_error_new(TIDE_ETYPE, "%s: data must be bytes or a string, not %s", what,
                                    tide_type_name(tide_type_of(data)));
        tide_release(data);
        return tide_promise_rejected(e);
    }
    if (!tide__tcp_same_loop((uv_handle_t *)&c->h)) {
        tide_release(data);
        return tide_promise_rejected(tide_error_new(TIDE_ETHREAD, NULL));
    }
    if (c->closing || c->shut) {
        tide_release(data);
        return tide_promise_rejected(tide_error_new(
            TIDE_ESTATE, "%s %s: the connection is %s", shutdown ? "shutdown" : "write", c->peer,
            c->closing ? "closed" : "shut down"));
    }
    if (tide_str_len(data) > UINT_MAX) {
        tide_release(data);
        return tide_promise_rejected(
            tide_error_new(TIDE_ERANGE, "%s: more than 4 GiB in one write", what));
    }
    tide_val sig = tide__tcp_signal();
    if (tide_abort_signal_aborted(sig)) {
        tide_release(data);
        return tide_promise_rejected(tide_retain(tide_abort_signal_reason(sig)));
    }
    tide_val p = tide_promise_new();
    if (tide_promise_state(p) != TIDE_PENDING) {
        tide_release(data);
        return p;
    }
    wreq *w = tide__tcp_rec_new(sizeof *w);
    if (!w || tide__tcp_wait_begin(&w->w, w, sig, write_abort) != 0) {
        if (w)
            tide__tcp_rec_free(w);
        tide_release(data);
        tide_release(p);
        return tide_promise_rejected(tide_error_new(TIDE_ENOMEM, NULL));
    }
    w->c = c;
    w->shutdown = shutdown;
    w->data = data;
    int rc;
    if (shutdown) {
        w->u.shutdown.data = w;
        rc = uv_shutdown(&w->u.shutdown, (uv_stream_t *)&c->h, on_shut);
    } else {
        w->u.write.data = w;
        uv_buf_t b = uv_buf_init((char *)tide_str(data), (unsigned)tide_str_len(data));
        rc = uv_write(&w->u.write, (uv_stream_t *)&c->h, &b, 1, on_written);
    }
    if (rc != 0) {
        tide__tcp_wait_end(&w->w);
        tide_release(w->data);
        tide__tcp_rec_free(w);
        tide_promise_reject(p, tide__tcp_error(rc, shutdown ? "shutdown" : "write", c->peer));
        return p;
    }
    if (shutdown)
        c->shut = true;
    w->w.promise = tide_retain(p);
    w->conn = tide_retain(connv);
    return p;
}

tide_val tide_tcp_write(tide_val conn, tide_val data) { return write_start(conn, data, false); }

tide_val tide_tcp_shutdown(tide_val conn) { return write_start(conn, tide_undefined(), true); }

/* ---- Connecting ----------------------------------------------------------- */

typedef struct creq {
    tide_val self;
    tcp_wait w;        /* promise undefined once settled */
    conn *c;           /* the attempt in flight (our reference), or NULL */
    bool resolving;    /* getaddrinfo in flight */
    struct addrinfo *ai, *cur; /* resolved addresses; the next to try */
    int last_err;
    uv_getaddrinfo_t gai;
    uv_connect_t req;
    char where[300];   /* "host:port", for messages */
    char host[256];
} creq;

static void connect_abort(void *rec, tide_val reason) {
    creq *q = rec;
    tide__tcp_wait_settle(&q->w, false, tide_retain(reason));
    if (q->resolving)
        uv_cancel((uv_req_t *)&q->gai); /* its callback still comes, and frees q */
    if (q->c)
        conn_close(q->c); /* the connect callback comes with ECANCELED */
}

static void connect_fail(creq *q, tide_val reason) {
    tide__tcp_wait_end(&q->w);
    tide__tcp_wait_settle(&q->w, false, reason);
}

/* Frees q once no libuv request refers to it (it is settled by then). */
static void connect_maybe_free(creq *q) {
    if (q->resolving || q->c)
        return;
    tide__tcp_wait_end(&q->w);
    if (q->ai)
        uv_freeaddrinfo(q->ai);
    tide__tcp_rec_free(q);
}

static void on_connected(uv_connect_t *req, int status);

static bool connect_attempt(creq *q, const struct sockaddr *sa) {
    conn *c = conn_new();
    if (!c) {
        q->last_err = UV_ENOMEM;
        return false;
    }
    q->req.data = q;
    int rc = uv_tcp_connect(&q->req, &c->h, sa, on_connected);
    if (rc != 0) {
        q->last_err = rc;
        conn_close(c);
        tide__tcp_rec_free(c);
        return false;
    }
    q->c = c;
    return true;
}

/* Tries the resolved addresses in turn; rejects with the last error when
 * none is left. */
static void connect_next(creq *q) {
    while (q->cur) {
        struct addrinfo *a = q->cur;
        q->cur = a->ai_next;
        if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) && connect_attempt(q, a->ai_addr))
            return;
    }
    connect_fail(q, tide__tcp_error(q->last_err ? q->last_err : UV_EAI_NONAME, "connect", q->where));
}

static void on_connected(uv_connect_t *req, int status) {
    creq *q = req->data;
    conn *c = q->c;
    q->c = NULL;
    if (tide_is_undefined(q->w.promise)) { /* cancelled */
        conn_close(c);
        tide__tcp_rec_free(c);
    } else if (status < 0) {
        q->last_err = status;
        conn_close(c);
        tide__tcp_rec_free(c);
        connect_next(q);
    } else {
        conn_ready(c);
        tide_val v = conn_wrap(c);
        tide__tcp_wait_end(&q->w);
        tide__tcp_wait_settle(&q->w, !tide_is_error(v), v);
    }
    connect_maybe_free(q);
    tide__tcp_checkpoint();
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
    creq *q = req->data;
    q->resolving = false;
    if (tide_is_undefined(q->w.promise)) { /* cancelled */
        if (res)
            uv_freeaddrinfo(res);
    } else if (status < 0) {
        connect_fail(q, tide__tcp_error(status, "getaddrinfo", q->host));
    } else {
        q->ai = q->cur = res;
        connect_next(q);
    }
    connect_maybe_free(q);
    tide__tcp_checkpoint();
}

tide_val tide_tcp_connect(const char *host, int port) {
    if (!host)
        return tide_promise_rejected(tide_error_new(TIDE_EINVAL, "tide_tcp_connect: host is NULL"));
    if (strlen(host) >= sizeof ((creq *)0)->host)
        return tide_promise_rejected(tide_error_new(TIDE_EINVAL, "tide_tcp_connect: host name too long"));
    if (port < 1 || port > 65535)
        return tide_promise_rejected(
            tide_error_new(TIDE_EINVAL, "tide_tcp_connect: port %d is outside 1..65535", port));
    if (!tide_loop_current())
        return tide_promise_rejected(tide_error_new(TIDE_ENOLOOP, NULL));
    tide_val sig = tide__tcp_signal();
    if (tide_abort_signal_aborted(sig))
        return tide_promise_rejected(tide_retain(tide_abort_signal_reason(sig)));
    tide__tcp_ignore_sigpipe();
    tide_val p = tide_promise_new();
    if (tide_promise_state(p) != TIDE_PENDING)
        return p;
    creq *q = tide__tcp_rec_new(sizeof *q);
    if (!q || tide__tcp_wait_begin(&q->w, q, sig, connect_abort) != 0) {
        if (q)
            tide__tcp_rec_free(q);
        tide_release(p);
        return tide_promise_rejected(tide_error_new(TIDE_ENOMEM, NULL));
    }
    q->w.promise = tide_retain(p);
    snprintf(q->host, sizeof q->host, "%s", host);
    snprintf(q->where, sizeof q->where, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
    struct sockaddr_storage ss;
    if (tide__tcp_parse_addr(host, port, &ss) == 0) {
        if (!connect_attempt(q, (struct sockaddr *)&ss))
            connect_fail(q, tide__tcp_error(q->last_err, "connect", q->where));
    } else {
        char service[16];
        snprintf(service, sizeof service, "%d", port);
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                                 .ai_flags = AI_NUMERICSERV};
        q->gai.data = q;
        tide__uv_fallible(true); /* it reports running out of memory */
        int rc = uv_getaddrinfo(tide_loop_uv(tide_loop_current()), &q->gai, on_resolved, host,
                                service, &hints);
        tide__uv_fallible(false);
        if (rc == 0)
            q->resolving = true;
        else
            connect_fail(q, tide__tcp_error(rc, "getaddrinfo", host));
    }
    connect_maybe_free(q);
    return p;
}

/* ---- Servers ---------------------------------------------------------------- */

typedef struct server {
    tide_val self;
    uv_tcp_t h;
    bool closing;
    bool ready;     /* a connection waits in libuv's accept slot (libuv stops
                     * accepting until it is taken: backpressure) */
    int port;
    tide_val error; /* an accept error no next() has taken yet */
    tcp_queue q;    /* pending next()s */
    char name[72];  /* "127.0.0.1:8080", for messages */
} server;

typedef struct server_ref {
    server *s;
} server_ref;

static void server_finalize(void *data);
static tide_val server_next(tide_val self, tide_val v);
static tide_val server_return(tide_val self, tide_val v);

static const tide_async_iter_methods server_methods = {server_next, server_return, NULL};
static const tide_class server_class = {
    .name = "TcpServer",
    .finalize = server_finalize,
    .async_iterator = tide_iter_self,
    .async_iter = &server_methods,
};

static server *server_of(tide_val v) {
    if (tide_object_class(v) != &server_class)
        return NULL;
    return ((server_ref *)tide_object_data(v))->s;
}

static void server_closed(uv_handle_t *h) {
    server *s = h->data;
    handle_gone();
    tide__tcp_rec_free(s); /* the handle's reference */
    tide__tcp_checkpoint();
}

static void server_close(server *s) {
    if (s->closing)
        return;
    s->closing = true;
    tide_clear(&s->error);
    tcp_pend *r;
    while ((r = tide__tcp_q_shift(&s->q)))
        tide__tcp_pend_finish(r, 1, tide_undefined());
    uv_close((uv_handle_t *)&s->h, server_closed); /* closes a waiting connection too */
}

static void server_finalize(void *data) {
    server *s = ((server_ref *)data)->s;
    server_close(s);
    tide__tcp_rec_free(s);
}

/* Takes the connection waiting in libuv's slot: 0 with the connection in
 * *out, or < 0 with an error value (the connection, if any, still waits). */
static int accept_one(server *s, tide_val *out) {
    conn *c = conn_new();
    if (!c) {
        *out = tide_error_new(TIDE_ENOMEM, "accept %s: out of memory", s->name);
        return TIDE_ENOMEM;
    }
    tide_val v = conn_wrap(c);
    if (tide_is_error(v)) {
        *out = v;
        return TIDE_ENOMEM;
    }
    int rc = uv_accept((uv_stream_t *)&s->h, (uv_stream_t *)&c->h);
    s->ready = false;
    if (rc != 0) {
        tide_release(v); /* closes c */
        *out = tide__tcp_error(rc, "accept", s->name);
        return tide_error_code(*out);
    }
    conn_ready(c);
    *out = v;
    return 0;
}

static void on_connection(uv_stream_t *h, int status) {
    server *s = h->data;
    tcp_pend *r = tide__tcp_q_shift(&s->q);
    if (status < 0) {
        tide_val e = tide__tcp_error(status, "accept", s->name);
        if (r)
            tide__tcp_pend_finish(r, -1, e);
        else if (tide_is_undefined(s->error))
            s->error = e;
        else
            tide_release(e);
    } else if (!r) {
        s->ready = true; /* not taken: libuv stops accepting until it is */
    } else {
        tide_val v;
        s->ready = true; /* until uv_accept has taken it */
        int rc = accept_one(s, &v);
        tide__tcp_pend_finish(r, rc < 0 ? -1 : 0, v);
    }
    tide__tcp_checkpoint();
}

static void accept_abort(void *rec, tide_val reason) {
    tcp_pend *r = rec;
    server *s = r->owner;
    tide__tcp_q_remove(&s->q, r);
    tide__tcp_pend_finish(r, -1, tide_retain(reason));
}

static tide_val server_next(tide_val self, tide_val v) {
    server *s = server_of(self);
    tide_release(v);
    if (!tide__tcp_same_loop((uv_handle_t *)&s->h))
        return tide_promise_rejected(tide_error_new(TIDE_ETHREAD, NULL));
    if (s->closing)
        return tide__tcp_result(tide_undefined(), true);
    if (tide_is_obj(s->error)) {
        tide_val e = s->error;
        s->error = tide_undefined();
        return tide_promise_rejected(e);
    }
    if (s->ready && !s->q.head) {
        tide_val c;
        if (accept_one(s, &c) < 0)
            return tide_promise_rejected(c);
        return tide__tcp_result(c, false);
    }
    return tide__tcp_pend_new(&s->q, s, accept_abort);
}

static tide_val server_return(tide_val self, tide_val v) {
    server_close(server_of(self));
    return tide__tcp_result(v, true);
}

tide_val tide_tcp_listen(const char *host, int port, int backlog) {
    if (!host)
        return tide_error_new(TIDE_EINVAL, "tide_tcp_listen: host is NULL");
    if (port < 0 || port > 65535)
        return tide_error_new(TIDE_EINVAL, "tide_tcp_listen: port %d is outside 0..65535", port);
    struct sockaddr_storage ss;
    if (tide__tcp_parse_addr(host, port, &ss) != 0)
        return tide_error_new(TIDE_EINVAL,
                              "tide_tcp_listen: \"%s\" is not a numeric IPv4 or IPv6 address", host);
    tide_loop *loop = tide_loop_current();
    if (!loop)
        return tide_error_new(TIDE_ENOLOOP, NULL);
    tide__tcp_ignore_sigpipe();
    server *s = tide__tcp_rec_new(sizeof *s);
    if (!s)
        return tide_error_new(TIDE_ENOMEM, NULL);
    tide__tcp_fmt_addr(s->name, sizeof s->name, (struct sockaddr *)&ss);
    int rc = uv_tcp_init(tide_loop_uv(loop), &s->h);
    if (rc != 0) {
        tide_val e = tide__tcp_error(rc, "listen", s->name);
        tide__tcp_rec_free(s);
        return e;
    }
    s->h.data = s;
    tide_retain(s->self); /* the handle's reference */
    stats.handles++;
    rc = uv_tcp_bind(&s->h, (struct sockaddr *)&ss, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&s->h, backlog > 0 ? backlog : 511, on_connection);
    if (rc == 0) {
        int len = sizeof ss;
        rc = uv_tcp_getsockname(&s->h, (struct sockaddr *)&ss, &len);
    }
    tide_val v = rc == 0 ? tide_object_new(&server_class, sizeof(server_ref))
                         : tide__tcp_error(rc, "listen", s->name);
    server_ref *ref = tide_object_data(v);
    if (!ref) {
        server_close(s);
        tide__tcp_rec_free(s);
        return v;
    }
    tide__tcp_fmt_addr(s->name, sizeof s->name, (struct sockaddr *)&ss);
    s->port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                       : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    ref->s = s;
    return v;
}

int tide_tcp_server_port(tide_val v) {
    server *s = server_of(v);
    return s ? s->port : TIDE_EINVAL;
}

int tide_tcp_close(tide_val v) {
    conn *c = conn_of(v);
    server *s = server_of(v);
    uv_handle_t *h = c ? (uv_handle_t *)&c->h : s ? (uv_handle_t *)&s->h : NULL;
    if (!h)
        return TIDE_EINVAL;
    if (!tide__tcp_same_loop(h))
        return TIDE_ETHREAD;
    if (c)
        conn_close(c);
    else
        server_close(s);
    return 0;
}
