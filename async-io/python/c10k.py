#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = ["aiohttp>=3.9"]
# ///
"""The `c10k` demo in Python: aiohttp with thousands of requests in flight on one event loop.

`await asyncio.gather(*(fetch(session, url) for url in urls))` keeps every request in flight at
once on one thread: a request costs its task, its coroutine and its connection's objects (the
row's `KiB/request`), not a thread and its stack. aiohttp's default connector opens at most 100
connections at once; `TCPConnector(limit=0)` lifts the cap. What limits it then is the one core
the loop runs on: the row's CPU time per request (`time.process_time()`) times the number of
requests is a floor under the batch's wall time, and once that exceeds one latency the loop, not
the server, sets the pace. The open-file limit is read first (each loopback connection holds a
descriptor here, and one in the server if it is in another process) and raised to its hard
limit where it can be.

    python3 async-io/python/c10k.py --server http://127.0.0.1:8000 --tasks 5000
"""

import asyncio
import resource
import sys
import time

import aiohttp

from _twin import Table, country_codes, flag_url, knobs, latency_ms, peak, pick, reset_stats, say


async def fetch(session, url):
    try:
        async with session.get(url) as answer:
            await answer.read()
            return "ok" if answer.status == 200 else "errors"
    except asyncio.TimeoutError:
        return "timed_out"
    except aiohttp.ClientError:
        return "errors"


def room_for(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted + 100:
        try:
            soft = hard if hard == resource.RLIM_INFINITY else min(hard, 2 * wanted + 200)
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        except (ValueError, OSError):
            pass
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    fits = max(1, soft - 100)
    if fits < wanted:
        say(f"the open-file limit is {soft}: {fits} requests instead of {wanted} (ulimit -n)")
    return min(wanted, fits)


def peak_rss_kib():
    """This process's peak resident memory so far, in KiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS


async def main():
    args = knobs(__doc__.splitlines()[0], tasks=(int, None, "requests at once (as --count)"))
    n = room_for(args.tasks or args.count or pick(args, 1000, 200))
    latency = latency_ms(args, 500, 50)
    urls = [flag_url(args.server, cc) for cc in country_codes(n)]
    say(f"{n} requests at {latency} ms latency, server at {args.server}, aiohttp {aiohttp.__version__}")
    table = Table("c10k", args)
    timeout = aiohttp.ClientTimeout(total=latency / 1000 + 30)
    base_kib = peak_rss_kib()
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
        reset_stats(args.server)
        cpu, start = time.process_time(), time.perf_counter()
        ends = await asyncio.gather(*(fetch(session, url) for url in urls))
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_kib = peak_rss_kib()
    counts = {k: ends.count(k) for k in ("ok", "errors", "timed_out")}
    x_latency = wall * 1000 / max(latency, 1)
    table.add("asyncio task per request (aiohttp)", n, wall, max_in_flight=peak(args.server),
              **counts, extra={"peak memory": f"{peak_kib / 1024:.1f} MiB",
                               "KiB/request": f"{(peak_kib - base_kib) / n:.1f}",
                               "CPU µs/request": round(cpu * 1e6 / n),
                               "x latency": x_latency})
    table.print()
    say(f"aiohttp: {n} requests in {x_latency:.2f}x the latency, {cpu:.2f} s of CPU "
        f"({cpu / wall:.0%} of one core over the batch)")


if __name__ == "__main__":
    asyncio.run(main())
