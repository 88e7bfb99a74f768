/* tide — values.
 *
 * A tide_val is what flows through promises, generators and iterators: a
 * 16-byte tagged union passed by value, like `value` in JavaScript's
 * `{ value, done }`. Scalars (undefined, null, bool, int, double, raw pointer)
 * live in the value itself; everything else (strings, bytes, errors, arrays,
 * user objects, promises, iterators) is a heap object that starts with a
 * refcounted tide_obj header.
 *
 * OWNERSHIP — the rules, stated once:
 *   1. A tide_val that holds an object is one reference to it.
 *   2. Passing a value to a function transfers that reference, unless the
 *      function's comment says it BORROWS the value. Functions that only look
 *      at a value (accessors, predicates, tide_str, tide_promise_state ...)
 *      borrow; functions that keep or forward it (tide_await, tide_array_push,
 *      tide_promise_resolve's value, tide_promise_then's promise) take it.
 *   3. A value returned by a function is owned by the caller, unless the
 *      comment says it is borrowed (then it lives as long as its container).
 *   4. tide_retain() makes a second reference; tide_release() drops one. Both
 *      are no-ops on scalars, so they can be applied to any value blindly.
 *   5. Objects are not thread-safe: an object belongs to the loop (thread)
 *      that made it. Cross threads only through explicit channels.
 */
#ifndef TIDE_VAL_H
#define TIDE_VAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

typedef enum tide_type {
    TIDE_T_UNDEFINED = 0,
    TIDE_T_NULL,
    TIDE_T_BOOL,
    TIDE_T_INT,
    TIDE_T_DOUBLE,
    TIDE_T_PTR, /* a raw pointer the library never frees */
    /* Refcounted objects from here on: the value points at a tide_obj. */
    TIDE_T_STRING = 16,
    TIDE_T_BYTES,
    TIDE_T_ERROR,
    TIDE_T_ARRAY,
    TIDE_T_SETTLED, /* an element of tide_promise_all_settled's result */
    TIDE_T_OBJECT,  /* a user object with a tide_class */
    TIDE_T_PROMISE,
    TIDE_T_ITER_RESULT, /* { value, done } */
    TIDE_T_ITERATOR,    /* sync iterators and generators */
    TIDE_T_ASYNC_ITERATOR
} tide_type;

#define TIDE__T_FIRST_OBJ TIDE_T_STRING

/* The header every heap object starts with. Private: use the functions. */
typedef struct tide_obj {
    uint32_t rc;    /* references */
    uint16_t type;  /* tide_type */
    uint16_t flags; /* TIDE__OBJ_IMMORTAL ... */
    const struct tide_class *cls;
} tide_obj;

#define TIDE__OBJ_IMMORTAL 1u

typedef struct tide_val {
    union {
        int64_t i;
        double d;
        void *p;
        tide_obj *o;
    } u;
    uint64_t tag; /* tide_type, or an iterator result's encoding (below): read
                   * it with tide_type_of. A full word, so that a value is
                   * always stored and loaded as two words (store forwarding) */
} tide_val;

/* Private: an iterator result whose value is undefined, null, a bool, an
 * int or a double is carried in the tide_val itself, with no object: u is
 * the value's, tag is TIDE__T_RESULT + 2 * the value's tag + done (6 to 15,
 * below the objects' tags, so that no reference is ever counted). Making
 * and taking apart such a result, once per step of a loop, then costs no
 * allocation. tide_type_of reports TIDE_T_ITER_RESULT for it. */
#define TIDE__T_RESULT 6u
static inline bool tide__result_inline(tide_val v) { return v.tag - TIDE__T_RESULT < 10u; }

struct tide_iter_methods;       /* gen.h */
struct tide_async_iter_methods; /* agen.h */

/* A class describes user objects (TIDE_T_OBJECT): its name (for messages),
 * what to do when the last reference goes, and optionally the protocols its
 * objects take part in: thenables (`then`), iterables (`iterator`,
 * `async_iterator`: JavaScript's Symbol.iterator / Symbol.asyncIterator) and
 * iterators (`iter`, `async_iter`: their next/return/throw). All fields but
 * name may be NULL; NULL means the object does not have that method. */
