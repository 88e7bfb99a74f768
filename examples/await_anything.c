/* Awaiting anything, not only promises: the adapter pattern.
 *
 * JavaScript's async functions consume only thenables; in C every source of
 * completion — a file descriptor becoming readable, a callback-style API, a
 * libuv request — becomes awaitable through a few lines: make a promise,
 * hand a reference to the callback, settle it there, and end the callback
 * with tide_loop_checkpoint (tide's own callbacks do that for you).
 *
 * This program awaits (1) a pipe becoming readable through a uv_poll_t on
 * tide's own libuv loop, and (2) a callback-style "library" function. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include <tide.h>

/* ---- (1) A file descriptor becoming readable ---------------------------- */

typedef struct fd_wait {
    uv_poll_t poll;
    tide_val promise; /* the adapter's reference */
} fd_wait;

static void on_closed(uv_handle_t *h) { free(h->data); }

static void on_readable(uv_poll_t *h, int status, int events) {
    fd_wait *w = h->data;
    (void)events;
    uv_poll_stop(h);
    if (status < 0)
        tide_promise_reject(w->promise, tide_error_new(TIDE_EIO, "poll: %s", uv_strerror(status)));
    else
        tide_promise_resolve(w->promise, tide_undefined());
    tide_clear(&w->promise);
    uv_close((uv_handle_t *)h, on_closed);
    tide_loop_checkpoint(tide_loop_current()); /* run what the settlement queued */
}

/* A promise that fulfils when fd is readable. */
static tide_val fd_readable(int fd) {
    fd_wait *w = calloc(1, sizeof *w);
    tide_val p = tide_promise_new();
    if (!w || uv_poll_init(tide_loop_uv(tide_loop_current()), &w->poll, fd) != 0) {
        free(w);
        tide_release(p);
        return tide_promise_rejected(tide_error_new(TIDE_EIO, "cannot watch fd %d", fd));
    }
    w->poll.data = w;
    w->promise = tide_retain(p);
    uv_poll_start(&w->poll, UV_READABLE, on_readable);
    return p;
}

/* ---- (2) A callback-style API ------------------------------------------- */

/* Some library that calls back later: here, from a timer. */
typedef void (*lookup_cb)(void *data, int status, const char *answer);
typedef struct lookup {
    lookup_cb cb;
    void *data;
} lookup;

static void lookup_done(void *arg) {
    lookup *l = arg;
    l->cb(l->data, 0, "42");
    free(l);
}

static void library_lookup(const char *question, lookup_cb cb, void *data) {
    (void)question;
    lookup *l = malloc(sizeof *l);
    l->cb = cb;
    l->data = data;
    tide_timer_start(NULL, 5, 0, lookup_done, l);
}

/* The adapter: the callback settles the promise it was handed. */
static void lookup_settle(void *data, int status, const char *answer) {
    tide_val p = {.u.p = data, .tag = TIDE_T_PROMISE};
    if (status < 0)
        tide_promise_reject(p, tide_error_new(status, NULL));
    else
        tide_promise_resolve(p, tide_str_new(answer));
    tide_release(p);
}

static tide_val lookup_promise(const char *question) {
    tide_val p = tide_promise_new();
    library_lookup(question, lookup_settle, tide_retain(p).u.p);
    return p;
}

/* ---- Using them ---------------------------------------------------------- */

static void write_later(void *arg) {
    int fd = *(int *)arg;
    ssize_t n = write(fd, "x", 1);
    (void)n;
}

static int main_async(void *arg, tide_val *out) {
    (void)arg;
    int fds[2];
    if (pipe(fds) != 0)
        return *out = tide_error_new(TIDE_EIO, "pipe"), TIDE_EIO;
    tide_timer_start(NULL, 10, 0, write_later, &fds[1]);
    tide_val v;
    int rc = tide_await(fd_readable(fds[0]), &v);
    printf("pipe readable: %s\n", rc == 0 ? "yes" : tide_error_message(v));
    tide_release(v);
    rc = tide_await(lookup_promise("the answer?"), &v);
    printf("lookup answered: %s\n", rc == 0 ? tide_str(v) : tide_error_message(v));
    tide_release(v);
    close(fds[0]);
    close(fds[1]);
    *out = tide_undefined();
    return 0;
}

int main(void) { return tide_run(main_async, NULL); }
