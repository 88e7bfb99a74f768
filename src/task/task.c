/* task — async functions and await.
 *
 * `await p` is PerformPromiseThen(p, resume) plus a switch away from the
 * coroutine; the reaction that resumes it is embedded in the task, so an
 * await allocates nothing.
 *
 * One shortcut keeps that exact order while skipping two switches: when a
 * task that the microtask loop itself resumed awaits a promise that is
 * already settled and the queue is empty, its own continuation would be the
 * very next job, so it simply goes on.
 */
#include <stdio.h>

#include "task/signal.h"
#include "task/task.h"
#include "val/val_internal.h"

static TIDE__TLS tide__task *live; /* every task of this thread */

int tide_reason_code(tide_val reason) {
    int code = tide_error_code(reason);
    return code < 0 ? code : TIDE_EREJECTED;
}

bool tide_in_task(void) { return tide__task_self() != NULL; }

/* ---- Switching ------------------------------------------------------- */

/* Whether the microtask loop itself resumes t (from a job), about to
 * switch to it: with nothing else queued, its continuation is the loop's
 * next job (tide__now.sole) — unless it is cancelled (tide__sole_recheck). */
static inline void set_from_drain(tide__task *t, bool from_drain) {
    t->from_drain = from_drain;
    if (from_drain && tide__jobs_empty() && !tide__stopped && !tide__task_cancelled(t))
        tide__now.sole = t->coro;
    else if (from_drain || tide__now.sole == t->coro)
        tide__sole_clear(); /* (or left over from its last turn) */
}

static void resume_as(tide__task *t, int status, tide_val value, bool from_drain) {
    tide__coro *self = tide__coro_self();
    t->status = status;
    t->value = value;
    set_from_drain(t, from_drain);
    t->coro->resumer = self;
    tide__coro_switch(self, t->coro);
}

void tide__task_resume(tide__task *t, int status, tide_val value) {
    resume_as(t, status, value, false);
}

static void await_fire(tide__job *j);
static void task_discard(tide__job *j);

/* Takes the awaited promise's outcome into t, ready to resume it. The job
 * (await.src) and the await (t->awaiting) each hold a reference to the
 * promise; when those are its last two, as for a promise made to be awaited
 * (tide_immediate, tide_sleep), its result moves out and it goes straight
 * back to its pool instead of being counted up here and down as it dies. */
static inline __attribute__((always_inline)) void await_take(tide__task *t) {
    tide__promise *src = t->await.src;
    if (t->wsig)
        tide__sig_unwait(t);
    bool rejected = src->state == TIDE_REJECTED;
    tide_val r, awaited = t->awaiting;
    t->await.src = NULL;
    t->awaiting = tide_undefined();
    if (src->hdr.rc == 2 && !(src->hdr.flags & TIDE__OBJ_IMMORTAL) && awaited.u.o == &src->hdr) {
        src->hdr.rc = 1;
        r = tide__promise_take_last(src);
    } else {
        r = tide_retain(tide__load(&src->result));
        tide_release(tide__promise_val(src));
        tide_release(awaited);
    }
    t->status = rejected ? tide_reason_code(r) : 0;
    t->value = r;
    set_from_drain(t, true);
}

/* The await reaction fired: the awaited promise settled. */
static void await_fire(tide__job *j) {
    tide__task *t = (tide__task *)j;
    tide__coro *self = tide__coro_self();
    await_take(t);
    t->coro->resumer = self;
    tide__coro_switch(self, t->coro);
}

void tide__task_warm_awaiter(void *promise, unsigned stage) {
    tide__promise *p = promise;
    if (stage == 0) {
        __builtin_prefetch(p);
        __builtin_prefetch(&p->head);
        return;
    }
    /* Each stage reads only what the one before fetched. */
    tide__reaction *r = p->head;
    if (!r)
        return;
    tide__task *t = (tide__task *)r; /* if r is an await's: checked below */
    if (stage == 1) {
        for (size_t i = 0; i < sizeof *t; i += 64)
            __builtin_prefetch((const char *)t + i); /* harmless if r is not */
    } else if (r->job.run == await_fire) {
        if (stage == 2)
            __builtin_prefetch(t->coro);
        else
            tide__coro_prefetch_stack(t->coro);
    }
}

/* Where a suspending task goes. A task the microtask loop resumed would
 * hand control back to it, and the loop would pop the next job: if that job
 * resumes another task, go to that task directly — same order, one switch
 * instead of two. */
