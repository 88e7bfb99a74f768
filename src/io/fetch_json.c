/* io — JSON for response.json(): a parser of tide's own that checks JSON's
 * grammar (RFC 8259, as JSON.parse does) and builds tide values in the same
 * pass, JSON objects as a small user class, and JSON.stringify. Every
 * allocation goes through tide's allocator, so fault injection reaches it. */
#define _GNU_SOURCE /* strtod_l */
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_impl.h"
#include "val/alloc.h"

/* Parsing and stringifying recurse once per level, and coroutine stacks are
 * 64 KiB: deeper documents are refused rather than risked. */
#define JSON_MAX_DEPTH 64

/* JSON's two-character escapes (after the backslash) and the characters they
 * stand for: read by the parser, written by stringify. */
static const char escape_letters[] = "\"\\/bfnrt", escaped_chars[] = "\"\\/\b\f\n\r\t";

/* ---- JSON objects ------------------------------------------------------- */

typedef struct member {
    tide_val key; /* a string; undefined while a repeat waits to be dropped */
    tide_val val;
} member;

typedef struct json_obj {
    size_t n, cap;
    member *m;
} json_obj;

static void json_obj_finalize(void *data) {
    json_obj *o = data;
    for (size_t i = 0; i < o->n; i++) {
        tide_release(o->m[i].key);
        tide_release(o->m[i].val);
    }
    tide__free(o->m);
}

static const tide_class json_obj_class = {
    .name = "JSONObject",
    .finalize = json_obj_finalize,
};

static json_obj *json_obj_of(tide_val v) {
    return tide_object_class(v) == &json_obj_class ? tide_object_data(v) : NULL;
}

bool tide_is_json_object(tide_val v) { return json_obj_of(v) != NULL; }

size_t tide_json_object_len(tide_val obj) {
    json_obj *o = json_obj_of(obj);
    return o ? o->n : 0;
}

const char *tide_json_object_key(tide_val obj, size_t i) {
    json_obj *o = json_obj_of(obj);
    return o && i < o->n ? tide_str(o->m[i].key) : NULL;
}

tide_val tide_json_object_value(tide_val obj, size_t i) {
    json_obj *o = json_obj_of(obj);
    return o && i < o->n ? o->m[i].val : tide_undefined();
}

tide_val tide_json_get(tide_val obj, const char *key) {
    json_obj *o = json_obj_of(obj);
    if (!o || !key)
        return tide_undefined();
    size_t n = strlen(key); /* a member's key may hold NULs: compare it whole */
    for (size_t i = 0; i < o->n; i++)
        if (tide_str_len(o->m[i].key) == n && memcmp(tide_str(o->m[i].key), key, n) == 0)
            return o->m[i].val;
    return tide_undefined();
}

/* Room for one more member: made before the member is parsed, so that a
 * parsed key and value always have a place and never leak. */
static bool json_obj_reserve(json_obj *o) {
    if (o->n < o->cap)
        return true;
    size_t cap = o->cap ? o->cap * 2 : 4;
    member *m = tide__realloc(o->m, cap * sizeof *m);
    if (!m)
        return false;
    o->m = m;
    o->cap = cap;
    return true;
}

typedef struct key_ref {
    const char *s;
    size_t len, idx;
} key_ref;

static int key_text_cmp(const key_ref *x, const key_ref *y) {
    int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    return c ? c : x->len < y->len ? -1 : x->len > y->len;
}

/* By text, then by position: a run of equal keys starts with the first
 * occurrence and ends with the last. */
