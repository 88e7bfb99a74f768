/* gen — sync generators: a body on a coroutine, resumed by next / return /
 * throw and suspended by tide_yield, with ECMAScript's generator states. */
#include "gen/gen.h"

#include <stdio.h>

#include "val/alloc.h"
#include "val/val_internal.h"

static void gen_destroy(tide_obj *o);
static int gen_next(tide_val self, tide_val v, tide_val *value, bool *done);
static int gen_return(tide_val self, tide_val v, tide_val *value, bool *done);
static int gen_throw(tide_val self, tide_val e, tide_val *value, bool *done);

static const tide_iter_methods gen_methods = {gen_next, gen_return, gen_throw};
static const tide_class gen_class = {
    .name = "Generator",
    .iterator = tide_iter_self,
    .iter = &gen_methods,
    .destroy_ = gen_destroy,
};

_Static_assert(offsetof(tide_gen, state) == offsetof(tide__gen_pub, state), "gen layout");
_Static_assert(offsetof(tide_gen, async) == offsetof(tide__gen_pub, async), "gen layout");
_Static_assert(offsetof(tide_gen, done) == offsetof(tide__gen_pub, done), "gen layout");
_Static_assert(offsetof(tide_gen, fast) == offsetof(tide__gen_pub, fast), "gen layout");
_Static_assert(offsetof(tide_gen, status) == offsetof(tide__gen_pub, status), "gen layout");
_Static_assert(offsetof(tide_gen, value) == offsetof(tide__gen_pub, value), "gen layout");
_Static_assert(offsetof(tide_gen, direct) == offsetof(tide__gen_pub, direct), "gen layout");
_Static_assert(offsetof(tide_gen, coro) == offsetof(tide__gen_pub, coro), "gen layout");
_Static_assert(offsetof(tide_gen, qhead) == offsetof(tide__gen_pub, queue), "gen layout");

tide_gen *tide__gen_alloc(const tide_class *cls, tide_type type, const char *name,
                          tide_gen_fn fn, void *arg) {
    tide_gen *g = tide__calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->hdr = (tide_obj){1, (uint16_t)type, 0, cls};
    g->state = TIDE__GEN_START;
    g->name = name ? name : "generator";
    g->fn = fn;
    g->arg = arg;
    g->value = tide_undefined();
    return g;
}

void tide__gen_free(tide_gen *g) {
    tide_release(g->value);
    tide__free(g);
}

tide_val tide_generator_named(const char *name, tide_gen_fn fn, void *arg) {
    if (!fn)
        return tide_error_new(TIDE_EINVAL, "tide_generator: NULL body");
    tide_gen *g = tide__gen_alloc(&gen_class, TIDE_T_ITERATOR, name, fn, arg);
    if (!g)
        return tide_error_new(TIDE_ENOMEM, NULL);
    /* The public header's inline steps switch without the sanitizer's
     * bookkeeping, and need a stack pointer to swap. */
    g->fast = TIDE__SWITCH_INLINE && !TIDE__ASAN ? TIDE__GEN_FAST_SYNC : TIDE__GEN_SLOW;
    return tide__gen_val(g);
}

/* ---- The body's side ------------------------------------------------- */

static void gen_entry(void *arg) {
    tide_gen *g = arg;
    tide_val out = tide_undefined();
    int rc = g->fn(g, g->arg, &out);
    if (rc < 0 && tide_is_undefined(out))
        out = tide_error_new(rc, NULL); /* as an async function's body */
    g->status = rc < 0 ? rc : 0;
    g->value = out;
    g->done = true;
    g->state = TIDE__GEN_DONE;
    g->coro = NULL; /* it dies on the way out */
}

static inline bool own_body(tide_gen *g) { return g->coro && g->coro == tide__coro_cur; }

/* Hands v to the caller; the body is suspended at a yield. */
static inline void yield_out(tide_gen *g, tide_val v) {
    g->status = 0;
    g->value = v;
    g->done = false;
    g->state = TIDE__GEN_YIELD;
}

int tide__yield_slow(tide_gen *g, tide_val v, tide_val *in) {
    if (g && g->async)
        return tide__agen_yield(g, v, in);
    if (!g || !own_body(g)) {
        tide_release(v);
        *in = tide_error_new(TIDE_EINVAL, "tide_yield called outside its generator's body");
        return TIDE_EINVAL;
    }
    yield_out(g, v);
    tide__coro_switch(g->coro, g->coro->resumer);
    *in = tide__take(&g->value);
    return g->status;
}

