#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = ["aiohttp>=3.9"]
# ///
"""The async `flags` demo in Python: `await` in a loop, `asyncio.gather`, and threads.

`for url in urls: await fetch(url)` is sequential code: each download waits for the one before.
`await asyncio.gather(*(fetch(url) for url in urls))` starts them all on the one event loop and
finishes in about one round trip. The last row is the same downloads on a thread pool (urllib).
One `aiohttp.ClientSession` for all (its default `trust_env=False` ignores proxy variables).

    python3 async-io/python/flags.py --server http://127.0.0.1:8000 --count 20
"""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import aiohttp

from _twin import (Table, country_codes, flag_url, get, knobs, latency_ms, peak, reset_stats,
                   say)


async def fetch(session, url):
    try:
        async with session.get(url) as answer:
            await answer.read()
            return outcome(answer.status)
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return "errors"


def outcome(status):
    return {200: "ok", 404: "not_found"}.get(status, "errors")


async def await_in_a_loop(session, urls):
    return [await fetch(session, url) for url in urls]


async def gather(session, urls):
    return await asyncio.gather(*(fetch(session, url) for url in urls))


def fetch_blocking(url):
    try:
        return outcome(get(url)[0])
    except OSError:  # refused, reset, timed out
        return "errors"


def on_threads(urls, workers):
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(fetch_blocking, urls))


async def main():
    args = knobs(__doc__.splitlines()[0])
    count = args.count or 20
    workers = args.workers or count
    latency = latency_ms(args, 100, 10)
    urls = [flag_url(args.server, cc) for cc in country_codes(count)]
    say(f"{count} flags, {latency} ms latency, from {args.server}")
    table = Table("flags", args)
    timeout = aiohttp.ClientTimeout(total=latency / 1000 + 10)
    connector = aiohttp.TCPConnector(limit=0)  # no cap on connections, like reqwest's pool
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        for label, pool, run in [
            ("await in a loop", None, lambda: await_in_a_loop(session, urls)),
            ("asyncio.gather", None, lambda: gather(session, urls)),
            (f"urllib on a thread pool ({workers})", workers,
             lambda: asyncio.to_thread(on_threads, urls, workers)),
        ]:
            reset_stats(args.server)
            start = time.perf_counter()
            ends = await run()
            wall = time.perf_counter() - start
            counts = {k: ends.count(k) for k in ("ok", "not_found", "errors")}
            table.add(label, count, wall, **counts, workers=pool,
                      max_in_flight=peak(args.server), x_latency=wall * 1000 / max(latency, 1))
    table.print()
    loop, together = table.rows[0]["wall_s"], table.rows[1]["wall_s"]
    say(f"asyncio.gather: {together * 1000 / max(latency, 1):.2f}x one round trip, "
        f"{loop / together:.1f}x faster than await in a loop")
    assert table.rows[0]["max_in_flight"] == 1, "the awaits in a loop overlapped"


if __name__ == "__main__":
    asyncio.run(main())
