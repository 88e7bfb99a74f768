/* agen — async generators: ECMAScript's AsyncGenerator (§27.6) on a task.
 *
 * The request queue, the states and the steps below carry the spec's names:
 * AsyncGeneratorEnqueue, Resume, CompleteStep, AwaitReturn, DrainQueue,
 * Yield and UnwrapYieldResumption. The body's task holds a reference to the
 * generator while the body executes (runs or awaits) and drops it while
 * suspended at a yield, so that a generator nobody holds can be closed.
 */
#include <stdio.h>

#include "gen/gen.h"
#include "tide/agen.h"
#include "val/alloc.h"
#include "val/pool.h"
#include "val/val_internal.h"

enum { REQ_NEXT, REQ_RETURN, REQ_THROW };

/* A queued request. A direct `for await` step's (tide/iter.h) is not one of
 * these: while g->direct is ASKED or AWAITED, a next() with no argument
 * stands ahead of the queue, completing into the generator's status, value
 * and done (ASKED) or into g->dpromise (AWAITED). */
struct tide__req {
    tide__req *next;
    int kind;
    tide_val value;   /* moved into the body when delivered */
    tide_val promise; /* undefined for the closing request of a dropped generator */
};

static void agen_destroy(tide_obj *o);
static tide_val request(tide_gen *g, int kind, tide_val v);
static tide_val agen_next(tide_val self, tide_val v);
static tide_val agen_return(tide_val self, tide_val v);
static tide_val agen_throw(tide_val self, tide_val e);

static const tide_async_iter_methods agen_methods = {agen_next, agen_return, agen_throw};
static const tide_class agen_class = {
    .name = "AsyncGenerator",
    .async_iterator = tide_iter_self,
    .async_iter = &agen_methods,
    .destroy_ = agen_destroy,
};

tide_val tide_async_gen_named(const char *name, tide_gen_fn fn, void *arg) {
    if (!fn)
        return tide_error_new(TIDE_EINVAL, "tide_async_gen: NULL body");
    tide_gen *g = tide__gen_alloc(&agen_class, TIDE_T_ASYNC_ITERATOR, name, fn, arg);
    if (!g)
        return tide_error_new(TIDE_ENOMEM, NULL);
    g->async = true;
    /* As a sync generator's (gen.c). */
    g->fast = TIDE__SWITCH_INLINE && !TIDE__ASAN ? TIDE__GEN_FAST_ASYNC : TIDE__GEN_SLOW;
    return tide__gen_val(g);
}

static inline tide_gen *gen_of(tide_val v) { return (tide_gen *)v.u.o; }

/* ---- The queue ------------------------------------------------------- */

/* Requests are pooled per thread: steady iteration allocates none. */
static TIDE__TLS tide__pool pool = TIDE__POOL(tide__req, 256);
_Static_assert(TIDE__POOL_FITS(tide__req), "a pooled object holds its link in its last word");

static tide__req *req_alloc(void) {
    tide__req *r = tide__pool_get(&pool, tide__req);
    return r ? r : tide__malloc(sizeof *r);
}

static void req_free(tide__req *r) {
    if (!tide__pool_put(&pool, tide__req, r))
        tide__free(r);
}

static void pool_drain(void) { tide__pool_drain(&pool); }

static void pool_trim(void) { tide__pool_trim(&pool); }

__attribute__((constructor)) static void agen_hooks(void) {
    static const tide__loop_hooks h = {NULL, NULL, pool_drain, pool_trim};
    tide__loop_add_hooks(&h);
}

/* Whether a direct step's request stands at the head (see tide__req). */
static inline bool direct_head(const tide_gen *g) {
    return g->direct == TIDE__DIRECT_ASKED || g->direct == TIDE__DIRECT_AWAITED;
}

static inline bool queue_empty(const tide_gen *g) { return !direct_head(g) && !g->qhead; }

static inline int head_kind(const tide_gen *g) { return direct_head(g) ? REQ_NEXT : g->qhead->kind; }

static tide__req *enqueue_req(tide_gen *g, int kind, tide_val value, tide_val promise) {
    tide__req *r = req_alloc();
    if (!r) {
        tide_release(value);
        return NULL;
    }
    *r = (tide__req){NULL, kind, value, promise};
    if (g->qtail)
        g->qtail->next = r;
    else
        g->qhead = r;
    g->qtail = r;
    return r;
}

