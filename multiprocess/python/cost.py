#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `cost` demo in Python: a process's start-up, a job's round trip, pipe throughput.

A `multiprocessing.Process` costs an interpreter: forked (Linux before 3.14), forked from a
server started once (forkserver, Linux's default since 3.14) or started afresh and made to
import the main module (spawn: macOS, Windows). Every job to a `Pool` is pickled, written to a
pipe, read and unpickled, and its result comes back the same way; a thread gets a reference to
the same object through a `queue.Queue`. So send few, large jobs to processes.

    python3 multiprocess/python/cost.py
"""

import multiprocessing
import queue
import threading
from contextlib import contextmanager

from _twin import Table, knobs, pick, say, timed

MIB = 1024 * 1024


def reply(conn):
    conn.send("ready")
    conn.close()


def echo(x):
    return x


def drain(conn, total):
    got = 0
    while got < total:
        got += len(conn.recv_bytes())
    conn.send(got)


@contextmanager
def reaped(process):
    """Starts `process` and, however the block ends, waits for it (killed if still running)."""
    process.start()
    try:
        yield process
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()


def process_first_reply():
    parent, child = multiprocessing.Pipe()
    with reaped(multiprocessing.Process(target=reply, args=(child,))):
        assert parent.recv() == "ready"


def thread_first_reply():
    q = queue.SimpleQueue()
    t = threading.Thread(target=q.put, args=("ready",))
    t.start()
    assert q.get() == "ready"
    t.join()


def thread_round_trips(jobs):
    inbox, outbox = queue.SimpleQueue(), queue.SimpleQueue()

    def worker():
        while (job := inbox.get()) is not None:
            outbox.put(job)
    t = threading.Thread(target=worker)
    t.start()
    answers = []
    for i in range(jobs):
        inbox.put(str(i))
        answers.append(outbox.get())
    inbox.put(None)
    t.join()
    return answers


def through_pipe(mb):
    parent, child = multiprocessing.Pipe()
    with reaped(multiprocessing.Process(target=drain, args=(child, mb * MIB))):
        chunk = bytes(MIB)
        for _ in range(mb):
            parent.send_bytes(chunk)
        return parent.recv()


def through_queue(mb):
    q, got = queue.SimpleQueue(), [0]

    def drain_queue():
        while got[0] < mb * MIB:
            got[0] += len(q.get())
    t = threading.Thread(target=drain_queue)
    t.start()
    for _ in range(mb):
        q.put(bytes(MIB))  # a new buffer each time, as the pipe side copies one
    t.join()
    return got[0]


def per(wall, n):
    return round(wall * 1e6 / n, 1)


def main():
    args = knobs(__doc__.splitlines()[0])
    n = args.count or pick(args, 20, 5)
    jobs, mb = n * 100, n * 16
    say(f"{n} starts of a process and of a thread; {jobs} tiny jobs and {mb} MiB through pipes "
        f"and through queues; start method {multiprocessing.get_start_method()}")
    start = Table("cost-start", args)
    _, wall = timed(lambda: [process_first_reply() for _ in range(n)])
    start.add("process: start, first reply, exit", n, wall,
              extra={"each µs": per(wall, n), "start method": multiprocessing.get_start_method()})
    _, wall = timed(lambda: [thread_first_reply() for _ in range(n)])
    start.add("thread: start, first reply, join", n, wall, extra={"each µs": per(wall, n)})
    start.print()

    trip = Table("cost-job", args)
    with multiprocessing.Pool(1) as pool:
        pool.apply(echo, ("warm",))  # the worker is started: only the round trips are timed
        answers, wall = timed(lambda: [pool.apply(echo, (str(i),)) for i in range(jobs)])
    assert answers == [str(i) for i in range(jobs)]
    trip.add("process pool: job over pipes", jobs, wall, workers=1, extra={"each µs": per(wall, jobs)})
    answers, wall = timed(lambda: thread_round_trips(jobs))
    assert answers == [str(i) for i in range(jobs)]
    trip.add("thread: job over queues", jobs, wall, workers=1, extra={"each µs": per(wall, jobs)})
    trip.print()

    bulk = Table("cost-pipe", args)
    piped, wall = timed(lambda: through_pipe(mb))
    bulk.add("pipe to a process (MiB)", mb, wall, extra={"MiB/s": round(mb / wall)})
    sent, wall = timed(lambda: through_queue(mb))
    bulk.add("queue to a thread (MiB)", mb, wall, extra={"MiB/s": round(mb / wall)})
    bulk.print()
    assert piped == sent == mb * MIB, f"bytes lost: {piped} and {sent} of {mb * MIB}"


if __name__ == "__main__":
    main()
