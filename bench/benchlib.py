"""bench -- what every Python benchmark program shares; the protocol is the
C programs' (bench/bench.h): `python3 prog.py [N [WARMUP]]`, one JSON line on
stdout, exit status 1 when the program's own check fails."""
import json
import sys
import time


def args(n_default, warmup_default):
    """`[N [WARMUP]]`, as bench_parse reads it."""
    n, warmup = n_default, warmup_default
    for i, a in enumerate(sys.argv[1:3]):
        if not a.isdigit():
            print(f"usage: python3 {sys.argv[0]} [N [WARMUP]]", file=sys.stderr)
            sys.exit(2)
        if i == 0:
            n = int(a) or n_default
        else:
            warmup = int(a)
    return n, warmup


# perf_counter_ns is monotonic, with the finest resolution Python offers.
now = time.perf_counter_ns


def report(name, unit, value, n, total, **extra):
    print(json.dumps({"name": name, "unit": unit, "value": float(f"{value:.4g}"),
                      "n": n, "sum": total, **extra}), flush=True)


def check(name, what, got, want):
    if got != want:
        print(f"{name}: wrong {what}: got {got}, expected {want}", file=sys.stderr)
        sys.exit(1)


def triangle(n):
    """0 + 1 + ... + (n - 1)."""
    return n * (n - 1) // 2
