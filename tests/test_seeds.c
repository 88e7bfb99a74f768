/* The seed examples (examples/seeds/NAME.c) against their JavaScript twins.
 *
 * Each example is a program of its own, built to TIDE_EXAMPLES_DIR/seeds/NAME
 * (see examples/CMakeLists.txt), with a twin examples/seeds/NAME.js that
 * prints the same lines under Node. Each test runs the program with
 * TIDE_TIME_SCALE=0.01 (the seeds' one-second delays become 10 ms), checks
 * that it exits with status 0 and prints something, then runs the twin with
 * node under the same scale and compares the two outputs. Without node the
 * comparison is skipped, loudly; the exit status is still checked.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define TIME_SCALE "0.01"
#define SEEDS_SRC TIDE_SOURCE_DIR "/examples/seeds"
#define SEEDS_BIN TIDE_EXAMPLES_DIR "/seeds"

/* Every seed example. Names are pasted onto "seed_" to make the test
 * functions' names (000_ponyfoo is a single preprocessing number, so
 * seed_##000_ponyfoo is the identifier seed_000_ponyfoo). */
#define SEEDS(X)              \
    X(000_ponyfoo)            \
    X(000_ponyfoo_async)      \
    X(000_get_resources)      \
    X(000_get_resources_gen)  \
    X(001_range_async)        \
    X(001_generate_sequence)  \
    X(001_range_gen)          \
    X(001_range_async_gen)    \
    X(002_fetch_urls)         \
    X(002_log_tweet)          \
    X(003_numbers)            \
    X(003_numbers_async)      \
    X(004_sequence)           \
    X(004_async_sequence)

/* Files in examples/seeds that are helpers, not examples. */
static const char *const helpers[] = {"seed_util.js", "fake_fetch.js", NULL};

/* Runs cmd through the shell; returns its stdout (malloc'd, NUL-terminated)
 * and sets *status to pclose's wait status (-1 if it could not start). */
static char *capture(const char *cmd, int *status) {
    size_t cap = 1 << 12, len = 0, n;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = '\0';
    FILE *f = popen(cmd, "r");
    if (!f) {
        *status = -1;
        return out;
    }
    while ((n = fread(out + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 >= cap) {
            char *bigger = realloc(out, cap *= 2);
            assert_non_null(bigger);
            out = bigger;
        }
    }
    out[len] = '\0';
    *status = pclose(f);
    return out;
}

static void check_seed(const char *name) {
    char cmd[1024];
    int status;

    snprintf(cmd, sizeof cmd, "TIDE_TIME_SCALE=" TIME_SCALE " '" SEEDS_BIN "/%s'", name);
    char *got = capture(cmd, &status);
    int exited_ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!exited_ok || !got[0]) {
        fprintf(stderr, "--- %s: exit status %d (wait status %d), printed:\n%s---\n", name,
                status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1, status, got);
        free(got);
        fail_msg("%s did not run cleanly", name);
    }

    if (system("node --version >/dev/null 2>&1") != 0) {
        free(got);
        fprintf(stderr, "SKIP %s: node is not on PATH, output not compared\n", name);
        skip();
    }
    snprintf(cmd, sizeof cmd, "TIDE_TIME_SCALE=" TIME_SCALE " node '" SEEDS_SRC "/%s.js'", name);
    char *want = capture(cmd, &status);
    int node_ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    int same = strcmp(want, got) == 0;
    if (!node_ok || !same)
        fprintf(stderr, "--- %s: node (status %d) printed:\n%s--- tide printed:\n%s---\n", name,
                status, want, got);
    free(want); /* before asserting: a failed assertion jumps out */
    free(got);
    assert_true(node_ok);
    assert_true(same);
}

#define DEFINE_TEST(name)                           \
    static void seed_##name(void **state) {         \
        (void)state;                                \
        check_seed(#name);                          \
    }
SEEDS(DEFINE_TEST)

#define NAME_OF(name) #name,
static const char *const seeds[] = {SEEDS(NAME_OF) NULL};

static int listed(const char *file, const char *ext) {
    size_t n = strlen(file) - strlen(ext);
    for (size_t i = 0; seeds[i]; i++)
        if (strlen(seeds[i]) == n && strncmp(seeds[i], file, n) == 0)
            return 1;
    return 0;
}

static int exists(const char *name, const char *ext) {
    char path[1024];
    snprintf(path, sizeof path, SEEDS_SRC "/%s%s", name, ext);
    FILE *f = fopen(path, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

static int ends_with(const char *s, const char *ext) {
    size_t n = strlen(s), m = strlen(ext);
    return n > m && strcmp(s + n - m, ext) == 0;
}

/* Every C file in examples/seeds is in SEEDS and has a twin; every .js that is no
 * helper is an example's twin. */
static void every_seed_is_tested(void **state) {
    (void)state;
    int problems = 0;
    for (size_t i = 0; seeds[i]; i++)
        if (!exists(seeds[i], ".c") || !exists(seeds[i], ".js")) {
            fprintf(stderr, "%s: examples/seeds/%s.c or .js is missing\n", seeds[i], seeds[i]);
            problems++;
        }
    DIR *d = opendir(SEEDS_SRC);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        int is_helper = 0;
        for (size_t i = 0; helpers[i]; i++)
            is_helper |= strcmp(e->d_name, helpers[i]) == 0;
        if (is_helper)
            continue;
        if ((ends_with(e->d_name, ".c") && !listed(e->d_name, ".c")) ||
            (ends_with(e->d_name, ".js") && !listed(e->d_name, ".js"))) {
            fprintf(stderr, "examples/seeds/%s is not in test_seeds.c's SEEDS list\n", e->d_name);
            problems++;
        }
    }
    closedir(d);
    assert_int_equal(problems, 0);
}

#define TEST_OF(name) cmocka_unit_test(seed_##name),

int main(void) {
    const struct CMUnitTest tests[] = {
        SEEDS(TEST_OF)
        cmocka_unit_test(every_seed_is_tested),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
