/* io — JSON for response.json(): json-c's parse tree turned into tide
 * values, JSON objects as a small user class, and JSON.stringify. */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch_impl.h"

#define JSON_MAX_DEPTH 64

/* ---- JSON objects ------------------------------------------------------- */

typedef struct json_obj {
    size_t n;
    tide_val *keys; /* strings */
    tide_val *vals;
} json_obj;

static void json_obj_finalize(void *data) {
    json_obj *o = data;
    for (size_t i = 0; i < o->n; i++) {
        tide_release(o->keys[i]);
        tide_release(o->vals[i]);
    }
    free(o->keys);
    free(o->vals);
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
    return o && i < o->n ? tide_str(o->keys[i]) : NULL;
}

tide_val tide_json_object_value(tide_val obj, size_t i) {
    json_obj *o = json_obj_of(obj);
    return o && i < o->n ? o->vals[i] : tide_undefined();
}

tide_val tide_json_get(tide_val obj, const char *key) {
    json_obj *o = json_obj_of(obj);
    if (!o || !key)
        return tide_undefined();
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(tide_str(o->keys[i]), key) == 0)
            return o->vals[i];
    return tide_undefined();
}

/* ---- Parsing ---------------------------------------------------------------- */

static tide_val convert(struct json_object *j);

static tide_val convert_object(struct json_object *j) {
    size_t n = (size_t)json_object_object_length(j);
    tide_val v = tide_object_new(&json_obj_class, sizeof(json_obj));
    if (tide_is_error(v))
        return v;
    json_obj *o = tide_object_data(v);
    if (n) {
        o->keys = calloc(n, sizeof *o->keys);
        o->vals = calloc(n, sizeof *o->vals);
        if (!o->keys || !o->vals) {
            tide_release(v);
            return tide_error_new(TIDE_ENOMEM, NULL);
        }
    }
    json_object_object_foreach(j, key, val) {
        tide_val k = tide_str_new(key);
        tide_val e = tide_is_error(k) ? tide_undefined() : convert(val);
        if (tide_is_error(k) || tide_is_error(e)) {
            tide_release(v);
            return tide_is_error(k) ? k : (tide_release(k), e);
        }
        o->keys[o->n] = k;
        o->vals[o->n++] = e;
    }
    return v;
}

static tide_val convert(struct json_object *j) {
    switch (json_object_get_type(j)) {
    case json_type_null:
        return tide_null();
    case json_type_boolean:
        return tide_bool(json_object_get_boolean(j));
    case json_type_double:
        return tide_double(json_object_get_double(j));
    case json_type_int: {
        int64_t i = json_object_get_int64(j);
        if (i == INT64_MAX) { /* json-c clamps; an unsigned beyond it is a double */
            uint64_t u = json_object_get_uint64(j);
            if (u > (uint64_t)INT64_MAX)
                return tide_double((double)u);
        }
        return tide_int(i);
    }
    case json_type_string:
        return tide_str_newn(json_object_get_string(j), (size_t)json_object_get_string_len(j));
    case json_type_array: {
        size_t n = json_object_array_length(j);
        tide_val a = tide_array_new(n);
        for (size_t i = 0; i < n && !tide_is_error(a); i++) {
            tide_val e = convert(json_object_array_get_idx(j, i));
            if (tide_is_error(e)) {
                tide_release(a);
                return e;
            }
            if (tide_array_push(a, e) != 0) {
                tide_release(a);
                return tide_error_new(TIDE_ENOMEM, NULL);
            }
        }
        return a;
    }
    case json_type_object:
        return convert_object(j);
    }
    return tide_undefined();
}

/* JSON's grammar (RFC 8259), checked before json-c builds the tree: even in
 * its strict mode json-c takes NaN, Infinity, 'single-quoted' keys, raw
 * control characters in strings and "1.", which JSON.parse refuses.
 * Iterative, with a stack of open containers. NULL when s is valid, else
 * what is wrong, at *at. */
static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static const char *scan_string(const char *s, size_t n, size_t *i) {
    (*i)++; /* the opening quote */
    while (*i < n) {
        unsigned char c = (unsigned char)s[*i];
        if (c == '"') {
            (*i)++;
            return NULL;
        }
        if (c < 0x20)
            return "control character in a string";
        if (c == '\\') {
            if (++*i >= n)
                break;
            c = (unsigned char)s[*i];
            if (c == 'u') {
                for (int k = 0; k < 4; k++)
                    if (++*i >= n || !is_hex(s[*i]))
                        return "bad \\u escape";
            } else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
                return "bad escape";
            }
        }
        (*i)++;
    }
    return "unterminated string";
}

static const char *scan_number(const char *s, size_t n, size_t *i) {
    if (*i < n && s[*i] == '-')
        (*i)++;
    if (*i < n && s[*i] == '0')
        (*i)++;
    else if (*i < n && is_digit(s[*i]))
        while (*i < n && is_digit(s[*i]))
            (*i)++;
    else
        return "bad number";
    if (*i < n && s[*i] == '.') {
        if (++*i >= n || !is_digit(s[*i]))
            return "bad number";
        while (*i < n && is_digit(s[*i]))
            (*i)++;
    }
    if (*i < n && (s[*i] == 'e' || s[*i] == 'E')) {
        if (++*i < n && (s[*i] == '+' || s[*i] == '-'))
            (*i)++;
        if (*i >= n || !is_digit(s[*i]))
            return "bad number";
        while (*i < n && is_digit(s[*i]))
            (*i)++;
    }
    return NULL;
}

