"""bench agen -- the Python twin of agen.c: `async for` over an async
generator. Nothing in the loop awaits anything that is not ready, so asyncio's
event loop never runs between items: this is the cost of the async generator
protocol itself."""
import asyncio

from benchlib import args, check, now, report, triangle


async def g(n):
    for i in range(n):
        yield i


async def sum_agen(n):
    s = 0
    async for x in g(n):
        s += x
    return s


async def main():
    n, warmup = args(5_000_000, 1_000_000)
    if warmup > 0:
        check("agen", "warm-up sum", await sum_agen(warmup), triangle(warmup))
    t0 = now()
    s = await sum_agen(n)
    t1 = now()
    check("agen", "sum", s, triangle(n))
    report("agen", "ns/item", (t1 - t0) / n, n, s)


asyncio.run(main())
