#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `producer-consumer` demo in Python: `asyncio.Queue(maxsize=4)` and backpressure.

Producers A and B `await q.put(item)`, which waits while the queue is full; the consumer loops on
`await q.get()`. It learns when to stop from one sentinel per producer (`None`); since 3.13,
`q.shutdown()` does it instead (`get()` then raises `QueueShutDown` once the queue is empty).
With the slow consumer the queue stays full and the producers wait; with the fast one, rarely.

    python3 async-io/python/producer_consumer.py
"""

import asyncio
import time

from _twin import Table, knobs, pick, say


async def producer(name, q, items, every, waits):
    for seq in range(items):
        await asyncio.sleep(every)
        if q.full():
            waits[0] += 1  # put() is about to wait: that is backpressure
        await q.put((name, seq, time.perf_counter()))
    await q.put(None)  # this producer's sentinel


async def pipeline(items, capacity, every, consume):
    q = asyncio.Queue(maxsize=capacity)
    waits, consumed, lengths, max_age = [0], [], [], 0.0
    async with asyncio.TaskGroup() as group:
        for name in "AB":
            group.create_task(producer(name, q, items, every, waits))
        finished = 0
        while finished < 2:
            item = await q.get()
            lengths.append(q.qsize())
            if item is None:
                finished += 1
                continue
            name, seq, made = item
            max_age = max(max_age, time.perf_counter() - made)
            await asyncio.sleep(consume)  # the work on one item
            consumed.append((name, seq))
    return consumed, waits[0], lengths, max_age


async def main():
    args = knobs(__doc__.splitlines()[0])
    items = args.count or pick(args, 12, 8)
    capacity, every = 4, pick(args, 10, 2) / 1000
    say(f"producers A and B make {items} items each, one every {every * 1000:.0f} ms; "
        f"queue of {capacity}")
    table = Table("producer-consumer", args, same_work=False)
    for label, ms in [("fast consumer", pick(args, 5, 1)), ("slow consumer", pick(args, 20, 4))]:
        start = time.perf_counter()
        consumed, waits, lengths, max_age = await pipeline(items, capacity, every, ms / 1000)
        wall = time.perf_counter() - start
        say(f"  {label}: items waiting after each take: {' '.join(map(str, lengths))}")
        table.add(f"{label} ({ms} ms/item)", len(consumed), wall, extra={
            "producer waits": waits, "max queue": max(lengths), "max age ms": round(max_age * 1000)})
        for name in "AB":
            assert [s for n, s in consumed if n == name] == list(range(items)), name
        assert max(lengths) <= capacity
    table.print()


if __name__ == "__main__":
    asyncio.run(main())
