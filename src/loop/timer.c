/* loop — timers and immediates.
 *
 * Timer records keep an initialised uv_timer_t and are recycled through a
 * free list, so starting a timer in steady state costs no allocation and no
 * handle close. Immediates are the same records in a FIFO served by the
 * loop's single check handle. A handle carries the record's generation, so a
 * stale handle (its timer fired or was stopped) is recognised, never misused.
 */
#include <stdlib.h>

#include "loop/loop_impl.h"
#include "val/alloc.h"

static void on_timer(uv_timer_t *h);

/* A new record, initialised once (NULL on ENOMEM). Apart from rec_get, so
 * that the common case saves no registers for the allocation. */
static __attribute__((noinline)) tide__timer *rec_new(tide_loop *l) {
    tide__timer *t = tide__calloc(1, sizeof *t);
    if (t) {
        uv_timer_init(l->uv, &t->h);
        t->h.data = t;
        t->loop = l;
        t->all = l->all_timers;
        l->all_timers = t;
    }
    return t;
}

static inline tide__timer *rec_get(tide_loop *l) {
    tide__timer *t = l->free_timers;
    if (__builtin_expect(t != NULL, 1))
        l->free_timers = t->next;
    else if (!(t = rec_new(l)))
        return NULL;
    t->next = NULL;
    return t;
}

static void rec_put(tide__timer *t) {
    tide_loop *l = t->loop;
    t->gen++;
    t->cb = NULL;
    t->drop = NULL;
    t->warm = NULL;
    t->data = NULL;
    t->next = l->free_timers;
    l->free_timers = t;
}

/* Queues an immediate; the idle handle changes only if it must (as
 * tide__loop_idle_update would decide: wanted unless the loop stopped). */
static inline void imm_queue(tide_loop *l, tide__timer *t) {
    if (l->imm_tail)
        l->imm_tail->next = t;
    else
        l->imm_head = t;
    l->imm_tail = t;
    l->imm_pending++;
    if (l->idle_on == l->stopped)
        tide__loop_idle_update(l);
}

/* A started timer's record (NULL with *rc set on an error). Inline in its
 * two callers: an immediate's start is on the path of every hop. */
static inline __attribute__((always_inline)) tide__timer *
start(int *rc, bool immediate, uint64_t ms, uint64_t repeat, tide_timer_cb cb,
      tide_timer_cb drop, tide__warm_fn warm, void *data) {
    tide_loop *l = tide__now.loop;
    tide__timer *t;
    if (!cb || !l || !(t = rec_get(l))) {
        *rc = !cb ? TIDE_EINVAL : !l ? TIDE_ENOLOOP : TIDE_ENOMEM;
        return NULL;
    }
    *rc = 0;
    t->cb = cb;
    t->drop = drop;
    t->warm = warm;
    t->data = data;
    t->immediate = immediate;
    if (immediate) {
        imm_queue(l, t);
    } else {
        uv_ref((uv_handle_t *)&t->h); /* a recycled record may have been unref'd */
        t->unref = false;
        uv_timer_start(&t->h, on_timer, ms ? ms : 1, repeat);
    }
    return t;
}

int tide__timer_start(tide_timer *out, bool immediate, uint64_t ms,
                      uint64_t repeat, tide_timer_cb cb, tide_timer_cb drop,
                      void *data) {
    int rc;
    tide__timer *t = start(&rc, immediate, ms, repeat, cb, drop, NULL, data);
    if (t && out) {
        out->rec = t;
        out->gen = t->gen;
    }
    return rc;
}

int tide__immediate_start(tide_timer_cb cb, tide_timer_cb drop, tide__warm_fn warm, void *data) {
    int rc;
    start(&rc, true, 0, 0, cb, drop, warm, data);
    return rc;
}

int tide_timer_start(tide_timer *out, uint64_t ms, uint64_t repeat_ms,
                     tide_timer_cb cb, void *data) {
    return tide__timer_start(out, false, ms, repeat_ms, cb, NULL, data);
}

int tide_immediate_start(tide_timer *out, tide_timer_cb cb, void *data) {
    return tide__timer_start(out, true, 0, 0, cb, NULL, data);
}

void tide__timer_unref(tide_timer h) {
    tide__timer *t = h.rec;
    if (t && t->gen == h.gen && t->cb && !t->immediate) {
        uv_unref((uv_handle_t *)&t->h);
        t->unref = true;
    }
}

int tide_timer_stop(tide_timer h) {
    tide__timer *t = h.rec;
    if (!tide__now.loop)
        return TIDE_ENOLOOP;
    if (!t || t->gen != h.gen || !t->cb || t->loop != tide__now.loop)
        return TIDE_ENOENT;
    if (t->immediate) {
        /* Still in the queue: the check phase skips and recycles it. */
        t->cb = NULL;
        t->gen++;
        t->loop->imm_pending--;
        tide__loop_idle_update(t->loop);
    } else {
        uv_timer_stop(&t->h);
        rec_put(t);
    }
    return 0;
}

