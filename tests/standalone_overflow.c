/* A stack overflow in a coroutine is reported, never silent: on a guarded
 * stack the guard page faults and the handler names the coroutine; on an
 * unguarded stack (beyond the guard budget) the canary is found broken at the
 * next switch. Each case runs in a child process (the process aborts), and
 * outside cmocka, whose own signal handlers would get in the way. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tide.h>

#include "coro/coro.h"

static int failures;

static volatile int limit = 1 << 30; /* never reached: the stack ends first */

static int recurse(int n) {
    volatile char pad[512];
    pad[0] = (char)n;
    return n >= limit ? 0 : recurse(n + 1) + pad[0];
}

static int overflow_async(void *arg, tide_val *out) {
    (void)arg;
    (void)out;
    return recurse(0);
}

static int clobber_canary(void *arg, tide_val *out) {
    (void)arg;
    /* What an overflow past an unguarded stack's end does to the word just
     * below it (slot 0 of a slab has a guard page instead: then skip). */
    if (!tide__coro_cur->canary)
        return TIDE_EINVAL;
    *(volatile uint64_t *)tide__coro_cur->canary = 0;
    return tide_await(tide_sleep(1), out);
}

static int parked(void *arg, tide_val *out) {
    (void)arg;
    return tide_await(tide_sleep(1), out);
}

static int null_deref(void *arg, tide_val *out) {
    (void)out;
    return *(volatile int *)arg;
}

static int child_guarded(void) { return tide_run(overflow_async, NULL); }

static int both(void *arg, tide_val *out) {
    (void)arg;
    /* With a budget of one guarded stack, main's is guarded and the next two
     * come from a slab: slot 0 (guard page below) and slot 1 (canary). */
    tide_release(tide_async(parked, NULL));
    tide_val p = tide_async(clobber_canary, NULL);
    return tide_await(p, out);
}

static int child_unguarded(void) {
    tide_coro_config c = {.guard_budget = 1};
    tide_coro_set_config(&c);
    return tide_run(both, NULL);
}

/* A sync generator's yield, which the public header inlines, checks the
 * canary too (and leaves the report to the out-of-line path). */
static int one_yield(tide_gen *g, void *arg, tide_val *out) {
    (void)arg;
    return tide_yield(g, tide_int(1), out);
}

static int clobber_then_yield(tide_gen *g, void *arg, tide_val *out) {
    (void)arg;
    if (!tide__coro_cur->canary)
        return TIDE_EINVAL;
    *(volatile uint64_t *)tide__coro_cur->canary = 0;
    return tide_yield(g, tide_int(2), out);
}

static int child_generator(void) {
    tide_coro_config c = {.guard_budget = 1};
    tide_coro_set_config(&c);
    /* The main stack needs no coroutine stack; the first generator's body
     * takes the guarded one, the second's the slab's slot 0 (guard page
     * below), the third's slot 1 (canary). */
    tide_val a = tide_generator(one_yield, NULL), b = tide_generator(one_yield, NULL), v;
    bool done;
    tide_iter_next(a, tide_undefined(), &v, &done);
    tide_iter_next(b, tide_undefined(), &v, &done);
    int rc = 0;
    tide_val err;
    tide_for_of (v, tide_generator(clobber_then_yield, NULL), &rc, &err)
        tide_release(v);
    return rc == TIDE_EINVAL ? 3 : 0;
}

/* Not NULL: the sanitizer build would catch a NULL load before it faults. */
static int child_segv(void) { return tide_run(null_deref, (void *)4096); }

/* Runs fn in a child; returns its wait status and its stderr in err. */
static int in_child(int (*fn)(void), char *err, size_t size) {
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        _exit(fn());
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], err + len, size - len - 1)) > 0)
        len += (size_t)n;
    err[len] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return status;
}

static void check(const char *name, int ok) {
    printf("%s %s\n", ok ? "ok  " : "FAIL", name);
    if (!ok)
        failures++;
}

int main(void) {
    char err[4096];
    int st = in_child(child_guarded, err, sizeof err);
    check("guarded overflow is reported with the coroutine's name",
          strstr(err, "tide: stack overflow in coroutine main") != NULL);
    check("guarded overflow aborts", WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);

    st = in_child(child_unguarded, err, sizeof err);
    check("unguarded overflow is caught by the canary",
          strstr(err, "tide: stack overflow in coroutine clobber_canary") != NULL);
    check("unguarded overflow aborts", WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);

    st = in_child(child_generator, err, sizeof err);
    check("a generator's yield catches a broken canary",
          strstr(err, "tide: stack overflow in coroutine clobber_then_yield") != NULL);
    check("and aborts", WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);

    st = in_child(child_segv, err, sizeof err);
    check("other faults are not reported as overflows",
          strstr(err, "stack overflow") == NULL);
#if TIDE_ASAN
    /* AddressSanitizer's own handler reports it and exits. */
    check("other faults reach the previous handler",
          WIFEXITED(st) && WEXITSTATUS(st) != 0 && strstr(err, "SEGV") != NULL);
#else
    check("other faults keep their signal", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
#endif

    printf("%d passed, %d failed\n", 8 - failures, failures);
    return failures ? 1 : 0;
}
