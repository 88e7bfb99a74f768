/* tide — JavaScript's async iteration for C, on libuv.
 *
 * The whole public API. Sections, in layer order:
 *   tide/errors.h   error codes (TIDE_E...), tide_strerror
 *   tide/val.h      the value type, ownership rules, strings, errors, arrays
 *   tide/coro.h     coroutine stack configuration
 *   tide/loop.h     the event loop, microtasks, timers, immediates
 *   tide/promise.h  promises, combinators, timers as promises
 *   tide/task.h     async functions, await, tide_run
 *   tide/signal.h   cancellation: abort signals, deadlines
 *   tide/gen.h      generators, the iterator protocol, for-of
 *   tide/agen.h     async generators, the async-iterator protocol, yield*
 *   tide/iter.h     for await, async-from-sync, collecting
 *   tide/io.h       I/O as promises and async iterables: intervals
 *   tide/tcp.h      TCP: connect, listen, connections as async iterables of chunks
 *   tide/fetch.h    HTTP fetch (libcurl on the loop), responses, bodies as chunks, JSON
 */
#ifndef TIDE_H
#define TIDE_H

#ifdef __cplusplus
extern "C" {
#endif

#include "tide/errors.h"
#include "tide/val.h"
#include "tide/coro.h"
#include "tide/loop.h"
#include "tide/promise.h"
#include "tide/task.h"
#include "tide/signal.h"
#include "tide/gen.h"
#include "tide/agen.h"
#include "tide/iter.h"
#include "tide/io.h"
#include "tide/tcp.h"
#include "tide/fetch.h"

#define TIDE_VERSION_MAJOR 0
#define TIDE_VERSION_MINOR 3
#define TIDE_VERSION_PATCH 0

#ifdef __cplusplus
}
#endif

#endif
