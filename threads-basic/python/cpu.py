#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `cpu` demo in Python: counting primes on 1 thread, on N threads, on N processes.

Under the GIL only one thread runs Python code at a time, so N threads take as long as one (a
little longer: they take turns every 5 ms, `sys.getswitchinterval()`). N processes each have an
interpreter and a GIL of their own and use N cores. On a free-threaded build (python3.13t,
python3.14t) the threads row scales too.

CPython tests a number about 10x more slowly than the Rust debug build, and 50x more slowly than
release, so the twin counts below a quarter of the Rust limit (`--count`, the Rust knob): about
as long as the Rust rows take in a debug build. `extra.below` says how far it counted.

    python3 threads-basic/python/cpu.py --workers 2
"""

import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from _twin import Table, is_prime, knobs, pick, say, timed

BLOCK = 1_000


def count_share(limit, share, shares):
    """Primes among this share's blocks of 1,000 numbers (round robin, as in the Rust demo)."""
    return sum(
        1
        for start in range(share * BLOCK, limit, shares * BLOCK)
        for n in range(start, min(start + BLOCK, limit))
        if is_prime(n)
    )


def on_pool(pool_kind, limit, workers):
    with pool_kind(workers) as pool:
        return sum(pool.map(count_share, [limit] * workers, range(workers), [workers] * workers))


def main():
    args = knobs(__doc__.splitlines()[0])
    limit = max((args.count or pick(args, 2_000_000, 200_000)) // 4, 1)
    workers = args.workers or os.cpu_count()
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    say(f"counting primes below {limit}: 1 thread, {workers} threads, {workers} processes "
        f"(Python {sys.version.split()[0]}, GIL {'on' if gil else 'off'}, {os.cpu_count()} cores)")
    table = Table("cpu", args)
    one, wall = timed(lambda: count_share(limit, 0, 1))
    table.add("1 thread", limit, wall, workers=1, primes=one, below=limit)
    label = f"{workers} threads" + (" (the GIL)" if gil else " (free-threaded)")
    threads, wall = timed(lambda: on_pool(ThreadPoolExecutor, limit, workers))
    table.add(label, limit, wall, workers=workers, primes=threads, below=limit)
    procs, wall = timed(lambda: on_pool(ProcessPoolExecutor, limit, workers))
    table.add(f"{workers} processes", limit, wall, workers=workers, primes=procs, below=limit)
    table.print()
    assert one == threads == procs, f"prime counts differ: {one}, {threads}, {procs}"
    assert threading.active_count() == 1


if __name__ == "__main__":
    main()