static void on_timer(uv_timer_t *h) {
    tide__timer *t = h->data;
    tide_loop *l = t->loop;
    if (!tide__jobs_empty())
        tide_loop_checkpoint(l); /* microtasks queued outside any callback */
    if (l->stopped)
        return;
    tide_timer_cb cb = t->cb;
    void *data = t->data;
    if (!uv_timer_get_repeat(h))
        rec_put(t); /* before the callback: it may start a new timer */
    cb(data);
    tide_loop_checkpoint(l);
}

/* The records the phase prepares ahead of the one it runs, in a ring: the
 * j-th record of the phase has its hook in ring[j % AHEAD] for the AHEAD
 * runs before its own, and the next to enter is prefetched a run before it
 * does. Stage s of a record's warm hook comes when it is
 * LAST + (TIDE__WARM_STAGES - 1 - s) * GAP records away: each stage has GAP
 * callbacks' time for its prefetches to arrive, and the last LAST (the
 * memory of a task resumed after many others has often left the TLB as
 * well as the caches: two trips to memory). Measured on the hops benchmark;
 * nearer distances left part of the misses exposed. */
#define GAP 3
#define LAST 4
#define AHEAD 16 /* a power of two, at least LAST + (TIDE__WARM_STAGES - 1) * GAP */

/* The fields of a record the phase reads, which may straddle two lines. */
static inline void prefetch_rec(const tide__timer *t) {
    __builtin_prefetch(t);
    __builtin_prefetch((const char *)&t->warm + sizeof t->warm - 1);
}

/* What a ring slot holds: the record's warm hook and its data, read once as
 * the record enters the ring (its lines came a run before). A record
 * without a hook, and the slots past the queue's end, warm nothing. An
 * immediate with a hook has no handle and cannot be stopped, so what the
 * slot holds stays valid until the record runs. */
typedef struct warm_slot {
    tide__warm_fn fn;
    void *data;
} warm_slot;

static void warm_none(void *data, unsigned stage) {
    (void)data;
    (void)stage;
}

static inline warm_slot slot_of(const tide__timer *t) {
    if (t && t->warm)
        return (warm_slot){t->warm, t->data};
    return (warm_slot){warm_none, NULL};
}

typedef struct lookahead {
    warm_slot ring[AHEAD];
    tide__timer *far; /* the next record to enter the ring */
    unsigned k;       /* the run under way */
} lookahead;

static void look_init(lookahead *la, tide__timer *t) {
    for (int i = 0; i < AHEAD; i++) {
        la->ring[i] = slot_of(t);
        t = t ? t->next : NULL;
    }
    if ((la->far = t))
        prefetch_rec(t);
    la->k = 0;
}

/* Before the k-th run. */
static inline void look_step(lookahead *la) {
    unsigned k = la->k++;
    tide__timer *f = la->far;
    la->ring[k % AHEAD] = slot_of(f); /* in place of the record now being run */
    if (f && (la->far = f->next)) /* f's lines came a run ago */
        prefetch_rec(la->far);
    for (unsigned s = 0; s < TIDE__WARM_STAGES; s++) {
        warm_slot *w = &la->ring[(k + LAST + (TIDE__WARM_STAGES - 1 - s) * GAP) % AHEAD];
        w->fn(w->data, s);
    }
}

/* What a phase leaves when the loop stops in it goes back to the head of
 * the queue, still counted in imm_pending: the loop's teardown drops it
 * (tide__timers_free), releasing what each record holds. */
static void requeue(tide_loop *l, tide__timer *t) {
    tide__timer *last = t;
    while (last->next)
        last = last->next;
    last->next = l->imm_head;
    if (!l->imm_head)
        l->imm_tail = last;
    l->imm_head = t;
}

void tide__immediates_run(tide_loop *l) {
    /* Only those queued before this phase; new ones wait for the next. */
    tide__timer *t = l->imm_head;
    l->imm_head = l->imm_tail = NULL;
    lookahead la;
    look_init(&la, t);
    while (t) {
        if (l->stopped) {
            requeue(l, t);
            return;
        }
        look_step(&la);
        tide__timer *next = t->next;
        tide_timer_cb cb = t->cb;
        void *data = t->data;
        rec_put(t); /* before the callback: it may start a new immediate */
        if (cb) { /* else stopped, and counted off then */
            l->imm_pending--;
            cb(data);
            tide_loop_checkpoint(l);
        }
        t = next;
    }
}

static void on_close(uv_handle_t *h) {
    tide__timer *t = h->data;
    t->loop->closing--;
    tide__free(t);
}

void tide__timers_free(tide_loop *l) {
    tide__timer *t = l->all_timers;
    while (t) {
        tide__timer *next = t->all;
        if (t->cb && t->drop)
            t->drop(t->data);
        uv_timer_stop(&t->h);
        l->closing++;
        uv_close((uv_handle_t *)&t->h, on_close);
        t = next;
    }
    l->all_timers = l->free_timers = l->imm_head = l->imm_tail = NULL;
    l->imm_pending = 0;
}
