#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `crash` demo in Python: a job raises, aborts its worker or hangs, in each kind of pool.

When a job kills its worker process (`os.abort()`, `os._exit`, a segfault in a C extension), the
parent survives. But the two process pools take it differently:
- `ProcessPoolExecutor` notices and breaks: the dead worker's job and every job still pending
  raise `BrokenProcessPool`, and the executor takes no more work.
- `multiprocessing.Pool` quietly starts a replacement worker and never answers the dead worker's
  job, so `AsyncResult.get()` without a timeout, and `pool.map`, wait forever (bpo-22393). Here
  every `get` has a timeout: a job with no answer for that long is counted as timed out, and
  the pool is terminated after (a hung job is ended the same way).
- A job that raises is no crash: the exception is pickled back and raised at `result()` or
  `get()`, in either pool and on threads; only that job fails.
- On a thread pool an abort ends the whole interpreter: that row runs in a child process, and
  the jobs it never reported are counted as cancelled.

    python3 multiprocess/python/crash.py --count 12 --workers 2
"""

import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from _twin import Table, knobs, pick, say


def job(i, bad, how, pause):
    time.sleep(pause)  # a little work, so the pool has jobs pending when the crash comes
    if i == bad:
        if how == "aborts":
            os.abort()  # SIGABRT: no exception, no cleanup, the process ends at once
        if how == "raises":
            raise ValueError(f"job {i} failed")
        if how == "hangs":
            time.sleep(3600)
    return i


def executor_row(pool_kind, count, workers, bad, how, pause):
    """ok, errors, and how many of the errors were BrokenProcessPool."""
    ok = errors = broken = 0
    # The `with` block waits for every worker: after a BrokenProcessPool too, they are reaped.
    with pool_kind(workers) as pool:
        futures = [pool.submit(job, i, bad, how, pause) for i in range(count)]
        for future in futures:
            try:
                future.result(timeout=60)
                ok += 1
            except BrokenProcessPool:
                broken += 1
            except ValueError:
                errors += 1
    return ok, errors + broken, broken


def pool_row(count, workers, bad, how, pause, wait):
    """ok, errors, timed out: a result not ready `wait` seconds after asking is not coming."""
    ok = errors = timed_out = 0
    pool = multiprocessing.Pool(workers)
    try:
        results = [pool.apply_async(job, (i, bad, how, pause)) for i in range(count)]
        for result in results:
            try:
                result.get(timeout=wait)  # without a timeout: the dead job's get() never returns
                ok += 1
            except multiprocessing.TimeoutError:
                timed_out += 1
            except ValueError:
                errors += 1
    finally:
        pool.terminate()  # what `with Pool()` does too; close() + join() would wait on a hung job
        pool.join()  # every worker, replacements included, is reaped
    return ok, errors, timed_out


def thread_abort_child(count, workers, bad, pause):
    """Runs in a child process: the thread pool whose job aborts, one line per result."""
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(job, i, bad, "aborts", pause) for i in range(count)]
        for future in futures:
            print("done", future.result(), flush=True)


def thread_abort_row(count, workers, pause):
    """ok, cancelled (never reported) and the child's fate; the child is always reaped."""
    child = subprocess.run(
        [sys.executable, __file__, "--abort-child", str(count), str(workers), str(pause)],
        capture_output=True, text=True, timeout=60)  # on a timeout run() kills and reaps it
    done = sum(line.startswith("done") for line in child.stdout.splitlines())
    code = child.returncode
    status = f"signal {-code} (SIGABRT)" if code == -6 else f"signal {-code}" if code < 0 else f"exit {code}"
    return done, count - done, status


def main():
    if sys.argv[1:2] == ["--abort-child"]:
        count, workers, pause = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
        thread_abort_child(count, workers, count // 3, pause)
        return
    args = knobs(__doc__.splitlines()[0])
    count = args.count or pick(args, 12, 9)
    workers = args.workers or 2
    pause, wait = pick(args, 0.05, 0.02), pick(args, 1.0, 0.5)
    bad = count // 3
    say(f"{count} jobs on {workers} workers; job {bad} crashes; each Pool result waited on for "
        f"{wait} s at most; start method {multiprocessing.get_start_method()}")
    table = Table("crash", args, same_work=False)
    for label, how in [("a job raises", "raises"), ("a job aborts (os.abort)", "aborts")]:
        start = time.perf_counter()
        ok, errors, broken = executor_row(ProcessPoolExecutor, count, workers, bad, how, pause)
        table.add(f"ProcessPoolExecutor, {label}", count, time.perf_counter() - start,
                  workers=workers, ok=ok, errors=errors, timed_out=0, cancelled=0,
                  extra={"BrokenProcessPool": broken,
                         "ended by": "BrokenProcessPool" if broken else "-"})
    for label, how in [("a job raises", "raises"), ("a job aborts (os.abort)", "aborts"),
                       ("a job hangs", "hangs")]:
        start = time.perf_counter()
        ok, errors, timed_out = pool_row(count, workers, bad, how, pause, wait)
        table.add(f"multiprocessing.Pool, {label}", count, time.perf_counter() - start,
                  workers=workers, ok=ok, errors=errors, timed_out=timed_out, cancelled=0,
                  extra={"ended by": f"get(timeout={wait}), terminate()" if timed_out else "-"})
    start = time.perf_counter()
    ok, errors, _ = executor_row(ThreadPoolExecutor, count, workers, bad, "raises", pause)
    table.add("thread pool, a job raises", count, time.perf_counter() - start, workers=workers,
              ok=ok, errors=errors, timed_out=0, cancelled=0, extra={"ended by": "-"})
    start = time.perf_counter()
    done, lost, status = thread_abort_row(count, workers, pause)
    say(f"thread pool in a child process: {done} done, {lost} never reported; {status}")
    table.add("thread pool, a job aborts (os.abort)", count, time.perf_counter() - start,
              workers=workers, ok=done, errors=0, timed_out=0, cancelled=lost,
              extra={"ended by": status})
    table.print()

    rows = {r["variant"]: r for r in table.rows}
    assert rows["ProcessPoolExecutor, a job aborts (os.abort)"]["extra"]["BrokenProcessPool"] >= 1
    for how in ("aborts (os.abort)", "hangs"):
        assert rows[f"multiprocessing.Pool, a job {how}"]["timed_out"] >= 1
    for kind in ("ProcessPoolExecutor", "multiprocessing.Pool", "thread pool"):
        assert rows[f"{kind}, a job raises"]["errors"] == 1
    assert rows["thread pool, a job aborts (os.abort)"]["ok"] <= bad
    say("ProcessPoolExecutor broke at the dead worker: that job and the pending ones raised "
        "BrokenProcessPool; multiprocessing.Pool replaced the worker and left its job "
        "unanswered (without a timeout, get() waits forever); a raised exception cost one job "
        "everywhere; an abort on a thread ended the whole interpreter")


if __name__ == "__main__":
    main()
