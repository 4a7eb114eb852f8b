#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `channels` demo in Python: `queue.Queue` instead of locks, an owner thread, poison pills.

`queue.Queue(maxsize=n)` between threads: `put` blocks while it is full, so a slow consumer
holds the backlog at n, where an unbounded `Queue()` piles up. A thread that owns a resource
(here the bank) is fed through a queue, so nobody else touches it and it needs no lock. A worker
loops on `q.get()` until it takes `None`, the poison pill: one pill per worker, after the jobs.
Since 3.13, `q.shutdown()` ends the getters instead (`get` raises `queue.ShutDown` once empty).
`q.get(timeout=...)` is the nearest thing to a select with a timer: Python's queues cannot wait
on several at once.

    python3 sync-primitives/python/channels.py
"""

import queue
import random
import threading
import time

from _twin import Table, knobs, pick, say, timed

ACCOUNTS, OPENING = 10, 1_000


def many_producers(producers, n):
    q = queue.Queue()

    def produce():
        for k in range(1, n + 1):
            q.put(k)
        q.put(None)

    threads = [threading.Thread(target=produce) for _ in range(producers)]
    for t in threads:
        t.start()
    total = finished = 0
    while finished < producers:
        item = q.get()
        if item is None:
            finished += 1
        else:
            total += item
    for t in threads:
        t.join()
    return total


def backlog(items, capacity, consume):
    q = queue.Queue(maxsize=capacity or 0)
    got, peak = [], [0]

    def produce():
        for i in range(items):
            q.put(i)
            peak[0] = max(peak[0], q.qsize())
        q.put(None)

    t = threading.Thread(target=produce)
    t.start()
    while (item := q.get()) is not None:
        time.sleep(consume)
        got.append(item)
    t.join()
    return got, peak[0]


def before_deadline(jobs, step, deadline):
    q = queue.Queue()
    # job i takes 2 * i steps, as in the Rust demo: 0, 2, 4 before a deadline of 5, the rest late
    threads = [threading.Timer(step * 2 * i, q.put, args=(i,)) for i in range(jobs)]
    for t in threads:
        t.start()
    arrived, end = [], time.perf_counter() + deadline
    while len(arrived) < jobs:
        try:
            arrived.append(q.get(timeout=max(0.0, end - time.perf_counter())))
        except queue.Empty:
            break
    for t in threads:
        t.cancel()  # the late ones never put their result (the Rust threads' sends just fail)
        t.join()
    return arrived, jobs - len(arrived)


def owned_bank(threads, transfers, seed):
    inbox = queue.Queue()
    balances = [OPENING] * ACCOUNTS

    def owner():  # the only thread that touches the balances
        while (move := inbox.get()) is not None:
            a, b, x = move
            balances[a] -= x
            balances[b] += x

    def client(t):
        rng = random.Random(seed + t)
        for _ in range(transfers):
            a, b = rng.sample(range(ACCOUNTS), 2)
            inbox.put((a, b, rng.randint(1, 100)))

    keeper = threading.Thread(target=owner)
    keeper.start()
    clients = [threading.Thread(target=client, args=(t,)) for t in range(threads)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    inbox.put(None)
    keeper.join()
    return balances


def poison_pill(workers, n):
    jobs, sums, pills = queue.Queue(), [], []

    def worker():
        total = 0
        while (k := jobs.get()) is not None:
            total += k * k
        sums.append(total)
        pills.append(1)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for k in range(1, n + 1):
        jobs.put(k)
    for _ in threads:
        jobs.put(None)  # one pill per worker, after the jobs
    for t in threads:
        t.join()
    return sum(sums), len(pills)


def main():
    args = knobs(__doc__.splitlines()[0], threads=(int, 5, "bank clients"),
                 transfers=(int, None, "transfers per client"), seed=(int, 42, "seed"))
    table = Table("channels", args, same_work=False)
    n = args.count or pick(args, 10_000, 1_000)
    total, wall = timed(lambda: many_producers(4, n))
    say(f"queue.Queue: 4 producers put 1..={n} each, the consumer summed {total}")
    assert total == 4 * n * (n + 1) // 2
    table.add("queue.Queue, 4 producers", 4 * n, wall, workers=4)

    items = args.count or pick(args, 200, 50)
    consume = pick(args, 0.0005, 0.0001)
    for capacity in (8, None):
        (got, peak), wall = timed(lambda: backlog(items, capacity, consume))
        name = f"queue.Queue(maxsize={capacity})" if capacity else "queue.Queue() unbounded"
        say(f"{name}: slow consumer got {len(got)} items, backlog peaked at {peak}")
        assert got == list(range(items))
        assert capacity is None or peak <= capacity
        table.add(name, items, wall, extra={"peak backlog": peak})

    step = pick(args, 0.01, 0.003)
    (arrived, late), wall = timed(lambda: before_deadline(6, step, step * 5))
    say(f"get(timeout=): results {arrived} came before the deadline, {late} too late")
    table.add("Queue.get(timeout=) deadline", 6, wall, ok=len(arrived), timed_out=late)

    transfers = args.transfers or pick(args, 10_000, 1_000)
    balances, wall = timed(lambda: owned_bank(args.threads, transfers, args.seed))
    say(f"owner thread: {args.threads} threads sent {transfers} transfers each; total {sum(balances)}")
    assert sum(balances) == ACCOUNTS * OPENING
    table.add("bank owned by one thread", args.threads * transfers, wall, workers=args.threads,
              total=sum(balances))

    workers = args.workers or 4
    (total, pills), wall = timed(lambda: poison_pill(workers, n))
    say(f"poison pill: {workers} workers squared 1..={n}, then {pills} pills stopped them")
    assert total == sum(k * k for k in range(1, n + 1)) and pills == workers
    table.add("poison pill shutdown", n, wall, workers=workers)
    table.print()


if __name__ == "__main__":
    main()
