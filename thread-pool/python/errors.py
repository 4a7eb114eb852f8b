#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""The `errors` demo in Python, as flags2 counts them: ok, not found, error.

Each download ends one way: a 200 is OK, a 404 NOT_FOUND (a fact about the code, not a failure),
a 503 or a timeout an ERROR. A `Counter` of the statuses prints what flags2 prints. Every request
has a timeout (urllib's `timeout=`, like requests' `timeout=`: neither has one by default), so a
slow answer becomes an error instead of a thread stuck forever. The twin reads the server's
latency and jitter but never changes its faults (the Rust demo sets them: 25% answered 503).

    python3 thread-pool/python/errors.py --server http://127.0.0.1:8000 --workers 8
"""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from enum import Enum

from _twin import (Table, control, country_codes, flag_url, get, knobs, peak, pick,
                   reset_stats, say, timed)

UNKNOWN = ["XX", "EU", "ZZ"]


class Status(Enum):
    OK = "ok"
    NOT_FOUND = "not found"
    ERROR = "error"


def download(server, cc, timeout):
    try:
        status, _ = get(flag_url(server, cc), timeout=timeout)
    except (TimeoutError, OSError) as e:
        return cc, Status.ERROR, "timeout" if "timed out" in str(e) else str(e)
    if status == 200:
        return cc, Status.OK, None
    if status == 404:
        return cc, Status.NOT_FOUND, None
    return cc, Status.ERROR, f"HTTP {status}"


def download_all(server, codes, workers, timeout):
    with ThreadPoolExecutor(max_workers=workers) as executor:
        futures = [executor.submit(download, server, cc, timeout) for cc in codes]
        return [f.result() for f in as_completed(futures)]


def main():
    args = knobs(__doc__.splitlines()[0])
    count = args.count or pick(args, 20, 8)
    workers = args.workers or 8
    faults = control(args.server, "faults")
    latency = args.latency_ms if args.latency_ms is not None else faults["latency_ms"]
    timeout = max(latency * 1.9, 50) / 1000
    codes = country_codes(count) + UNKNOWN
    say(f"{len(codes)} codes ({len(UNKNOWN)} unknown to the server), {faults['latency_ms']}-"
        f"{faults['latency_ms'] + faults['jitter_ms']} ms per answer, "
        f"{faults['error_rate']:.0%} answered 503, timeout {timeout * 1000:.0f} ms per request")
    table = Table("errors", args)
    for w in [1, workers]:
        reset_stats(args.server)  # also restarts the faults: every row sees the same ones
        results, wall = timed(lambda: download_all(args.server, codes, w, timeout))
        counter = Counter(status for _, status, _ in results)
        failed = [f"{cc} ({why})" for cc, status, why in results if status is Status.ERROR]
        say(f"\n{w} worker{'s' if w > 1 else ''}:")
        say(f"{counter[Status.OK]} flags downloaded.")
        say(f"{counter[Status.NOT_FOUND]} not found.")
        say(f"{counter[Status.ERROR]} errors." + (f" ({', '.join(failed)})" if failed else ""))
        say(f"Elapsed time: {wall:.2f}s")
        table.add(f"{w} worker{'s' if w > 1 else ''}", len(codes), wall, workers=w,
                  max_in_flight=peak(args.server), ok=counter[Status.OK],
                  not_found=counter[Status.NOT_FOUND], errors=counter[Status.ERROR],
                  timeouts=sum(why == "timeout" for *_, why in results))
    table.print()


if __name__ == "__main__":
    main()
