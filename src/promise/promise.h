/* promise — internal interface for the layers above (task, gen, iter). */
#ifndef TIDE_PROMISE_INTERNAL_H
#define TIDE_PROMISE_INTERNAL_H

#include "loop/loop.h"
#include "tide/promise.h"
#include "val/pool.h"

typedef struct tide__promise tide__promise;
typedef struct tide__reaction tide__reaction;

/* An internal settle callback: state is TIDE_FULFILLED or TIDE_REJECTED with
 * the value (borrowed), or TIDE_PENDING when the promise was destroyed
 * unsettled (it never will settle: release what ctx holds). */
typedef void (*tide__settle_fn)(void *ctx, size_t index, tide_state state, tide_val v);

/* A reaction is what PerformPromiseThen records. While the promise is
 * pending it waits in the promise's list (linked through job.next); when the
 * promise settles it is queued as a microtask with src holding a reference to
 * the promise, and job.run fires it. The fire function releases src and, for
 * pooled reactions, frees the reaction. drop(r) runs instead if the promise
 * is destroyed while still pending. Reactions embedded in other structures
 * (a task's await) are not pooled. */
struct tide__reaction {
    tide__job job; /* first member: a reaction is a job */
    tide__reaction *prev; /* in the pending promise's list (O(1) removal) */
    tide__promise *on;    /* that pending promise, or NULL */
    tide__reaction *lprev, *lnext; /* live pooled reactions of the thread */
    tide__promise *src;
    void (*drop)(tide__reaction *r);
    union {
        struct {
            tide_then_fn ok, err;
            void *data;
            tide_val derived;
        } then;
        struct {
            tide__settle_fn fn;
            void *ctx;
            size_t index;
        } cb;
        tide_val target; /* adoption: settle this promise like src */
        void *user;
    } u;
};

/* struct tide__promise is in tide/promise.h (tide_await's inline step reads
 * it). */

static inline tide__promise *tide__promise_of(tide_val v) {
    return (tide__promise *)v.u.o;
}

static inline tide_val tide__promise_val(tide__promise *p) {
    tide_val v;
    v.u.o = &p->hdr;
    v.tag = TIDE_T_PROMISE;
    return v;
}

/* PerformPromiseThen: queues r now if p is settled, else appends it. Marks p
 * handled. p is borrowed. Inline: every await of a pending promise takes it. */
static inline void tide__promise_react(tide__promise *p, tide__reaction *r) {
    p->handled = true;
    if (p->state == TIDE_PENDING) {
        r->job.next = NULL;
        r->on = p;
        r->prev = p->tail;
        if (p->tail)
            p->tail->job.next = &r->job;
        else
            p->head = r;
        p->tail = r;
    } else {
        p->hdr.rc++;
        r->src = p;
        tide__job_push(&r->job);
    }
}

/* Takes r back out of pending p's list in O(1); false if r is not in it. */
bool tide__promise_unreact(tide__promise *p, tide__reaction *r);

/* Gives up the last reference to settled promise p (rc 1, not immortal,
 * of this thread's loop: the callers, awaits, have checked), returning its
 * result (owned) instead of counting it up and then down as p dies.
 * (Returned, not stored: a caller that goes on to read the value need not
 * wait for it to come back from memory. Inline, with the promises' free
 * list, for the awaits that end in place.) */
extern TIDE__TLS tide__pool tide__promises;
tide_val tide__promise_take_last_apart(tide__promise *p, tide_val v);
static inline tide_val tide__promise_take_last(tide__promise *p) {
    tide_val v = tide__load(&p->result); /* moved out: p is not read again */
    /* Settled: its reactions are jobs by now, and it holds nothing else. */
    if (__builtin_expect(!p->head, 1) && tide__pool_put(&tide__promises, tide__promise, p))
        return v;
    return tide__promise_take_last_apart(p, v); /* the list keeps no more */
}

tide__reaction *tide__reaction_new(void);
void tide__reaction_free(tide__reaction *r);

/* Releases r->src (the job's reference to the settled promise). */
void tide__reaction_done(tide__reaction *r);

/* The result of a settled promise read by a firing reaction. */
static inline bool tide__promise_rejected(const tide__promise *p) {
    return p->state == TIDE_REJECTED;
}

/* Settles p directly (it must be pending), skipping its locked check: for
 * resolvers and the promise's own machinery. v taken. */
void tide__promise_settle(tide__promise *p, bool rejected, tide_val v);

/* Node's default for an unhandled rejection: prints "tide: WHAT: reason",
 * marks the loop failed and stops it. */
void tide__unhandled_fail(tide_loop *loop, const char *what, tide_val reason);

/* The per-thread rejected promise returned when memory runs out (immortal). */
tide_val tide__promise_oom(void);

/* Registers a callback reaction on p (taken: non-promises are turned into
 * promises with tide_promise_resolved). It fires as a microtask, like a then
 * reaction. Returns 0 or TIDE_ENOMEM (fn will not be called). */
int tide__promise_on_settle(tide_val p, tide__settle_fn fn, void *ctx, size_t index);

#endif