/* ---- The caller's side ----------------------------------------------- */

static int fail(int code, const char *msg, tide_val *value, bool *done) {
    *value = tide_error_new(code, "%s", msg);
    *done = false;
    return code;
}

/* The halves of a resume, around the switch into the body. */
static void resume_begin(tide_gen *g, int status, tide_val v, tide__coro *self) {
    g->status = status;
    g->value = v;
    g->state = TIDE__GEN_EXEC;
    g->hdr.rc++; /* alive while its body runs, whatever the body releases */
    g->coro->resumer = self;
}

static int resume_end(tide_gen *g, tide_val *value, bool *done) {
    int rc = g->status;
    *value = tide__take(&g->value);
    *done = g->done;
    tide_release(tide__gen_val(g));
    return rc;
}

/* Runs the body until it yields or ends, handing it (status, v). */
static int resume(tide_gen *g, int status, tide_val v, tide_val *value, bool *done) {
    if (g->state == TIDE__GEN_START) {
        tide_release(v); /* the first next's argument is never seen */
        v = tide_undefined();
        if (!(g->coro = tide__coro_new(gen_entry, g, g->name)))
            return fail(TIDE_ENOMEM, "no memory for a generator's stack", value, done);
    }
    tide__coro *self = tide__coro_self();
    resume_begin(g, status, v, self);
    tide__coro_switch(self, g->coro);
    return resume_end(g, value, done);
}

tide_gen *tide__gen_inlinable(tide_val it) {
    if (it.tag != TIDE_T_ITERATOR || it.u.o->cls != &gen_class)
        return NULL;
    tide_gen *g = (tide_gen *)it.u.o;
    return g->fast == TIDE__GEN_FAST_SYNC ? g : NULL;
}

/* tide_for_of's inline step (tide/gen.h) found the body finished instead
 * of yielding. */
bool tide__for_of_ended(tide__for_of *f, tide_val *var) {
    tide_gen *g = (tide_gen *)f->it.u.o;
    return tide__for_of_step(f, g->status, tide__take(&g->value), true, var);
}

static int gen_next(tide_val self, tide_val v, tide_val *value, bool *done) {
    tide_gen *g = (tide_gen *)self.u.o;
    switch (g->state) {
    case TIDE__GEN_EXEC:
        tide_release(v);
        return fail(TIDE_ETYPE, "generator is already running", value, done);
    case TIDE__GEN_DONE:
        tide_release(v);
        *value = tide_undefined();
        *done = true;
        return 0;
    default:
        return resume(g, 0, v, value, done);
    }
}

static int gen_return(tide_val self, tide_val v, tide_val *value, bool *done) {
    tide_gen *g = (tide_gen *)self.u.o;
    switch (g->state) {
    case TIDE__GEN_EXEC:
        tide_release(v);
        return fail(TIDE_ETYPE, "generator is already running", value, done);
    case TIDE__GEN_YIELD:
        return resume(g, TIDE_RETURN, v, value, done);
    default: /* start or done: completes without running anything */
        g->state = TIDE__GEN_DONE;
        *value = v;
        *done = true;
        return 0;
    }
}

static int gen_throw(tide_val self, tide_val e, tide_val *value, bool *done) {
    tide_gen *g = (tide_gen *)self.u.o;
    switch (g->state) {
    case TIDE__GEN_EXEC:
        tide_release(e);
        return fail(TIDE_ETYPE, "generator is already running", value, done);
    case TIDE__GEN_YIELD:
        return resume(g, tide_reason_code(e), e, value, done);
    default:
        g->state = TIDE__GEN_DONE;
        *value = e;
        *done = true;
        return tide_reason_code(e);
    }
}

/* The last reference went while the body was suspended at a yield: close it
 * as return() would, so that its clean-up runs, then free it. */
static void gen_destroy(tide_obj *o) {
    tide_gen *g = (tide_gen *)o;
    while (g->state == TIDE__GEN_YIELD && g->closing < 64) {
        tide_val value;
        bool done;
        g->closing++;
        g->hdr.rc = 1; /* resurrected for the clean-up */
        resume(g, TIDE_RETURN, tide_undefined(), &value, &done);
        tide_release(value);
        g->hdr.rc = 0;
    }
    if (g->state == TIDE__GEN_YIELD)
        fprintf(stderr, "tide: generator %s kept yielding after return(); abandoned\n", g->name);
    tide__gen_free(g);
}
