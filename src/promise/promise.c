/* promise — the promise object, settling, adoption and then().
 *
 * Follows ECMA-262 §27.2 step by step where the order is observable:
 * resolving with a promise or thenable queues NewPromiseResolveThenableJob,
 * whose then() call queues the reaction that finally settles the promise, so
 * adoption costs two ticks as in JavaScript.
 */
#include <stdio.h>
#include <string.h>

#include "promise/promise.h"
#include "val/alloc.h"
#include "val/pool.h"
#include "val/val_internal.h"

/* Per-thread pools (promises': promise.h, for tide__promise_take_last) and
 * the list of rejections still without a handler. */
TIDE__TLS tide__pool tide__promises = TIDE__POOL(tide__promise, 4096);
static TIDE__TLS struct {
    tide__pool reactions;
    tide__reaction *live;        /* pooled reactions in use: see break_cycles */
    tide__promise *oom;          /* immortal, rejected with TIDE_ENOMEM */
    tide_val *unhandled;         /* promises, in rejection order */
    size_t nunhandled, capunhandled;
    tide_unhandled_fn on_unhandled;
    void *on_unhandled_data;
} ps = {.reactions = TIDE__POOL(tide__reaction, 4096)};
_Static_assert(TIDE__POOL_FITS(tide__promise), "a pooled object holds its link in its last word");
_Static_assert(TIDE__POOL_FITS(tide__reaction), "a pooled object holds its link in its last word");

static void promise_destroy(tide_obj *o);
static const tide_class promise_class = {.name = "Promise", .destroy_ = promise_destroy};

static inline tide_val pval(tide__promise *p) {
    tide_val v;
    v.u.o = &p->hdr;
    v.tag = TIDE_T_PROMISE;
    return v;
}

/* ---- Pools ----------------------------------------------------------- */

/* A queued reaction dropped at loop teardown: as if its promise had died. */
static void reaction_discard(tide__job *j) {
    tide__reaction *r = (tide__reaction *)j;
    tide__reaction_done(r);
    r->drop(r);
}

tide__reaction *tide__reaction_new(void) {
    tide__reaction *r = tide__pool_get(&ps.reactions, tide__reaction);
    if (!r && !(r = tide__malloc(sizeof *r)))
        return NULL;
    memset(r, 0, sizeof *r);
    r->job.discard = reaction_discard;
    if ((r->lnext = ps.live))
        ps.live->lprev = r;
    ps.live = r;
    return r;
}

void tide__reaction_free(tide__reaction *r) {
    if (r->lprev)
        r->lprev->lnext = r->lnext;
    else
        ps.live = r->lnext;
    if (r->lnext)
        r->lnext->lprev = r->lprev;
    if (!tide__pool_put(&ps.reactions, tide__reaction, r))
        tide__free(r);
}

void tide__reaction_done(tide__reaction *r) {
    tide__promise *src = r->src;
    r->src = NULL;
    if (src)
        tide_release(pval(src));
}

/* Out of line, so that the pooled path saves no registers for malloc. */
static __attribute__((noinline)) tide__promise *promise_malloc(void) {
    return tide__malloc(sizeof(tide__promise));
}

/* Field by field, not a memset: the stores then fall on the fields, which
 * the promise's first readers (an await, a then) load from the store buffer
 * at once; a load that straddles a wider store made by a cleared span waits
 * for it instead. */
static inline tide__promise *promise_init(tide__promise *p) {
    p->hdr = (tide_obj){1, TIDE_T_PROMISE, 0, &promise_class};
    p->state = TIDE_PENDING;
    p->locked = p->handled = p->tracked = p->forwarding = false;
    p->result = tide_undefined();
    p->head = p->tail = NULL;
    p->loop = tide__now.loop;
    return p;
}

/* A pooled promise, or NULL when the pool is empty. */
static inline tide__promise *promise_pop(void) {
    tide__promise *p = tide__pool_get(&tide__promises, tide__promise);
    if (__builtin_expect(p != NULL, 1))
        promise_init(p);
    return p;
}

