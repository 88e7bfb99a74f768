/* io — fetch's engine: libcurl's multi-socket interface on the loop, and the
 * life of a transfer.
 *
 * One multi handle per loop (per thread), made by the first fetch and freed
 * by an immediate once no transfer is left (so fetches that overlap, or
 * follow one another within a tick, share connections). libcurl tells us
 * which sockets to watch (socket_cb: a uv_poll_t each, stopped at once on
 * CURL_POLL_REMOVE since libcurl reuses descriptors) and when to call it back
 * (timer_cb: one uv_timer_t); our libuv callbacks drive it with
 * curl_multi_socket_action, finish the transfers it reports done, and end
 * with tide_loop_checkpoint.
 *
 * tide has no public hook for "the loop is being freed". A keeper task,
 * started with the state and parked on a promise only the state settles,
 * serves as one: tide_loop_free cancels parked tasks, so the keeper wakes
 * with TIDE_ECANCELED, stops whatever transfers are left and frees the
 * state, while the loop's libuv handles can still be closed.
 *
 * See fetch_impl.h for the rules that keep libcurl's callbacks and tide's
 * values apart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_impl.h"

static __thread fetch_multi *cur; /* this thread's state, or NULL */
static __thread unsigned long generation;

/* ---- Sockets and the timer ------------------------------------------- */

typedef struct sock_watch {
    uv_poll_t poll;
    curl_socket_t fd;
    fetch_multi *m;
    struct sock_watch *prev, *next; /* in the state's list */
} sock_watch;

/* The state's sockets: a list kept beside the multi handle so that freeing
 * the state can close what libcurl never asked us to stop watching. */
static __thread sock_watch *watches;

static void after_curl(fetch_multi *m);
static void fail_running(fetch_multi *m, CURLMcode rc);

static void drive(fetch_multi *m, curl_socket_t s, int flags) {
    int running;
    m->driving++;
    m->in_curl++;
    CURLMcode rc = curl_multi_socket_action(m->multi, s, flags, &running);
    m->in_curl--;
    after_curl(m);
    /* A socket libcurl has just forgotten is harmless; anything else (out of
     * memory, a callback of ours that failed) may have left transfers that
     * nothing will wake: end them rather than let their promises hang. */
    if (rc != CURLM_OK && rc != CURLM_BAD_SOCKET)
        fail_running(m, rc);
    m->driving--;
}

static void on_poll(uv_poll_t *h, int status, int events) {
    sock_watch *w = h->data;
    fetch_multi *m = w->m;
    tide_loop *loop = m->loop;
    if (tide_loop_stopped(loop)) { /* no callback runs on a stopped loop */
        uv_poll_stop(h);
        return;
    }
    int flags = 0;
    if (status < 0)
        flags = CURL_CSELECT_ERR;
    else {
        if (events & UV_READABLE)
            flags |= CURL_CSELECT_IN;
        if (events & UV_WRITABLE)
            flags |= CURL_CSELECT_OUT;
    }
    drive(m, w->fd, flags); /* may close w (memory kept until its close cb) */
    tide_loop_checkpoint(loop);
}

static void watch_closed(uv_handle_t *h) { tide__free(h->data); }

static void unwatch(sock_watch *w) {
    if (w->prev)
        w->prev->next = w->next;
    else
        watches = w->next;
    if (w->next)
        w->next->prev = w->prev;
    uv_poll_stop(&w->poll); /* at once: the descriptor may be reused */
    uv_close((uv_handle_t *)&w->poll, watch_closed);
}

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp) {
    fetch_multi *m = userp;
    sock_watch *w = socketp;
    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (w) {
            curl_multi_assign(m->multi, s, NULL);
            unwatch(w);
        }
        return 0;
    }
    if (!w) {
        w = tide__calloc(1, sizeof *w);
        if (!w) {
            m->oom = true; /* libcurl will say only "aborted by callback" */
            return -1;
        }
        if (uv_poll_init_socket(m->uv, &w->poll, s) != 0) {
            tide__free(w);
            return -1;
        }
        w->fd = s;
        w->m = m;
        w->poll.data = w;
        w->next = watches;
        if (watches)
            watches->prev = w;
        watches = w;
        curl_multi_assign(m->multi, s, w);
    }
    int events = 0;
    if (what & CURL_POLL_IN)
        events |= UV_READABLE;
    if (what & CURL_POLL_OUT)
        events |= UV_WRITABLE;
    uv_poll_start(&w->poll, events, on_poll);
    return 0;
}

