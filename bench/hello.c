/* bench hello — hello world through tide_run: a sleep(0), then a print.
 *
 *   setTimeout(() => console.log('hi'), 0)
 *
 * Timed from outside by bench/run, as a whole process: exec, the dynamic
 * loader (libuv and libcurl are shared libraries even though tide is linked
 * statically), making the loop, one timer (0 means 1 ms, as in Node), the
 * print, tearing the loop down and exit. The floor is the 1 ms timer plus
 * starting a process. Twin: hello.js.
 */
#include <stdio.h>
#include <tide.h>

static int hello(void *arg, tide_val *out) {
    (void)arg;
    tide_val v;
    if (tide_await(tide_sleep(0), &v) < 0)
        return *out = v, -1;
    printf("hi\n");
    return 0;
}

int main(void) { return tide_run(hello, NULL); }
