#!/usr/bin/env bash
# The thumbnail maker against the Python course's design, on this machine, against one fake
# server: 24 photos of 1920x1280 at 100 ms latency, at two ceilings of requests in flight.
# The same comparison in one run, both designs' rows in the tour's own table, is
# `cargo run --release -p thumbnail-maker -- --python` (one run of each, every variant, at the
# tour's cap of 16 requests in flight for both languages); this script adds the per-photo cost,
# the medians of several runs and the README's goals. It needs Pillow in `python3` (a venv from
# requirements.txt, activated); not run in CI. From the workspace root:
#
#     bash thumbnail-maker/python/compare.sh
#
# First the CPU cost of one photo in one process, both timed alike (5 rounds of 20 photos, the
# fastest and median round): the Rust step, then Pillow's two ways. Then the whole batch, each
# pairing giving both sides the same ceiling: Python's download and upload pools of N threads
# each may have 2N requests in flight, so the Rust async variant gets --workers 2N. Last, the
# figures the README's tables and goals need, in one block.
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
figures=$(mktemp)
./target/release/fake-server --port 0 --latency-ms 100 >"$log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; rm -f "$log" "$out" "$figures"' EXIT
for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$log" | head -1)
[ -n "$url" ] || { echo "error: the fake server did not start: $(cat "$log")" >&2; exit 1; }

# The CPU side first: one photo's resize in one process, Rust's then Pillow's, on the same photo.
echo "== one 1920x1280 photo, every width, one process =="
cargo bench --locked -q -p thumbnail-maker --bench resize -- all_widths decode_reduced \
    thumbnails_all_widths --sample-count 5 --sample-size 20 2>/dev/null | grep -v 2000x1500 | tee "$out"
# divan's rows: a benchmark's name, then a row per argument: "1920x1280  fastest │ slowest │ median".
python3 - "$out" >>"$figures" <<'EOF'
import re, sys
bench, rows = None, {}
scale = {"ns": 1e-6, "µs": 1e-3, "ms": 1.0, "s": 1e3}
for line in open(sys.argv[1]):
    name = re.search(r"─ ([a-z_]+)\s", line)
    if name:
        bench = name.group(1)
    cells = re.findall(r"([0-9.]+) (ns|µs|ms|s)\b", line)
    if "1920x1280" in line and len(cells) >= 3:
        rows[bench] = [float(v) * scale[u] for v, u in (cells[0], cells[2])]
for key, bench in [("rust_photo", "all_widths"), ("rust_thumbnails", "thumbnails_all_widths")]:
    print(key, *(f"{v:.2f}" for v in rows[bench]))
EOF
python3 $here/course_design.py --server "$url" --per-photo | tee "$out"
sed -n "s/.*draft mode: \([0-9.]*\) ms per photo (median \([0-9.]*\) ms)/pillow_draft \1 \2/p;
        s/.*full image: \([0-9.]*\) ms per photo (median \([0-9.]*\) ms)/pillow_course \1 \2/p" "$out" >>"$figures"
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
    echo "batch $ceiling $rust $course_s $draft_s" >>"$figures"
    python3 - "$rust" "$course_s" "$draft_s" "$ceiling" <<'EOF'
import sys
rust, course, draft, ceiling = map(float, sys.argv[1:])
print(f"medians with {ceiling:.0f} in flight: Rust async {rust:.3f} s; Python course design "
      f"{course:.3f} s ({course / rust:.1f}x Rust's time); Pillow with draft {draft:.3f} s "
      f"({draft / rust:.1f}x)\n")
EOF
done

echo "== the README's figures and the goals =="
python3 - "$figures" <<'EOF'
import sys
f = {}
for line in open(sys.argv[1]):
    key, *values = line.split()
    if key == "batch":
        key += values.pop(0)
    f[key] = [float(v) for v in values]
rust, draft, course = f["rust_photo"], f["pillow_draft"], f["pillow_course"]
print("one photo, fastest round / median round:")
print(f"  Rust (decode reduced, thumbnails, encode) {rust[0]:.1f} / {rust[1]:.1f} ms, of which "
      f"the three thumbnails {f['rust_thumbnails'][0]:.1f} / {f['rust_thumbnails'][1]:.1f} ms")
print(f"  Pillow's draft mode {draft[0]:.1f} / {draft[1]:.1f} ms; the course's LANCZOS from the "
      f"full image {course[0]:.1f} / {course[1]:.1f} ms")
ratio = rust[0] / draft[0]
print(f"  goal, Rust within 1.3x of Pillow's draft mode (fastest rounds): {ratio:.2f}x, "
      f"{'met' if ratio <= 1.3 else 'NOT met'}")
requests, latency = 24 * 4, 0.1  # a download and three uploads per photo
for ceiling in (16, 32):
    rust_s, course_s, draft_s = f[f"batch{ceiling}"]
    print(f"batch, {ceiling} in flight (Python: {ceiling // 2} threads each way): Rust {rust_s:.3f} s, "
          f"the course's design {course_s:.3f} s, Pillow's draft mode {draft_s:.3f} s")
floor, rust16, rust32, course = requests / 16 * latency, f["batch16"][0], f["batch32"][0], f["batch32"][1]
print(f"  goal, Rust at 16 in flight within 1.15x of the I/O floor ({requests} requests / 16 x "
      f"100 ms = {floor:.1f} s): {rust16 / floor:.2f}x, {'met' if rust16 <= 1.15 * floor else 'NOT met'}")
print(f"  goal, at least 3x the course's design with its pools (16 + 16 threads: {course:.3f} s), "
      f"at the same 32 in flight: {course / rust32:.1f}x, {'met' if course >= 3 * rust32 else 'NOT met'}")
print(f"  the same against our default 16 in flight: {course / rust16:.1f}x (at most "
      f"{course / floor:.1f}x: no program at 16 in flight beats the {floor:.1f} s floor)")
EOF