static void on_timeout(uv_timer_t *t) {
    fetch_multi *m = t->data;
    tide_loop *loop = m->loop;
    if (tide_loop_stopped(loop))
        return;
    drive(m, CURL_SOCKET_TIMEOUT, 0);
    tide_loop_checkpoint(loop);
}

static int timer_cb(CURLM *multi, long ms, void *userp) {
    fetch_multi *m = userp;
    (void)multi;
    if (ms < 0)
        uv_timer_stop(&m->timer);
    else
        uv_timer_start(&m->timer, on_timeout, (uint64_t)ms, 0);
    return 0;
}

/* ---- The per-loop state ------------------------------------------------ */

static void multi_closed(uv_handle_t *h) { tide__free(h->data); }

static void multi_free(fetch_multi *m) {
    m->closing = true;
    if (cur == m)
        cur = NULL;
    if (m->linger)
        tide_timer_stop(m->linger_t);
    m->in_curl++;
    curl_multi_cleanup(m->multi); /* closes the pooled connections */
    m->in_curl--;
    while (watches) /* sockets libcurl did not say to forget */
        unwatch(watches);
    tide__vq_clear(&m->trash);
    tide_val kp = m->keeper_p; /* the keeper ends */
    m->keeper_p = tide_undefined();
    tide_promise_resolve(kp, tide_undefined());
    tide_release(kp);
    uv_timer_stop(&m->timer);
    uv_close((uv_handle_t *)&m->timer, multi_closed);
}

static void on_linger(void *data) {
    fetch_multi *m = data;
    m->linger = false;
    if (!m->active && !m->closing)
        multi_free(m);
}

/* The last transfer ended: free the state from a fresh macrotask, unless a
 * fetch started by then (connection reuse). */
static void multi_idle(fetch_multi *m) {
    if (m->active || m->linger || m->closing)
        return;
    if (tide_immediate_start(&m->linger_t, on_linger, m) == 0)
        m->linger = true;
}

/* The loop is being freed: stop what is left, free the state. */
static void teardown(fetch_multi *m) {
    m->driving++;
    while (m->xfers) {
        fetch_xfer *x = m->xfers;
        tide__xfer_stop(x, tide__fetch_error(x, TIDE_ECANCELED, "aborted", "the loop was freed"),
                        false);
    }
    while (m->doomed) {
        fetch_xfer *x = m->doomed;
        m->doomed = x->next_doomed;
        tide__xfer_unhold(x);
    }
    m->driving--;
    multi_free(m);
}

static int keeper(void *arg, tide_val *out) {
    unsigned long gen = (unsigned long)(uintptr_t)arg;
    tide_val v;
    int rc = tide_await(tide_retain(cur->keeper_p), &v);
    tide_release(v);
    if (rc == TIDE_ECANCELED && cur && cur->gen == gen && !cur->closing)
        teardown(cur); /* (any other status: it could not park; see below) */
    *out = tide_undefined();
    return 0;
}

static int swallow(void *data, tide_val reason, tide_val *out) {
    (void)data, (void)reason, (void)out;
    return 0;
}

