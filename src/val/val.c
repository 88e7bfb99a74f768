/* val — strings, bytes, errors, arrays, settled records, user objects. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tide/val.h"
#include "common.h"
#include "val/alloc.h"
#include "val/val_internal.h"

/* Strings and bytes share one layout; the text is always NUL-terminated so
 * that tide_str() works on both. */
typedef struct str {
    tide_obj hdr;
    size_t len;
    char data[];
} str;

typedef struct err {
    tide_obj hdr;
    int code;
    tide_val cause;
    tide_val errors;
    const char *msg; /* points into text[] or at a static string */
    char text[];
} err;

typedef struct arr {
    tide_obj hdr;
    size_t len, cap;
    tide_val *items;
} arr;

/* A flag and a value: an iterator result { value, done }, or a settled
 * record { rejected, value } of tide_promise_all_settled. */
/* tide__pair (iterator results, settled records) is in val_internal.h. */

typedef tide__object object; /* tide/val.h: tide_object_data is inline */

/* Returned when memory runs out, so that making an error never fails. */
static err oom_error = {
    .hdr = {1, TIDE_T_ERROR, TIDE__OBJ_IMMORTAL, NULL},
    .code = TIDE_ENOMEM,
    .cause = {{0}, TIDE_T_UNDEFINED},
    .errors = {{0}, TIDE_T_UNDEFINED},
    .msg = "out of memory",
};

static inline tide_val mkobj(void *o, tide_type t) {
    tide_val v;
    v.u.o = o;
    v.tag = t;
    return v;
}

static tide_val oom(void) { return mkobj(&oom_error, TIDE_T_ERROR); }

tide_val tide__error_oom(void) { return oom(); }


static void *obj_alloc(size_t size, tide_type t, const tide_class *cls) {
    tide_obj *o = tide__malloc(size);
    if (o) {
        o->rc = 1;
        o->type = (uint16_t)t;
        o->flags = 0;
        o->cls = cls;
    }
    return o;
}

void tide__obj_destroy(tide_obj *o) {
    switch (o->type) {
    case TIDE_T_STRING:
    case TIDE_T_BYTES:
        break;
    case TIDE_T_ERROR: {
        err *e = (err *)o;
        tide_release(e->cause);
        tide_release(e->errors);
        break;
    }
    case TIDE_T_ARRAY: {
        arr *a = (arr *)o;
        for (size_t i = 0; i < a->len; i++)
            tide_release(a->items[i]);
        tide__free(a->items);
        break;
    }
    case TIDE_T_SETTLED:
    case TIDE_T_ITER_RESULT:
        tide_release(((tide__pair *)o)->value);
        tide__pair_free((tide__pair *)o);
        return;
    case TIDE_T_OBJECT:
        if (o->cls->finalize)
            o->cls->finalize(((object *)o)->data);
        break;
    default:
        /* Promises, iterators ...: the owning layer frees its own. */
        o->cls->destroy_(o);
        return;
    }
    tide__free(o);
}

/* ---- Scalars --------------------------------------------------------- */

int64_t tide__get_int_other(tide_val v) {
    if (v.tag == TIDE_T_INT || v.tag == TIDE_T_BOOL)
        return v.u.i;
    /* In range first: converting a double past int64 is undefined. */
    if (v.tag == TIDE_T_DOUBLE && v.u.d >= -0x1p63 && v.u.d < 0x1p63 &&
        v.u.d == (double)(int64_t)v.u.d)
        return (int64_t)v.u.d;
    return 0;
}

double tide__get_double_other(tide_val v) {
    if (v.tag == TIDE_T_DOUBLE)
        return v.u.d;
    if (v.tag == TIDE_T_INT)
        return (double)v.u.i;
    return 0.0;
}

bool tide_get_bool(tide_val v) { return v.tag == TIDE_T_BOOL && v.u.i; }

void *tide_get_ptr(tide_val v) { return v.tag == TIDE_T_PTR ? v.u.p : NULL; }