static int enqueue(tide_gen *g, int kind, tide_val value, tide_val promise) {
    return enqueue_req(g, kind, value, promise) ? 0 : TIDE_ENOMEM;
}

/* Settles a request's promise p (borrowed; undefined: nobody waits) with
 * the step's outcome (value taken). */
static void settle(tide_val p, bool thrown, tide_val value, bool done) {
    if (!tide_is_promise(p)) {
        tide_release(value);
    } else if (thrown) {
        tide_promise_reject(p, value);
    } else {
        tide_val res = tide_iter_result(value, done);
        if (tide_is_error(res))
            tide_promise_reject(p, res);
        else
            tide_promise_resolve(p, res);
    }
}

/* AsyncGeneratorCompleteStep: settles the first request. */
static void complete_step(tide_gen *g, bool thrown, tide_val value, bool done) {
    if (g->direct == TIDE__DIRECT_ASKED) {
        g->status = thrown ? tide_reason_code(value) : 0;
        g->value = value;
        g->done = done;
        g->direct = TIDE__DIRECT_ANSWERED;
        return;
    }
    if (g->direct == TIDE__DIRECT_AWAITED) {
        tide_val p = tide__promise_val(g->dpromise);
        g->dpromise = NULL;
        g->direct = TIDE__DIRECT_NONE;
        settle(p, thrown, value, done);
        tide_release(p);
        return;
    }
    tide__req *r = g->qhead;
    if (!(g->qhead = r->next))
        g->qtail = NULL;
    settle(r->promise, thrown, value, done);
    tide_release(r->value);
    tide_release(r->promise);
    req_free(r);
}

static void await_return(tide_gen *g);

/* AsyncGeneratorDrainQueue: the generator is completed. */
static void drain_queue(tide_gen *g) {
    while (!queue_empty(g)) {
        int kind = head_kind(g);
        if (kind == REQ_RETURN) {
            g->state = TIDE__GEN_RETURN;
            await_return(g);
            return;
        }
        tide_val v = kind == REQ_THROW ? tide__take(&g->qhead->value) : tide_undefined();
        complete_step(g, kind == REQ_THROW, v, true);
    }
}

static void await_return_settled(void *ctx, size_t i, tide_state st, tide_val v) {
    tide_gen *g = ctx;
    (void)i;
    if (st != TIDE_PENDING) {
        g->state = TIDE__GEN_DONE;
        complete_step(g, st == TIDE_REJECTED, tide_retain(v), true);
        drain_queue(g);
    }
    tide_release(tide__gen_val(g));
}

/* AsyncGeneratorAwaitReturn: return(v) on a generator that is not running
 * waits for v, then completes with it. */
static void await_return(tide_gen *g) {
    tide__req *r = g->qhead;
    tide_val v = r->value;
    r->value = tide_undefined();
    g->hdr.rc++; /* held by the reaction */
    int rc = tide__promise_on_settle(v, await_return_settled, g, 0);
    if (rc != 0) {
        g->state = TIDE__GEN_DONE;
        complete_step(g, true, tide_error_new(rc, "return(): %s", tide_strerror(rc)), true);
        drain_queue(g);
        tide_release(tide__gen_val(g));
    }
}

/* ---- Running the body ------------------------------------------------ */

static void agen_body(tide__task *t, void *ctx) {
    tide_gen *g = ctx;
    g->coro = t->coro;
    tide_val out = tide_undefined();
    int rc = g->fn(g, g->arg, &out);
    if (rc < 0 && tide_is_undefined(out))
        out = tide_error_new(rc, NULL); /* as an async function's body */
    if (rc == 0 && !tide_is_undefined(out)) {
        tide_val v; /* `return expr` awaits expr */
        int r = tide_await(out, &v);
        rc = r < 0 ? r : 0;
        out = v;
    }
    g->coro = NULL; /* it serves other tasks next */
    g->state = TIDE__GEN_DONE;
    complete_step(g, rc < 0, out, true);
    drain_queue(g);
    tide_release(tide__gen_val(g)); /* the body's reference */
}

/* AsyncGeneratorResume: the first request is delivered to the body, which
 * runs until it next suspends. */
static void resume(tide_gen *g) {
    int start = g->state == TIDE__GEN_START;
    g->state = TIDE__GEN_EXEC;
    g->hdr.rc++; /* the body's reference while it executes */
    if (!start) {
        tide__task_resume(tide__agen_task(g), 0, tide_undefined());
        return;
    }
    tide__req *r = g->qhead;
    tide_clear(&r->value); /* the first next's argument is never seen */
    if (tide__task_start(g->name, agen_body, g) != 0) {
        g->state = TIDE__GEN_DONE;
        complete_step(g, true, tide_error_new(TIDE_ENOMEM, "no memory for a generator's stack"), true);
        drain_queue(g);
        tide_release(tide__gen_val(g));
    }
}

