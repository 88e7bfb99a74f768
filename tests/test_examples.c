/* The examples outside the seeds run and print what they promise. */
#include <sys/wait.h>

#include "support.h"

static char *run(const char *name, int *status) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/%s", TIDE_EXAMPLES_DIR, name);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    static char out[65536];
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    *status = pclose(f);
    return out;
}

/* Awaiting a file descriptor and a callback-style API through adapters. */
static void await_anything(void **state) {
    (void)state;
    int st;
    char *out = run("await_anything", &st);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_string_equal(out, "pipe readable: yes\nlookup answered: 42\n");
}

/* The demo ends with an async generator left with break. */
static void demo(void **state) {
    (void)state;
    int st;
    char *out = run("demo", &st);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_non_null(strstr(out, "main: all done: [100,200]\n"));
    assert_non_null(strstr(out, "for await: 16\n"));
    assert_null(strstr(out, "for await: 25"));
}

/* The tour behind make demo: every seed, then the pipeline, exit 0. */
static void tour(void **state) {
    (void)state;
    int st;
    char *out = run("tour", &st);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_non_null(strstr(out, "== asyncSequence(start, end) (004_async_sequence)"));
    assert_non_null(strstr(out, "20/20"));
    assert_non_null(strstr(out, "That was tide."));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tour),
        cmocka_unit_test(await_anything),
        cmocka_unit_test(demo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
