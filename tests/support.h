/* Test support: event traces compared with what Node prints, and a harness
 * that runs an async function on a fresh loop and checks the loop ends clean.
 *
 * Ordering tests write one line per observable event with trace(); the same
 * program in JavaScript sits in tests/js/NAME.js and prints one line per
 * event with console.log. expect_node("NAME") runs node on that file and
 * compares its output with the trace, line by line.
 *
 * Never call cmocka assertions from inside a coroutine (they longjmp): record
 * what happened, and assert on the main stack after the loop has run.
 */
#ifndef TIDE_TEST_SUPPORT_H
#define TIDE_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tide.h>

static char trace_buf[1 << 16];
static size_t trace_len;

__attribute__((unused)) static void trace_reset(void) {
    trace_len = 0;
    trace_buf[0] = '\0';
}

__attribute__((format(printf, 1, 2), unused)) static void trace(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(trace_buf + trace_len, sizeof trace_buf - trace_len, fmt, ap);
    va_end(ap);
    if (n > 0)
        trace_len += (size_t)n;
    if (trace_len < sizeof trace_buf - 1)
        trace_buf[trace_len++] = '\n';
    trace_buf[trace_len] = '\0';
}

/* A value as JavaScript's console.log would print it for simple values. */
__attribute__((unused)) static const char *show(tide_val v) {
    static char bufs[8][256];
    static int k;
    char *b = bufs[k++ & 7];
    return tide_format(v, b, 256);
}

/* Runs node on tests/js/<name>.js; returns its stdout (malloc'd) or NULL. */
__attribute__((unused)) static char *node_output(const char *name) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "node '%s/tests/js/%s.js' 2>/dev/null", TIDE_SOURCE_DIR, name);
    FILE *f = popen(cmd, "r");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 >= cap)
            out = realloc(out, cap *= 2);
    }
    out[len] = '\0';
    int rc = pclose(f);
    (void)rc;
    return out;
}

/* Asserts that the trace equals node's output for tests/js/<name>.js. When
 * node is not installed the test is skipped, loudly. */
__attribute__((unused)) static void expect_node(const char *name) {
    if (system("node --version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "SKIP %s: node is not on PATH\n", name);
        skip();
    }
    char *want = node_output(name);
    assert_non_null(want);
    int same = strcmp(want, trace_buf) == 0;
    if (!same)
        fprintf(stderr, "--- %s: node printed:\n%s--- tide traced:\n%s---\n", name, want,
                trace_buf);
    free(want); /* before asserting: a failed assertion jumps out */
    assert_true(same);
}

/* Runs fn(arg) as an async function on a new loop until nothing is pending,
 * frees the loop and checks that no coroutine is left. Returns the state the
 * task's promise had when the loop ran dry; *result (if not NULL) gets its
 * value or reason, formatted. */
__attribute__((unused)) static tide_state run_async(tide_async_fn fn, void *arg, char *result,
                                                    size_t size) {
    tide_loop *loop;
    assert_int_equal(tide_loop_new(&loop, NULL), 0);
    tide_val p = tide_async(fn, arg);
    assert_int_equal(tide_loop_run(loop), 0);
    tide_state st = tide_promise_state(p);
    if (result)
        tide_format(tide_promise_result(p), result, size);
    tide_release(p);
    assert_int_equal(tide_loop_free(loop), 0);
    tide_coro_stats s;
    tide_coro_get_stats(&s);
    assert_int_equal(s.live, 0);
    return st;
}

#endif
