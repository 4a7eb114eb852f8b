#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `crash` demo in Python: a worker dies, and the two process pools take it differently.

When a job kills its worker (`os._exit`, a segfault in a C extension), the parent survives. But:
- `ProcessPoolExecutor` notices and breaks: the dead worker's job and every job still pending
  raise `BrokenProcessPool`, and the executor takes no more work.
- `multiprocessing.Pool` quietly starts a replacement worker and never tells anyone: the dead
  worker's job never completes, so `AsyncResult.get()` without a timeout, and `pool.map`, wait
  forever (bpo-22393, open). Here every `get` has a timeout, and the pool is terminated after.
- A job that raises is no crash: the exception is pickled back and raised at `result()` or
  `get()`, in either pool and on threads; only that job fails.

    python3 multiprocess/python/crash.py --count 12 --workers 2
"""

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from _twin import Table, knobs, pick, say


def job(i, bad, how, pause):
    time.sleep(pause)  # a little work, so the pool has jobs pending when the crash comes
    if i == bad:
        if how == "exits":
            os._exit(1)  # the worker dies at once: no exception, no cleanup
        if how == "raises":
            raise ValueError(f"job {i} failed")
        if how == "hangs":
            time.sleep(3600)
    return i


def executor_row(pool_kind, count, workers, bad, how, pause):
    ok = errors = broken = 0
    with pool_kind(workers) as pool:
        futures = [pool.submit(job, i, bad, how, pause) for i in range(count)]
        for future in futures:
            try:
                future.result(timeout=30)
                ok += 1
            except BrokenProcessPool:
                broken += 1
            except ValueError:
                errors += 1
    return ok, errors + broken, broken


def pool_row(count, workers, bad, how, pause, wait):
    ok = errors = timed_out = 0
    pool = multiprocessing.Pool(workers)
    try:
        results = [pool.apply_async(job, (i, bad, how, pause)) for i in range(count)]
        deadline = time.perf_counter() + wait
        for result in results:
            try:
                result.get(timeout=max(0.0, deadline - time.perf_counter()))
                ok += 1
            except multiprocessing.TimeoutError:
                timed_out += 1  # without a timeout: here, forever
            except ValueError:
                errors += 1
    finally:
        pool.terminate()  # what `with Pool()` does too; never close() + join() on a dead job
        pool.join()
    return ok, errors, timed_out


def main():
    args = knobs(__doc__.splitlines()[0])
    count = args.count or pick(args, 12, 9)
    workers = args.workers or 2
    pause, wait = pick(args, 0.05, 0.02), pick(args, 1.0, 0.5)
    bad = count // 3
    say(f"{count} jobs on {workers} workers; job {bad} crashes; Pool results waited on for "
        f"{wait} s at most; start method {multiprocessing.get_start_method()}")
    table = Table("crash", args, same_work=False)
    for label, pool_kind, how in [
        ("ProcessPoolExecutor, a job exits (os._exit)", ProcessPoolExecutor, "exits"),
        ("ProcessPoolExecutor, a job raises", ProcessPoolExecutor, "raises"),
        ("thread pool, a job raises", ThreadPoolExecutor, "raises"),
    ]:
        start = time.perf_counter()
        ok, errors, broken = executor_row(pool_kind, count, workers, bad, how, pause)
        table.add(label, count, time.perf_counter() - start, workers=workers, ok=ok,
                  errors=errors, extra={"BrokenProcessPool": broken})
    for label, how in [("multiprocessing.Pool, a job exits (os._exit)", "exits"),
                       ("multiprocessing.Pool, a job hangs", "hangs"),
                       ("multiprocessing.Pool, a job raises", "raises")]:
        start = time.perf_counter()
        ok, errors, timed_out = pool_row(count, workers, bad, how, pause, wait)
        table.add(label, count, time.perf_counter() - start, workers=workers, ok=ok,
                  errors=errors, timed_out=timed_out,
                  extra={"waits forever without a timeout": timed_out})
    table.print()
    rows = {r["variant"]: r for r in table.rows}
    assert rows["ProcessPoolExecutor, a job exits (os._exit)"]["extra"]["BrokenProcessPool"] >= 1
    assert rows["multiprocessing.Pool, a job exits (os._exit)"]["timed_out"] >= 1
    assert rows["multiprocessing.Pool, a job raises"]["errors"] == 1
    say("ProcessPoolExecutor broke at the dead worker: that job and the pending ones raised "
        "BrokenProcessPool; multiprocessing.Pool replaced the worker and left its job waiting "
        "forever (here: until the timeout); a raised exception cost one job everywhere")


if __name__ == "__main__":
    main()