fetch_multi *tide__multi_get(tide_loop *loop) {
    if (cur && cur->loop == loop && !cur->closing)
        return cur;
    fetch_multi *m = tide__calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->loop = loop;
    m->uv = tide_loop_uv(loop);
    m->gen = ++generation;
    m->multi = curl_multi_init();
    if (!m->multi || uv_timer_init(m->uv, &m->timer) != 0) {
        if (m->multi)
            curl_multi_cleanup(m->multi);
        tide__free(m);
        return NULL;
    }
    m->timer.data = m;
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
    m->keeper_p = tide_promise_new();
    cur = m;
    /* No signal: only the loop's teardown cancels it. It runs up to its
     * await at once; not parked there (out of memory), the state has no
     * hook and is not made. */
    tide_val k = tide_async_signal_named("fetch_keeper", keeper, (void *)(uintptr_t)m->gen,
                                         tide_undefined());
    bool parked = tide_promise_state(m->keeper_p) == TIDE_PENDING &&
                  tide_promise_state(k) == TIDE_PENDING;
    tide_release(tide_promise_catch(k, swallow, NULL));
    if (!parked) {
        cur = NULL;
        m->closing = true;
        tide_val kp = m->keeper_p; /* a parked keeper (it cannot be) would end */
        m->keeper_p = tide_undefined();
        tide_promise_resolve(kp, tide_undefined());
        tide_release(kp);
        curl_multi_cleanup(m->multi);
        uv_close((uv_handle_t *)&m->timer, multi_closed);
        return NULL;
    }
    return m;
}

/* x joins the state's list and count (as resolving). */
void tide__multi_track(fetch_multi *m, fetch_xfer *x) {
    x->m = m;
    x->phase = X_RESOLVING;
    x->next = m->xfers;
    if (m->xfers)
        m->xfers->prev = x;
    m->xfers = x;
    m->active++;
}

/* A fetch failed to start: a state made for it alone is freed. */
void tide__multi_unused(tide_loop *loop) {
    if (cur && cur->loop == loop)
        multi_idle(cur);
}

/* ---- Transfers ----------------------------------------------------------- */

void tide__xfer_hold(fetch_xfer *x) { x->holds++; }

void tide__xfer_unhold(fetch_xfer *x) {
    x->holds--;
    tide__xfer_maybe_free(x);
}

void tide__xfer_trash(fetch_xfer *x, tide_val v) {
    fetch_multi *m = x->m;
    if (!tide_is_obj(v))
        return;
    if (m && m->in_curl)
        tide__vq_push(&m->trash, v); /* takes v (out of memory: releases it there) */
    else
        tide_release(v);
}

void tide__xfer_free(fetch_xfer *x) {
    tide__xfer_headers_reset(x);
    tide__free(x->hnames);
    tide__free(x->hvalues);
    tide__free(x->url);
    tide__free(x->host);
    tide__free(x->final_url);
    tide__free(x->see_other);
    tide_release(x->fetch_p);
    tide_release(x->fail);
    tide_release(x->signal);
    tide__xfer_body_free(x);
    tide__free(x);
}

void tide__xfer_maybe_free(fetch_xfer *x) {
    if (x->holds > 0 || x->resp_alive || x->phase == X_RESOLVING || x->phase == X_RUNNING)
        return;
    tide__xfer_free(x);
}

static void on_resume(void *data);

/* Takes x out of libcurl and out of the state's count. No callback of x's
 * runs after this. */
static void detach(fetch_xfer *x) {
    fetch_multi *m = x->m;
    if (x->phase == X_RUNNING)
        curl_multi_remove_handle(m->multi, x->easy);
    if (x->gai) {
        tide__fetch_gai_forget(x);
    }
    if (x->easy) {
        curl_easy_cleanup(x->easy);
        x->easy = NULL;
    }
    curl_slist_free_all(x->req_headers);
    curl_slist_free_all(x->resolve);
    x->req_headers = x->resolve = NULL;
    if (x->resume_pending) {
        tide_timer_stop(x->resume_t);
        x->resume_pending = false;
    }
    if (x->pull_pending) {
        tide_timer_stop(x->pull_t);
        x->pull_pending = false;
    }
    if (x->phase == X_RESOLVING || x->phase == X_RUNNING) {
        if (x->prev)
            x->prev->next = x->next;
        else
            m->xfers = x->next;
        if (x->next)
            x->next->prev = x->prev;
        x->prev = x->next = NULL;
        m->active--;
        x->phase = X_DONE;
        multi_idle(m);
    }
    x->m = NULL;
}

/* What every ending shares: the signal and the upload source let go. */
static void end_common(fetch_xfer *x) {
    if (tide_is_obj(x->signal)) {
        tide_abort_signal_off(x->signal, tide__xfer_on_abort, x);
        tide_clear(&x->signal);
    }
    tide__xfer_upload_close(x);
}

