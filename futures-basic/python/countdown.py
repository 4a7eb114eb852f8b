#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `countdown` demo in Python: four asyncio tasks A-D on one thread, four ways to wait.

Awaiting one after another takes the sum of the delays. `asyncio.gather` runs the four at once
and returns their results in the order of its arguments; `asyncio.as_completed` hands them over
as they finish; `asyncio.wait(..., return_when=FIRST_COMPLETED)` returns at the first, and the
other three keep running until cancelled (this twin cancels them). The tasks finish C, A, D, B (shortest delay first) whenever they run together.

    python3 futures-basic/python/countdown.py
"""

import asyncio
import time

from _twin import Table, knobs, pick, say

TASKS = [("A", 0.7), ("B", 2.0), ("C", 0.3), ("D", 1.0)]


class Log:
    def __init__(self):
        self.finished, self.waiting, self.peak = [], 0, 0


async def countdown(name, delay, log):
    log.waiting += 1
    log.peak = max(log.peak, log.waiting)
    try:
        await asyncio.sleep(delay)
    finally:
        log.waiting -= 1
    log.finished.append(name)
    return name


async def one_after_another(tasks, log):
    return [await countdown(n, d, log) for n, d in tasks]


async def gather(tasks, log):
    return await asyncio.gather(*(countdown(n, d, log) for n, d in tasks))


async def as_completed(tasks, log):
    return [await next_done for next_done in asyncio.as_completed(
        [countdown(n, d, log) for n, d in tasks])]


async def first_completed(tasks, log):
    running = [asyncio.create_task(countdown(n, d, log)) for n, d in tasks]
    done, pending = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return [task.result() for task in done]


async def main():
    args = knobs(__doc__.splitlines()[0])
    scale = pick(args, 0.25, 0.1)
    tasks = [(name, delay * scale) for name, delay in TASKS]
    say("tasks: " + ", ".join(f"{n} {d * 1000:.0f} ms" for n, d in tasks) + " (asyncio.sleep)")
    table = Table("countdown", args)
    for label, variant in [("one after another", one_after_another), ("asyncio.gather", gather),
                           ("asyncio.as_completed", as_completed),
                           ("asyncio.wait(FIRST_COMPLETED)", first_completed)]:
        log = Log()
        start = time.perf_counter()
        returned = await variant(tasks, log)
        wall = time.perf_counter() - start
        say(f"{label:>30}: finished {' '.join(log.finished)}, returned {' '.join(returned)}")
        first_only = variant is first_completed
        table.add(label, len(tasks), wall, ok=len(log.finished),
                  cancelled=len(tasks) - len(log.finished) if first_only else None,
                  max_in_flight=log.peak, other_work=first_only,
                  finished=" ".join(log.finished), returned=" ".join(returned))
    table.print()
    rows = table.rows
    assert rows[0]["extra"]["finished"] == "A B C D"
    assert rows[1]["extra"]["returned"] == "A B C D" and rows[1]["extra"]["finished"] == "C A D B"
    assert rows[2]["extra"]["returned"] == "C A D B"
    assert rows[3]["extra"]["returned"] == "C" and rows[3]["cancelled"] == 3


if __name__ == "__main__":
    asyncio.run(main())
