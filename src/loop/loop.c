/* loop — the loop's life and its checkpoints.
 *
 * A checkpoint drains the microtask queue completely, then lets the layers
 * above look at what the drain left (unhandled rejections), and goes on until
 * both are quiet, as Node's processTicksAndRejections does. Every libuv
 * callback tide registers ends with a checkpoint, so microtasks run between
 * two timers due in the same tick, exactly as in Node.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coro/coro.h"
#include "loop/loop_impl.h"
#include "val/alloc.h"
#include "val/pool.h"
#include "val/val_internal.h"

TIDE__TLS tide__jobq tide__jobs;
TIDE__TLS bool tide__draining;
TIDE__TLS bool tide__stopped;
TIDE__TLS bool tide__checkpoint_due;
struct tide__coro tide__sole_none;
TIDE_EXTERN TIDE__TLS tide__now_state tide__now = {&tide__sole_none, 0, SIZE_MAX, NULL};

/* The stop flag lives in the loop; a thread-local copy serves hot paths. */
static void set_stopped(tide_loop *l, bool v) {
    l->stopped = v;
    tide__stopped = v;
    tide__sole_clear();
}

#define MAX_HOOKS 8
static tide__loop_hooks hooks[MAX_HOOKS];
static int nhooks;

void tide__loop_add_hooks(const tide__loop_hooks *h) {
    if (nhooks < MAX_HOOKS)
        hooks[nhooks++] = *h;
}

/* ---- Microtask queue ------------------------------------------------- */

/* tide_queue_microtask's jobs carry a user function; they are the only
 * jobs that allocate, and they do it before queueing, so a failure is
 * reported to the caller and nothing is queued. */
typedef struct user_job {
    tide__job job;
    void (*fn)(void *);
    void *data;
} user_job;

static void discard_user_job(tide__job *j) { tide__free(j); }

static void run_user_job(tide__job *j) {
    user_job *u = (user_job *)j;
    void (*fn)(void *) = u->fn;
    void *data = u->data;
    tide__free(u);
    fn(data);
}

int tide_queue_microtask(void (*fn)(void *), void *data) {
    if (!fn)
        return TIDE_EINVAL;
    if (!tide__now.loop)
        return TIDE_ENOLOOP;
    user_job *u = tide__malloc(sizeof *u);
    if (!u)
        return TIDE_ENOMEM;
    u->job.run = run_user_job;
    u->job.discard = discard_user_job;
    u->fn = fn;
    u->data = data;
    tide__job_push(&u->job);
    return 0;
}

/* Past the budget the drain stops with jobs still queued: the idle handle
 * keeps the loop from blocking, timers and I/O get their turn, and the next
 * checkpoint goes on with the queue in the same order. */
static void checkpoint(tide_loop *l) {
    if (tide__draining)
        return;
    tide__draining = true;
    tide__now.ticks = 0;
    do {
        tide__job *j;
        while (!l->stopped && (j = tide__job_pop())) {
            j->run(j);
            if (++tide__now.ticks >= tide__now.tick_limit)
                goto out;
        }
        if (tide__checkpoint_due && !l->stopped && !l->freeing) {
            tide__checkpoint_due = false; /* a hook may raise it again */
            for (int i = 0; i < nhooks && !l->stopped && !l->freeing; i++)
                if (hooks[i].checkpoint_end)
                    hooks[i].checkpoint_end(l);
        }
    } while (!l->stopped && !tide__jobs_empty());
out:
    tide__draining = false;
    tide__now.ticks = 0;
}

void tide_loop_set_budget(tide_loop *l, size_t n) {
    if (!l)
        return;
    l->budget = n;
    if (l == tide__now.loop)
        tide__now.tick_limit = n ? n : SIZE_MAX;
}

size_t tide_loop_get_budget(tide_loop *l) { return l ? l->budget : 0; }