/* The transfer is over with reason (taken): the fetch promise rejects if it
 * is still pending, else the body fails (or is cancelled). */
static void end_failed(fetch_xfer *x, tide_val reason, bool cancel) {
    x->finished = true;
    if (!tide_is_undefined(x->fetch_p)) {
        tide_val p = x->fetch_p;
        x->fetch_p = tide_undefined();
        tide_promise_reject(p, reason);
        tide_release(p);
    } else if (cancel) {
        tide_release(reason);
        x->canceled = true;
        tide__xfer_body_fail(x, true);
    } else {
        x->err = reason;
        tide__xfer_body_fail(x, false);
    }
}

void tide__xfer_stop(fetch_xfer *x, tide_val reason, bool cancel) {
    if (x->finished) {
        tide_release(reason);
        return;
    }
    tide__xfer_hold(x);
    if (x->m)
        detach(x);
    end_failed(x, reason, cancel);
    end_common(x);
    tide__xfer_unhold(x);
}

/* Each stop can run code (an upload's clean-up) that stops others: look for
 * the next one from the start every time, as teardown does. */
static void fail_running(fetch_multi *m, CURLMcode rc) {
    int code = rc == CURLM_OUT_OF_MEMORY || m->oom ? TIDE_ENOMEM : TIDE_EIO;
    m->oom = false;
    for (;;) {
        fetch_xfer *x = m->xfers;
        while (x && x->phase != X_RUNNING)
            x = x->next;
        if (!x)
            break;
        tide__xfer_stop(x, tide__fetch_error(x, code, "transfer failed", curl_multi_strerror(rc)),
                        false);
    }
}

void tide__xfer_on_abort(void *data, tide_val reason) {
    fetch_xfer *x = data;
    tide_clear(&x->signal); /* the listener is gone already */
    tide__xfer_stop(x, tide_retain(reason), false);
}

/* ---- Errors ---------------------------------------------------------------- */

tide_val tide__fetch_error(fetch_xfer *x, int code, const char *kind, const char *detail) {
    return tide_error_new(code, "fetch %s: %s: %s", x && x->url ? x->url : "", kind, detail);
}

static bool is_tls_error(CURLcode rc) {
    switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
        return true;
    default:
        return false;
    }
}

/* libcurl's failure as a tide error: "fetch URL: KIND: libcurl's message
 * (libcurl error N: its name)". */
tide_val tide__fetch_curl_error(fetch_xfer *x, CURLcode rc) {
    int code = TIDE_EIO;
    const char *kind = "transfer failed";
    switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        code = TIDE_EINVAL, kind = "invalid URL";
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        code = TIDE_ENOTFOUND, kind = "could not resolve host";
        break;
    case CURLE_COULDNT_CONNECT:
        code = TIDE_ECONNREFUSED, kind = "connection failed";
        break;
    case CURLE_OPERATION_TIMEDOUT:
        code = TIDE_ETIMEDOUT, kind = "timed out";
        break;
    case CURLE_TOO_MANY_REDIRECTS:
        code = TIDE_EREDIRECT, kind = "too many redirects";
        break;
    case CURLE_OUT_OF_MEMORY:
        code = TIDE_ENOMEM, kind = "out of memory";
        break;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
        code = TIDE_ECONNRESET, kind = "connection lost";
        break;
    default:
        if (is_tls_error(rc))
            code = TIDE_ETLS, kind = "TLS failure";
    }
    const char *name = curl_easy_strerror(rc);
    if (x->errbuf[0])
        return tide_error_new(code, "fetch %s: %s: %s (libcurl error %d: %s)", x->url, kind,
                              x->errbuf, (int)rc, name);
    return tide_error_new(code, "fetch %s: %s: %s (libcurl error %d)", x->url, kind, name,
                          (int)rc);
}

/* ---- Completion ------------------------------------------------------------ */