static const char *validate(const char *s, size_t n, size_t *at) {
    char stack[JSON_MAX_DEPTH];
    int depth = 0;
    size_t i = 0;
    const char *err = NULL;
    for (;;) {
        /* A value. */
        while (i < n && is_ws(s[i]))
            i++;
        if (i >= n) {
            err = "unexpected end of input";
            break;
        }
        char c = s[i];
        if (c == '{' || c == '[') {
            if (depth == JSON_MAX_DEPTH) {
                err = "nested too deep";
                break;
            }
            stack[depth++] = c;
            i++;
            while (i < n && is_ws(s[i]))
                i++;
            if (i < n && s[i] == (c == '{' ? '}' : ']')) {
                depth--;
                i++;
            } else if (c == '{') {
                goto key;
            } else {
                continue;
            }
        } else if (c == '"') {
            if ((err = scan_string(s, n, &i)))
                break;
        } else if (c == '-' || is_digit(c)) {
            if ((err = scan_number(s, n, &i)))
                break;
        } else {
            const char *lit = c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : NULL;
            size_t k = lit ? strlen(lit) : 0;
            if (!lit || n - i < k || memcmp(s + i, lit, k) != 0) {
                err = "unexpected character";
                break;
            }
            i += k;
        }
    after:
        /* After a value: a separator, a closing bracket, or the end. */
        while (i < n && is_ws(s[i]))
            i++;
        if (depth == 0) {
            if (i < n)
                err = "unexpected text after the value";
            break;
        }
        if (i >= n) {
            err = "unexpected end of input";
            break;
        }
        if (s[i] == (stack[depth - 1] == '{' ? '}' : ']')) {
            depth--;
            i++;
            goto after;
        }
        if (s[i] != ',') {
            err = "expected ',' or a closing bracket";
            break;
        }
        i++;
        if (stack[depth - 1] == '[')
            continue;
        while (i < n && is_ws(s[i]))
            i++;
    key:
        if (i >= n || s[i] != '"') {
            err = "expected a quoted member name";
            break;
        }
        if ((err = scan_string(s, n, &i)))
            break;
        while (i < n && is_ws(s[i]))
            i++;
        if (i >= n || s[i] != ':') {
            err = "expected ':'";
            break;
        }
        i++;
    }
    *at = i;
    return err;
}

tide_val tide__json_parse(const char *text, size_t n) {
    size_t at;
    const char *bad = validate(text, n, &at);
    if (bad)
        return tide_error_new(TIDE_EINVAL, "JSON: %s at offset %zu", bad, at);
    /* json-c wants a terminator after a top-level number: parse a copy with
     * its NUL, which must then be all that is left besides white space. */
    char *copy = malloc(n + 1);
    struct json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH + 2);
    if (!copy || !tok) {
        free(copy);
        if (tok)
            json_tokener_free(tok);
        return tide_error_new(TIDE_ENOMEM, NULL);
    }
    memcpy(copy, text, n);
    copy[n] = '\0';
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    struct json_object *j = json_tokener_parse_ex(tok, copy, (int)(n + 1));
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    tide_val v;
    if (err != json_tokener_success) {
        v = tide_error_new(TIDE_EINVAL, "JSON: %s at offset %zu",
                           err == json_tokener_continue ? "unexpected end of input"
                                                        : json_tokener_error_desc(err),
                           end);
    } else {
        size_t i = end;
        while (i < n && (copy[i] == ' ' || copy[i] == '\t' || copy[i] == '\n' || copy[i] == '\r'))
            i++;
        if (i < n)
            v = tide_error_new(TIDE_EINVAL, "JSON: unexpected text after the value at offset %zu",
                               i);
        else
            v = convert(j);
    }
    json_object_put(j);
    json_tokener_free(tok);
    free(copy);
    return v;
}

tide_val tide_json_parse(const char *text, size_t n) {
    if (!text && n)
        return tide_error_new(TIDE_EINVAL, "tide_json_parse: NULL text");
    return tide__json_parse(text ? text : "", n);
}

/* ---- Stringifying ------------------------------------------------------------- */

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
        char *d = realloc(b->s, cap);
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

static void put_string(sbuf *b, const char *s, size_t n) {
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        switch (c) {
        case '"': puts_(b, "\\\""); break;
        case '\\': puts_(b, "\\\\"); break;
        case '\b': puts_(b, "\\b"); break;
        case '\f': puts_(b, "\\f"); break;
        case '\n': puts_(b, "\\n"); break;
        case '\r': puts_(b, "\\r"); break;
        case '\t': puts_(b, "\\t"); break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                puts_(b, esc);
            } else {
                put(b, (const char *)&s[i], 1);
            }
        }
    }
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
            put_string(b, tide_str(o->keys[i]), tide_str_len(o->keys[i]));
            put(b, ":", 1);
            int rc = stringify(b, o->vals[i], depth + 1);
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
    free(b.s);
    return out;
}
