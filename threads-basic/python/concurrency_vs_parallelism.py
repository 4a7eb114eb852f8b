#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `concurrency-vs-parallelism` demo in Python: N downloads and N CPU jobs, three ways.

Concurrency is dealing with many things at once, parallelism is doing many at once. CPython
threads give the first: a thread waiting on a socket releases the GIL, so N downloads on N
threads take about one latency. They do not give the second: N CPU jobs on N threads take as
long as one after another, at one core used, because only the thread holding the GIL runs Python
code. N processes (each with its own GIL) use every core. `cores used` is CPU time (this process
and its reaped children, `os.times()`) over wall time.

Each CPU job counts primes among numbers from 10^9, calibrated to take one latency.

    python3 threads-basic/python/concurrency_vs_parallelism.py --server http://127.0.0.1:8000
"""

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from _twin import (Table, country_codes, cpu_seconds, flag_url, get, is_prime, knobs,
                   latency_ms, peak, reset_stats, say)

FIRST = 1_000_000_000


def count_primes(start, n):
    return sum(1 for k in range(start, start + n) if is_prime(k))


def calibrate(target_s):
    """How many numbers from FIRST one job must test to take about `target_s` seconds."""
    n = 256  # a window wide enough to hold primes as often as the jobs will
    while True:
        start = time.perf_counter()
        count_primes(FIRST, n)
        took = time.perf_counter() - start
        if took >= target_s / 2:
            return max(1, round(n * target_s / took))
        n *= 2


def download(url):
    status, body = get(url)
    return status == 200


def measure(work):
    before, start = cpu_seconds(), time.perf_counter()
    out = work()
    wall = time.perf_counter() - start
    return out, wall, round((cpu_seconds() - before) / wall, 2)


def main():
    args = knobs(__doc__.splitlines()[0])
    jobs = args.count or 8
    latency = latency_ms(args, 200, 30)
    per_job = calibrate(max(latency, 1) / 1000)
    say(f"{jobs} jobs of each kind: one download with {latency} ms latency, or counting primes "
        f"among {per_job} numbers (about as long, calibrated now); {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}")
    urls = [flag_url(args.server, cc) for cc in country_codes(jobs)]

    def on_threads():
        with ThreadPoolExecutor(jobs) as pool:
            return list(pool.map(download, urls))

    io = Table("concurrency-vs-parallelism", args)
    for label, workers, run in [
        ("I/O: one after another", None, lambda: [download(u) for u in urls]),
        (f"I/O: {jobs} threads", jobs, on_threads),
    ]:
        reset_stats(args.server)
        oks, wall, cores = measure(run)
        io.add(label, jobs, wall, ok=sum(oks), errors=jobs - sum(oks), workers=workers,
               max_in_flight=peak(args.server), cores_used=cores)
    io.print()

    starts = [FIRST + i * per_job for i in range(jobs)]

    def on(pool_kind):
        with pool_kind(jobs) as pool:  # `with` waits, and reaps the processes: their CPU counts
            return list(pool.map(count_primes, starts, [per_job] * jobs))

    cpu = Table("concurrency-vs-parallelism", args)
    totals = []
    gil = "(the GIL)" if getattr(sys, "_is_gil_enabled", lambda: True)() else "(free-threaded)"
    for label, workers, run in [
        ("CPU: one after another", None, lambda: [count_primes(s, per_job) for s in starts]),
        (f"CPU: {jobs} threads {gil}", jobs, lambda: on(ThreadPoolExecutor)),
        (f"CPU: {jobs} processes", jobs, lambda: on(ProcessPoolExecutor)),
    ]:
        counts, wall, cores = measure(run)
        totals.append(sum(counts))
        cpu.add(label, jobs, wall, workers=workers, primes=sum(counts), numbers_per_job=per_job,
                cores_used=cores)
    cpu.print()
    assert len(set(totals)) == 1, f"prime counts differ: {totals}"
    serial, threads, procs = (r["wall_s"] for r in cpu.rows)
    say(f"CPU on {os.cpu_count()} cores: CPython threads {serial / threads:.1f}x {gil}, "
        f"CPython processes {serial / procs:.1f}x")


if __name__ == "__main__":
    main()
