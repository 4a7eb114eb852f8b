#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = ["aiohttp>=3.9"]
# ///
"""The `semaphore` demo in Python: `asyncio.Semaphore(cap)` bounds the downloads in flight.

Every download is started at once with `asyncio.gather`, and each one does `async with sem:`
around its request, so at most `cap` are in flight: the fake server's peak equals the cap.
The semaphore is released on every path out of the block, errors included.

    python3 async-io/python/semaphore.py --server http://127.0.0.1:8000 --count 20
"""

import asyncio
import time

import aiohttp

from _twin import Table, country_codes, flag_url, knobs, latency_ms, peak, reset_stats, say


async def fetch(session, sem, url):
    async with sem:
        try:
            async with session.get(url) as answer:
                body = await answer.read()
                return len(body) if answer.status == 200 else None
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return None


async def main():
    args = knobs(__doc__.splitlines()[0], concurrency=(int, None, "one cap instead of 1, 2, 5, 10, 20"))
    count = args.count or 20
    caps = [args.concurrency] if args.concurrency else [c for c in (1, 2, 5, 10, 20) if c <= count]
    latency = latency_ms(args, 50, 5)
    urls = [flag_url(args.server, cc) for cc in country_codes(count)]
    say(f"{count} flags at {latency} ms, capped at {caps} in flight")
    table = Table("semaphore", args)
    timeout = aiohttp.ClientTimeout(total=latency / 1000 + 10)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
        for cap in caps:
            sem = asyncio.Semaphore(cap)
            reset_stats(args.server)
            start = time.perf_counter()
            sizes = await asyncio.gather(*(fetch(session, sem, url) for url in urls))
            wall = time.perf_counter() - start
            top = peak(args.server)
            ok = sum(s is not None for s in sizes)
            table.add(f"asyncio.Semaphore({cap})", count, wall, ok=ok, errors=count - ok,
                      workers=cap, max_in_flight=top,
                      extra={"peak == cap": "yes" if top == min(cap, count) else "no"})
            assert top <= cap, f"cap {cap} exceeded: {top} in flight"
    table.print()


if __name__ == "__main__":
    asyncio.run(main())
