"""bench gen -- the Python twin of gen.c: a sync generator to a for loop."""
from benchlib import args, check, now, report, triangle


def g(n):
    for i in range(n):
        yield i


def sum_gen(n):
    s = 0
    for x in g(n):
        s += x
    return s


n, warmup = args(10_000_000, 1_000_000)
if warmup > 0:
    check("gen", "warm-up sum", sum_gen(warmup), triangle(warmup))
t0 = now()
s = sum_gen(n)
t1 = now()
check("gen", "sum", s, triangle(n))
report("gen", "ns/item", (t1 - t0) / n, n, s)
