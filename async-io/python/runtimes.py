#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = ["aiohttp>=3.9"]
# ///
"""The `runtimes` demo in Python: one event loop, 1,000 downloads, and CPU work that stalls it.

`asyncio.run(main())` runs every coroutine on one thread. A thousand downloads overlap there,
because each one spends its time waiting. CPU work does not: a coroutine that computes holds up
every other one until it reaches an `await`, which a ticker beside it shows as its longest gap
between two ticks. `await asyncio.to_thread(job)` (3.9) runs the job on the loop's default
thread pool and frees the loop, but not the GIL: the jobs take turns on it with the loop's thread,
so they are no faster, and with the default pool's min(32, cores + 4) threads all computing, the
loop's thread waits its turn among them and the ticker stalls nearly as long as on the loop (on a
free-threaded build it would not). One thread beside the loop (`run_in_executor` on a pool of 1)
leaves the loop its share; a `ProcessPoolExecutor` frees the loop and uses the other cores.

    python3 async-io/python/runtimes.py --server http://127.0.0.1:8000 --count 1000
"""

import asyncio
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import aiohttp

from _twin import (Table, country_codes, flag_url, is_prime, knobs, latency_ms, peak, pick,
                   reset_stats, say)

FIRST = 1_000_000_000


def count_primes(start, n):
    """The primes among n numbers from start, and which thread of which process counted them."""
    where = (os.getpid(), threading.get_ident())
    return sum(1 for k in range(start, start + n) if is_prime(k)), where


def calibrate(target_s):
    n = 256  # a window wide enough to hold primes as often as the jobs will
    while True:
        start = time.perf_counter()
        count_primes(FIRST, n)
        took = time.perf_counter() - start
        if took >= target_s / 2:
            return max(1, round(n * target_s / took))
        n *= 2


async def ticker(period, stop):
    """Ticks every `period`; returns the longest gap between two ticks."""
    last, longest = time.perf_counter(), 0.0
    while not stop.is_set():
        await asyncio.sleep(period)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    return longest


async def fetch(session, url):
    try:
        async with session.get(url) as answer:
            await answer.read()
            return answer.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


async def cpu_on_the_loop(jobs, per_job):
    async def job(i):  # a coroutine that never awaits: it runs start to end, holding the loop
        return count_primes(FIRST + i * per_job, per_job)
    return await asyncio.gather(*(job(i) for i in range(jobs)))


async def cpu_to_thread(jobs, per_job):
    return await asyncio.gather(
        *(asyncio.to_thread(count_primes, FIRST + i * per_job, per_job) for i in range(jobs)))


def cpu_in(pool):
    async def run(jobs, per_job):
        loop = asyncio.get_running_loop()
        return await asyncio.gather(*(
            loop.run_in_executor(pool, count_primes, FIRST + i * per_job, per_job)
            for i in range(jobs)))
    return run


async def main():
    args = knobs(__doc__.splitlines()[0])
    n = args.count or pick(args, 1000, 200)
    latency = latency_ms(args, 500, 50)
    cores = os.cpu_count()
    jobs, job_s, period = 4 * cores, pick(args, 50, 25) / 1000, pick(args, 10, 5) / 1000
    per_job = calibrate(job_s)
    say(f"{n} downloads at {latency} ms latency; {jobs} CPU jobs of about {job_s * 1000:.0f} ms "
        f"each (calibrated now), a ticker every {period * 1000:.0f} ms beside them; {cores} cores")
    urls = [flag_url(args.server, cc) for cc in country_codes(n)]

    io = Table("runtimes", args)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
        reset_stats(args.server)
        start = time.perf_counter()
        oks = await asyncio.gather(*(fetch(session, url) for url in urls))
        wall = time.perf_counter() - start
    io.add("downloads: one event loop", n, wall, workers=1, ok=sum(oks), errors=n - sum(oks),
           max_in_flight=peak(args.server), threads_used=1, x_latency=wall * 1000 / max(latency, 1))
    io.print()

    cpu = Table("runtimes", args)
    primes = []
    one_thread, processes = ThreadPoolExecutor(1), ProcessPoolExecutor(cores)
    list(processes.map(abs, range(2 * cores)))  # start the workers before timing
    for label, workers, run in [
        ("a coroutine on the loop", 1, cpu_on_the_loop),
        (f"asyncio.to_thread (default pool, {min(32, cores + 4)} threads)", min(32, cores + 4),
         cpu_to_thread),
        ("run_in_executor, 1 thread", 1, cpu_in(one_thread)),
        (f"run_in_executor, {cores} processes", cores, cpu_in(processes)),
    ]:
        stop = asyncio.Event()
        ticking = asyncio.create_task(ticker(period, stop))
        await asyncio.sleep(0)  # let the ticker start
        start = time.perf_counter()
        results = await run(jobs, per_job)
        wall = time.perf_counter() - start
        stop.set()
        gap = await ticking
        primes.append(sum(p for p, _ in results))
        cpu.add(f"CPU jobs: {label}", jobs, wall, workers=workers,
                threads_used=len({t for _, t in results}),
                extra={"ticker's longest gap": f"{gap * 1000:.1f} ms", "numbers per job": per_job})
    one_thread.shutdown()
    processes.shutdown()
    cpu.print()
    assert len(set(primes)) == 1, f"prime counts differ: {primes}"


if __name__ == "__main__":
    asyncio.run(main())