static inline __attribute__((always_inline)) tide__coro *suspend_target(tide__task *t) {
    tide__coro *to = t->coro->resumer;
    tide__job *j;
    bool from_drain = t->from_drain;
    /* It describes the run that ends here. Every resume sets it again but
     * an async generator's direct `for await` step (tide/iter.h), which
     * resumes the body from a loop, not from the microtask loop. */
    t->from_drain = false;
    if (tide__now.sole == t->coro)
        tide__sole_clear();
    if (from_drain && !tide__stopped && tide__budget_left() && (j = tide__job_peek()) &&
        j->run == await_fire) {
        tide__now.ticks++; /* the job the loop would have run */
        tide__task *u = (tide__task *)tide__job_pop();
        await_take(u);
        u->coro->resumer = to;
        to = u->coro;
    }
    return to;
}

void tide__task_suspend(tide__task *t) {
    tide__coro *to = suspend_target(t);
    if (to != t->coro) /* else its own continuation was next: it goes on */
        tide__coro_switch(t->coro, to);
}

/* A plain value awaited: t->awaiting holds it; it comes back a tick later. */
static void value_fire(tide__job *j) {
    tide__task *t = (tide__task *)j;
    tide_val v = t->awaiting;
    t->awaiting = tide_undefined();
    t->await.job.run = await_fire;
    resume_as(t, 0, v, true);
}

/* Whether the task's continuation would be the very next job anyway (and
 * the budget allows one more tick, which the caller then counts). */
static inline bool next_in_line(const tide__task *t) {
    return tide__now.sole == t->coro && tide__budget_left();
}

/* The status an await of a settled promise gives, its outcome in *out. */
static inline int settled_status(const tide__promise *p, tide_val *out) {
    return p->state == TIDE_REJECTED ? tide_reason_code(*out) : 0;
}

/* take_settled's case of the last reference (a promise made for one step):
 * its result moves out instead of being counted up here and down as it
 * dies. */
static inline int take_last(tide__promise *p, tide_val *out) {
    bool rejected = p->state == TIDE_REJECTED;
    *out = tide__promise_take_last(p);
    return rejected ? tide_reason_code(*out) : 0;
}

/* A settled promise's outcome, taken without a tick (the caller checked
 * that nothing could run in between); p is the awaited reference's. (The
 * commonest case, a fulfilled promise whose reference is not the last, is
 * also inline in tide_await: tide/task.h.) */
static inline __attribute__((always_inline)) int take_settled(tide__promise *p, tide_val *out) {
    tide__now.ticks++;
    p->handled = true;
    if (__builtin_expect(p->hdr.flags & TIDE__OBJ_IMMORTAL, 0)) {
        *out = tide_retain(tide__load(&p->result));
    } else if (p->hdr.rc == 1) {
        return take_last(p, out);
    } else {
        *out = tide_retain(tide__load(&p->result));
        p->hdr.rc--; /* the awaited reference, not the last */
    }
    return settled_status(p, out);
}

/* Everything `await v` does before the task suspends. Returns true when the
 * task must now suspend; false when the await is already over, with *rc and
 * *out set. */
static inline __attribute__((always_inline)) bool await_setup(tide__task *t, tide_val v,
                                                              tide_val *out, int *rc) {
    if (__builtin_expect(!t, 0)) {
        tide_release(v);
        *out = tide_error_new(TIDE_ENOTASK, "tide_await called outside an async function");
        *rc = TIDE_ENOTASK;
        return false;
    }
    if (tide__task_cancelled(t)) {
        /* Cancelled: every wait ends at once, so the clean-up runs through.
         * What was awaited counts as handled, as an await makes it. */
        if (v.tag == TIDE_T_PROMISE)
            tide__promise_of(v)->handled = true;
        tide_release(v);
        *out = tide_retain(t->sig->reason);
        *rc = tide__sig_status(t->sig);
        return false;
    }
    if (v.tag != TIDE_T_PROMISE && tide__val_thenable(v))
        v = tide_promise_resolved(v); /* a thenable: adopt it first (a tick more) */
    if (v.tag != TIDE_T_PROMISE) {
        if (next_in_line(t)) {
            tide__now.ticks++;
            *out = v;
            *rc = 0;
            return false;
        }
        t->awaiting = v;
        t->await.job.run = value_fire;
        tide__job_push(&t->await.job);
        return true;
    }
    tide__promise *p = tide__promise_of(v);
    if (__builtin_expect(p->loop != tide__now.loop && !(p->hdr.flags & TIDE__OBJ_IMMORTAL), 0)) {
        tide_release(v);
        *out = tide_error_new(TIDE_ETHREAD, "tide_await: the promise belongs to another thread's loop");
        *rc = TIDE_ETHREAD;
        return false;
    }
    if (p->state != TIDE_PENDING && next_in_line(t)) {
        *rc = take_settled(p, out);
        return false;
    }
    t->awaiting = v;
    t->await.job.run = await_fire;
    tide__promise_react(p, &t->await);
    if (t->sig && !t->shielded && p->state == TIDE_PENDING)
        tide__sig_wait(t->sig, t);
    return true;
}

