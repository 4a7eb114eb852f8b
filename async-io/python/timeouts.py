#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = ["aiohttp>=3.9"]
# ///
"""The `timeouts` demo in Python: `asyncio.timeout`, `wait_for`, a batch deadline, `cancel()`.

`async with asyncio.timeout(0.15):` (3.11) bounds whatever runs inside the block;
`await asyncio.wait_for(coro, 0.15)` bounds one awaitable (built on `asyncio.timeout` since
3.12). `done, pending = await asyncio.wait(tasks, timeout=0.2)` puts a deadline on a batch, and
the pending tasks are then cancelled; `task.cancel()` at a set time stops a whole group. A
cancelled task gets `CancelledError` at its `await`, its `async with` blocks close (the
connection goes back or is dropped), and it ends cancelled. Every request ends one way: ok,
error, timed out or cancelled, and the counts add up. The Rust demo's races need a second
server (its mirror), so they have no twin here.

    python3 async-io/python/timeouts.py --server http://127.0.0.1:8000
"""

import asyncio
import time

import aiohttp

from _twin import Table, country_codes, flag_url, knobs, latency_ms, peak, reset_stats, say


async def fetch(session, url):
    async with session.get(url) as answer:
        await answer.read()
        return "ok" if answer.status == 200 else "errors"


async def with_timeout(session, url, limit):
    try:
        async with asyncio.timeout(limit):
            return await fetch(session, url)
    except TimeoutError:
        return "timed_out"
    except aiohttp.ClientError:
        return "errors"


async def with_wait_for(session, url, limit):
    try:
        return await asyncio.wait_for(fetch(session, url), limit)
    except TimeoutError:
        return "timed_out"
    except aiohttp.ClientError:
        return "errors"


def outcome(task, when_pending):
    if task.cancelled():
        return when_pending
    if task.exception() is not None:
        return "errors"
    return task.result()


async def batch_deadline(session, urls, deadline):
    tasks = [asyncio.create_task(fetch(session, url)) for url in urls]
    done, pending = await asyncio.wait(tasks, timeout=deadline)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return [outcome(t, "timed_out") for t in tasks]


async def cancel_group(session, urls, at):
    tasks = [asyncio.create_task(fetch(session, url)) for url in urls]
    await asyncio.sleep(at)
    for task in tasks:
        task.cancel()  # a task already done ignores it and keeps its result
    await asyncio.gather(*tasks, return_exceptions=True)
    return [outcome(t, "cancelled") for t in tasks]


async def main():
    args = knobs(__doc__.splitlines()[0])
    count = args.count or 20
    base = latency_ms(args, 50, 10)
    limit, deadline, cancel_at = 3 * base / 1000, 4 * base / 1000, base * 12 / 5 / 1000
    urls = [flag_url(args.server, cc) for cc in country_codes(count)]
    say(f"{count} flags at {base} ms latency (plus the server's jitter)")
    table = Table("timeouts", args, same_work=False)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        for label, run in [
            (f"asyncio.timeout({limit * 1000:.0f} ms) per request",
             lambda: asyncio.gather(*(with_timeout(session, u, limit) for u in urls))),
            (f"wait_for({limit * 1000:.0f} ms) per request",
             lambda: asyncio.gather(*(with_wait_for(session, u, limit) for u in urls))),
            (f"batch deadline {deadline * 1000:.0f} ms", lambda: batch_deadline(session, urls, deadline)),
            (f"task.cancel() at {cancel_at * 1000:.0f} ms", lambda: cancel_group(session, urls, cancel_at)),
        ]:
            reset_stats(args.server)
            start = time.perf_counter()
            ends = await run()
            wall = time.perf_counter() - start
            counts = {k: ends.count(k) for k in ("ok", "errors", "timed_out", "cancelled")}
            table.add(label, count, wall, max_in_flight=peak(args.server), **counts)
    table.print()


if __name__ == "__main__":
    asyncio.run(main())