void tide_loop_checkpoint(tide_loop *l) {
    if (l && l == tide__now.loop && !l->stopped)
        checkpoint(l);
}

/* ---- The idle handle ------------------------------------------------- */

static void on_idle(uv_idle_t *h) {
    tide_loop *l = h->data;
    checkpoint(l);
    tide__loop_idle_update(l);
}

void tide__loop_idle_update(tide_loop *l) {
    bool want = !l->stopped && (!tide__jobs_empty() || l->imm_pending > 0);
    if (want && !l->idle_on)
        uv_idle_start(&l->idle, on_idle);
    else if (!want && l->idle_on)
        uv_idle_stop(&l->idle);
    l->idle_on = want;
}

void tide__loop_wake(tide_loop *l) {
    if (__builtin_expect(!l, 0))
        return;
    if (!l->idle_on && !l->stopped && !l->freeing) {
        uv_idle_start(&l->idle, on_idle);
        l->idle_on = true;
    }
}

/* Stacks and objects a burst of tasks left pooled go back a second or two
 * after it ends, even if the loop then sleeps (coro/coro.h, val/pool.h). */
static void on_trim(uv_timer_t *t) {
    tide_loop *l = t->data;
    tide__pools_over = false; /* the trims set it again where a list stays over */
    tide__val_pools_trim();
    for (int i = 0; i < nhooks; i++)
        if (hooks[i].trim)
            hooks[i].trim();
    l->trim_on = tide__coro_pool_trim() | tide__pools_over;
    /* Re-armed here, not left to on_check: after this callback the loop may
     * block in its poll phase until other work comes, and check after it. */
    if (l->trim_on)
        uv_timer_start(&l->trim, on_trim, TIDE__POOL_TRIM_MS, 0);
}

static void on_check(uv_check_t *h) {
    tide_loop *l = h->data;
    tide__immediates_run(l);
    tide__loop_idle_update(l);
    if (!l->trim_on && !l->freeing && (tide__coro_pool_excess() || tide__pools_over)) {
        l->trim_on = true;
        uv_timer_start(&l->trim, on_trim, TIDE__POOL_TRIM_MS, 0);
    }
}

/* ---- Life ------------------------------------------------------------ */

static unsigned long thread_key(void) { return (unsigned long)pthread_self(); }

/* libuv's own allocations go through tide's hooks too, so that a custom
 * allocator sees them — and through fault injection only where libuv
 * reports the failure (val/alloc.h says why). Done before
 * the first loop tide makes; a program embedding tide in a loop it made
 * itself keeps libuv's allocator (replacing it then would mix two heaps). */
static pthread_once_t uv_alloc_once = PTHREAD_ONCE_INIT;

static void use_tide_allocator(void) {
    uv_replace_allocator(tide__uv_malloc, tide__uv_realloc, tide__uv_calloc, tide__free);
}

int tide_loop_new(tide_loop **out, uv_loop_t *uv) {
    if (!out)
        return TIDE_EINVAL;
    if (!uv)
        pthread_once(&uv_alloc_once, use_tide_allocator);
    *out = NULL;
    if (tide__now.loop)
        return TIDE_EBUSY;
    tide_loop *l = tide__calloc(1, sizeof *l);
    if (!l)
        return TIDE_ENOMEM;
    if (!uv) {
        int rc = uv_loop_init(&l->own);
        if (rc != 0) {
            tide__free(l);
            return rc == UV_ENOMEM ? TIDE_ENOMEM : TIDE_EIO;
        }
        uv = &l->own;
    }
    l->uv = uv;
    l->thread_key = thread_key();
    l->budget = TIDE_DEFAULT_BUDGET;
    tide__now.tick_limit = TIDE_DEFAULT_BUDGET;
    uv_idle_init(uv, &l->idle);
    uv_check_init(uv, &l->check);
    uv_timer_init(uv, &l->trim);
    l->idle.data = l->check.data = l->trim.data = l;
    uv_check_start(&l->check, on_check);
    uv_unref((uv_handle_t *)&l->check);
    uv_unref((uv_handle_t *)&l->trim);
    tide__coro_main();
    tide__now.loop = l;
    tide__pools_keep = true;
    *out = l;
    return 0;
}

