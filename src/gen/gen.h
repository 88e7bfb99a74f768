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
    bool done;       /* with status and value: what a step handed over */
    uint8_t fast;    /* TIDE__GEN_FAST_SYNC / _ASYNC: the public header may inline steps */
    uint8_t direct;  /* async: TIDE__DIRECT_..., the direct `for await` step */
    uint8_t closing; /* close-on-release rounds so far */
    int status;
    tide_val value;
    tide__coro *coro;         /* the body's, while the body exists */
    tide__req *qhead;         /* async: queued requests (after a direct one) */
    tide__req *qtail;
    const char *name;
    tide_gen_fn fn;
    void *arg;
    tide__promise *dpromise;  /* async: the direct request's, once AWAITED */
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

/* An async generator's body task (while the body exists), from its
 * coroutine. */
static inline tide__task *tide__agen_task(const tide_gen *g) {
    return g->coro ? (tide__task *)g->coro->user : NULL;
}

/* The rest of a direct `for await` step (tide/iter.h) when the body did
 * not answer with a value: 1 with the body's return value in *out (done),
 * a negative code with the reason (it threw), or 0 with *out a promise of
 * the result, to await as usual. */
int tide__agen_direct_rest(tide_gen *g, tide_val *out);

/* it, if it is a sync generator whose steps tide/gen.h may inline; else
 * NULL. */
tide_gen *tide__gen_inlinable(tide_val it);

/* it, if it is an async generator whose steps tide/iter.h may inline; else
 * NULL. */
tide_gen *tide__agen_inlinable(tide_val it);

/* tide__for_of.state */
enum { TIDE__FOR_OF_BODY, TIDE__FOR_OF_ENDED, TIDE__FOR_OF_THROWN };

/* The end of a tide_for_of step (iter.c): hands v over as the loop's
 * variable (true), or ends the loop on done or on an error from next(). */
bool tide__for_of_step(tide__for_of *f, int rc, tide_val v, bool done, tide_val *var);

/* Async generators' tide_yield (agen.c), and the same without awaiting the
 * operand first (AsyncGeneratorYield, for yield*). */
int tide__agen_yield(tide_gen *g, tide_val v, tide_val *in);
int tide__agen_yield_raw(tide_gen *g, tide_val v, tide_val *in);

#endif