static int key_ref_cmp(const void *a, const void *b) {
    const key_ref *x = a, *y = b;
    int c = key_text_cmp(x, y);
    return c ? c : x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Drops repeated keys once the object is complete, as JSON.parse does: the
 * first occurrence keeps its place and takes the last value. Sorting finds
 * the repeats; checking each member against all earlier ones would be
 * quadratic, and a response can hold an object of many thousand members. */
static bool drop_repeats(json_obj *o) {
    if (o->n < 2)
        return true;
    key_ref *r = tide__malloc(o->n * sizeof *r);
    if (!r)
        return false;
    for (size_t i = 0; i < o->n; i++)
        r[i] = (key_ref){tide_str(o->m[i].key), tide_str_len(o->m[i].key), i};
    qsort(r, o->n, sizeof *r, key_ref_cmp);
    for (size_t g = 0, k; g < o->n; g = k)
        for (k = g + 1; k < o->n && key_text_cmp(&r[k], &r[g]) == 0; k++) {
            member *first = &o->m[r[g].idx], *later = &o->m[r[k].idx];
            tide_release(first->val);
            first->val = later->val;
            tide_release(later->key);
            *later = (member){tide_undefined(), tide_undefined()}; /* dropped below */
        }
    tide__free(r);
    size_t n = 0;
    for (size_t i = 0; i < o->n; i++)
        if (!tide_is_undefined(o->m[i].key))
            o->m[n++] = o->m[i];
    o->n = n;
    return true;
}

/* ---- A growing buffer ------------------------------------------------------------
 * For the strings the parser decodes and the text stringify writes. After a
 * failed allocation it takes nothing more and says so in oom. */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    bool oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t n) {
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = tide__realloc(b->s, cap);
        if (!d) {
            b->oom = true;
            return;
        }
        b->s = d;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }

/* ---- Parsing -------------------------------------------------------------------
 * Recursive descent over JSON's grammar (RFC 8259), building the values as
 * it goes: one pass both checks the text and converts it. The first thing
 * wrong is reported as "JSON: <what> at offset <n>". Every parse_ function
 * returns what it parsed (owned) or an error value, having released what it
 * built. Frames stay small, since coroutine stacks are: escaped strings are
 * decoded into a buffer kept in the parser, not on the stack. */

typedef struct parser {
    const char *s;
    size_t n, i; /* the input and the offset reached */
    int depth;
    sbuf buf; /* the string being decoded, reused from one to the next */
} parser;

static tide_val parse_value(parser *p);

static tide_val bad(const parser *p, const char *what) {
    return tide_error_new(TIDE_EINVAL, "JSON: %s at offset %zu", what, p->i);
}

static tide_val no_memory(void) { return tide_error_new(TIDE_ENOMEM, NULL); }

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool at(const parser *p, char c) { return p->i < p->n && p->s[p->i] == c; }

/* Moves past c if it comes next. */
static bool eat(parser *p, char c) {
    if (!at(p, c))
        return false;
    p->i++;
    return true;
}

static void skip_ws(parser *p) {
    while (p->i < p->n && is_ws(p->s[p->i]))
        p->i++;
}

/* Moves past a run of digits; false when there was none. */
static bool digits(parser *p) {
    size_t from = p->i;
    while (p->i < p->n && is_digit(p->s[p->i]))
        p->i++;
    return p->i > from;
}

static void put_utf8(sbuf *b, unsigned long cp) {
    static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    char u[4];
    for (size_t k = n - 1; k > 0; k--, cp >>= 6)
        u[k] = (char)(0x80 | (cp & 0x3F));
    u[0] = (char)(lead[n] | cp);
    put(b, u, n);
}

/* The code unit written by the 4 hex digits at *j, moving past them; or -1
 * with *j at the first that is not one (or at the end of the input). */
static long hex4(const parser *p, size_t *j) {
    long u = 0;
    for (int k = 0; k < 4; k++, ++*j) {
        char c = *j < p->n ? p->s[*j] : '\0', lower = (char)(c | 0x20);
        int d = is_digit(c) ? c - '0' : lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        u = u * 16 + d;
    }
    return u;
}

/* A \u escape, p->i at its 'u'. A high surrogate followed by the \u escape
 * of a low one makes one code point; any other surrogate is lone and becomes
 * U+FFFD, which is what Node writes for one in UTF-8. */
static tide_val unescape_u(parser *p) {
    p->i++;
    long u = hex4(p, &p->i);
    if (u < 0)
        return bad(p, "bad \\u escape");
    if (u >= 0xD800 && u <= 0xDBFF && p->n - p->i >= 2 && memcmp(p->s + p->i, "\\u", 2) == 0) {
        size_t j = p->i + 2;
        long lo = hex4(p, &j);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            p->i = j;
        }
    }
    if (u >= 0xD800 && u <= 0xDFFF)
        u = 0xFFFD; /* an escape after it that did not pair is read on its own */
    put_utf8(&p->buf, (unsigned long)u);
    return p->buf.oom ? no_memory() : tide_undefined();
}

