/* io — what TCP connections and servers stand on: records, waits tied to
 * abort signals, queues of pending next()s, libuv's errors and addresses
 * (tcp_impl.h). */
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tcp_impl.h"

/* ---- Records, waits, errors ------------------------------------------- */

static const tide_class rec_class = {.name = "TcpRecord"};

void *tide__tcp_rec_new(size_t size) {
    tide_val v = tide_object_new(&rec_class, size);
    tide_val *self = tide_object_data(v);
    if (!self) {
        tide_release(v);
        return NULL;
    }
    *self = v;
    return self;
}

void tide__tcp_rec_free(void *rec) { tide_release(*(tide_val *)rec); }

/* The running task's signal, or undefined outside a task and while the task
 * is shielded (a clean-up's waits must not be cut short). The shield is only
 * readable by setting it, hence the round trip. */
tide_val tide__tcp_signal(void) {
    tide_val s = tide_task_signal();
    if (tide_is_undefined(s))
        return s;
    bool was = tide_task_shield(true);
    tide_task_shield(was);
    return was ? tide_undefined() : s;
}

/* The one abort listener. Why it holds a reference to the record: a
 * listener removed while the signal is calling its listeners is still called
 * (tide_abort_signal_off answers TIDE_ENOENT then) — for instance when an
 * earlier listener closed a connection and so ended this wait. The record
 * stays until that call, which then only lets go of it. */
static void wait_aborted(void *data, tide_val reason) {
    tcp_wait *w = data;
    tide_val rec = w->rec;
    tide_clear(&w->signal); /* the listener is gone already */
    if (!tide_is_undefined(w->promise))
        w->on_abort(tide_object_data(rec), reason);
    tide_release(rec);
}

/* Starts listening to sig (borrowed; undefined: none) for the wait w in
 * record rec. 0, or TIDE_ENOMEM / TIDE_EALREADY (not listening). */
int tide__tcp_wait_begin(tcp_wait *w, void *rec, tide_val sig,
                          void (*on_abort)(void *rec, tide_val reason)) {
    w->rec = *(tide_val *)rec;
    w->on_abort = on_abort;
    w->signal = tide_undefined();
    if (tide_is_obj(sig)) {
        int rc = tide_abort_signal_on_abort(sig, wait_aborted, w);
        if (rc != 0)
            return rc;
        w->signal = tide_retain(sig);
        tide_retain(w->rec); /* the listener's */
    }
    return 0;
}

/* Stops listening. The record must still be held by its owner. */
void tide__tcp_wait_end(tcp_wait *w) {
    if (!tide_is_obj(w->signal))
        return;
    bool removed = tide_abort_signal_off(w->signal, wait_aborted, w) == 0;
    tide_clear(&w->signal);
    if (removed)
        tide_release(w->rec); /* else the call still to come lets go */
}

/* Settles w's promise (taken off w): fulfil with v, or reject with v. */
void tide__tcp_wait_settle(tcp_wait *w, bool ok, tide_val v) {
    tide_val p = w->promise;
    w->promise = tide_undefined();
    if (ok)
        tide_promise_resolve(p, v);
    else
        tide_promise_reject(p, v);
    tide_release(p);
}

tide_val tide__tcp_result(tide_val v, bool done) {
    tide_val r = tide_iter_result(v, done);
    return tide_is_error(r) ? tide_promise_rejected(r) : tide_promise_resolved(r);
}

static void tcp_settle_result(tcp_wait *w, tide_val v, bool done) {
    tide_val r = tide_iter_result(v, done);
    tide__tcp_wait_settle(w, !tide_is_error(r), r);
}

static int tcp_code(int uv_err) {
    switch (uv_err) {
    case UV_ETIMEDOUT:
        return TIDE_ETIMEDOUT;
    case UV_ECANCELED:
    case UV_EAI_CANCELED:
        return TIDE_ECANCELED;
    case UV_EINVAL:
    case UV_EAFNOSUPPORT:
    case UV_EADDRNOTAVAIL:
    case UV_EAI_BADFLAGS:
    case UV_EAI_FAMILY:
    case UV_EAI_SERVICE:
    case UV_EAI_SOCKTYPE:
        return TIDE_EINVAL;
    case UV_ENOMEM:
    case UV_ENOBUFS:
    case UV_EAI_MEMORY:
        return TIDE_ENOMEM;
    case UV_EADDRINUSE:
        return TIDE_EADDRINUSE;
    case UV_EBUSY:
        return TIDE_EBUSY;
    case UV_ECONNREFUSED:
        return TIDE_ECONNREFUSED;
    case UV_ECONNRESET:
    case UV_ECONNABORTED:
        return TIDE_ECONNRESET;
    case UV_EPIPE:
        return TIDE_EPIPE;
    case UV_EHOSTUNREACH:
    case UV_ENETUNREACH:
        return TIDE_EHOSTUNREACH;
    case UV_EMFILE:
    case UV_ENFILE:
        return TIDE_EMFILE;
    case UV_EACCES:
    case UV_EPERM:
        return TIDE_EPERM;
    case UV_EAI_NONAME:
    case UV_EAI_NODATA:
        return TIDE_ENOTFOUND;
    case UV_ENOENT:
        return TIDE_ENOENT;
    case UV_EAGAIN:
    case UV_EAI_AGAIN:
        return TIDE_EAGAIN;
    default:
        return TIDE_EIO;
    }
}

