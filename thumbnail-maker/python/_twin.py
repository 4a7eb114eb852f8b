"""What every Python twin in this folder shares: the knobs, the fake server, the table.

The same file sits in each crate's `python/` folder (a twin imports it from beside itself), so a
folder can be copied alone. Standard library only.

The knobs are the Rust demo's: `--server URL`, `--count`, `--latency-ms` (it only sizes the
work: a twin never changes the server's faults), `--workers`, `--quick`, `--json`. Under `--json`
stdout carries one JSON object per row, with the fields of the Rust rows; narration always goes
to stderr.
"""

import argparse
import json
import os
import sys
import time
from urllib.error import HTTPError
from urllib.request import ProxyHandler, Request, build_opener

# Straight to the fake server, whatever HTTP_PROXY and friends say.
OPENER = build_opener(ProxyHandler({}))


def knobs(description, **extra):
    """The shared command line; `extra` adds demo-specific flags as name=(type, default, help)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--server", default="http://127.0.0.1:8000", help="the fake server's URL")
    parser.add_argument("--count", type=int, help="items of work [default: the demo's]")
    parser.add_argument("--latency-ms", type=int, help="the server's latency, to size CPU jobs")
    parser.add_argument("--workers", type=int, help="threads or processes in a pool")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--json", action="store_true", help="JSON rows on stdout")
    for name, (kind, default, help_text) in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=default, help=help_text)
    args = parser.parse_args()
    args.server = args.server.rstrip("/")
    for name in ("count", "workers"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def pick(args, normal, quick):
    return quick if args.quick else normal


def say(*parts):
    print(*parts, file=sys.stderr, flush=True)


def get(url, timeout=30):
    """GET: (status, body); 4xx and 5xx answers are statuses, not exceptions."""
    try:
        with OPENER.open(url, timeout=timeout) as answer:
            return answer.status, answer.read()
    except HTTPError as e:
        return e.code, e.read()


def control(server, path, method="GET"):
    """A control route of the fake server (`stats`, `stats/reset`, `faults`), as JSON."""
    with OPENER.open(Request(f"{server}/{path}", method=method), timeout=10) as answer:
        body = answer.read()
    return json.loads(body) if body.strip() else None


def reset_stats(server):
    control(server, "stats/reset", "POST")


def peak(server):
    return control(server, "stats")["max_in_flight"]


def latency_ms(args, normal, quick):
    """--latency-ms, else the server's own (GET /faults), else the demo's default."""
    if args.latency_ms is not None:
        return args.latency_ms
    try:
        return control(args.server, "faults")["latency_ms"]
    except OSError:
        return pick(args, normal, quick)


def flag_url(server, cc):
    cc = cc.lower()
    return f"{server}/flags/{cc}/{cc}.gif"


# The 194 codes of the classic flags set in the Rust demos' order (common::data::country_codes):
# the 20 most populous countries first, then the rest by code.
COUNTRIES = (
    "IN CN US ID PK NG BR BD RU ET MX JP EG PH CD VN IR TR DE TH AD AE AF AG AL AM AO AR AT AU AZ "
    "BA BB BE BF BG BH BI BJ BN BO BS BT BW BY BZ CA CF CG CH CI CL CM CO CR CU CV CY CZ DJ DK DM "
    "DZ EC EE ER ES FI FJ FM FR GA GB GD GE GH GM GN GQ GR GT GW GY HN HR HT HU IE IL IQ IS IT JM "
    "JO KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM "
    "MN MR MT MU MV MW MY MZ NA NE NI NL NO NP NR NZ OM PA PE PG PL PT PW PY QA RO RS RW SA SB SC "
    "SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TJ TL TM TN TO TT TV TW TZ UA UG UY UZ VA "
    "VC VE VU WS YE ZA ZM ZW"
).split()


def country_codes(n):
    return [COUNTRIES[i % len(COUNTRIES)] for i in range(n)]


def is_prime(n):
    """Trial division by odd divisors: the same plain CPU work as the Rust demos' `is_prime`."""
    if n < 4:
        return n >= 2
    if n % 2 == 0:
        return False
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def cpu_seconds():
    """This process's CPU time so far (all threads) plus that of its waited-for children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Table:
    """The rows of one demo: a text table on stdout, or JSON lines under --json."""

    def __init__(self, demo, args, same_work=True):
        self.demo, self.args, self.same_work, self.rows = demo, args, same_work, []

    def add(self, variant, items, wall_s, *, ok=None, workers=None, max_in_flight=None,
            not_found=None, errors=None, skipped=None, timed_out=None, cancelled=None,
            other_work=False, extra=None, **more):
        """One row; `more` are extra columns (`cores_used=` shows as "cores used"), `extra` a
        dict of columns whose names are not identifiers."""
        ok = items if ok is None else ok
        outcomes = dict(not_found=not_found, errors=errors, skipped=skipped,
                        timed_out=timed_out, cancelled=cancelled)
        total = ok + sum(v for v in outcomes.values() if v is not None)
        assert total == items, f"{variant}: outcomes add up to {total}, not {items}"
        first = self.rows[0]["wall_s"] if self.rows else wall_s
        row = {
            "demo": self.demo, "variant": variant, "workers": workers, "items": items,
            "wall_s": wall_s,
            "speedup": first / max(wall_s, 1e-9) if self.same_work and not other_work else None,
            "items_per_s": items / max(wall_s, 1e-9), "max_in_flight": max_in_flight, "ok": ok,
            **outcomes, "python": sys.version.split()[0], "cores": os.cpu_count(),
            "quick": self.args.quick, "extra": {**{k.replace("_", " "): v for k, v in more.items()}, **(extra or {})},
        }
        self.rows.append(row)
        return row

    def print(self):
        if self.args.json:
            for row in self.rows:
                print(json.dumps(row), flush=True)
            return
        names = ["ok", "not_found", "errors", "skipped", "timed_out", "cancelled"]
        used = [n for n in names if any(r[n] is not None for r in self.rows)]
        keys = list(dict.fromkeys(k for r in self.rows for k in r["extra"]))
        header = ["variant", "workers", "wall", "speedup", "max in flight", "/".join(used), *keys]
        lines = [header]
        for r in self.rows:
            speedup = "-" if r["speedup"] is None else f"{r['speedup']:.1f}x"
            cells = [r["variant"], str(r["workers"] or "-"), fmt_s(r["wall_s"]), speedup,
                     str(r["max_in_flight"] if r["max_in_flight"] is not None else "-"),
                     "/".join(str(r[n] or 0) for n in used)]
            cells += [fmt(r["extra"].get(k, "-")) for k in keys]
            lines.append(cells)
        widths = [max(len(line[c]) for line in lines) for c in range(len(header))]
        print()
        for line in lines:
            print("   ".join(c.ljust(w) if i == 0 else c.rjust(w)
                           for i, (c, w) in enumerate(zip(line, widths))))
        print(f"(Python {sys.version.split()[0]}, {os.cpu_count()} cores"
              f"{', --quick' if self.args.quick else ''})", flush=True)


def fmt_s(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt(value):
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def timed(work):
    start = time.perf_counter()
    out = work()
    return out, time.perf_counter() - start