/* The escape at p->i (its backslash), decoded onto the buffer. */
static tide_val unescape(parser *p) {
    if (++p->i >= p->n)
        return bad(p, "unterminated string");
    char c = p->s[p->i];
    if (c == 'u')
        return unescape_u(p);
    const char *e = c ? strchr(escape_letters, c) : NULL;
    if (!e)
        return bad(p, "bad escape");
    p->i++;
    put(&p->buf, &escaped_chars[e - escape_letters], 1);
    return p->buf.oom ? no_memory() : tide_undefined();
}

/* A string, p->i at its opening quote. Other bytes pass through as they are
 * (JSON.parse is handed text already decoded and checks no UTF-8). They go
 * to the buffer only once an escape shows up, so a string without escapes
 * is copied once, into its value. */
static tide_val parse_string(parser *p) {
    size_t run = ++p->i; /* start of the bytes not yet in the buffer */
    bool escaped = false;
    p->buf.len = 0;
    while (p->i < p->n) {
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"') {
            if (escaped)
                put(&p->buf, p->s + run, p->i - run);
            tide_val v = !escaped     ? tide_str_newn(p->s + run, p->i - run)
                         : p->buf.oom ? no_memory()
                                      : tide_str_newn(p->buf.s, p->buf.len); /* with any NULs */
            p->i++;
            return v;
        }
        if (c < 0x20)
            return bad(p, "control character in a string");
        if (c != '\\') {
            p->i++;
            continue;
        }
        put(&p->buf, p->s + run, p->i - run); /* unescape reports its failure */
        tide_val e = unescape(p);
        if (tide_is_error(e))
            return e;
        escaped = true;
        run = p->i;
    }
    return bad(p, "unterminated string");
}

/* An integer that fits int64_t stays exact (JavaScript would round past
 * 2^53); any other number is the double strtod reads: -0 for "-0" as in
 * JavaScript, Infinity past DBL_MAX (stringified null, as there). strtod
 * needs a terminator that the input lacks, hence the copy, on the heap only
 * for an unusually long number. */
/* JSON's decimal point is '.', whatever LC_NUMERIC the program set. */
static locale_t c_numeric;
static pthread_once_t c_numeric_once = PTHREAD_ONCE_INIT;
static void c_numeric_init(void) { c_numeric = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0); }

static double c_strtod(const char *s) {
    pthread_once(&c_numeric_once, c_numeric_init);
    return c_numeric ? strtod_l(s, NULL, c_numeric) : strtod(s, NULL);
}

static tide_val number_value(const char *text, size_t n, bool integral) {
    char small[40];
    char *c = n < sizeof small ? small : tide__malloc(n + 1);
    if (!c)
        return no_memory();
    memcpy(c, text, n);
    c[n] = '\0';
    int saved = errno;
    errno = 0;
    long long i = integral ? strtoll(c, NULL, 10) : 0;
    tide_val v = integral && errno != ERANGE && (i != 0 || c[0] != '-')
                     ? tide_int(i)
                     : tide_double(c_strtod(c));
    errno = saved;
    if (c != small)
        tide__free(c);
    return v;
}

static tide_val parse_number(parser *p) {
    size_t start = p->i;
    eat(p, '-');
    if (!eat(p, '0') && !digits(p))
        return bad(p, "bad number");
    bool integral = !at(p, '.') && !at(p, 'e') && !at(p, 'E');
    if (eat(p, '.') && !digits(p))
        return bad(p, "bad number");
    if (eat(p, 'e') || eat(p, 'E')) {
        if (!eat(p, '+'))
            eat(p, '-');
        if (!digits(p))
            return bad(p, "bad number");
    }
    return number_value(p->s + start, p->i - start, integral);
}

static tide_val parse_literal(parser *p) {
    char c = p->s[p->i];
    const char *lit = c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : NULL;
    size_t k = lit ? strlen(lit) : 0;
    if (!lit || p->n - p->i < k || memcmp(p->s + p->i, lit, k) != 0)
        return bad(p, "unexpected character");
    p->i += k;
    return c == 'n' ? tide_null() : tide_bool(c == 't');
}