typedef struct tide_class {
    const char *name;
    /* Called once with the object's data when the last reference is
     * released; it releases what the data holds. tide frees the memory. */
    void (*finalize)(void *data);
    /* Thenable protocol: a promise resolved with such an object calls
     * then(self, resolver) in a later microtask (ECMAScript's
     * NewPromiseResolveThenableJob). `self` is borrowed; `resolver` is a
     * pending promise owned by the callee, which settles it (now or later)
     * with tide_promise_resolve/tide_promise_reject and releases it. The
     * first settlement wins; later ones are ignored. */
    void (*then)(tide_val self, tide_val resolver);
    /* Iterable protocols: return a new iterator (owned), or an error value,
     * which the caller turns into a throw / rejection. self borrowed. */
    tide_val (*iterator)(tide_val self);
    tide_val (*async_iterator)(tide_val self);
    /* Iterator protocols (see gen.h and agen.h). */
    const struct tide_iter_methods *iter;
    const struct tide_async_iter_methods *async_iter;
    /* Private: the library's own types free themselves through this. */
    void (*destroy_)(tide_obj *o);
} tide_class;

/* For a class's `iterator` or `async_iterator` slot: the object is its own
 * iterator, as JavaScript's iterators are (`[Symbol.iterator]() { return
 * this }`). Returns self with a new reference. */
TIDE_EXTERN tide_val tide_iter_self(tide_val self);

/* ---- Scalars --------------------------------------------------------- */

static inline tide_val tide_undefined(void) { tide_val v = {{0}, TIDE_T_UNDEFINED}; return v; }
static inline tide_val tide_null(void) { tide_val v = {{0}, TIDE_T_NULL}; return v; }
static inline tide_val tide_bool(bool b) { tide_val v = {{.i = b}, TIDE_T_BOOL}; return v; }
static inline tide_val tide_int(int64_t i) { tide_val v = {{.i = i}, TIDE_T_INT}; return v; }
static inline tide_val tide_double(double d) { tide_val v = {{.d = d}, TIDE_T_DOUBLE}; return v; }
/* A raw pointer carried as a value; never retained or freed by tide. */
static inline tide_val tide_ptr(void *p) { tide_val v = {{.p = p}, TIDE_T_PTR}; return v; }

static inline tide_type tide_type_of(tide_val v) {
    return tide__result_inline(v) ? TIDE_T_ITER_RESULT : (tide_type)v.tag;
}
static inline bool tide_is_obj(tide_val v) { return v.tag >= TIDE__T_FIRST_OBJ; }
static inline bool tide_is_undefined(tide_val v) { return v.tag == TIDE_T_UNDEFINED; }
static inline bool tide_is_null(tide_val v) { return v.tag == TIDE_T_NULL; }
static inline bool tide_is_int(tide_val v) { return v.tag == TIDE_T_INT; }
static inline bool tide_is_string(tide_val v) { return v.tag == TIDE_T_STRING; }
static inline bool tide_is_error(tide_val v) { return v.tag == TIDE_T_ERROR; }
static inline bool tide_is_promise(tide_val v) { return v.tag == TIDE_T_PROMISE; }
static inline bool tide_is_array(tide_val v) { return v.tag == TIDE_T_ARRAY; }
static inline bool tide_is_iter_result(tide_val v) {
    return v.tag == TIDE_T_ITER_RESULT || tide__result_inline(v);
}

/* The scalar inside v; 0 / false / NULL when v holds another type. An int
 * read as a double converts, and so does an integral double read as an int. */
TIDE_EXTERN int64_t tide__get_int_other(tide_val v);
TIDE_EXTERN double tide__get_double_other(tide_val v);
static inline int64_t tide_get_int(tide_val v) {
    return v.tag == TIDE_T_INT ? v.u.i : tide__get_int_other(v); /* inline: loops read it per item */
}
static inline double tide_get_double(tide_val v) {
    return v.tag == TIDE_T_DOUBLE ? v.u.d : tide__get_double_other(v);
}
TIDE_EXTERN bool tide_get_bool(tide_val v);
TIDE_EXTERN void *tide_get_ptr(tide_val v);

/* The name of a type, e.g. "string". Static. */
TIDE_EXTERN const char *tide_type_name(tide_type t);

/* ---- References ------------------------------------------------------ */

TIDE_EXTERN void tide__obj_destroy(tide_obj *o);

/* One more reference to v's object (no-op for scalars). Returns v. */
static inline tide_val tide_retain(tide_val v) {
    if (v.tag >= TIDE__T_FIRST_OBJ && !(v.u.o->flags & TIDE__OBJ_IMMORTAL))
        v.u.o->rc++;
    return v;
}

