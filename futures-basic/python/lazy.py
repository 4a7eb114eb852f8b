#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `lazy` demo in Python: a coroutine does nothing until awaited; a submitted future runs.

`coro = brew()` only builds an object: no line of `brew` runs until something awaits it (or
sends into it by hand, as `coro.send(None)` does, running it to its first suspension). A
coroutine dropped unawaited never runs (Python warns: "coroutine ... was never awaited"). A
`concurrent.futures.Future` from `executor.submit(f)` is the opposite: the job is already
scheduled and runs on a worker as soon as one is free, whether or not anyone calls `result()`.
So a Rust future is like the coroutine, and a spawned task's `JoinHandle` like the submitted
future. Each row counts the three steps of one brew: run (ok) or never run (skipped).

    python3 futures-basic/python/lazy.py
"""

import asyncio
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

from _twin import Table, knobs, pick, say

STEPS = ["boil water", "steep", "pour"]


class Counter:
    def __init__(self):
        self.steps = 0


async def brew(counter, pause):
    for i, step in enumerate(STEPS):
        if i:
            await asyncio.sleep(pause)
        counter.steps += 1
        say(f"  step {i + 1}: {step}")
    return "tea"


def brew_blocking(counter, pause):
    for i, step in enumerate(STEPS):
        if i:
            time.sleep(pause)
        counter.steps += 1
    return "tea"


def main():
    args = knobs(__doc__.splitlines()[0])
    pause = pick(args, 0.2, 0.02)
    table = Table("lazy", args, same_work=False)

    def row(label, call, counter, wall):
        table.add(label, len(STEPS), wall, ok=counter.steps, skipped=len(STEPS) - counter.steps,
                  call=call)

    c, start = Counter(), time.perf_counter()
    coro = brew(c, pause)
    say(f"coroutine built: {c.steps} steps run")
    row("built, not run yet", "coro = brew()", c, time.perf_counter() - start)

    c2 = Counter()

    async def by_hand():
        start = time.perf_counter()
        coro2 = brew(c2, pause)
        waiting_on = coro2.send(None)  # runs to the first await that suspends, hands back its future
        say(f"one coro.send(None) by hand: {c2.steps} step run, then waiting on a {type(waiting_on).__name__}")
        row("one step by hand", "coro.send(None)", c2, time.perf_counter() - start)
        coro2.close()  # GeneratorExit at that await: the rest never runs

    asyncio.run(by_hand())

    start = time.perf_counter()
    tea = asyncio.run(coro)
    say(f"asyncio.run(coro) returned {tea!r}: {c.steps} steps run")
    row("run to the end", "asyncio.run(coro)", c, time.perf_counter() - start)

    c3 = Counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "was never awaited": the point here
        start = time.perf_counter()
        dropped = brew(c3, pause)
        del dropped
    say(f"a coroutine dropped unawaited: {c3.steps} steps run")
    row("dropped without running", "del coro", c3, time.perf_counter() - start)

    c4 = Counter()
    with ThreadPoolExecutor(1) as executor:
        start = time.perf_counter()
        future = executor.submit(brew_blocking, c4, pause / 10)
        time.sleep(pause)  # nobody calls future.result(): the job runs anyway
        say(f"executor.submit, result() never called: {c4.steps} steps run, done={future.done()}")
        row("submitted, never waited for", "pool.submit(f)", c4, time.perf_counter() - start)
    table.print()
    ok = [r["ok"] for r in table.rows]
    assert ok[:4] == [0, 1, 3, 0], ok


if __name__ == "__main__":
    main()
