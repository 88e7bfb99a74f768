/* bench layout — why a micro row runs at one of two speeds.
 *
 * Not a workload (bench/run does not run it) and no tide code: a model of
 * one sync-generator step as tide's inline path does it — a consumer loop
 * on the main stack with its loop state in its frame, a generator object on
 * the heap carrying state and value, a body on a stack of its own, a
 * thread-local "current" pointer, and an inline switch either way — timed
 * for 32 positions of the consumer's frame (alloca of 0, 128, ... 3,968
 * bytes), with the generator object placed HEAP_GAP bytes into its block.
 *
 *   build-bench/bench/layout [KIND [HEAP_GAP]]
 *
 * KIND 0 pushes the frame pointer and resume address on the stack being
 * left (tide's switch until commit d6bdea5), 1 keeps them with the stack
 * pointer in the context's record (tide's switch since). On the machine of
 * docs/performance.md both kinds show windows of frame positions where a
 * step costs about twice as much (4.4-4.8 against 7.3-11.8 ns), and which
 * positions depends on HEAP_GAP and on where the process's stacks and heap
 * landed (run it twice): the speed follows the distances between the heap
 * object, the consumer's frame and the body's, not the code. x86-64 only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#if defined(__x86_64__)

#include <alloca.h>

#define CLOBBERS                                                                         \
    "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",   \
        "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", \
        "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

typedef struct ctx {
    void *sp, *pc, *bp;
} ctx;

static int kind;

static inline __attribute__((always_inline)) void sw(ctx *from, ctx *to) {
    if (kind == 0)
        __asm__ volatile("leaq -128(%%rsp), %%rsp\n\tpushq %%rbp\n\tleaq 1f(%%rip), %%rax\n\t"
                         "pushq %%rax\n\tmovq %%rsp, (%%rdi)\n\tmovq (%%rsi), %%rsp\n\t"
                         "popq %%rax\n\tjmpq *%%rax\n1:\n\tpopq %%rbp\n\tleaq 128(%%rsp), %%rsp"
                         : "+D"(from), "+S"(to)
                         :
                         : CLOBBERS);
    else
        __asm__ volatile("leaq 1f(%%rip), %%rax\n\tmovq %%rsp, 0(%%rdi)\n\t"
                         "movq %%rax, 8(%%rdi)\n\tmovq %%rbp, 16(%%rdi)\n\t"
                         "movq 0(%%rsi), %%rsp\n\tmovq 16(%%rsi), %%rbp\n\tjmpq *8(%%rsi)\n1:\n\t"
                         : "+D"(from), "+S"(to)
                         :
                         : CLOBBERS);
}

typedef struct val {
    int64_t u;
    uint64_t tag;
} val;

typedef struct gen {
    int state, status;
    val value;
    int done;
    ctx *body, *resumer;
} gen;

typedef struct loop_state {
    val it;
    int state;
    gen *g;
    ctx *self;
} loop_state;

static __thread ctx *current;
static ctx main_ctx, body_ctx;
static gen *G;
static long N = 2000000;

static void body(void) {
    gen *g = G;
    for (long i = 0; i < N; i++) {
        ctx *to = g->resumer;
        current = to;
        g->status = 0;
        g->value = (val){i, 3};
        g->done = 0;
        g->state = 1;
        sw(g->body, to);
        val in = {g->value.u, g->value.tag};
        g->value.tag = 0;
        __asm__ volatile("" ::"r"(in.u), "r"(in.tag));
    }
    g->done = 1;
    current = g->resumer;
    sw(g->body, g->resumer);
    abort();
}

static double run(char *stack, int offset) {
    char *pad = alloca((size_t)offset + 16);
    pad[0] = 0;
    __asm__ volatile("" ::"r"(pad) : "memory");
    uintptr_t top = ((uintptr_t)stack + 65536 - 256) & ~(uintptr_t)15;
    void **sp = (void **)(top - 8);
    if (kind == 0) {
        sp -= 2;
        sp[0] = (void *)body;
        sp[1] = NULL;
        body_ctx.sp = sp;
    } else {
        body_ctx = (ctx){sp, (void *)body, NULL};
    }
    memset(G, 0, sizeof *G);
    G->body = &body_ctx;
    G->state = 1;
    loop_state f = {{0, 0}, 0, G, &main_ctx};
    int64_t s = 0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (;;) {
        gen *g = f.g;
        if (g->state != 1 || f.state != 0)
            break;
        current = g->body;
        g->status = 0;
        g->value = (val){0, 0};
        g->state = 2;
        g->resumer = f.self;
        sw(f.self, g->body);
        if (g->done)
            break;
        val x = {g->value.u, g->value.tag};
        g->value.tag = 0;
        s += x.u;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (s != (N - 1) * N / 2)
        fprintf(stderr, "layout: wrong sum\n"), exit(1);
    return ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)N;
}

int main(int argc, char **argv) {
    kind = argc > 1 ? atoi(argv[1]) : 0;
    int gap = argc > 2 ? atoi(argv[2]) : 0;
    char *block = malloc(sizeof(gen) + (size_t)(gap > 0 ? gap : 0) + 16);
    char *stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!block || stack == MAP_FAILED)
        return fprintf(stderr, "layout: no memory\n"), 1;
    G = (gen *)(void *)(block + ((gap > 0 ? gap : 0) & ~15));
    printf("kind %d, heap gap %d: ns per step at frame offsets 0, 128, ...\n", kind, gap);
    for (int off = 0; off < 4096; off += 128)
        printf("%d:%.1f%c", off, run(stack, off), off + 128 < 4096 ? ' ' : '\n');
    return 0;
}

#else
int main(void) {
    fprintf(stderr, "layout: x86-64 only\n");
    return 0;
}
#endif