/* Drops one reference; the object is destroyed with the last one. */
static inline void tide_release(tide_val v) {
    if (v.tag >= TIDE__T_FIRST_OBJ && !(v.u.o->flags & TIDE__OBJ_IMMORTAL) &&
        --v.u.o->rc == 0)
        tide__obj_destroy(v.u.o);
}

/* Private (for the library and the inline steps of the public headers). */
/* Moves the value out of *p, leaving undefined. Field by field on purpose:
 * a value handed to another coroutine was stored as two words, and one
 * 16-byte load of two fresh 8-byte stores cannot be forwarded from the store
 * buffer — it stalls until they reach the cache, on every switch. */
static inline tide_val tide__take(tide_val *p) {
    tide_val v;
    v.u.i = p->u.i;
    v.tag = p->tag;
    p->tag = TIDE_T_UNDEFINED;
    return v;
}

/* Whether v is a promise or a thenable: what resolving with it, or an async
 * generator's yield of it, must wait for. */
static inline bool tide__val_thenable(tide_val v) {
    return v.tag == TIDE_T_PROMISE || (v.tag == TIDE_T_OBJECT && v.u.o->cls && v.u.o->cls->then);
}

/* Reads *p field by field, for the same reason (a value just stored by
 * another path, such as a promise's result written when it settled). */
static inline tide_val tide__load(const tide_val *p) {
    tide_val v;
    v.u.i = p->u.i;
    v.tag = p->tag;
    return v;
}

/* Releases *v and sets it to undefined, so a second call is harmless. */
static inline void tide_clear(tide_val *v) {
    tide_val old = *v;
    *v = tide_undefined();
    tide_release(old);
}

/* ---- Strings and bytes ---------------------------------------------- */

/* A new string holding a copy of s (NUL-terminated) / of n bytes at s.
 * On allocation failure returns the TIDE_ENOMEM error value (check with
 * tide_is_error). s NULL gives the TIDE_EINVAL error value. */
