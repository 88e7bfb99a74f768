/* gen — the generator object, shared by sync and async generators
 * (internal). A body sees it as its tide_gen handle. */
#ifndef TIDE_GEN_INTERNAL_H
#define TIDE_GEN_INTERNAL_H

#include "task/task.h"
#include "tide/gen.h"

/* ECMAScript's [[GeneratorState]] / [[AsyncGeneratorState]]. */
enum {
    TIDE__GEN_START,   /* suspendedStart */
    TIDE__GEN_YIELD,   /* suspendedYield */
    TIDE__GEN_EXEC,    /* executing */
    TIDE__GEN_RETURN,  /* awaiting-return (async only) */
    TIDE__GEN_DONE     /* completed */
};

typedef struct tide__req tide__req; /* an async generator's queued request */

struct tide_gen {
    tide_obj hdr;
    uint8_t state;
    bool async;
    uint8_t closing; /* close-on-release rounds so far */
    const char *name;
    tide_gen_fn fn;
    void *arg;
    /* sync: the exchange between the body and its caller */
    tide__coro *coro;
    int status;
    tide_val value;
    bool done;
    /* async */
    tide__task *task;  /* the body's task while the body exists */
    tide__req *qhead, *qtail;
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

/* Async generators' tide_yield (agen.c), and the same without awaiting the
 * operand first (AsyncGeneratorYield, for yield*). */
int tide__agen_yield(tide_gen *g, tide_val v, tide_val *in);
int tide__agen_yield_raw(tide_gen *g, tide_val v, tide_val *in);

#endif