tide_val tide__tcp_error(int uv_err, const char *what, const char *where) {
    return tide_error_new(tcp_code(uv_err), "%s %s: %s (%s)", what, where, uv_strerror(uv_err),
                          uv_err_name(uv_err));
}

void tide__tcp_fmt_addr(char *buf, size_t size, const struct sockaddr *sa) {
    char ip[64] = "?";
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
        uv_ip6_name(a, ip, sizeof ip);
        snprintf(buf, size, "[%s]:%d", ip, ntohs(a->sin6_port));
    } else {
        const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
        uv_ip4_name(a, ip, sizeof ip);
        snprintf(buf, size, "%s:%d", ip, ntohs(a->sin_port));
    }
}

/* A numeric IPv4 or IPv6 address with a port, or -1. */
int tide__tcp_parse_addr(const char *host, int port, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)ss) == 0)
        return 0;
    if (uv_ip6_addr(host, port, (struct sockaddr_in6 *)ss) == 0)
        return 0;
    return -1;
}

static void ignore_sigpipe_once(void) {
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) == 0 && !(sa.sa_flags & SA_SIGINFO) &&
        sa.sa_handler == SIG_DFL) {
        sa.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &sa, NULL);
    }
}

/* libuv writes with writev(2): a write to a connection the peer reset
 * raises SIGPIPE, whose default kills the process. Node ignores it; so do
 * we, unless the program chose a disposition of its own. */
void tide__tcp_ignore_sigpipe(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, ignore_sigpipe_once);
}

void tide__tcp_checkpoint(void) { tide_loop_checkpoint(tide_loop_current()); }

bool tide__tcp_same_loop(const uv_handle_t *h) {
    return h->loop == tide_loop_uv(tide_loop_current());
}

/* ---- Queues of pending next()s ----------------------------------------- */

static void tcp_q_push(tcp_queue *q, tcp_pend *r) {
    r->next = NULL;
    r->prev = q->tail;
    if (q->tail)
        q->tail->next = r;
    else
        q->head = r;
    q->tail = r;
}

void tide__tcp_q_remove(tcp_queue *q, tcp_pend *r) {
    if (r->prev)
        r->prev->next = r->next;
    else
        q->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    else
        q->tail = r->prev;
    r->next = r->prev = NULL;
}

tcp_pend *tide__tcp_q_shift(tcp_queue *q) {
    tcp_pend *r = q->head;
    if (r)
        tide__tcp_q_remove(q, r);
    return r;
}

/* A pending next() is over: how > 0 done, 0 fulfilled with v, < 0 rejected
 * with v. The record (already off its queue) is freed. */
void tide__tcp_pend_finish(tcp_pend *r, int how, tide_val v) {
    tide__tcp_wait_end(&r->w);
    if (how < 0)
        tide__tcp_wait_settle(&r->w, false, v);
    else
        tcp_settle_result(&r->w, how > 0 ? tide_undefined() : v, how > 0);
    tide__tcp_rec_free(r);
}

/* A new pending next() on q, tied to the running task's signal; returns
 * its promise. */
tide_val tide__tcp_pend_new(tcp_queue *q, void *owner, void (*on_abort)(void *, tide_val)) {
    tide_val sig = tide__tcp_signal();
    if (tide_abort_signal_aborted(sig))
        return tide_promise_rejected(tide_retain(tide_abort_signal_reason(sig)));
    tide_val p = tide_promise_new();
    if (tide_promise_state(p) != TIDE_PENDING)
        return p;
    tcp_pend *r = tide__tcp_rec_new(sizeof *r);
    if (!r || tide__tcp_wait_begin(&r->w, r, sig, on_abort) != 0) {
        if (r)
            tide__tcp_rec_free(r);
        tide_release(p);
        return tide_promise_rejected(tide_error_new(TIDE_ENOMEM, NULL));
    }
    r->owner = owner;
    r->w.promise = tide_retain(p);
    tcp_q_push(q, r);
    return p;
}