static void xfer_done(fetch_xfer *x, CURLcode rc) {
    tide__xfer_hold(x); /* closing an upload can run code that stops x */
    if ((x->see_other && tide__xfer_see_other(x)) || x->finished) {
        tide__xfer_unhold(x); /* going on as a GET, or stopped meanwhile */
        return;
    }
    detach(x);
    if (rc == CURLE_OK && tide_is_undefined(x->fail)) {
        if (!tide_is_undefined(x->fetch_p)) /* no final response seen */
            end_failed(x, tide__fetch_error(x, TIDE_EIO, "transfer failed", "no response"),
                       false);
        else {
            x->finished = true;
            tide__xfer_body_end(x);
        }
    } else {
        tide_val reason = x->fail;
        x->fail = tide_undefined();
        if (tide_is_undefined(reason))
            reason = tide__fetch_curl_error(x, rc);
        end_failed(x, reason, false);
    }
    end_common(x);
    tide__xfer_unhold(x);
}

/* Once out of libcurl: stop the transfers doomed meanwhile, drop the trash,
 * finish the transfers libcurl reports done — until nothing is left. */
static void after_curl(fetch_multi *m) {
    if (m->in_curl)
        return;
    m->driving++;
    for (;;) {
        bool more = false;
        while (m->doomed) {
            fetch_xfer *x = m->doomed;
            m->doomed = x->next_doomed;
            x->next_doomed = NULL;
            tide__xfer_stop(x, tide__fetch_error(x, TIDE_ECANCELED, "aborted", "response released"),
                            true);
            tide__xfer_unhold(x);
            more = true;
        }
        CURLMsg *msg;
        int left;
        while (!m->closing && (msg = curl_multi_info_read(m->multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            fetch_xfer *x = NULL;
            CURLcode rc = msg->data.result; /* msg dies with the removal */
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            if (x)
                xfer_done(x, rc);
            more = true;
        }
        while (m->trash.len) {
            tide_release(tide__vq_shift(&m->trash));
            more = true;
        }
        if (!more)
            break;
    }
    m->driving--;
}

/* Called from a Response's finalizer: stops the transfer now, or once out of
 * libcurl when released from inside one of its callbacks. */
void tide__xfer_abandon(fetch_xfer *x) {
    if (x->finished)
        return;
    fetch_multi *m = x->m;
    if (m && m->in_curl) {
        tide__xfer_hold(x);
        x->next_doomed = m->doomed;
        m->doomed = x;
        return;
    }
    tide__xfer_stop(x, tide__fetch_error(x, TIDE_ECANCELED, "aborted", "response released"),
                    true);
}

/* The lookup's answer no longer matters (aborted): its callback only frees. */
void tide__fetch_gai_forget(fetch_xfer *x) {
    x->gai->x = NULL;
    uv_cancel((uv_req_t *)&x->gai->req);
    x->gai = NULL;
}

/* ---- Resuming paused transfers --------------------------------------------- */

static bool upload_ready(fetch_xfer *x) {
    return tide_is_obj(x->up_chunk) || x->up_done || !tide_is_undefined(x->up_err);
}

static void on_resume(void *data) {
    fetch_xfer *x = data;
    x->resume_pending = false;
    if (x->phase != X_RUNNING)
        return;
    bool recv = x->recv_paused && (x->collect != COLLECT_NONE || x->queued < FETCH_LOW);
    bool send = x->send_paused && upload_ready(x);
    if (!recv && !send)
        return;
    if (recv)
        x->recv_paused = false;
    if (send)
        x->send_paused = false;
    int mask = (x->recv_paused ? CURLPAUSE_RECV : 0) | (x->send_paused ? CURLPAUSE_SEND : 0);
    fetch_multi *m = x->m;
    tide__xfer_hold(x);
    m->driving++;
    m->in_curl++;
    curl_easy_pause(x->easy, mask); /* may call the write callback at once */
    m->in_curl--;
    after_curl(m);
    m->driving--;
    tide__xfer_unhold(x);
}

void tide__xfer_schedule_resume(fetch_xfer *x) {
    if (x->resume_pending || x->phase != X_RUNNING)
        return;
    if (tide_immediate_start(&x->resume_t, on_resume, x) == 0)
        x->resume_pending = true;
}
