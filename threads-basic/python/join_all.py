#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `join-all` demo in Python: start every thread, then join them all, not one by one.

`t.start(); t.join()` inside one loop waits for each thread before starting the next: threads
that download one flag at a time. Start them all, then join them all, and the downloads overlap:
a thread that waits on a socket releases the GIL. The fake server's peak in flight shows it.

    python3 threads-basic/python/join_all.py --server http://127.0.0.1:8000 --count 20
"""

import threading

from _twin import Table, country_codes, flag_url, get, knobs, peak, pick, reset_stats, say, timed


def download(url, sizes, i):
    status, body = get(url)
    sizes[i] = len(body) if status == 200 else None


def sequential(urls):
    sizes = [None] * len(urls)
    for i, url in enumerate(urls):
        download(url, sizes, i)
    return sizes


def join_in_loop(urls):
    sizes = [None] * len(urls)
    for i, url in enumerate(urls):
        t = threading.Thread(target=download, args=(url, sizes, i))
        t.start()
        t.join()  # the mistake: waits for this one before the next starts
    return sizes


def start_all_then_join(urls):
    sizes = [None] * len(urls)
    threads = [threading.Thread(target=download, args=(url, sizes, i)) for i, url in enumerate(urls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sizes


def main():
    args = knobs(__doc__.splitlines()[0])
    count = args.count or pick(args, 20, 5)
    urls = [flag_url(args.server, cc) for cc in country_codes(count)]
    say(f"{count} flags from {args.server}, three ways")
    table = Table("join-all", args)
    results = []
    for label, workers, variant in [
        ("sequential", None, sequential),
        ("join inside the loop", count, join_in_loop),
        ("start all, then join", count, start_all_then_join),
    ]:
        reset_stats(args.server)
        sizes, wall = timed(lambda: variant(urls))
        ok = sum(s is not None for s in sizes)
        table.add(label, count, wall, ok=ok, errors=count - ok, workers=workers,
                  max_in_flight=peak(args.server), bytes=sum(s or 0 for s in sizes))
        results.append(sizes)
    table.print()
    assert results[0] == results[1] == results[2], "downloads differ"


if __name__ == "__main__":
    main()