/* AsyncGeneratorUnwrapYieldResumption, for the request at the head. */
static int unwrap(tide_gen *g, tide_val *in) {
    if (direct_head(g)) {
        *in = tide_undefined();
        return 0;
    }
    tide__req *r = g->qhead;
    tide_val v = r->value;
    r->value = tide_undefined();
    switch (r->kind) {
    case REQ_NEXT:
        *in = v;
        return 0;
    case REQ_THROW:
        *in = v;
        return tide_reason_code(v);
    default: {
        int rc = tide_await(v, in);
        return rc < 0 ? rc : TIDE_RETURN;
    }
    }
}

/* Closing request for a generator released while suspended at a yield. */
static void enqueue_close(tide_gen *g) {
    if (enqueue(g, REQ_RETURN, tide_undefined(), tide_undefined()) != 0)
        fprintf(stderr, "tide: no memory to close async generator %s\n", g->name);
}

static bool in_body(tide_gen *g, tide_val v, tide_val *in) {
    if (g && g->async && g->coro && g->coro == tide__coro_cur)
        return true;
    tide_release(v);
    *in = tide_error_new(TIDE_EINVAL, "tide_yield called outside its generator's body");
    return false;
}

int tide__agen_yield(tide_gen *g, tide_val v, tide_val *in) {
    if (!in_body(g, v, in))
        return TIDE_EINVAL;
    /* Handing a plain value to a direct request: the await would cost a
     * tick in which nothing else can run (no job is queued), so skip it. */
    if (g->direct == TIDE__DIRECT_ASKED && !g->qhead && !tide__val_thenable(v) &&
        tide__jobs_empty() && !tide__stopped)
        return tide__agen_yield_raw(g, v, in);
    tide_val awaited;
    int rc = tide_await(v, &awaited); /* yield awaits its operand */
    if (rc < 0) {
        *in = awaited;
        return rc;
    }
    return tide__agen_yield_raw(g, awaited, in);
}

/* AsyncGeneratorYield: hands v (taken, not awaited) to the first request
 * and waits for the next one. */
int tide__agen_yield_raw(tide_gen *g, tide_val v, tide_val *in) {
    if (!in_body(g, v, in))
        return TIDE_EINVAL;
    tide__task *t = tide__agen_task(g);
    complete_step(g, false, v, false);
    if (queue_empty(g)) {
        g->state = TIDE__GEN_YIELD;
        if (--g->hdr.rc > 0) {
            tide__task_suspend(t);
        } else if (g->closing++ < 64) {
            /* Nobody holds the generator any more: close it from here. */
            g->hdr.rc = 1;
            g->state = TIDE__GEN_EXEC;
            enqueue_close(g);
        } else {
            fprintf(stderr, "tide: async generator %s kept yielding after return(); abandoned\n",
                    g->name);
            tide__task_suspend(t); /* never resumed */
        }
    }
    return tide__yield_resumed(g, in);
}

int tide__yield_resumed(tide_gen *g, tide_val *in) {
    if (queue_empty(g)) { /* its closing request could not be had */
        *in = tide_error_new(TIDE_ENOMEM, NULL);
        return TIDE_ENOMEM;
    }
    return unwrap(g, in);
}

int tide_gen_return(tide_gen *g, tide_val v, tide_val *out) {
    if (!g || !g->async) {
        *out = v;
        return TIDE_RETURN;
    }
    int rc = tide_await(v, out);
    return rc < 0 ? rc : TIDE_RETURN;
}

tide_gen *tide__agen_inlinable(tide_val it) {
    if (it.tag != TIDE_T_ASYNC_ITERATOR || it.u.o->cls != &agen_class)
        return NULL;
    tide_gen *g = gen_of(it);
    return g->fast == TIDE__GEN_FAST_ASYNC ? g : NULL;
}