TIDE_EXTERN tide_val tide_str_new(const char *s);
TIDE_EXTERN tide_val tide_str_newn(const char *s, size_t n);
/* A new string from a printf format. */
TIDE_EXTERN tide_val tide_str_fmt(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* The characters of a string or bytes value (always NUL-terminated), borrowed:
 * valid while v is. NULL when v is neither. */
TIDE_EXTERN const char *tide_str(tide_val v);
/* Length in bytes of a string or bytes value; 0 for others. */
TIDE_EXTERN size_t tide_str_len(tide_val v);

/* A new bytes value holding a copy of n bytes at data (data may be NULL when
 * n is 0). Errors as tide_str_new. */
TIDE_EXTERN tide_val tide_bytes_new(const void *data, size_t n);
TIDE_EXTERN const uint8_t *tide_bytes_data(tide_val v);
TIDE_EXTERN size_t tide_bytes_len(tide_val v);

/* JavaScript's String(v): "undefined", "null", "true", "42", "1.5", a
 * string's own text, an error as "ENAME: message", "[object NAME]" for
 * objects. Borrows v; returns a new string (or the ENOMEM error). */
TIDE_EXTERN tide_val tide_to_string(tide_val v);

/* Writes tide_to_string(v) into buf (truncated, always NUL-terminated) and
 * returns buf. Allocates nothing; for printing and messages. */
TIDE_EXTERN char *tide_format(tide_val v, char *buf, size_t size);

/* SameValue for scalars, identity for objects, contents for strings. */
TIDE_EXTERN bool tide_equal(tide_val a, tide_val b);

/* ---- Errors ---------------------------------------------------------- */

/* A new error with a TIDE_E... code and a printf-formatted message (fmt NULL:
 * tide_strerror(code)). Never fails: out of memory it returns a shared,
 * immortal TIDE_ENOMEM error. */
TIDE_EXTERN tide_val tide_error_new(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Same, with a cause (taken). */
TIDE_EXTERN tide_val tide_error_with_cause(int code, tide_val cause,
                                           const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The code of an error value; 0 when v is not an error. */
TIDE_EXTERN int tide_error_code(tide_val v);
/* Its message, borrowed; "" when v is not an error. */
TIDE_EXTERN const char *tide_error_message(tide_val v);
/* Its cause (borrowed), or undefined. */
TIDE_EXTERN tide_val tide_error_cause(tide_val v);
/* For TIDE_EAGGREGATE errors: the array of reasons (borrowed), else undefined. */
TIDE_EXTERN tide_val tide_error_errors(tide_val v);

/* ---- Arrays ---------------------------------------------------------- */

/* A new empty array with room for cap elements. ENOMEM error value on
 * failure. */
TIDE_EXTERN tide_val tide_array_new(size_t cap);
/* Appends v (taken) to arr (borrowed). 0, TIDE_EINVAL (not an array; v is
 * released), or TIDE_ENOMEM (v is released). */
TIDE_EXTERN int tide_array_push(tide_val arr, tide_val v);
TIDE_EXTERN size_t tide_array_len(tide_val arr);
/* Element i, borrowed; undefined when out of range or arr is no array. */
TIDE_EXTERN tide_val tide_array_get(tide_val arr, size_t i);
/* Replaces element i (v taken). 0, TIDE_EINVAL or TIDE_ERANGE. */
TIDE_EXTERN int tide_array_set(tide_val arr, size_t i, tide_val v);

/* ---- Settled records (tide_promise_all_settled) ---------------------- */

/* A record { status, value-or-reason }; rejected: true when the promise
 * rejected. value is taken. */
TIDE_EXTERN tide_val tide_settled_new(bool rejected, tide_val value);
TIDE_EXTERN bool tide_settled_rejected(tide_val v);
/* The value or reason, borrowed. */
TIDE_EXTERN tide_val tide_settled_value(tide_val v);

/* ---- Iterator results ------------------------------------------------- */

/* JavaScript's { value, done }: what an async iterator's next() promise
 * fulfils with. value is taken. ENOMEM error value on failure (never when
 * value is undefined, null, a bool, an int or a double: such a result is
 * carried in the tide_val itself, and tide_equal compares it by content,
 * where results holding other values compare by identity). */
TIDE_EXTERN tide_val tide_iter_result(tide_val value, bool done);
/* Its parts (value borrowed); undefined / false for other values. */
TIDE_EXTERN tide_val tide_iter_result_value(tide_val r);
TIDE_EXTERN bool tide_iter_result_done(tide_val r);

/* ---- User objects ---------------------------------------------------- */

/* A new object of class cls (borrowed; must outlive the object) with size
 * bytes of zeroed data. ENOMEM error value on failure, EINVAL if cls is NULL. */
TIDE_EXTERN tide_val tide_object_new(const tide_class *cls, size_t size);
/* Private: a user object as it lies in memory, its data after the header. */
typedef struct tide__object {
    tide_obj hdr;
    max_align_t data[];
} tide__object;

/* The object's data, borrowed; NULL if v is not a user object. (Inline: an
 * iterator's next() reads it on every step.) */
static inline void *tide_object_data(tide_val v) {
    return v.tag == TIDE_T_OBJECT ? (void *)((tide__object *)(void *)v.u.o)->data : NULL;
}
/* Its class, or NULL. */
TIDE_EXTERN const tide_class *tide_object_class(tide_val v);

/* ---- Memory ---------------------------------------------------------- */

/* Every allocation tide makes goes through these hooks: its values, its
 * fetch and TCP bookkeeping, libcurl's (handed over with
 * curl_global_init_mem on the first fetch, unless the program initialised
 * libcurl itself first), and libuv's once tide has made a loop of its own
 * (tide_run, tide_loop_new(&l, NULL)). Pass NULLs to restore
 * malloc/realloc/free. Set before creating any loop or making any fetch:
 * memory allocated with one set must not be freed with another. (OpenSSL's
 * and the C library's own allocations are not tide's to route.) */
typedef struct tide_allocator {
    void *(*malloc)(size_t);
    void *(*realloc)(void *, size_t);
    void (*free)(void *);
} tide_allocator;
TIDE_EXTERN void tide_set_allocator(const tide_allocator *a);

/* Fault injection for tests: after n more successful allocations, every
 * allocation through the hooks above fails until this is called again with
 * n < 0 (off); coroutine stacks count as allocations too. Per thread. libuv's
 * allocations take part only inside libuv calls that report the failure
 * (uv_getaddrinfo); elsewhere libuv aborts the process on some failures
 * (growing its watcher array), so those are never failed. */
TIDE_EXTERN void tide_alloc_fail_after(long n);
/* How many allocations have failed by injection since the last call to
 * tide_alloc_fail_after. */
TIDE_EXTERN long tide_alloc_failures(void);

#endif
