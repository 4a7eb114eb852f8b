#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `primes` demo in Python: sequential, threads under the GIL, `multiprocessing.Pool.map`.

The talks' answer to the GIL: `with Pool() as pool: pool.map(is_prime, numbers)` checks the
numbers in N processes, each with its own interpreter and GIL, where N threads take turns on one
GIL and finish no sooner than one. The pool's row includes starting its processes (with the
platform's start method: fork on Linux before 3.14, forkserver since, spawn on macOS and
Windows). On a free-threaded build (3.13t, 3.14t) the threads row scales too.

The numbers are the Rust demo's, near 10^12; CPython checks one about 30x more slowly than a
Rust debug build, so the twin checks a twentieth as many (at least two per worker).

    python3 multiprocess/python/primes.py --workers 2
"""

import multiprocessing
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from _twin import Table, is_prime, knobs, pick, say, timed

NUMBERS = [1_000_000_000_039, 1_500_011_500_021, 2_000_000_000_003, 3_000_003_499_951,
           3_000_000_000_013, 5_000_000_000_053]


def main():
    args = knobs(__doc__.splitlines()[0])
    workers = args.workers or os.cpu_count()
    count = max((args.count or pick(args, 240, 24)) // 20, 2 * workers)
    numbers = [NUMBERS[i % len(NUMBERS)] for i in range(count)]
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    say(f"checking {count} numbers near 10^12 for primality, {workers} workers, "
        f"{os.cpu_count()} cores, start method {multiprocessing.get_start_method()}, "
        f"GIL {'on' if gil else 'off'}")
    table = Table("primes", args)
    answers = []
    found, wall = timed(lambda: [is_prime(n) for n in numbers])
    table.add("sequential", count, wall, primes=sum(found))
    answers.append(found)

    def on_threads():
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(is_prime, numbers))
    found, wall = timed(on_threads)
    label = f"threads ({workers}, the GIL)" if gil else f"threads ({workers}, free-threaded)"
    table.add(label, count, wall, workers=workers, primes=sum(found))
    answers.append(found)

    start = time.perf_counter()
    with multiprocessing.Pool(workers) as pool:
        startup = time.perf_counter() - start
        found = pool.map(is_prime, numbers, chunksize=1)
        wall = time.perf_counter() - start
    table.add(f"process pool ({workers})", count, wall, workers=workers, primes=sum(found),
              extra={"start-up ms": round(startup * 1000, 1),
                     "start method": multiprocessing.get_start_method()})
    answers.append(found)
    table.print()
    assert all(a == answers[0] for a in answers), "the variants disagree"


if __name__ == "__main__":
    main()
