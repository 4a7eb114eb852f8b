#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `bank` demo in Python: the unlocked `balance -= amount` race, and `with lock:`.

Threads make random transfers between accounts; `balances[a] -= x` is a read, a subtraction and
a write, and a thread switched out between the read and the write loses the other's update.
What CPython 3.10 and later do: the interpreter hands the GIL over only at calls and backward
jumps, not in the middle of `balances[a] -= x`, so the classic race seldom shows on a default
build (the first row usually keeps its total), and asking for a switch every microsecond
(`sys.setswitchinterval(1e-6)`) does not bring it back (none lost on 3.11 or 3.13 here): the hand-over waits
for the next call or backward jump. It shows at once when a switch is forced inside the
read-modify-write (`time.sleep(0)` between the read and the write; the first transfer of every
thread waits at a `Barrier` there, so the total breaks on every run), and it shows on a
free-threaded build (3.13t, 3.14t), where threads really run at once. `with lock:` around each
transfer keeps the total on every build.

    python3 sync-primitives/python/bank.py --threads 5 --transfers 10000
"""

import random
import sys
import threading
import time

from _twin import Table, knobs, pick, say, timed

ACCOUNTS, OPENING = 10, 1_000


def plan(threads, per_thread, seed):
    rng = random.Random(seed)
    out = []
    for t in range(threads):
        moves = [(0, 1 + t % (ACCOUNTS - 1), 100)]  # every thread's first: the same account 0
        while len(moves) < per_thread:
            a, b = rng.sample(range(ACCOUNTS), 2)
            moves.append((a, b, rng.randint(1, 100)))
        out.append(moves)
    return out


def run_threads(transfers, work):
    balances = [OPENING] * ACCOUNTS
    threads = [threading.Thread(target=work, args=(balances, moves)) for moves in transfers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return balances


def racy(balances, moves):
    for a, b, x in moves:
        balances[a] -= x
        balances[b] += x


def racy_switching_often(balances, moves):
    racy(balances, moves)


def racy_with_a_switch(barrier):
    def work(balances, moves):
        for i, (a, b, x) in enumerate(moves):
            was = balances[a]
            if i == 0:
                barrier.wait()  # the first transfer: every thread reads before any writes
            else:
                time.sleep(0)  # let another thread run between the read and the write
            balances[a] = was - x
            balances[b] += x
    return work


def global_lock(lock):
    def work(balances, moves):
        for a, b, x in moves:
            with lock:
                balances[a] -= x
                balances[b] += x
    return work


def per_account(locks):
    def work(balances, moves):
        for a, b, x in moves:
            first, second = sorted((a, b))  # always the lower account first: no circle of waits
            with locks[first], locks[second]:
                balances[a] -= x
                balances[b] += x
    return work


def main():
    args = knobs(__doc__.splitlines()[0], threads=(int, 5, "threads"),
                 transfers=(int, None, "transfers per thread"), seed=(int, 42, "seed of the plan"))
    threads = args.threads
    transfers = args.transfers or args.count or pick(args, 10_000, 1_000)
    moves = plan(threads, transfers, args.seed)
    expected = ACCOUNTS * OPENING
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    say(f"{ACCOUNTS} accounts of {OPENING}, {threads} threads x {transfers} transfers; the total "
        f"must stay {expected} (Python {sys.version.split()[0]}, GIL {'on' if gil else 'off'}, "
        f"switch interval {sys.getswitchinterval() * 1000:g} ms)")
    table = Table("bank", args, same_work=False)
    for name, work in [
        ("racy: balance -= amount", racy),
        ("racy: balance -= amount, switch every 1 µs", racy_switching_often),
        ("racy: read, sleep(0), write", racy_with_a_switch(threading.Barrier(threads))),
        ("one global Lock", global_lock(threading.Lock())),
        ("a Lock per account, in order", per_account([threading.Lock() for _ in range(ACCOUNTS)])),
    ]:
        interval = sys.getswitchinterval()
        if work is racy_switching_often:
            sys.setswitchinterval(1e-6)  # ask for a GIL hand-over every microsecond
        try:
            balances, wall = timed(lambda: run_threads(moves, work))
        finally:
            sys.setswitchinterval(interval)
        total = sum(balances)
        say(f"{name:<44} total {total:>6}  ({total - expected:+} made)")
        table.add(name, threads * transfers, wall, workers=threads, total=total,
                  money_made=total - expected)
    table.print()
    made = [r["extra"]["money made"] for r in table.rows]
    if made[0] == 0 and gil and threads > 1:
        say("the plain += race kept the total here: CPython 3.10+ rarely switches threads inside "
            "it; the sleep(0) row forces the switch and loses updates")
    assert threads < 2 or made[2] != 0, "the forced race kept its total"
    assert made[3] == made[4] == 0, "a locked bank lost money"


if __name__ == "__main__":
    main()
