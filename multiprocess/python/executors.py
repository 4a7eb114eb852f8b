#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `executors` demo in Python: one interface, `ThreadPoolExecutor` or `ProcessPoolExecutor`.

`with ProcessPoolExecutor(max_workers=4) as ex: list(ex.map(is_prime, xs))`, and swapping in
`ThreadPoolExecutor` changes nothing else. Where each wins: CPU-bound jobs, processes (threads
take turns on the GIL); tiny jobs, threads (each job to a process is pickled through two
pipes); a job that aborts the interpreter (`os.abort()`), processes: on threads it ends the
whole program (run here in a child process), while `ProcessPoolExecutor` survives it broken,
every pending job raising `BrokenProcessPool`. 3.14 adds `InterpreterPoolExecutor`, a third
pool: one interpreter, and one GIL, per worker thread.

The CPU jobs are the Rust demo's numbers near 10^12, a twentieth as many (CPython checks one
about 30x more slowly than a Rust debug build).

    python3 multiprocess/python/executors.py --workers 2
"""

import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from _twin import Table, fmt_s, is_prime, knobs, pick, say, timed

NUMBERS = [1_000_000_000_039, 1_500_011_500_021, 2_000_000_000_003, 3_000_003_499_951,
           3_000_000_000_013, 5_000_000_000_053]


def echo(x):
    return x


def maybe_abort(i, bad):
    if i == bad:
        os.abort()  # SIGABRT: no exception, no cleanup, the whole process ends
    return is_prime(NUMBERS[i % len(NUMBERS)] if i % 2 else 1_000_003)


def per_job(wall, n):
    each = wall / max(n, 1)
    return f"{each * 1e6:.2f} µs" if each < 1e-4 else fmt_s(each)


def abort_child(count, workers):
    """Runs in a child process: the thread pool whose job aborts, one line per result."""
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(maybe_abort, i, count // 3) for i in range(count)]
        for future in futures:
            print("done", future.result(), flush=True)


def main():
    if sys.argv[1:2] == ["--abort-child"]:
        abort_child(int(sys.argv[2]), int(sys.argv[3]))
        return
    args = knobs(__doc__.splitlines()[0])
    workers = args.workers or os.cpu_count()
    cpu = [NUMBERS[i % len(NUMBERS)] for i in range(max((args.count or pick(args, 400, 24)) // 20, 2 * workers))]
    tiny = list(range(len(cpu) * 200))
    aborting = pick(args, 12, 6)
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()  # False on a free-threaded build
    say(f"{len(cpu)} CPU jobs, {len(tiny)} tiny jobs, and {aborting} jobs of which job "
        f"{aborting // 3} aborts; {workers} workers")
    kinds = []
    for name, label, fn, jobs in [("cpu", "CPU", is_prime, cpu), ("tiny", "tiny", echo, tiny)]:
        expected, wall = timed(lambda: [fn(j) for j in jobs])
        table = Table(f"executors-{name}", args)
        table.add(f"{label}: one after another", len(jobs), wall, extra={"per job": per_job(wall, len(jobs))})
        kinds.append((table, label, fn, jobs, expected))
    for pool_kind, name in [(ThreadPoolExecutor, "thread pool"), (ProcessPoolExecutor, "process pool")]:
        start = time.perf_counter()
        with pool_kind(workers) as executor:
            list(executor.map(echo, range(workers)))  # every worker started
            startup = time.perf_counter() - start
            for table, label, fn, jobs, expected in kinds:
                # chunksize=1: each job crosses the pipes alone, as in the Rust pool. A larger
                # chunksize (ProcessPoolExecutor only) batches jobs and pays the pipes once a batch.
                got, wall = timed(lambda: list(executor.map(fn, jobs)))
                assert got == expected, f"the {name} got {label} jobs wrong"
                on_threads = label == "CPU" and pool_kind is ThreadPoolExecutor
                size = f"{workers}, {'the GIL' if gil else 'free-threaded'}" if on_threads else f"{workers}"
                table.add(f"{label}: {name} ({size})", len(jobs), wall, workers=workers,
                          extra={"per job": per_job(wall, len(jobs)), "pool start-up": fmt_s(startup)})

    abort = Table("executors-abort", args, same_work=False)
    start = time.perf_counter()
    # On a timeout, run() kills the child and waits for it: it is reaped on every path.
    child = subprocess.run([sys.executable, __file__, "--abort-child", str(aborting), str(workers)],
                           capture_output=True, text=True, timeout=60)
    wall = time.perf_counter() - start
    done = sum(line.startswith("done") for line in child.stdout.splitlines())
    code = child.returncode
    status = f"signal {-code} (SIGABRT)" if code == -6 else f"signal {-code}" if code < 0 else f"exit {code}"
    say(f"abort: thread pool: {done} done, {aborting - done} never reported; the program: {status}")
    abort.add(f"abort: thread pool ({workers})", aborting, wall, workers=workers, ok=done,
              errors=aborting - done, extra={"never reported": aborting - done, "the program": status})

    ok = broken = 0
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as executor:  # waits for every worker, broken or not
        for future in [executor.submit(maybe_abort, i, aborting // 3) for i in range(aborting)]:
            try:
                future.result(timeout=60)
                ok += 1
            except BrokenProcessPool:
                broken += 1
    abort.add(f"abort: process pool ({workers})", aborting, time.perf_counter() - start,
              workers=workers, ok=ok, errors=broken,
              extra={"never reported": 0, "the program": "carried on, the pool broken",
                     "BrokenProcessPool": broken})
    for table, *_ in kinds:
        table.print()
    abort.print()
    assert child.returncode != 0 and broken >= 1


if __name__ == "__main__":
    main()