static inline tide__promise *promise_alloc(void) {
    tide__promise *p = promise_pop();
    if (!p && (p = promise_malloc()))
        promise_init(p);
    return p;
}


/* Back to the pool, or freed: p holds nothing any more. */
static inline void promise_recycle(tide__promise *p) {
    if (p->loop != tide__now.loop || !tide__pool_put(&tide__promises, tide__promise, p))
        tide__free(p);
}

static void promise_destroy(tide_obj *o) {
    tide__promise *p = (tide__promise *)o;
    tide__reaction *r = p->head;
    while (r) {
        tide__reaction *next = (tide__reaction *)r->job.next;
        if (r->drop)
            r->drop(r);
        r = next;
    }
    tide_release(p->result); /* or, pending, the forwarding target */
    promise_recycle(p);
}

/* tide__promise_take_last (promise.h) past its pooled case. */
tide_val tide__promise_take_last_apart(tide__promise *p, tide_val v) {
    p->hdr.rc = 0;
    p->result = tide_undefined(); /* moved out */
    if (p->head)
        promise_destroy(&p->hdr);
    else
        tide__free(p); /* the list keeps no more */
    return v;
}

/* ---- The out-of-memory promise ----------------------------------------- */

static tide_val no_loop_promise(void) {
    static tide__promise p = {
        .hdr = {1, TIDE_T_PROMISE, TIDE__OBJ_IMMORTAL, &promise_class},
        .state = TIDE_REJECTED,
        .locked = true,
        .handled = true,
    };
    static tide_val reason;
    if (reason.tag == TIDE_T_UNDEFINED) {
        reason = tide_error_new(TIDE_ENOLOOP, "no tide loop on this thread");
        p.result = reason; /* the error stays alive for the process */
    }
    return pval(&p);
}

tide_val tide__promise_oom(void) {
    if (!tide__now.loop)
        return no_loop_promise();
    if (!ps.oom) {
        static TIDE__TLS tide__promise oom_storage;
        tide__promise *p = &oom_storage;
        memset(p, 0, sizeof *p);
        p->hdr = (tide_obj){1, TIDE_T_PROMISE, TIDE__OBJ_IMMORTAL, &promise_class};
        p->state = TIDE_REJECTED;
        p->locked = true;
        p->handled = true; /* shared: one caller's neglect must not stop the loop */
        p->result = tide__error_oom();
        p->loop = tide__now.loop;
        ps.oom = p;
    }
    return pval(ps.oom);
}

/* ---- Settling ---------------------------------------------------------- */

static void track_unhandled(tide__promise *p) {
    if (ps.nunhandled == ps.capunhandled) {
        size_t cap = ps.capunhandled ? ps.capunhandled * 2 : 16;
        tide_val *u = tide__realloc(ps.unhandled, cap * sizeof *u);
        if (!u)
            return; /* cannot track it: it will not be reported */
        ps.unhandled = u;
        ps.capunhandled = cap;
    }
    p->tracked = true;
    ps.unhandled[ps.nunhandled++] = tide_retain(pval(p));
    tide__checkpoint_due = true;
}

/* A thenable's resolver keeps the promise it settles in result while
 * pending: its settlement is that promise's. Apart, so that the common
 * case needs no frame for the recursion. */
static __attribute__((noinline)) void settle_forwarding(tide__promise *p, bool rejected,
                                                        tide_val v) {
    tide_val target = p->result;
    p->forwarding = false;
    p->result = tide_undefined();
    tide__promise_settle(p, rejected, tide_retain(v));
    tide__promise_settle(tide__promise_of(target), rejected, v);
    tide_release(target);
}

