#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = ["aiohttp>=3.9"]
# ///
"""The `structured` demo in Python: `asyncio.TaskGroup` (3.11), the stdlib's nursery.

N tasks start together; task i downloads i + 1 flags one after another, and one task asks for a
code the server does not know, so it fails after one round trip. `async with
asyncio.TaskGroup() as tg:` waits for every task it started, and at the first failure cancels
the others and raises the failures together in an `ExceptionGroup` (caught with `except*`):
the batch ends at the first error's time, and nothing keeps running after the block. Plain
`asyncio.gather` raises the first exception too, but cancels nothing: the other tasks keep
running after it returns. `gather(..., return_exceptions=True)` waits for the slowest.
trio's `open_nursery()` is the same design as TaskGroup.

    python3 async-io/python/structured.py --server http://127.0.0.1:8000 --count 8
"""

import asyncio
import time

import aiohttp

from _twin import Table, control, country_codes, flag_url, knobs, latency_ms, peak, reset_stats, say

FAILING = 1  # the task that asks for an unknown code


async def job(session, server, i, codes):
    for cc in ["XX"] if i == FAILING else codes[: i + 1]:
        async with session.get(flag_url(server, cc)) as answer:
            await answer.read()
            if answer.status != 200:
                raise LookupError(f"task {i}: {cc} answered {answer.status}")
    return i


def reset_when_idle(server, limit_s=5.0):
    """Resets the server's stats once it has been idle for two polls in a row (nothing in flight,
    no new request), waiting at most limit_s: a request a cancelled task had already sent may
    still be on its way in, or being served to its end, and would count in the next row's peak."""
    deadline, last = time.monotonic() + limit_s, None
    while time.monotonic() < deadline:
        stats = control(server, "stats")
        if stats["in_flight"] == 0 and last == stats["requests"]:
            break
        last = stats["requests"]
        time.sleep(0.025)
    reset_stats(server)


async def server_peak(server, reset=False):
    """The server's peak in flight (or a reset), off the loop: the control calls are blocking."""
    return await asyncio.to_thread(reset_when_idle if reset else peak, server)


def tally(tasks):
    done = sum(t.done() and not t.cancelled() and t.exception() is None for t in tasks)
    failed = sum(t.done() and not t.cancelled() and t.exception() is not None for t in tasks)
    return dict(ok=done, errors=failed, cancelled=sum(t.cancelled() for t in tasks))


async def main():
    args = knobs(__doc__.splitlines()[0])
    n = args.count or 8
    latency = latency_ms(args, 100, 20)
    codes = country_codes(n)
    say(f"{n} tasks, task i downloads i + 1 flags at {latency} ms; task {FAILING} fails after one")
    table = Table("structured", args, same_work=False)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        def start(tg=None):
            spawn = tg.create_task if tg else asyncio.create_task
            return [spawn(job(session, args.server, i, codes)) for i in range(n)]

        await server_peak(args.server, reset=True)
        tasks, begun = [], time.perf_counter()
        try:
            async with asyncio.TaskGroup() as tg:
                tasks = start(tg)
        except* LookupError as group:
            say(f"  TaskGroup raised {len(group.exceptions)} error(s) together: "
                f"{[str(e) for e in group.exceptions]}")
        wall = time.perf_counter() - begun
        running = sum(not t.done() for t in tasks)
        table.add("asyncio.TaskGroup", n, wall, **tally(tasks), workers=n,
                  max_in_flight=await server_peak(args.server), still_running_after=running,
                  x_latency=wall * 1000 / max(latency, 1))

        await server_peak(args.server, reset=True)
        tasks, begun = start(), time.perf_counter()
        try:
            await asyncio.gather(*tasks)
        except LookupError:
            pass
        wall = time.perf_counter() - begun
        running = sum(not t.done() for t in tasks)
        await asyncio.gather(*tasks, return_exceptions=True)  # they ran on; let them finish
        table.add("asyncio.gather", n, wall, **tally(tasks), workers=n,
                  max_in_flight=await server_peak(args.server), still_running_after=running,
                  x_latency=wall * 1000 / max(latency, 1))

        await server_peak(args.server, reset=True)
        tasks, begun = start(), time.perf_counter()
        await asyncio.gather(*tasks, return_exceptions=True)
        wall = time.perf_counter() - begun
        table.add("gather(return_exceptions=True)", n, wall, **tally(tasks), workers=n,
                  max_in_flight=await server_peak(args.server),
                  still_running_after=sum(not t.done() for t in tasks),
                  x_latency=wall * 1000 / max(latency, 1))
    table.print()
    assert table.rows[0]["extra"]["still running after"] == 0


if __name__ == "__main__":
    asyncio.run(main())
