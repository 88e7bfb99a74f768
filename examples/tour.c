/* The guided tour behind `make demo`: every seed example in C, with a word
 * about each between them, then a pipeline of 20 resources fetched by an
 * async generator and consumed with for await, drawn as a progress bar on a
 * terminal (seed 004's closing idea) and as a line per item otherwise. The
 * resources come over real HTTP, with tide_fetch, from a local server the
 * tour starts itself (examples/http_server.h on 127.0.0.1, a port the system
 * picks), which waits a (scaled) half second before each answer so that the
 * bar is seen to advance.
 *
 * The seeds wait a second per step; the tour runs them ten times faster
 * (TIDE_TIME_SCALE=0.1 unless set) and says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tide.h>

#include "seeds/seed_server.h"
#include "seeds/seed_util.h"

static const struct stop {
    const char *program, *title, *words;
} stops[] = {
    {"000_ponyfoo", "Iterables",
     "An object with Symbol.iterator: a tide_class whose iterator slot makes a\n"
     "next() that returns { value, done }. Spread, Array.from and for..of all use it."},
    {"000_ponyfoo_async", "Async iterables",
     "Symbol.asyncIterator: next() now returns a promise of { value, done },\n"
     "and for await awaits each one."},
    {"000_get_resources", "An async iterator over fetches",
     "getResources by hand: next() chains fetch -> json -> { value, done }."},
    {"000_get_resources_gen", "The same as an async generator",
     "An async function* body that awaits and yields: tide_async_gen, tide_await, tide_yield."},
    {"001_range_async", "Waiting inside next()",
     "range with an async next() that waits a (scaled) second before each number."},
    {"001_generate_sequence", "await and yield together",
     "generateSequence: an async generator (the seed forgot `async`)."},
    {"001_range_gen", "A generator as Symbol.iterator", "range's *[Symbol.iterator]() and [...range]."},
    {"001_range_async_gen", "An async generator as Symbol.asyncIterator",
     "range's async *[Symbol.asyncIterator]() consumed with for await."},
    {"002_fetch_urls", "Yield as a push, await as a pull",
     "fetchURLs upper-cases each body and yields undefined for a non-200 status."},
    {"002_log_tweet", "async/await is a generator yielding promises",
     "logTweet twice: as an async function, and as a generator driven by a runner."},
    {"003_numbers", "A generator with for..of", "numbers(): 1 to 10."},
    {"003_numbers_async", "Its async version",
     "Each next number comes from an asynchronous magic(index)."},
    {"004_sequence", "sequence(start, end)", "A generator from 1 to 5."},
    {"004_async_sequence", "asyncSequence(start, end)",
     "Yields promises that timers resolve; for await receives the numbers."},
};

/* Runs one seed program from the directory the tour lives in, its output
 * indented. Returns its exit status. */
static int run_stop(const char *dir, const struct stop *s) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s/seeds/%s", dir, s->program);
    printf("\n== %s (%s)\n%s\n\n", s->title, s->program, s->words);
    fflush(stdout);
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        printf("    %s", line);
        fflush(stdout);
    }
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- The pipeline ------------------------------------------------------ */

enum { RESOURCES = 20 };

/* How long the server waits before each answer, before scaling. */
#define ANSWER_MS 500

/* async function* fetchAll(port) {
 *   for (i of 0..n-1) yield await (await fetch(url_i)).text()
 * }                                 arg: the local server's port */
static int fetch_all(tide_gen *g, void *arg, tide_val *out) {
    int port = *(int *)arg; /* read before the first await */
    static const char *paths[] = {"/api/users", "/api/testers", "/api/hackers", "/api/nsa-backdoor"};
    for (int i = 0; i < RESOURCES; i++) {
        tide_val resp, text;
        char url[64];
        int rc = tide_await(tide_fetch(http_server_url(url, sizeof url, port, paths[i % 4]), NULL),
                            &resp);
        if (rc < 0)
            return *out = resp, rc;
        rc = tide_await(tide_response_text(resp), &text);
        tide_release(resp);
        if (rc < 0)
            return *out = text, rc;
        if ((rc = tide_yield(g, text, out)) != 0)
            return rc;
    }
    *out = tide_undefined();
    return 0;
}

static void draw(int done, int total, bool tty, tide_val item) {
    if (!tty) {
        printf("    %2d/%d  %zu bytes\n", done, total, tide_str_len(item));
        return;
    }
    int width = 30, filled = done * width / total;
    printf("\r    [");
    for (int i = 0; i < width; i++)
        putchar(i < filled ? '#' : '.');
    printf("] %2d/%d", done, total);
    if (done == total)
        putchar('\n');
    fflush(stdout);
}

static int pipeline(void *arg, tide_val *out) {
    (void)arg;
    int port;
    tide_val server = http_server_start(seed_routes, sizeof seed_routes / sizeof *seed_routes,
                                        seed_ms(ANSWER_MS), &port);
    if (tide_is_error(server))
        return *out = server, tide_error_code(server);
    bool tty = isatty(1);
    int n = 0, rc;
    tide_val item;
    tide_for_await (item, tide_async_gen(fetch_all, &port), &rc, out) {
        draw(++n, RESOURCES, tty, item);
        tide_release(item);
    }
    http_server_stop(server);
    return rc;
}

int main(int argc, char **argv) {
    (void)argc;
    if (!getenv("TIDE_TIME_SCALE"))
        setenv("TIDE_TIME_SCALE", "0.1", 1);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", argv[0]);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    printf("tide: JavaScript's async iteration in C.\n"
           "A tour of the seed examples; their one-second waits run at TIDE_TIME_SCALE=%s.\n",
           getenv("TIDE_TIME_SCALE"));
    int failed = 0;
    for (size_t i = 0; i < sizeof stops / sizeof *stops; i++)
        if (run_stop(dir, &stops[i]) != 0)
            failed++;
    printf("\n== A pipeline\n%d resources fetched one after another with tide_fetch, over HTTP from a\n"
           "local server the tour starts on 127.0.0.1, by an async generator consumed with\n"
           "for await; the bar advances as each arrives (the server waits %d ms before each).\n\n",
           RESOURCES, (int)seed_ms(ANSWER_MS));
    fflush(stdout);
    int rc = tide_run(pipeline, NULL);
    printf("\n%s\n", failed || rc ? "Something failed above." : "That was tide.");
    return failed || rc ? 1 : 0;
}
