/* tide — I/O as promises and async iterables.
 *
 *   for await (const n of setInterval(100)) { ... }      // timers/promises
 *
 *   tide_for_await (n, tide_interval(100), &rc, &err) { ... }
 *
 * Built only on the public API of the layers below, as a program of its own
 * could be.
 */
#ifndef TIDE_IO_H
#define TIDE_IO_H

#include "iter.h"

/* An async iterable of ticks, one every ms (0 means 1): each next() fulfils
 * with the tick's number (1, 2, ...). Ticks that come while nobody asks are
 * counted and handed out at once, as Node's timers/promises setInterval
 * does. return() — or leaving a tide_for_await over it — stops the timer.
 * The timer is tied to the abort signal of the task that makes the
 * interval: cancelled, a pending next() rejects with the signal's reason and
 * the timer stops. Returns the iterator (owned) or an error value. */
TIDE_EXTERN tide_val tide_interval(uint64_t ms);

#endif
