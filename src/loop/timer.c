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

static tide__timer *rec_get(tide_loop *l) {
    tide__timer *t = l->free_timers;
    if (t) {
        l->free_timers = t->next;
    } else {
        if (!(t = tide__calloc(1, sizeof *t)))
            return NULL;
        uv_timer_init(l->uv, &t->h);
        t->h.data = t;
        t->loop = l;
        t->all = l->all_timers;
        l->all_timers = t;
    }
    t->next = NULL;
    t->queued = false;
    return t;
}

static void rec_put(tide__timer *t) {
    tide_loop *l = t->loop;
    t->gen++;
    t->cb = NULL;
    t->drop = NULL;
    t->data = NULL;
    t->next = l->free_timers;
    l->free_timers = t;
}

int tide__timer_start(tide_timer *out, bool immediate, uint64_t ms,
                      uint64_t repeat, tide_timer_cb cb, tide_timer_cb drop,
                      void *data) {
    tide_loop *l = tide__loop_cur;
    if (!cb)
        return TIDE_EINVAL;
    if (!l)
        return TIDE_ENOLOOP;
    tide__timer *t = rec_get(l);
    if (!t)
        return TIDE_ENOMEM;
    t->cb = cb;
    t->drop = drop;
    t->data = data;
    t->immediate = immediate;
    if (immediate) {
        t->queued = true;
        if (l->imm_tail)
            l->imm_tail->next = t;
        else
            l->imm_head = t;
        l->imm_tail = t;
        l->imm_pending++;
        tide__loop_idle_update(l);
    } else {
        uv_ref((uv_handle_t *)&t->h); /* a recycled record may have been unref'd */
        t->unref = false;
        uv_timer_start(&t->h, on_timer, ms ? ms : 1, repeat);
    }
    if (out) {
        out->rec = t;
        out->gen = t->gen;
    }
    return 0;
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
    if (!tide__loop_cur)
        return TIDE_ENOLOOP;
    if (!t || t->gen != h.gen || !t->cb || t->loop != tide__loop_cur)
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

void tide__immediates_run(tide_loop *l) {
    /* Only those queued before this phase; new ones wait for the next. */
    tide__timer *t = l->imm_head;
    l->imm_head = l->imm_tail = NULL;
    while (t) {
        tide__timer *next = t->next;
        tide_timer_cb cb = t->cb;
        void *data = t->data;
        if (cb && !l->stopped) {
            l->imm_pending--;
            rec_put(t);
            cb(data);
            tide_loop_checkpoint(l);
        } else {
            if (cb)
                l->imm_pending--;
            rec_put(t);
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