/* The suspension of an await that await_setup registered. */
static int await_suspend(tide__task *t, tide_val *out) {
    tide__task_suspend(t);
    *out = tide__take(&t->value);
    return t->status;
}

/* tide_await past its inline case: the await ends here (ENOTASK, a
 * cancelled task, a settled promise a task next in line awaits) or is set
 * up, and TIDE__AWAIT_SUSPEND returned. */
int tide__await_begin(tide_val v, tide_val *out) {
    tide__task *t = tide__task_self();
    int rc = 0;
    if (__builtin_expect(!out, 0)) { /* the result is not wanted */
        tide_val sink;
        if (await_setup(t, v, &sink, &rc))
            rc = await_suspend(t, &sink);
        tide_release(sink);
        return rc;
    }
    if (!await_setup(t, v, out, &rc))
        return rc;
    /* Without the inline switch (the ucontext build) the await ends here. */
    return TIDE__SWITCH_INLINE ? TIDE__AWAIT_SUSPEND : await_suspend(t, out);
}

/* tide_await's inline case for the last reference: the value moves out. */
int tide__await_last(tide_val v, tide_val *out) { return take_settled(tide__promise_of(v), out); }

tide__ctx_pair tide__await_prep(void) {
    tide__task *t = tide__task_self();
    tide__ctx_pair sw;
    sw.save = tide__coro_switch_prep(t->coro, suspend_target(t), &sw.load);
    return sw;
}

int tide__await_finish(tide_val *out) {
    tide__coro_switch_end(tide__coro_cur);
    tide__task *t = tide__task_self();
    *out = tide__take(&t->value);
    return t->status;
}

static __attribute__((noinline)) int await_call_slow(tide_val v, tide_val *out) {
    int rc = tide__await_begin(v, out);
    return __builtin_expect(rc == TIDE__AWAIT_SUSPEND, 0) ? await_suspend(tide__task_self(), out) : rc;
}

/* Its commonest case (tide__await_fulfilled_last) needs no frame:
 * everything else goes through await_call_slow. */
int tide__await_call(tide_val v, tide_val *out) {
    if (__builtin_expect(tide__await_fulfilled_last(v), 1)) {
        *out = tide__await_take_last(v);
        return 0;
    }
    return await_call_slow(v, out);
}

/* ---- Tasks ----------------------------------------------------------- */

typedef struct start_args {
    void (*body)(tide__task *t, void *ctx);
    void *ctx;
    tide_val signal; /* borrowed */
} start_args;

static void task_entry(void *arg) {
    start_args *sa = arg;
    tide__task t = {0};
    t.signal = tide_retain(sa->signal);
    t.sig = tide__sig_of(t.signal);
    t.coro = tide__coro_cur;
    t.coro->user = &t;
    t.await.job.run = await_fire;
    t.await.job.discard = task_discard;
    t.awaiting = t.value = tide_undefined();
    if ((t.next = live))
        live->prev = &t;
    live = &t;
    sa->body(&t, sa->ctx);
    tide__sig_unwait(&t);
    tide_release(t.signal);
    if (t.prev)
        t.prev->next = t.next;
    else
        live = t.next;
    if (t.next)
        t.next->prev = t.prev;
    t.coro->user = NULL;
    if (tide__now.sole == t.coro)
        tide__sole_clear(); /* its coroutine may serve another task next */
}

int tide__task_start_signal(const char *name, void (*body)(tide__task *, void *), void *ctx,
                            tide_val signal) {
    start_args sa = {body, ctx, signal};
    tide__coro *c = tide__coro_new(task_entry, &sa, name);
    if (!c)
        return TIDE_ENOMEM;
    tide__coro *self = tide__coro_self();
    c->resumer = self;
    tide__coro_switch(self, c);
    return 0;
}

int tide__task_start(const char *name, void (*body)(tide__task *, void *), void *ctx) {
    tide__task *parent = tide__task_self();
    return tide__task_start_signal(name, body, ctx, parent ? parent->signal : tide_undefined());
}

tide_val tide_task_signal(void) {
    tide__task *t = tide__task_self();
    return t && !t->shielded ? t->signal : tide_undefined();
}

