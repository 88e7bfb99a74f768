/* io — TCP's private parts, shared by its files: tcp.c (connections and
 * servers) and tcp_core.c (what both stand on: records, waits tied to abort
 * signals, queues of pending next()s, libuv errors and addresses).
 *
 * Like the rest of io, this is written on tide's public API and libuv only. */
#ifndef TIDE_IO_TCP_IMPL_H
#define TIDE_IO_TCP_IMPL_H

#include <stdbool.h>
#include <sys/socket.h>
#include <uv.h>

#include <tide.h>
#include <tide/tcp.h>

#include "val/alloc.h"

/* A promise waiting on libuv, tied to an abort signal. Each lives in a
 * record (tide__tcp_rec_new); while it listens, the listener holds a reference to
 * that record of its own. */
typedef struct tcp_wait {
    tide_val promise; /* undefined once settled: the wait is over */
    tide_val signal;  /* held while listening, or undefined */
    tide_val rec;     /* the record it is part of (not a reference) */
    void (*on_abort)(void *rec, tide_val reason); /* called while not over */
} tcp_wait;

/* A pending next() on a connection or a server. */
typedef struct tcp_pend tcp_pend;
struct tcp_pend {
    tide_val self;
    tcp_wait w;
    tcp_pend *next, *prev;
    void *owner; /* the conn or server whose queue holds it */
};

typedef struct tcp_queue {
    tcp_pend *head, *tail; /* oldest first */
} tcp_queue;

/* Records: a zeroed block of size bytes whose first member is the tide_val
 * of the tide object holding it, so that every allocation goes through
 * tide's allocator. NULL on allocation failure. */
void *tide__tcp_rec_new(size_t size);
void tide__tcp_rec_free(void *rec);

/* The running task's abort signal (borrowed), or undefined. */
tide_val tide__tcp_signal(void);

/* A wait on w in record rec, listening to sig (borrowed; undefined: none):
 * 0, or TIDE_ENOMEM / TIDE_EALREADY. _end stops listening; _settle settles
 * the promise, fulfilled with v (taken) or rejected with it. */
int tide__tcp_wait_begin(tcp_wait *w, void *rec, tide_val sig,
                         void (*on_abort)(void *rec, tide_val reason));
void tide__tcp_wait_end(tcp_wait *w);
void tide__tcp_wait_settle(tcp_wait *w, bool ok, tide_val v);

/* A settled promise of the iterator result {v, done}; v taken. */
tide_val tide__tcp_result(tide_val v, bool done);

/* A new error for libuv's code uv_err: "<what> <where>: <message> (<name>)". */
tide_val tide__tcp_error(int uv_err, const char *what, const char *where);
/* "1.2.3.4:80" or "[::1]:80". */
void tide__tcp_fmt_addr(char *buf, size_t size, const struct sockaddr *sa);
/* A numeric IPv4 or IPv6 address with a port: 0, or -1. */
int tide__tcp_parse_addr(const char *host, int port, struct sockaddr_storage *ss);

void tide__tcp_ignore_sigpipe(void);
/* Ends every libuv callback: runs the loop's microtasks. */
void tide__tcp_checkpoint(void);
/* Whether handle h belongs to the running thread's loop. */
bool tide__tcp_same_loop(const uv_handle_t *h);

/* Queues of pending next()s: _pend_new makes one tied to the running task's
 * signal and returns its promise; _pend_finish ends one already off its
 * queue (how > 0 done, 0 fulfilled with v, < 0 rejected with v). */
void tide__tcp_q_remove(tcp_queue *q, tcp_pend *r);
tcp_pend *tide__tcp_q_shift(tcp_queue *q);
tide_val tide__tcp_pend_new(tcp_queue *q, void *owner, void (*on_abort)(void *, tide_val));
void tide__tcp_pend_finish(tcp_pend *r, int how, tide_val v);

#endif
