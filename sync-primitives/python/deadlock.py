#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `deadlock` demo in Python: two locks taken in opposite order, detected, then fixed.

Thread 1 does `with a: with b:` while thread 2 does `with b: with a:`. A `Barrier` between the
first and the second acquisition makes both hold their first lock before asking for the second,
so they deadlock on every run. `lock.acquire(timeout=...)` cuts the wait that would be forever
short, and the thread reports it. (The talks call this "starvation"; it is a deadlock: each
thread waits for a lock the other holds. Starvation is a thread that could run but never gets
its turn.) The fix: a global lock order, `a` before `b` whatever the direction.

    python3 sync-primitives/python/deadlock.py
"""

import threading
import time

from _twin import Table, knobs, pick, say, timed


def opposite_order(bound):
    a, b, barrier = threading.Lock(), threading.Lock(), threading.Barrier(2)
    results = [None, None]

    def worker(i, first, second):
        with first:
            barrier.wait()  # both hold their first lock now
            start = time.perf_counter()
            if second.acquire(timeout=bound):
                second.release()
                results[i] = "locked"
            else:
                results[i] = time.perf_counter() - start
            barrier.wait()  # neither lets go of its first lock before both have tried

    threads = [threading.Thread(target=worker, args=(0, a, b)),
               threading.Thread(target=worker, args=(1, b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def global_order(rounds):
    a, b = threading.Lock(), threading.Lock()
    balance = {"a": 4 * rounds, "b": 0}

    def move(src, dst, amount):
        for _ in range(rounds):
            with a, b:  # always a before b, whichever way the money goes
                balance[src] -= amount
                balance[dst] += amount

    threads = [threading.Thread(target=move, args=("a", "b", 7)),
               threading.Thread(target=move, args=("b", "a", 3))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return balance


def main():
    args = knobs(__doc__.splitlines()[0])
    bound = pick(args, 0.2, 0.05)
    rounds = args.count or pick(args, 100_000, 10_000)
    table = Table("deadlock", args, same_work=False)
    say("thread 1 locks a then b, thread 2 locks b then a, forced to interleave")
    results, wall = timed(lambda: opposite_order(bound))
    stuck = 0
    for i, r in enumerate(results):
        if r == "locked":
            say(f"thread {i + 1} got both locks")
        else:
            stuck += 1
            say(f"thread {i + 1}: deadlock detected after {r * 1000:.0f} ms "
                f"(acquire(timeout={bound}) returned False)")
    table.add("opposite order", 2, wall, workers=2, ok=2 - stuck, timed_out=stuck,
              transfers_done=2 - stuck)
    say(f"the fix: both threads lock a before b; {rounds} rounds of 7 from a to b and 3 back")
    balance, wall = timed(lambda: global_order(rounds))
    table.add("global lock order", 2 * rounds, wall, workers=2, timed_out=0,
              transfers_done=2 * rounds)
    table.print()
    assert stuck == 2, results
    # a starts with 4 per round: a net 4 moves to b each round (7 over, 3 back)
    assert balance == {"a": 0, "b": 4 * rounds}, balance


if __name__ == "__main__":
    main()
