#!/usr/bin/env bash
# The web demo's service in Python beside the Rust servers, each loaded by the demo's own load
# generator (`async-io web --load`) at the same connection counts, against one fake server at
# 100 ms latency. Every server and the fake server run in processes of their own.
# Needs Python 3 and aiohttp (pip install aiohttp); not run in CI. From the workspace root:
#
#     bash async-io/python/compare.sh
#
# `cargo run --release -p async-io -- web --python` now gives the same comparison in one run:
# both Python servers' rows in the demo's own table, beside the Rust rows, measured as they are
# (each server warmed up first, which this script does not do), and a line per connection count
# setting Rust async against aiohttp.web. This script stays for a cold run of the four servers.
#
# CONNECTIONS=200,1000 (a comma-separated list) and DURATION=5 (seconds per load) set the size;
# WORKERS=8 the thread pools of both sync servers.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=async-io/python
counts=${CONNECTIONS:-200,1000}
duration=${DURATION:-5}
workers=${WORKERS:-8}

python3 -c 'import aiohttp' 2>/dev/null || { echo "error: aiohttp is missing (pip install aiohttp)" >&2; exit 1; }
cargo build --release --locked -q -p common --bin fake-server -p async-io
bin=./target/release/async-io
# A server at 1,000 connections holds about 3,000 descriptors.
ulimit -n 20000 2>/dev/null || true

log=$(mktemp)
rows=$(mktemp)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -f "$log" "$rows"
}
trap cleanup EXIT

./target/release/fake-server --port 0 --latency-ms 100 --image-variants 0 >"$log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q 'http://' "$log" && break; sleep 0.1; done
upstream=$(grep -o 'http://[0-9.:]*' "$log" | head -1)
[ -n "$upstream" ] || { echo "error: the fake server did not start: $(cat "$log")" >&2; exit 1; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# run NAME N COMMAND...: starts a server on a free port, waits until it answers, loads it with N
# connections, stops it. A fresh server for every load: a blocking server would otherwise spend
# the next load's first seconds answering the connections the last one abandoned.
run() {
    local name=$1 n=$2
    shift 2
    local port
    port=$(free_port)
    "${@/PORT/$port}" >/dev/null 2>&1 &
    local pid=$!
    pids+=("$pid")
    local url="http://127.0.0.1:$port/api/flags/br"
    python3 - "$url" <<'PY' || { echo "error: $name did not start" >&2; exit 1; }
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=5).read()
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit(1)
PY
    echo "$name: $n connections for $duration s" >&2
    "$bin" web --load "$url" --connections "$n" --duration "$duration" --json 2>/dev/null |
        python3 -c 'import json, sys; r = json.loads(sys.stdin.readline()); r["server"] = sys.argv[1]; r["n"] = int(sys.argv[2]); print(json.dumps(r))' "$name" "$n" >>"$rows"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

for n in ${counts//,/ }; do
    run "Python sync, $workers threads" "$n" python3 $here/flags_sync.py --port PORT --server "$upstream" --workers "$workers"
    run "Python aiohttp.web" "$n" python3 $here/flags_aiohttp.py --port PORT --server "$upstream"
    run "Rust blocking, $workers threads" "$n" "$bin" web --serve blocking --port PORT --server "$upstream" --workers "$workers"
    run "Rust async (axum)" "$n" "$bin" web --serve async --port PORT --server "$upstream"
done

python3 - "$rows" "$duration" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"\n{'server':<28}{'conn':>6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ok':>8}{'4xx':>5}{'5xx':>5}{'t/o':>6}{'conn err':>9}")
for r in rows:
    x = r["extra"]
    print(f"{r['server']:<28}{r['n']:>6}{x['requests_per_s']:>9.0f}{x['p50_ms']:>9.0f}{x['p99_ms']:>9.0f}"
          f"{r['ok']:>8}{x['status_4xx']:>5}{x['status_5xx']:>5}{r['timed_out']:>6}{x['connection_errors']:>9}")
rate = {(r["server"].split(",")[0], r["n"]): r["extra"]["requests_per_s"] for r in rows}
for n in sorted({r["n"] for r in rows}):
    a, p = rate.get(("Rust async (axum)", n)), rate.get(("Python aiohttp.web", n))
    if a and p:
        aim = " (aim >= 4x)" if n == 1000 else ""
        print(f"{n} connections: Rust async {a / p:.1f}x aiohttp.web's requests per second{aim}")
print(f"(release build, {sys.argv[2]} s per load, one run, 100 ms upstream latency per call)")
PY
