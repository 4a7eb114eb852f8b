#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `flags` demo in Python: sequential, `executor.map`, `submit` + `as_completed`.

`with ThreadPoolExecutor(max_workers=W) as executor:` gives two ways to hand out the same
downloads. `executor.map(get_flag, codes)` submits them all at once and yields the results in
input order; `as_completed(futures)` yields each future as it finishes. The `with` block waits
for every job. The fake server's peak in flight shows the pool's size at work.

    python3 thread-pool/python/flags.py --server http://127.0.0.1:8000 --count 20
"""

from concurrent.futures import ThreadPoolExecutor, as_completed

from _twin import (Table, country_codes, flag_url, get, knobs, latency_ms, peak, pick,
                   reset_stats, say, timed)


def get_flag(server, cc):
    status, body = get(flag_url(server, cc))
    return cc, status == 200


def sequential(server, codes, workers):
    return [get_flag(server, cc) for cc in codes]


def map_style(server, codes, workers):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(get_flag, [server] * len(codes), codes))


def as_completed_style(server, codes, workers):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        futures = [executor.submit(get_flag, server, cc) for cc in codes]
        return [future.result() for future in as_completed(futures)]


def main():
    args = knobs(__doc__.splitlines()[0])
    count = args.count or pick(args, 20, 8)
    workers = args.workers or count
    latency = latency_ms(args, 100, 10)
    codes = country_codes(count)
    say(f"{count} flags from {args.server}, {latency} ms per request; pools of {workers} threads")
    table = Table("flags", args)
    orders = {}
    for label, pool, run in [
        ("sequential", None, sequential),
        (f"map style ({workers})", workers, map_style),
        (f"as completed ({workers})", workers, as_completed_style),
    ]:
        reset_stats(args.server)
        results, wall = timed(lambda: run(args.server, codes, workers))
        ok = sum(good for _, good in results)
        trips = {"round_trips": wall * 1000 / latency} if latency else {}
        table.add(label, count, wall, ok=ok, errors=count - ok, workers=pool,
                  max_in_flight=peak(args.server), **trips)
        orders[label] = [cc for cc, _ in results]
    table.print()
    mapped, arrived = orders[f"map style ({workers})"], orders[f"as completed ({workers})"]
    say("input order:             ", " ".join(codes))
    say("executor.map gives back: ", " ".join(mapped))
    say("as_completed gives back: ", " ".join(arrived))
    assert mapped == codes, "map changed the order"
    assert sorted(arrived) == sorted(codes), "as_completed lost or repeated a flag"


if __name__ == "__main__":
    main()
