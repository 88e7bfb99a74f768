/* Helpers shared by the seed examples (the C programs in examples/seeds).
 *
 * seed_ms: every delay in the seeds (setTimeout(..., 1000) and the like) goes
 * through it, scaled by the environment variable TIDE_TIME_SCALE — a float,
 * 1.0 when unset (the seeds' real delays); the tests set 0.01. seed_util.js
 * does the same for the JavaScript twins, so both sleep equally long.
 *
 * seed_print_json: prints a value as console.log(JSON.stringify(v)) does.
 * Node's console.log of an array spreads it over several lines once it has
 * more than six items, so the twins print arrays as JSON instead.
 */
#ifndef SEED_UTIL_H
#define SEED_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <tide.h>

/* TIDE_TIME_SCALE, or 1.0 when it is unset or not a number >= 0. */
static inline double seed_time_scale(void) {
    const char *s = getenv("TIDE_TIME_SCALE");
    if (!s || !*s)
        return 1.0;
    char *end;
    double scale = strtod(s, &end);
    while (*end == ' ' || (*end >= '\t' && *end <= '\r'))
        end++; /* Number(" 0.5 ") ignores the spaces around it too */
    if (end == s || *end != '\0' || !(scale >= 0 && scale <= 1e6))
        return 1.0;
    return scale;
}

/* ms milliseconds, scaled and rounded to the nearest millisecond: JavaScript's
 * Math.round(ms * scale). (0 still sleeps 1 ms, as setTimeout does.) */
static inline uint64_t seed_ms(uint64_t ms) {
    return (uint64_t)((double)ms * seed_time_scale() + 0.5);
}

/* JSON.stringify for what the seeds print: strings, numbers, booleans, null
 * and undefined (null inside an array, as in JSON) and arrays of those. v is
 * borrowed. */
static inline void seed_put_json(FILE *f, tide_val v) {
    char buf[64];
    switch (tide_type_of(v)) {
    case TIDE_T_UNDEFINED:
    case TIDE_T_NULL:
        fputs("null", f);
        break;
    case TIDE_T_STRING:
        fputc('"', f);
        for (const char *c = tide_str(v); *c; c++) {
            if (*c == '"' || *c == '\\')
                fprintf(f, "\\%c", *c);
            else if ((unsigned char)*c < 0x20)
                fprintf(f, "\\u%04x", (unsigned)*c);
            else
                fputc(*c, f);
        }
        fputc('"', f);
        break;
    case TIDE_T_ARRAY:
        fputc('[', f);
        for (size_t i = 0; i < tide_array_len(v); i++) {
            if (i)
                fputc(',', f);
            seed_put_json(f, tide_array_get(v, i));
        }
        fputc(']', f);
        break;
    default: /* numbers and booleans read the same in JSON and in String() */
        fputs(tide_format(v, buf, sizeof buf), f);
        break;
    }
}

/* console.log(label, JSON.stringify(v)); label may be NULL. v borrowed. */
static inline void seed_print_json(const char *label, tide_val v) {
    if (label)
        printf("%s ", label);
    seed_put_json(stdout, v);
    putchar('\n');
}

#endif