/* The items of container c (taken; an error is passed through), p->i at its
 * opening bracket: item parses one into c; commas separate them and close
 * ends them. */
static tide_val parse_items(parser *p, tide_val c, char close,
                            tide_val (*item)(parser *, tide_val)) {
    if (tide_is_error(c))
        return c;
    p->i++;
    skip_ws(p);
    if (eat(p, close))
        return c;
    for (;;) {
        tide_val e = item(p, c);
        if (!tide_is_error(e)) {
            skip_ws(p);
            if (eat(p, close))
                return c;
            if (eat(p, ','))
                continue;
            e = bad(p, p->i < p->n ? "expected ',' or a closing bracket"
                                   : "unexpected end of input");
        }
        tide_release(c);
        return e;
    }
}

static tide_val array_item(parser *p, tide_val a) {
    tide_val e = parse_value(p);
    if (tide_is_error(e))
        return e;
    return tide_array_push(a, e) == 0 ? tide_undefined() : no_memory();
}

/* One "key": value pair, after '{' or a comma. */
static tide_val object_item(parser *p, tide_val obj) {
    json_obj *o = tide_object_data(obj);
    skip_ws(p);
    if (!at(p, '"'))
        return bad(p, "expected a quoted member name");
    if (!json_obj_reserve(o))
        return no_memory();
    tide_val k = parse_string(p);
    if (tide_is_error(k))
        return k;
    skip_ws(p);
    tide_val v = eat(p, ':') ? parse_value(p) : bad(p, "expected ':'");
    if (tide_is_error(v)) {
        tide_release(k);
        return v;
    }
    o->m[o->n++] = (member){k, v};
    return tide_undefined();
}

static tide_val parse_object(parser *p) {
    tide_val v = parse_items(p, tide_object_new(&json_obj_class, sizeof(json_obj)), '}',
                             object_item);
    if (!tide_is_error(v) && !drop_repeats(tide_object_data(v))) {
        tide_release(v);
        return no_memory();
    }
    return v;
}

static tide_val parse_value(parser *p) {
    skip_ws(p);
    if (p->i >= p->n)
        return bad(p, "unexpected end of input");
    char c = p->s[p->i];
    if (c == '"')
        return parse_string(p);
    if (c == '-' || is_digit(c))
        return parse_number(p);
    if (c != '[' && c != '{')
        return parse_literal(p);
    if (p->depth == JSON_MAX_DEPTH)
        return bad(p, "nested too deep");
    p->depth++;
    tide_val v = c == '[' ? parse_items(p, tide_array_new(0), ']', array_item) : parse_object(p);
    p->depth--;
    return v;
}

tide_val tide__json_parse(const char *text, size_t n) {
    parser p = {.s = text, .n = n};
    tide_val v = parse_value(&p);
    if (!tide_is_error(v) && (skip_ws(&p), p.i < n)) {
        tide_release(v);
        v = bad(&p, "unexpected text after the value");
    }
    tide__free(p.buf.s);
    return v;
}

tide_val tide_json_parse(const char *text, size_t n) {
    if (!text && n)
        return tide_error_new(TIDE_EINVAL, "tide_json_parse: NULL text");
    return tide__json_parse(text ? text : "", n);
}

/* ---- Stringifying ------------------------------------------------------------- */

/* A string as JSON.stringify writes it: the two-character escapes the
 * parser reads (but "\/", which it leaves alone), \u00XX for the other
 * control characters, every other byte as it is. */
static void put_string(sbuf *b, const char *s, size_t n) {
    size_t run = 0; /* start of the bytes not yet written */
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *e = c && c != '/' ? strchr(escaped_chars, c) : NULL;
        if (!e && c >= 0x20)
            continue;
        char esc[8];
        put(b, s + run, i - run);
        if (e)
            snprintf(esc, sizeof esc, "\\%c", escape_letters[e - escaped_chars]);
        else
            snprintf(esc, sizeof esc, "\\u%04x", c);
        puts_(b, esc);
        run = i + 1;
    }
    put(b, s + run, n - run);
    put(b, "\"", 1);
}

