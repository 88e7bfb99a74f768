"""bench await -- the Python twin of await.c: `await` of a future that is
already done. Unlike JavaScript's, Python's await of a done future does not
go through the event loop at all (no microtask tick): it returns the result
at once, so this measures less work than the Node and tide rows do."""
import asyncio

from benchlib import args, check, now, report


async def sum_await(n):
    p = asyncio.get_running_loop().create_future()
    p.set_result(1)
    s = 0
    for _ in range(n):
        s += await p
    return s


async def main():
    n, warmup = args(10_000_000, 1_000_000)
    if warmup > 0:
        check("await", "warm-up sum", await sum_await(warmup), warmup)
    t0 = now()
    s = await sum_await(n)
    t1 = now()
    check("await", "sum", s, n)
    report("await", "ns/await", (t1 - t0) / n, n, s)


asyncio.run(main())