int tide__agen_direct_rest(tide_gen *g, tide_val *out) {
    if (g->direct == TIDE__DIRECT_ANSWERED) {
        /* The body ran to its end (a yield's answer, not done, the loop's
         * inline step took itself). */
        tide_val v = tide__take(&g->value);
        g->direct = TIDE__DIRECT_NONE;
        if (tide__jobs_empty()) {
            *out = v;
            return g->status < 0 ? g->status : 1;
        }
        /* It queued jobs on the way: in JavaScript the loop's await is
         * queued only when next() returns, behind those jobs. Hand back a
         * settled promise to await instead. */
        *out = g->status < 0 ? tide_promise_rejected(v)
                             : tide_promise_resolved(tide_iter_result(v, true));
        return 0;
    }
    /* ASKED: the body did something else first (awaited, yielded a
     * promise): the request is left with a promise, as an ordinary one. */
    tide_val p = tide_promise_new();
    g->dpromise = tide__promise_of(tide_retain(p));
    g->direct = TIDE__DIRECT_AWAITED;
    *out = p;
    return 0;
}

/* ---- next / return / throw ------------------------------------------- */

static tide_val request(tide_gen *g, int kind, tide_val v) {
    tide_val p = tide_promise_new();
    if (tide__promise_of(p)->hdr.flags & TIDE__OBJ_IMMORTAL) {
        tide_release(v);
        return p;
    }
    if (g->state == TIDE__GEN_START && kind == REQ_THROW)
        g->state = TIDE__GEN_DONE;
    if (g->state == TIDE__GEN_DONE && kind != REQ_RETURN) {
        if (kind == REQ_THROW)
            tide_promise_reject(p, v);
        else {
            tide_release(v);
            tide_promise_resolve(p, tide_iter_result(tide_undefined(), true));
        }
        return p;
    }
    int rc = enqueue(g, kind, v, tide_retain(p));
    if (rc != 0) {
        tide_release(p); /* the queue's reference */
        tide_promise_reject(p, tide_error_new(rc, NULL));
        return p;
    }
    if (kind == REQ_RETURN &&
        (g->state == TIDE__GEN_START || g->state == TIDE__GEN_DONE)) {
        g->state = TIDE__GEN_RETURN;
        await_return(g);
    } else if (g->state == TIDE__GEN_START || g->state == TIDE__GEN_YIELD) {
        resume(g);
    }
    return p;
}

static tide_val agen_next(tide_val self, tide_val v) { return request(gen_of(self), REQ_NEXT, v); }
static tide_val agen_return(tide_val self, tide_val v) { return request(gen_of(self), REQ_RETURN, v); }
static tide_val agen_throw(tide_val self, tide_val e) { return request(gen_of(self), REQ_THROW, e); }

/* The last reference went. Suspended at a yield: close it as return() would
 * (it comes back here once its body has finished). */
static void agen_destroy(tide_obj *o) {
    tide_gen *g = (tide_gen *)o;
    if (g->state == TIDE__GEN_YIELD && g->closing++ < 64) {
        g->hdr.rc = 0;
        enqueue_close(g);
        if (g->qhead) {
            resume(g); /* takes the body's reference */
            return;
        }
    }
    while (!queue_empty(g))
        complete_step(g, true, tide_error_new(TIDE_ECANCELED, "generator destroyed"), true);
    tide__gen_free(g);
}

/* ---- The protocol on any async iterator -------------------------------- */

static const tide_async_iter_methods *amethods(tide_val it) {
    return tide_is_obj(it) && it.u.o->cls ? it.u.o->cls->async_iter : NULL;
}

static tide_val as_promise(tide_val r) {
    return tide_is_promise(r) ? r : tide_promise_resolved(r);
}

static tide_val type_error(tide_val arg, const char *what) {
    tide_release(arg);
    return tide_promise_rejected(tide_error_new(TIDE_ETYPE, "%s", what));
}

tide_val tide_async_iter_next(tide_val it, tide_val v) {
    const tide_async_iter_methods *m = amethods(it);
    if (!m || !m->next)
        return type_error(v, "next: not an async iterator");
    return as_promise(m->next(it, v));
}

tide_val tide_async_iter_return(tide_val it, tide_val v) {
    const tide_async_iter_methods *m = amethods(it);
    if (!m)
        return type_error(v, "return: not an async iterator");
    if (!m->return_)
        return tide_promise_resolved(tide_iter_result(v, true));
    return as_promise(m->return_(it, v));
}

tide_val tide_async_iter_throw(tide_val it, tide_val e) {
    const tide_async_iter_methods *m = amethods(it);
    if (!m || !m->throw_)
        return type_error(e, "throw: not an async iterator with a throw method");
    return as_promise(m->throw_(it, e));
}