void tide__promise_settle(tide__promise *p, bool rejected, tide_val v) {
    if (p->state != TIDE_PENDING) {
        tide_release(v);
        return;
    }
    if (__builtin_expect(p->forwarding, 0)) {
        settle_forwarding(p, rejected, v);
        return;
    }
    p->state = rejected ? TIDE_REJECTED : TIDE_FULFILLED;
    p->locked = true;
    p->result = v;
    tide__reaction *r = p->head;
    p->head = p->tail = NULL;
    if (rejected && !p->handled && !p->tracked)
        track_unhandled(p);
    while (r) {
        tide__reaction *next = (tide__reaction *)r->job.next;
        r->on = NULL;
        p->hdr.rc++;
        r->src = p;
        tide__job_push(&r->job);
        r = next;
    }
}

bool tide__promise_unreact(tide__promise *p, tide__reaction *r) {
    tide__reaction *next = (tide__reaction *)r->job.next;
    if (r->prev)
        r->prev->job.next = r->job.next;
    else if (p->head == r)
        p->head = next;
    else
        return false;
    if (next)
        next->prev = r->prev;
    else
        p->tail = r->prev;
    r->job.next = NULL;
    r->prev = NULL;
    r->on = NULL;
    return true;
}

/* Adoption, step 2: the adopted promise settled; settle the target alike. */
static void adopt_fire(tide__job *j) {
    tide__reaction *r = (tide__reaction *)j;
    tide__promise *src = r->src;
    tide__promise_settle(tide__promise_of(r->u.target),
                         src->state == TIDE_REJECTED, tide_retain(src->result));
    tide_release(r->u.target);
    tide__reaction_done(r);
    tide__reaction_free(r);
}

static void adopt_drop(tide__reaction *r) {
    tide_release(r->u.target);
    tide__reaction_free(r);
}

/* NewPromiseResolveThenableJob: r->u.target is the promise being resolved,
 * r->src the thenable's holder (for a native promise, the promise itself). */
static void thenable_job(tide__job *j) {
    tide__reaction *r = (tide__reaction *)j;
    tide_val thenable = {.u.o = &r->src->hdr, .tag = r->src->hdr.type};
    r->src = NULL;
    if (thenable.tag == TIDE_T_PROMISE) {
        r->job.run = adopt_fire;
        r->drop = adopt_drop;
        tide__promise_react(tide__promise_of(thenable), r);
    } else {
        /* A C thenable gets a fresh resolver that forwards to the target. */
        tide_val q = tide_promise_new();
        if (tide__promise_of(q)->hdr.flags & TIDE__OBJ_IMMORTAL) {
            tide__promise_settle(tide__promise_of(r->u.target), true,
                                 tide_error_new(TIDE_ENOMEM, NULL));
        } else {
            tide__promise_of(q)->handled = true;
            tide__promise_of(q)->forwarding = true;
            tide__promise_of(q)->result = tide_retain(r->u.target);
            thenable.u.o->cls->then(thenable, q);
        }
        tide_release(r->u.target);
        tide__reaction_free(r);
    }
    tide_release(thenable);
}

/* A promise of another thread's loop: its reactions would run there. */
static inline bool foreign(const tide__promise *p) {
    return p->loop != tide__now.loop && !(p->hdr.flags & TIDE__OBJ_IMMORTAL);
}

static void thenable_discard(tide__job *j) {
    tide__reaction *r = (tide__reaction *)j;
    tide_val thenable = {.u.o = &r->src->hdr, .tag = r->src->hdr.type};
    r->src = NULL;
    tide_release(thenable);
    tide_release(r->u.target);
    tide__reaction_free(r);
}