bool tide_task_shield(bool on) {
    tide__task *t = tide__task_self();
    if (!t)
        return false;
    bool was = t->shielded;
    t->shielded = on;
    tide__sole_recheck();
    return was;
}

/* ---- Async functions ------------------------------------------------- */

typedef struct async_args {
    tide_async_fn fn;
    void *arg;
    tide_val promise;
} async_args;

static void async_body(tide__task *t, void *ctx) {
    async_args *a = ctx;
    tide_async_fn fn = a->fn;
    void *arg = a->arg;
    tide_val promise = a->promise; /* the task's reference */
    tide_val out = tide_undefined();
    (void)t;
    int rc = fn(arg, &out);
    if (rc < 0) {
        if (tide_is_undefined(out))
            out = tide_error_new(rc, NULL);
        tide__promise_settle(tide__promise_of(promise), true, out);
    } else {
        tide_promise_resolve(promise, out);
    }
    tide_release(promise);
}

static tide_val start_async(const char *name, tide_async_fn fn, void *arg, const tide_val *signal) {
    if (!fn)
        return tide_promise_rejected(tide_error_new(TIDE_EINVAL, "tide_async: NULL function"));
    tide_val p = tide_promise_new();
    if (tide__promise_of(p)->hdr.flags & TIDE__OBJ_IMMORTAL)
        return p;
    async_args a = {fn, arg, tide_retain(p)};
    name = name ? name : "async";
    int rc = signal ? tide__task_start_signal(name, async_body, &a, *signal)
                    : tide__task_start(name, async_body, &a);
    if (rc != 0) {
        tide_release(p); /* the task's reference */
        tide__promise_settle(tide__promise_of(p), true,
                             tide_error_new(TIDE_ENOMEM, "no memory for a coroutine stack"));
    }
    return p;
}

tide_val tide_async_named(const char *name, tide_async_fn fn, void *arg) {
    return start_async(name, fn, arg, NULL);
}

tide_val tide_async_signal_named(const char *name, tide_async_fn fn, void *arg, tide_val signal) {
    if (!tide_is_undefined(signal) && !tide__sig_of(signal))
        return tide_promise_rejected(tide_error_new(TIDE_EINVAL, "tide_async_signal: not a signal"));
    return start_async(name, fn, arg, &signal);
}

static void cancel_fire(tide__job *j) {
    tide__task *t = (tide__task *)j;
    tide_val v = t->value;
    t->await.job.run = await_fire;
    resume_as(t, t->status, v, true);
}

void tide__task_cancel_wait(tide__task *t, int status, tide_val reason) {
    /* Only an await on a pending promise can be taken back; a wait whose
     * job is already queued ends as it would have. */
    if (t->await.src || t->await.job.run != await_fire || t->awaiting.tag != TIDE_T_PROMISE ||
        !tide__promise_unreact(tide__promise_of(t->awaiting), &t->await)) {
        tide_release(reason);
        return;
    }
    tide_clear(&t->awaiting);
    t->value = reason;
    t->status = status;
    t->await.job.run = cancel_fire;
    tide__job_push(&t->await.job);
}

/* A queued continuation dropped at loop teardown: the task is resumed with
 * TIDE_ECANCELED instead of its outcome, so its clean-up runs. */
static void task_discard(tide__job *j) {
    tide__task *t = (tide__task *)j;
    tide_val why = t->await.job.run == cancel_fire
                       ? t->value
                       : tide_error_new(TIDE_ECANCELED, "the loop was freed while this await was pending");
    tide__sig_unwait(t);
    tide__reaction_done(&t->await);
    tide_clear(&t->awaiting);
    t->await.job.run = await_fire;
    tide__task_resume(t, TIDE_ECANCELED, why);
}

/* ---- Teardown -------------------------------------------------------- */

/* When the loop is freed, tasks still parked on a pending promise would
 * never run again and what their frames hold would leak. Each such await
 * returns TIDE_ECANCELED instead, so the body's clean-up runs. */
static bool cancel_parked(tide_loop *loop) {
    bool any = false;
    (void)loop;
    for (tide__task *t = live; t; t = t->next) {
        if (t->awaiting.tag != TIDE_T_PROMISE || t->await.src ||
            tide_promise_state(t->awaiting) != TIDE_PENDING)
            continue;
        tide__sig_unwait(t);
        tide__task_cancel_wait(t, TIDE_ECANCELED,
                               tide_error_new(TIDE_ECANCELED, "the loop ended while this await was pending"));
        any = true;
    }
    return any;
}

__attribute__((constructor)) static void task_hooks(void) {
    static const tide__loop_hooks h = {NULL, cancel_parked, NULL, NULL};
    tide__loop_add_hooks(&h);
}