/* Number::toString for a finite double: the shortest digits that read back
 * as d, laid out as ECMA-262 §6.1.6.1.20 says. */
static void put_double(sbuf *b, double d) {
    if (!isfinite(d)) {
        puts_(b, "null");
        return;
    }
    if (d == 0) {
        puts_(b, "0");
        return;
    }
    char e[40];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, d);
        if (strtod(e, NULL) == d)
            break;
    }
    /* e is "-d.ddde±x": collect the digits and the exponent. */
    char digits[20];
    int k = 0;
    const char *p = e;
    if (*p == '-') {
        put(b, "-", 1);
        p++;
    }
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[k++] = *p;
    while (k > 1 && digits[k - 1] == '0')
        k--;
    int n = atoi(p + 1) + 1; /* value = 0.digits × 10^n */
    if (k <= n && n <= 21) {
        put(b, digits, (size_t)k);
        for (int i = k; i < n; i++)
            put(b, "0", 1);
    } else if (0 < n && n <= 21) {
        put(b, digits, (size_t)n);
        put(b, ".", 1);
        put(b, digits + n, (size_t)(k - n));
    } else if (-6 < n && n <= 0) {
        put(b, "0.", 2);
        for (int i = 0; i < -n; i++)
            put(b, "0", 1);
        put(b, digits, (size_t)k);
    } else {
        char x[16];
        put(b, digits, 1);
        if (k > 1) {
            put(b, ".", 1);
            put(b, digits + 1, (size_t)(k - 1));
        }
        snprintf(x, sizeof x, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
        puts_(b, x);
    }
}

static int stringify(sbuf *b, tide_val v, int depth) {
    char num[32];
    if (depth > JSON_MAX_DEPTH)
        return TIDE_EINVAL;
    switch (tide_type_of(v)) {
    case TIDE_T_NULL:
    case TIDE_T_UNDEFINED: /* only reached inside arrays: JavaScript writes null */
        puts_(b, "null");
        return 0;
    case TIDE_T_BOOL:
        puts_(b, tide_get_bool(v) ? "true" : "false");
        return 0;
    case TIDE_T_INT:
        snprintf(num, sizeof num, "%lld", (long long)tide_get_int(v));
        puts_(b, num);
        return 0;
    case TIDE_T_DOUBLE:
        put_double(b, tide_get_double(v));
        return 0;
    case TIDE_T_STRING:
    case TIDE_T_BYTES:
        put_string(b, tide_str(v), tide_str_len(v));
        return 0;
    case TIDE_T_ARRAY:
        put(b, "[", 1);
        for (size_t i = 0; i < tide_array_len(v); i++) {
            if (i)
                put(b, ",", 1);
            int rc = stringify(b, tide_array_get(v, i), depth + 1);
            if (rc)
                return rc;
        }
        put(b, "]", 1);
        return 0;
    default: {
        json_obj *o = json_obj_of(v);
        if (!o)
            return TIDE_ETYPE;
        put(b, "{", 1);
        for (size_t i = 0; i < o->n; i++) {
            if (i)
                put(b, ",", 1);
            put_string(b, tide_str(o->m[i].key), tide_str_len(o->m[i].key));
            put(b, ":", 1);
            int rc = stringify(b, o->m[i].val, depth + 1);
            if (rc)
                return rc;
        }
        put(b, "}", 1);
        return 0;
    }
    }
}

tide_val tide_json_stringify(tide_val v) {
    if (tide_is_undefined(v))
        return tide_error_new(TIDE_ETYPE, "JSON.stringify: undefined has no JSON form");
    sbuf b = {0};
    int rc = stringify(&b, v, 0);
    tide_val out;
    if (rc == TIDE_ETYPE)
        out = tide_error_new(rc, "JSON.stringify: a value of type %s has no JSON form",
                             tide_type_name(tide_type_of(v)));
    else if (rc)
        out = tide_error_new(rc, "JSON.stringify: nested deeper than %d", JSON_MAX_DEPTH);
    else if (b.oom)
        out = tide_error_new(TIDE_ENOMEM, NULL);
    else
        out = tide_str_newn(b.s ? b.s : "", b.len);
    tide__free(b.s);
    return out;
}