/* The promise resolve function's steps 7-16, for p not yet resolved. */
static void resolve_unlocked(tide__promise *p, tide_val v) {
    p->locked = true;
    if (v.tag == TIDE_T_PROMISE &&
        (tide__promise_of(v) == p || (p->forwarding && p->result.u.o == v.u.o))) {
        /* Itself, or (through a thenable's resolver) the promise it settles. */
        tide_release(v);
        tide__promise_settle(p, true, tide_error_new(TIDE_ETYPE,
                             "chaining cycle: a promise resolved with itself"));
        return;
    }
    if (v.tag == TIDE_T_PROMISE && foreign(tide__promise_of(v))) {
        tide_release(v);
        tide__promise_settle(p, true, tide_error_new(TIDE_ETHREAD,
                             "cannot adopt a promise of another thread's loop"));
        return;
    }
    if (!tide__val_thenable(v)) {
        tide__promise_settle(p, false, v);
        return;
    }
    tide__reaction *r = tide__reaction_new();
    if (!r) {
        tide_release(v);
        tide__promise_settle(p, true, tide_error_new(TIDE_ENOMEM, NULL));
        return;
    }
    p->hdr.rc++;
    r->u.target = pval(p);
    r->src = (tide__promise *)v.u.o; /* the thenable, carried untyped */
    r->job.run = thenable_job;
    r->job.discard = thenable_discard;
    tide__job_push(&r->job);
}

static int check_promise(tide_val p, tide_val v) {
    int rc = 0;
    if (p.tag != TIDE_T_PROMISE)
        rc = TIDE_EINVAL;
    else if (tide__promise_of(p)->loop != tide__now.loop)
        rc = TIDE_ETHREAD;
    else if (tide__promise_of(p)->locked)
        rc = TIDE_EALREADY;
    if (rc)
        tide_release(v);
    return rc;
}

int tide_promise_resolve(tide_val p, tide_val v) {
    int rc = check_promise(p, v);
    if (rc == 0)
        resolve_unlocked(tide__promise_of(p), v);
    return rc;
}

int tide_promise_reject(tide_val p, tide_val reason) {
    int rc = check_promise(p, reason);
    if (rc == 0)
        tide__promise_settle(tide__promise_of(p), true, reason);
    return rc;
}

/* ---- Construction ------------------------------------------------------ */

tide_val tide_promise_new(void) {
    if (!tide__now.loop)
        return no_loop_promise();
    tide__promise *p = promise_alloc();
    return p ? pval(p) : tide__promise_oom();
}

/* Born fulfilled: what settling it would do, with no reaction to run. */
static inline tide_val born_fulfilled(tide__promise *fp, tide_val v) {
    fp->state = TIDE_FULFILLED;
    fp->locked = true;
    fp->result = v;
    return pval(fp);
}

/* tide_promise_resolved past its pooled case: out of line, so that the
 * pooled case saves no registers. */
static __attribute__((noinline)) tide_val resolved_slow(tide_val v) {
    tide__promise *fp;
    if (!tide__val_thenable(v) && tide__now.loop && (fp = promise_alloc()))
        return born_fulfilled(fp, v);
    tide_val p = tide_promise_new();
    if (tide__promise_of(p)->hdr.flags & TIDE__OBJ_IMMORTAL)
        tide_release(v);
    else
        resolve_unlocked(tide__promise_of(p), v);
    return p;
}

tide_val tide_promise_resolved(tide_val v) {
    if (v.tag == TIDE_T_PROMISE)
        return v;
    tide__promise *fp;
    if (__builtin_expect(!tide__val_thenable(v) && tide__now.loop && (fp = promise_pop()), 1))
        return born_fulfilled(fp, v);
    return resolved_slow(v);
}

tide_val tide_promise_rejected(tide_val reason) {
    tide_val p = tide_promise_new();
    if (tide__promise_of(p)->hdr.flags & TIDE__OBJ_IMMORTAL)
        tide_release(reason);
    else
        tide__promise_settle(tide__promise_of(p), true, reason);
    return p;
}

tide_state tide_promise_state(tide_val p) {
    return p.tag == TIDE_T_PROMISE ? (tide_state)tide__promise_of(p)->state
                                   : TIDE_FULFILLED;
}

