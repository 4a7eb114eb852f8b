#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# ///
"""The talks' "parallelism in C", measured: the same prime count, pure Python and Rust.

Every row counts the primes in the same range by the same trial division: pure Python on one
thread, on N threads and on N processes; then the Rust extension `rust_primes` on one thread,
on N Python threads with the GIL held, on N Python threads with the GIL released, and with
rayon splitting the range across the cores inside a single call (N = os.cpu_count()).

Run it (it needs the extension installed, not this folder on the path):

    .venv/bin/pip install ./python-extension && .venv/bin/python python-extension/demo.py

Look for: `pure Python, N threads` and `Rust, N threads, GIL held` gaining nothing, with about
1 core used (the threads take turns holding the GIL); `GIL released` and `rayon in one call` about
N times `Rust, one thread`; and `Rust, one thread` many times `pure Python, one thread`.
`--quick` shrinks the range 7.5 times; `--json` prints one JSON object per row on stdout
and the narration on stderr.
"""

import argparse
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass

try:
    import rust_primes
except ImportError:
    sys.exit("demo.py: the module rust_primes is not installed; "
             "run: .venv/bin/pip install ./python-extension")

START = 10_000_000
WIDTH = {"full": 300_000, "quick": 40_000}  # pure Python, one thread: about 1.5 s and 0.2 s


def is_prime(n: int) -> bool:
    """Trial division by odd divisors up to the square root, as in the Rust crate."""
    if n < 4:
        return n >= 2
    if n % 2 == 0:
        return False
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def count_primes(start: int, end: int) -> int:
    return sum(1 for n in range(start, end) if is_prime(n))


def split(start: int, end: int, parts: int) -> list[tuple[int, int]]:
    """`parts` contiguous pieces of [start, end) that cover it exactly."""
    bounds = [start + (end - start) * i // parts for i in range(parts + 1)]
    return list(zip(bounds, bounds[1:]))


def on_threads(count: Callable[[int, int], int], start: int, end: int, n: int) -> int:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return sum(pool.map(count, *zip(*split(start, end, n))))


def on_processes(start: int, end: int, n: int) -> int:
    # "spawn" makes every worker a direct child of this process, so os.times() counts its CPU
    # time once the pool has joined it (under "forkserver", 3.14's default on Linux, the
    # workers are the fork server's children), and no process is forked while the
    # extension's rayon threads are running.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=n, mp_context=context) as pool:
        return sum(pool.map(count_primes, *zip(*split(start, end, n))))


@dataclass
class Row:
    variant: str
    wall_s: float
    cores_used: float
    primes: int


def measure(variant: str, run: Callable[[], int], runs: int) -> Row:
    """The fastest of `runs` runs. Cores used: CPU time (this process's, plus its reaped
    children's) over wall time."""
    best = None
    for _ in range(runs):
        times0, cpu0, wall0 = os.times(), time.process_time(), time.perf_counter()
        primes = run()
        wall = time.perf_counter() - wall0
        times1 = os.times()
        children = (times1.children_user - times0.children_user) + (
            times1.children_system - times0.children_system
        )
        cpu = time.process_time() - cpu0 + children
        if best is None or wall < best.wall_s:
            best = Row(variant, wall, cpu / wall, primes)
    assert best is not None
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a range 7.5 times smaller")
    parser.add_argument("--json", action="store_true",
                        help="JSON rows on stdout, narration on stderr")
    parser.add_argument("--runs", type=int,
                        help="runs per row, the fastest kept (default 3, with --quick 1)")
    args = parser.parse_args()
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    runs = args.runs or (1 if args.quick else 3)
    n = os.cpu_count() or 1
    start, end = START, START + WIDTH["quick" if args.quick else "full"]
    say = (lambda *a: print(*a, file=sys.stderr)) if args.json else print

    gil = "enabled" if getattr(sys, "_is_gil_enabled", lambda: True)() else "disabled"
    say(f"Counting the primes in [{start:,}, {end:,}) every way, {n} cores, Python "
        f"{sys.version.split()[0]} (GIL {gil}), fastest of {runs} run(s) per row.")
    variants: list[tuple[str, Callable[[], int]]] = [
        ("pure Python, one thread", lambda: count_primes(start, end)),
        (f"pure Python, {n} threads", lambda: on_threads(count_primes, start, end, n)),
        (f"pure Python, {n} processes", lambda: on_processes(start, end, n)),
        ("Rust, one thread", lambda: rust_primes.count_primes_gil_held(start, end)),
        (f"Rust, {n} threads, GIL held",
         lambda: on_threads(rust_primes.count_primes_gil_held, start, end, n)),
        (f"Rust, {n} threads, GIL released",
         lambda: on_threads(rust_primes.count_primes_gil_released, start, end, n)),
        ("Rust, rayon in one call", lambda: rust_primes.count_primes_rayon(start, end)),
    ]
    rows = [measure(name, run, runs) for name, run in variants]

    base = rows[0].wall_s
    if args.json:
        for row in rows:
            print(json.dumps({
                "variant": row.variant, "wall_s": round(row.wall_s, 6),
                "speedup": round(base / row.wall_s, 3), "items": end - start,
                "extra": {"cores_used": round(row.cores_used, 3), "primes": row.primes},
            }), flush=True)
    else:
        width = max(len(row.variant) for row in rows)
        print(f"{'variant':<{width}}  {'wall time':>10}  {'speedup':>8}  {'cores used':>10}"
              f"  {'primes':>7}")
        for row in rows:
            print(f"{row.variant:<{width}}  {row.wall_s:>9.4f}s  {base / row.wall_s:>7.1f}x"
                  f"  {row.cores_used:>10.2f}  {row.primes:>7,}")

    _, _, _, one, held, released, rayon = (row.wall_s for row in rows)
    say(f"GIL released over GIL held: {held / released:.2f}x (N = {n}); GIL held over one "
        f"thread: {one / held:.2f}x; rayon over one thread: {one / rayon:.2f}x; Rust one thread "
        f"over pure Python one thread: {base / one:.1f}x.")
    if len({row.primes for row in rows}) != 1:
        say("ERROR: the rows counted different numbers of primes")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