const char *tide_type_name(tide_type t) {
    switch (t) {
    case TIDE_T_UNDEFINED: return "undefined";
    case TIDE_T_NULL: return "null";
    case TIDE_T_BOOL: return "bool";
    case TIDE_T_INT: return "int";
    case TIDE_T_DOUBLE: return "double";
    case TIDE_T_PTR: return "pointer";
    case TIDE_T_STRING: return "string";
    case TIDE_T_BYTES: return "bytes";
    case TIDE_T_ERROR: return "error";
    case TIDE_T_ARRAY: return "array";
    case TIDE_T_SETTLED: return "settled";
    case TIDE_T_OBJECT: return "object";
    case TIDE_T_PROMISE: return "promise";
    case TIDE_T_ITER_RESULT: return "iterator result";
    case TIDE_T_ITERATOR: return "iterator";
    case TIDE_T_ASYNC_ITERATOR: return "async iterator";
    }
    return "unknown";
}

/* ---- Strings and bytes ---------------------------------------------- */

static tide_val str_make(const void *s, size_t n, tide_type t) {
    if (!s && n)
        return tide_error_new(TIDE_EINVAL, "NULL data for a %s", tide_type_name(t));
    str *p = obj_alloc(sizeof(str) + n + 1, t, NULL);
    if (!p)
        return oom();
    p->len = n;
    if (n)
        memcpy(p->data, s, n);
    p->data[n] = '\0';
    return mkobj(p, t);
}

tide_val tide_str_new(const char *s) {
    if (!s)
        return tide_error_new(TIDE_EINVAL, "tide_str_new: NULL string");
    return str_make(s, strlen(s), TIDE_T_STRING);
}

tide_val tide_str_newn(const char *s, size_t n) { return str_make(s, n, TIDE_T_STRING); }

tide_val tide_bytes_new(const void *data, size_t n) { return str_make(data, n, TIDE_T_BYTES); }