tide_val tide_promise_result(tide_val p) {
    if (p.tag != TIDE_T_PROMISE)
        return p;
    tide__promise *q = tide__promise_of(p);
    return q->state == TIDE_PENDING ? tide_undefined() : q->result;
}

/* ---- then -------------------------------------------------------------- */

static void then_fire(tide__job *j) {
    tide__reaction *r = (tide__reaction *)j;
    tide__promise *src = r->src;
    bool rejected = src->state == TIDE_REJECTED;
    tide_then_fn fn = rejected ? r->u.then.err : r->u.then.ok;
    tide_val derived = r->u.then.derived;
    tide__promise *d = tide__promise_of(derived);
    if (!fn) {
        tide__promise_settle(d, rejected, tide_retain(src->result));
    } else {
        tide_val out = tide_undefined();
        int rc = fn(r->u.then.data, src->result, &out);
        if (rc < 0) {
            if (out.tag == TIDE_T_UNDEFINED)
                out = tide_error_new(rc, NULL);
            tide__promise_settle(d, true, out);
        } else if (!d->locked) {
            resolve_unlocked(d, out);
        } else {
            tide_release(out);
        }
    }
    tide_release(derived);
    tide__reaction_done(r);
    tide__reaction_free(r);
}

static void then_drop(tide__reaction *r) {
    tide_release(r->u.then.derived);
    tide__reaction_free(r);
}

tide_val tide_promise_then(tide_val p, tide_then_fn ok, tide_then_fn err, void *data) {
    if (!tide__now.loop) {
        tide_release(p);
        return no_loop_promise();
    }
    if (p.tag != TIDE_T_PROMISE)
        p = tide_promise_resolved(p);
    tide__promise *src = tide__promise_of(p);
    if (foreign(src)) {
        tide_release(p);
        return tide_promise_rejected(tide_error_new(TIDE_ETHREAD,
            "tide_promise_then: the promise belongs to another thread's loop"));
    }
    tide_val derived = tide_promise_new();
    tide__reaction *r = NULL;
    if ((tide__promise_of(derived)->hdr.flags & TIDE__OBJ_IMMORTAL) ||
        !(r = tide__reaction_new())) {
        tide_release(p);
        tide_release(derived);
        return tide__promise_oom();
    }
    r->job.run = then_fire;
    r->drop = then_drop;
    r->u.then.ok = ok;
    r->u.then.err = err;
    r->u.then.data = data;
    r->u.then.derived = tide_retain(derived);
    tide__promise_react(src, r);
    tide_release(p);
    return derived;
}

tide_val tide_promise_catch(tide_val p, tide_then_fn err, void *data) {
    return tide_promise_then(p, NULL, err, data);
}

/* ---- Callback reactions (combinators, timers) -------------------------- */

static void cb_fire(tide__job *j) {
    tide__reaction *r = (tide__reaction *)j;
    tide__promise *src = r->src;
    r->u.cb.fn(r->u.cb.ctx, r->u.cb.index, (tide_state)src->state, src->result);
    tide__reaction_done(r);
    tide__reaction_free(r);
}

static void cb_drop(tide__reaction *r) {
    r->u.cb.fn(r->u.cb.ctx, r->u.cb.index, TIDE_PENDING, tide_undefined());
    tide__reaction_free(r);
}

int tide__promise_on_settle(tide_val p, tide__settle_fn fn, void *ctx, size_t index) {
    if (p.tag != TIDE_T_PROMISE)
        p = tide_promise_resolved(p);
    if (foreign(tide__promise_of(p))) {
        tide_release(p);
        return TIDE_ETHREAD;
    }
    tide__reaction *r = tide__reaction_new();
    if (!r) {
        tide_release(p);
        return TIDE_ENOMEM;
    }
    r->job.run = cb_fire;
    r->drop = cb_drop;
    r->u.cb.fn = fn;
    r->u.cb.ctx = ctx;
    r->u.cb.index = index;
    tide__promise_react(tide__promise_of(p), r);
    tide_release(p);
    return 0;
}

