/* gen — the generator object, shared by sync and async generators
 * (internal). A body sees it as its tide_gen handle. */
#ifndef TIDE_GEN_INTERNAL_H
#define TIDE_GEN_INTERNAL_H

#include "task/task.h"
#include "tide/gen.h"

typedef struct tide__req tide__req; /* an async generator's queued request */

/* Its first fields are tide/gen.h's tide__gen_pub, which the public header's
 * inline steps use (gen.c asserts the layout). The states are ECMAScript's
 * [[GeneratorState]] / [[AsyncGeneratorState]]: TIDE__GEN_START
 * (suspendedStart), _YIELD (suspendedYield), _EXEC (executing), _RETURN
 * (awaiting-return, async only), _DONE (completed), in tide/gen.h. */
struct tide_gen {
    tide_obj hdr;
    uint8_t state;
    bool async;
    bool done;        /* with status and value: what a step handed over */
    bool fast;        /* sync, and the public header may inline its steps */
    uint8_t closing;  /* close-on-release rounds so far */
    bool direct_done; /* async: a direct request completed into status/value/done */
    int status;
    tide_val value;
    union {                /* one or the other, by async */
        tide__coro *coro;  /* sync: the body's coroutine */
        tide__task *task;  /* async: the body's task while the body exists */
    };
    const char *name;
    tide_gen_fn fn;
    void *arg;
    tide__req *qhead, *qtail;
    tide__req *spare;  /* async: the request direct next() steps reuse */
};

/* Frees a generator whose body is not suspended (start or done). */
void tide__gen_free(tide_gen *g);

/* Allocates and initialises the object (rc 1). NULL on ENOMEM. */
tide_gen *tide__gen_alloc(const tide_class *cls, tide_type type, const char *name,
                          tide_gen_fn fn, void *arg);

static inline tide_val tide__gen_val(tide_gen *g) {
    tide_val v;
    v.u.o = &g->hdr;
    v.tag = g->hdr.type;
    return v;
}

/* next() for a consumer that awaits the result at once, when nothing could
 * observe the difference: the consumer is a task the microtask loop resumed,
 * no job is queued, the tick budget has room. In two halves around an
 * inline switch into the body, which runs until it yields; the value is
 * taken without a promise or a tick. The caller holds a reference to g
 * across both halves. prep returns NULL when this does not apply. Once the
 * body is back, the caller ends the switch (tide__coro_switch_end) and then
 * calls finish, which returns 1 with the value in *out and *done set; a
 * negative code with the reason (the body threw); or 0 with *out a promise
 * of the result, to await as usual, when the body did anything but yield a
 * plain value. */
/* tide__agen_next_prep is declared in tide/agen.h (its caller is inline). */
int tide__agen_next_finish(tide_gen *g, tide_val *out, bool *done);

/* finish's common case, inline for its caller: the body yielded a value
 * (status 0), which moves into *out. */
static inline bool tide__agen_next_yielded(tide_gen *g, tide_val *out) {
    if (__builtin_expect(g->direct_done && !g->done, 1)) {
        *out = tide__take(&g->value);
        return true;
    }
    return false;
}

/* it, if it is a sync generator whose steps tide/gen.h may inline; else
 * NULL. */
tide_gen *tide__gen_inlinable(tide_val it);

/* tide__for_of.state */
enum { TIDE__FOR_OF_BODY, TIDE__FOR_OF_ENDED, TIDE__FOR_OF_THROWN };

/* The end of a tide_for_of step (iter.c): hands v over as the loop's
 * variable (true), or ends the loop on done or on an error from next(). */
bool tide__for_of_step(tide__for_of *f, int rc, tide_val v, bool done, tide_val *var);

/* tide_yield's inline step for async generators is tide__yield_prep and
 * tide__yield_finish (tide/gen.h), in agen.c. */

/* Async generators' tide_yield (agen.c), and the same without awaiting the
 * operand first (AsyncGeneratorYield, for yield*). */
int tide__agen_yield(tide_gen *g, tide_val v, tide_val *in);
int tide__agen_yield_raw(tide_gen *g, tide_val v, tide_val *in);

#endif