tide_val tide_str_fmt(const char *fmt, ...) {
    va_list ap;
    if (!fmt)
        return tide_error_new(TIDE_EINVAL, "tide_str_fmt: NULL format");
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return tide_error_new(TIDE_EINVAL, "tide_str_fmt: bad format");
    str *p = obj_alloc(sizeof(str) + (size_t)n + 1, TIDE_T_STRING, NULL);
    if (!p)
        return oom();
    p->len = (size_t)n;
    va_start(ap, fmt);
    vsnprintf(p->data, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return mkobj(p, TIDE_T_STRING);
}

const char *tide_str(tide_val v) {
    if (v.tag == TIDE_T_STRING || v.tag == TIDE_T_BYTES)
        return ((str *)v.u.o)->data;
    return NULL;
}

size_t tide_str_len(tide_val v) {
    if (v.tag == TIDE_T_STRING || v.tag == TIDE_T_BYTES)
        return ((str *)v.u.o)->len;
    return 0;
}

const uint8_t *tide_bytes_data(tide_val v) { return (const uint8_t *)tide_str(v); }

size_t tide_bytes_len(tide_val v) { return tide_str_len(v); }

/* ---- Errors ---------------------------------------------------------- */

static tide_val error_vnew(int code, tide_val cause, const char *fmt, va_list ap) {
    char buf[512];
    const char *msg = tide_strerror(code);
    if (fmt) {
        vsnprintf(buf, sizeof buf, fmt, ap);
        msg = buf;
    }
    size_t n = strlen(msg);
    err *e = obj_alloc(sizeof(err) + n + 1, TIDE_T_ERROR, NULL);
    if (!e) {
        tide_release(cause);
        return oom();
    }
    e->code = code;
    e->cause = cause;
    e->errors = tide_undefined();
    memcpy(e->text, msg, n + 1);
    e->msg = e->text;
    return mkobj(e, TIDE_T_ERROR);
}

tide_val tide_error_new(int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tide_val v = error_vnew(code, tide_undefined(), fmt, ap);
    va_end(ap);
    return v;
}

tide_val tide_error_with_cause(int code, tide_val cause, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tide_val v = error_vnew(code, cause, fmt, ap);
    va_end(ap);
    return v;
}

/* An aggregate error owning `errors` (an array); for tide_promise_any. */
tide_val tide__error_aggregate(tide_val errors, const char *msg) {
    tide_val v = tide_error_new(TIDE_EAGGREGATE, "%s", msg);
    if (v.u.o == &oom_error.hdr) {
        tide_release(errors);
        return v;
    }
    ((err *)v.u.o)->errors = errors;
    return v;
}

int tide_error_code(tide_val v) {
    return v.tag == TIDE_T_ERROR ? ((err *)v.u.o)->code : 0;
}

const char *tide_error_message(tide_val v) {
    return v.tag == TIDE_T_ERROR ? ((err *)v.u.o)->msg : "";
}

tide_val tide_error_cause(tide_val v) {
    return v.tag == TIDE_T_ERROR ? ((err *)v.u.o)->cause : tide_undefined();
}

tide_val tide_error_errors(tide_val v) {
    return v.tag == TIDE_T_ERROR ? ((err *)v.u.o)->errors : tide_undefined();
}

/* ---- Arrays ---------------------------------------------------------- */

tide_val tide_array_new(size_t cap) {
    arr *a = obj_alloc(sizeof(arr), TIDE_T_ARRAY, NULL);
    if (!a)
        return oom();
    a->len = 0;
    a->cap = cap;
    a->items = NULL;
    if (cap && !(a->items = tide__calloc(cap, sizeof(tide_val)))) {
        tide__free(a);
        return oom();
    }
    return mkobj(a, TIDE_T_ARRAY);
}

int tide_array_push(tide_val av, tide_val v) {
    if (av.tag != TIDE_T_ARRAY) {
        tide_release(v);
        return TIDE_EINVAL;
    }
    arr *a = (arr *)av.u.o;
    if (a->len == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 4;
        tide_val *items = tide__realloc(a->items, cap * sizeof(tide_val));
        if (!items) {
            tide_release(v);
            return TIDE_ENOMEM;
        }
        a->items = items;
        a->cap = cap;
    }
    a->items[a->len++] = v;
    return 0;
}

size_t tide_array_len(tide_val av) {
    return av.tag == TIDE_T_ARRAY ? ((arr *)av.u.o)->len : 0;
}

tide_val tide_array_get(tide_val av, size_t i) {
    if (av.tag != TIDE_T_ARRAY || i >= ((arr *)av.u.o)->len)
        return tide_undefined();
    return ((arr *)av.u.o)->items[i];
}

int tide_array_set(tide_val av, size_t i, tide_val v) {
    if (av.tag != TIDE_T_ARRAY) {
        tide_release(v);
        return TIDE_EINVAL;
    }
    arr *a = (arr *)av.u.o;
    if (i >= a->len) {
        tide_release(v);
        return TIDE_ERANGE;
    }
    tide_val old = a->items[i];
    a->items[i] = v;
    tide_release(old);
    return 0;
}

/* ---- Iterator results and settled records ---------------------------- */

/* Iterator results are made and dropped once per step of every loop: a
 * per-thread free list keeps steady iteration off malloc. */
TIDE__TLS tide__pool tide__pairs = TIDE__POOL(tide__pair, 256);
_Static_assert(TIDE__POOL_FITS(tide__pair), "a pooled object holds its link in its last word");

void tide__val_pools_drain(void) { tide__pool_drain(&tide__pairs); }

void tide__val_pools_trim(void) { tide__pool_trim(&tide__pairs); }

static inline tide_val pair_init(tide__pair *r, tide_type t, bool flag, tide_val value) {
    r->flag = flag;
    r->value = value;
    return mkobj(r, t);
}

static inline tide_val pair_from_pool(tide_type t, bool flag, tide_val value) {
    tide__pair *r = tide__pool_get(&tide__pairs, tide__pair);
    r->hdr = (tide_obj){1, (uint16_t)t, 0, NULL};
    return pair_init(r, t, flag, value);
}

/* The pool empty, or failures injected: out of line, so that the pooled
 * path saves no registers for the calls. */
static __attribute__((noinline)) tide_val pair_new_slow(tide_type t, bool flag, tide_val value) {
    tide__pair *r = NULL;
    if (!tide__pairs.head) /* (tide__malloc counts the injected failure) */
        r = obj_alloc(sizeof(tide__pair), t, NULL);
    else if (!tide__alloc_should_fail())
        return pair_from_pool(t, flag, value);
    if (!r) {
        tide_release(value);
        return oom();
    }
    return pair_init(r, t, flag, value);
}

static inline tide_val pair_new(tide_type t, bool flag, tide_val value) {
    if (__builtin_expect(!tide__pairs.head || tide__fail_after >= 0, 0))
        return pair_new_slow(t, flag, value);
    return pair_from_pool(t, flag, value);
}

static bool pair_flag(tide_val v, tide_type t) { return v.tag == t && ((tide__pair *)v.u.o)->flag; }

static tide_val pair_value(tide_val v, tide_type t) {
    return v.tag == t ? ((tide__pair *)v.u.o)->value : tide_undefined();
}

tide_val tide_settled_new(bool rejected, tide_val value) {
    return pair_new(TIDE_T_SETTLED, rejected, value);
}
bool tide_settled_rejected(tide_val v) { return pair_flag(v, TIDE_T_SETTLED); }
tide_val tide_settled_value(tide_val v) { return pair_value(v, TIDE_T_SETTLED); }

tide_val tide_iter_result(tide_val value, bool done) {
    if (value.tag <= TIDE_T_DOUBLE) {
        value.tag = TIDE__T_RESULT + 2 * value.tag + done;
        return value;
    }
    return pair_new(TIDE_T_ITER_RESULT, done, value);
}

tide_val tide_iter_result_value(tide_val r) {
    if (tide__result_inline(r))
        return tide__result_value(r);
    return pair_value(r, TIDE_T_ITER_RESULT);
}

bool tide_iter_result_done(tide_val r) {
    if (tide__result_inline(r))
        return tide__result_done(r);
    return pair_flag(r, TIDE_T_ITER_RESULT);
}

tide_val tide_iter_self(tide_val self) { return tide_retain(self); }

/* ---- User objects ---------------------------------------------------- */

tide_val tide_object_new(const tide_class *cls, size_t size) {
    if (!cls)
        return tide_error_new(TIDE_EINVAL, "tide_object_new: NULL class");
    object *o = obj_alloc(sizeof(object) + size, TIDE_T_OBJECT, cls);
    if (!o)
        return oom();
    memset(o->data, 0, size);
    return mkobj(o, TIDE_T_OBJECT);
}

const tide_class *tide_object_class(tide_val v) {
    return v.tag == TIDE_T_OBJECT ? v.u.o->cls : NULL;
}

/* ---- Text form ------------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    bool fixed, failed;
} sbuf;

static void put(sbuf *b, const char *s, size_t n) {
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        if (b->fixed) {
            n = b->cap > b->len + 1 ? b->cap - b->len - 1 : 0;
        } else {
            size_t cap = (b->len + n + 1) * 2;
            char *p = tide__realloc(b->p, cap);
            if (!p) {
                b->failed = true;
                return;
            }
            b->p = p;
            b->cap = cap;
        }
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }

/* JavaScript's Number::toString: the shortest text that reads back equal. */
static void put_double(sbuf *b, double d) {
    char t[40];
    if (isnan(d)) {
        puts_(b, "NaN");
        return;
    }
    if (isinf(d)) {
        puts_(b, d < 0 ? "-Infinity" : "Infinity");
        return;
    }
    if (d == 0) {
        puts_(b, "0");
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(t, sizeof t, "%.*g", prec, d);
        if (strtod(t, NULL) == d)
            break;
    }
    puts_(b, t);
}

static void put_val(sbuf *b, tide_val v, int depth) {
    char t[48];
    switch (tide_type_of(v)) {
    case TIDE_T_UNDEFINED: puts_(b, "undefined"); return;
    case TIDE_T_NULL: puts_(b, "null"); return;
    case TIDE_T_BOOL: puts_(b, v.u.i ? "true" : "false"); return;
    case TIDE_T_INT:
        snprintf(t, sizeof t, "%lld", (long long)v.u.i);
        puts_(b, t);
        return;
    case TIDE_T_DOUBLE: put_double(b, v.u.d); return;
    case TIDE_T_PTR:
        snprintf(t, sizeof t, "[pointer %p]", v.u.p);
        puts_(b, t);
        return;
    case TIDE_T_STRING: put(b, tide_str(v), tide_str_len(v)); return;
    case TIDE_T_BYTES:
        snprintf(t, sizeof t, "[bytes %zu]", tide_bytes_len(v));
        puts_(b, t);
        return;
    case TIDE_T_ERROR:
        puts_(b, tide_err_name(tide_error_code(v)) + 5);
        puts_(b, ": ");
        puts_(b, tide_error_message(v));
        return;
    case TIDE_T_ARRAY:
        if (depth > 8) {
            puts_(b, "...");
            return;
        }
        for (size_t i = 0; i < tide_array_len(v); i++) {
            if (i)
                puts_(b, ",");
            tide_val e = tide_array_get(v, i);
            if (e.tag != TIDE_T_UNDEFINED && e.tag != TIDE_T_NULL)
                put_val(b, e, depth + 1);
        }
        return;
    case TIDE_T_ITER_RESULT:
        puts_(b, "{ value: ");
        put_val(b, tide_iter_result_value(v), depth + 1);
        puts_(b, tide_iter_result_done(v) ? ", done: true }" : ", done: false }");
        return;
    case TIDE_T_OBJECT:
        puts_(b, "[object ");
        puts_(b, v.u.o->cls->name ? v.u.o->cls->name : "Object");
        puts_(b, "]");
        return;
    default:
        puts_(b, "[object ");
        puts_(b, tide_type_name(tide_type_of(v)));
        puts_(b, "]");
        return;
    }
}

char *tide_format(tide_val v, char *buf, size_t size) {
    if (!buf || !size)
        return buf;
    sbuf b = {buf, 0, size, true, false};
    buf[0] = '\0';
    put_val(&b, v, 0);
    return buf;
}

tide_val tide_to_string(tide_val v) {
    if (v.tag == TIDE_T_STRING)
        return tide_retain(v);
    sbuf b = {NULL, 0, 0, false, false};
    put_val(&b, v, 0);
    if (b.failed) {
        tide__free(b.p);
        return oom();
    }
    tide_val s = tide_str_newn(b.p ? b.p : "", b.len);
    tide__free(b.p);
    return s;
}

bool tide_equal(tide_val a, tide_val b) {
    if (tide__result_inline(a) && tide__result_inline(b))
        return tide__result_done(a) == tide__result_done(b) &&
               tide_equal(tide__result_value(a), tide__result_value(b));
    if (a.tag != b.tag) {
        bool na = a.tag == TIDE_T_INT || a.tag == TIDE_T_DOUBLE;
        bool nb = b.tag == TIDE_T_INT || b.tag == TIDE_T_DOUBLE;
        return na && nb && tide_get_double(a) == tide_get_double(b);
    }
    switch (a.tag) {
    case TIDE_T_UNDEFINED:
    case TIDE_T_NULL: return true;
    case TIDE_T_BOOL:
    case TIDE_T_INT: return a.u.i == b.u.i;
    case TIDE_T_DOUBLE: return a.u.d == b.u.d || (isnan(a.u.d) && isnan(b.u.d));
    case TIDE_T_STRING:
    case TIDE_T_BYTES:
        return tide_str_len(a) == tide_str_len(b) &&
               memcmp(tide_str(a), tide_str(b), tide_str_len(a)) == 0;
    default: return a.u.p == b.u.p;
    }
}