/* ---- Unhandled rejections ---------------------------------------------- */

void tide_on_unhandled_rejection(tide_unhandled_fn fn, void *data) {
    ps.on_unhandled = fn;
    ps.on_unhandled_data = data;
}

void tide__unhandled_fail(tide_loop *loop, const char *what, tide_val reason) {
    char buf[512];
    fprintf(stderr, "tide: %s: %s\n", what, tide_format(reason, buf, sizeof buf));
    tide__loop_set_failed(loop);
    tide_loop_stop(loop);
}

/* End of a checkpoint: rejections that are still unhandled are reported. */
static void report_unhandled(tide_loop *loop) {
    size_t n = ps.nunhandled;
    if (!n)
        return;
    tide_val list[64];
    while (ps.nunhandled) {
        size_t k = ps.nunhandled < 64 ? ps.nunhandled : 64;
        memcpy(list, ps.unhandled, k * sizeof *list);
        memmove(ps.unhandled, ps.unhandled + k, (ps.nunhandled - k) * sizeof *list);
        ps.nunhandled -= k;
        for (size_t i = 0; i < k; i++) {
            tide__promise *p = tide__promise_of(list[i]);
            p->tracked = false;
            if (!p->handled && !tide_loop_stopped(loop)) {
                if (ps.on_unhandled) {
                    ps.on_unhandled(ps.on_unhandled_data, list[i], p->result);
                } else {
                    tide__unhandled_fail(loop, "unhandled promise rejection", p->result);
                }
            }
            tide_release(list[i]);
        }
    }
}

static void free_pools(void) {
    for (size_t i = 0; i < ps.nunhandled; i++)
        tide_release(ps.unhandled[i]);
    tide__free(ps.unhandled);
    ps.unhandled = NULL;
    ps.nunhandled = ps.capunhandled = 0;
    tide__pool_drain(&tide__promises);
    tide__pool_drain(&ps.reactions);
    ps.oom = NULL;
    ps.on_unhandled = NULL;
}

/* At teardown, promises that can never settle may still hold each other
 * through their reactions (two promises resolved with each other; an
 * adapter's continuation holding the iterator that holds the promise):
 * refcounts cannot free a cycle. Every pooled reaction still waiting on a
 * pending promise is taken off it first, then dropped, as if its promise had
 * died — which releases what it held and lets the cycle fall apart. (Tasks'
 * awaits are not pooled: the task layer cancels those.) */
static bool break_cycles(void) {
    size_t n = 0, cap = 0;
    tide__reaction **waiting = NULL;
    for (tide__reaction *r = ps.live; r; r = r->lnext) {
        if (!r->on || !r->drop)
            continue;
        if (n == cap) {
            tide__reaction **w = tide__realloc(waiting, (cap = cap ? cap * 2 : 64) * sizeof *w);
            if (!w)
                break;
            waiting = w;
        }
        waiting[n++] = r;
    }
    for (size_t i = 0; i < n; i++)
        tide__promise_unreact(waiting[i]->on, waiting[i]);
    for (size_t i = 0; i < n; i++)
        waiting[i]->drop(waiting[i]);
    tide__free(waiting);
    return n > 0;
}

/* Clears the list without reporting: a loop being freed reports nothing. */
static bool before_free(tide_loop *loop) {
    (void)loop;
    for (size_t i = 0; i < ps.nunhandled; i++) {
        tide__promise_of(ps.unhandled[i])->tracked = false;
        tide_release(ps.unhandled[i]);
    }
    ps.nunhandled = 0;
    return break_cycles();
}

static void trim_pools(void) {
    tide__pool_trim(&tide__promises);
    tide__pool_trim(&ps.reactions);
}

__attribute__((constructor)) static void promise_hooks(void) {
    static const tide__loop_hooks h = {report_unhandled, before_free, free_pools, trim_pools};
    tide__loop_add_hooks(&h);
}
