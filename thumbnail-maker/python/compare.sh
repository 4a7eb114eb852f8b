#!/usr/bin/env bash
# The thumbnail maker against the Python course's design, on this machine, against one fake
# server: 24 photos of 1920x1280 at 100 ms latency, at two ceilings of requests in flight.
# Needs Python 3 and Pillow (pip install pillow); not run in CI. From the workspace root:
#
#     bash thumbnail-maker/python/compare.sh
#
# First the CPU cost of one photo in one process, both timed alike (5 rounds of 20 photos, the
# fastest and median round): the Rust step, then Pillow's two ways. Then the whole batch, each
# pairing giving both sides the same ceiling: Python's download and upload pools of N threads
# each may have 2N requests in flight, so the Rust async variant gets --workers 2N.
# RUNS=5 takes the medians of 5 runs instead of 3.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=thumbnail-maker/python
runs=${RUNS:-3}

python3 -c 'import PIL' 2>/dev/null || { echo "error: Pillow is missing (pip install pillow)" >&2; exit 1; }
cargo build --release --locked -q -p common --bin fake-server -p thumbnail-maker

# The server on a free port; its first line says where.
log=$(mktemp)
out=$(mktemp)
./target/release/fake-server --port 0 --latency-ms 100 >"$log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; rm -f "$log" "$out"' EXIT
for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$log" | head -1)
[ -n "$url" ] || { echo "error: the fake server did not start: $(cat "$log")" >&2; exit 1; }

# The CPU side first: one photo's resize in one process, Rust's then Pillow's, on the same photo.
echo "== one 1920x1280 photo, every width, one process =="
cargo bench --locked -q -p thumbnail-maker --bench resize -- all_widths decode_reduced \
    --sample-count 5 --sample-size 20 2>/dev/null | grep -v 2000x1500
python3 $here/course_design.py --server "$url" --per-photo
echo

rust_median() { # --workers N: the median wall time of the async variant over $runs runs
    for _ in $(seq "$runs"); do
        ./target/release/thumbnail-maker --server "$url" --variant async --workers "$1" --json 2>/dev/null |
            python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["wall_s"])'
    done | sort -g | sed -n "$(((runs + 1) / 2))p"
}

for threads in 8 16; do
    ceiling=$((2 * threads))
    echo "== at most $ceiling requests in flight =="
    python3 $here/course_design.py --server "$url" --io-threads "$threads" --runs "$runs" | tee "$out"
    course_s=$(tail -1 "$out" | sed 's/.*median \([0-9.]*\) s/\1/')
    python3 $here/course_design.py --server "$url" --io-threads "$threads" --runs "$runs" --pillow-draft | tee "$out"
    draft_s=$(tail -1 "$out" | sed 's/.*median \([0-9.]*\) s/\1/')
    rust=$(rust_median "$ceiling")
    python3 - "$rust" "$course_s" "$draft_s" "$ceiling" <<'EOF'
import sys
rust, course, draft, ceiling = map(float, sys.argv[1:])
print(f"medians with {ceiling:.0f} in flight: Rust async {rust:.3f} s; Python course design "
      f"{course:.3f} s ({course / rust:.1f}x Rust's time); Pillow with draft {draft:.3f} s "
      f"({draft / rust:.1f}x)\n")
EOF
done