tide_loop *tide_loop_current(void) { return tide__now.loop; }

uv_loop_t *tide_loop_uv(tide_loop *l) { return l ? l->uv : NULL; }

static int check_loop(tide_loop *l) {
    if (!l)
        return TIDE_EINVAL;
    if (l != tide__now.loop || l->thread_key != thread_key())
        return TIDE_ETHREAD;
    return 0;
}

int tide_loop_run(tide_loop *l) {
    int rc = check_loop(l);
    if (rc)
        return rc;
    if (l->running)
        return TIDE_EBUSY;
    l->running = true;
    checkpoint(l);
    tide__loop_idle_update(l);
    if (!l->stopped) {
        l->in_uv = true;
        uv_run(l->uv, UV_RUN_DEFAULT);
        l->in_uv = false;
    }
    l->running = false;
    return 0;
}

void tide_loop_stop(tide_loop *l) {
    if (!l || l->stopped)
        return;
    set_stopped(l, true);
    /* Outside uv_run a stop would linger and make the next uv_run (the one
     * that finishes closing handles at free) return at once. */
    if (l->in_uv || l->uv != &l->own)
        uv_stop(l->uv);
}

int tide_loop_stopped(tide_loop *l) { return l ? l->stopped : 0; }

void tide__loop_set_failed(tide_loop *l) { l->failed = true; }
bool tide__loop_failed(tide_loop *l) { return l->failed; }

/* Lets the layers above release what they hold without running any user
 * callback: queued jobs are discarded, parked tasks are cancelled (their
 * clean-up runs, and every await it makes returns TIDE_ECANCELED). */
static void settle_for_free(tide_loop *l) {
    for (int round = 0; round < 64; round++) {
        bool more = false;
        tide__job *j;
        while ((j = tide__job_pop()))
            j->discard(j);
        for (int i = 0; i < nhooks; i++)
            if (hooks[i].before_free && hooks[i].before_free(l))
                more = true;
        if (!more && tide__jobs_empty())
            return;
    }
    fprintf(stderr, "tide: tasks kept awaiting after being cancelled at loop teardown\n");
}

static void on_closed(uv_handle_t *h) {
    tide_loop *l = h->data;
    l->closing--;
}

int tide_loop_free(tide_loop *l) {
    int rc = check_loop(l);
    if (rc)
        return rc;
    if (l->running)
        return TIDE_EBUSY;
    set_stopped(l, true);
    l->freeing = true; /* no unhandled-rejection reports while tearing down */
    settle_for_free(l);
    tide__timers_free(l);
    l->closing += 3;
    uv_close((uv_handle_t *)&l->idle, on_closed);
    uv_close((uv_handle_t *)&l->check, on_closed);
    uv_close((uv_handle_t *)&l->trim, on_closed);
    /* The close callbacks run in the loop's close phase; on an embedded loop
     * the program's other handles may run too (documented). */
    while (l->closing > 0)
        uv_run(l->uv, UV_RUN_NOWAIT);
    if (l->uv == &l->own)
        uv_loop_close(&l->own);
    tide__now.loop = NULL;
    tide__pools_keep = tide__pools_over = false;
    tide__stopped = tide__checkpoint_due = false;
    tide__sole_clear();
    tide__now.tick_limit = SIZE_MAX;
    for (int i = 0; i < nhooks; i++)
        if (hooks[i].after_free)
            hooks[i].after_free();
    tide__coro_pool_drain();
    tide__val_pools_drain();
    tide__free(l);
    return 0;
}

uint64_t tide_now(void) {
    return tide__now.loop ? uv_now(tide__now.loop->uv) : 0;
}
