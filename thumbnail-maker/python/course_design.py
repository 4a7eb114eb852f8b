#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = ["Pillow>=10.0"]
# ///
"""The Python course's thumbnail maker at its fastest, to measure ours against.

The course's design: downloads on a thread pool, resizing on a process pool (one process per
core) with Pillow's LANCZOS from the full-size image, uploads on a thread pool. Here both I/O
pools get 16 threads (`--io-threads`; the Rust `--workers` caps both directions together), and
the stages overlap: an image goes to the process pool as soon as it has arrived, a thumbnail to
the upload pool as soon as it is made. `--pillow-draft` is Pillow at its best instead: the JPEG
decoded at reduced scale (`Image.draft`, as `Image.thumbnail` does) and resized with
`reducing_gap=2.0`.

Needs Python 3.11+ and Pillow (`pip install -r requirements.txt`). With a fake server running:

    cargo run --release -p common --bin fake-server -- --latency-ms 100 &
    python3 thumbnail-maker/python/course_design.py --server http://127.0.0.1:8000
    cargo run --release -p thumbnail-maker -- --server http://127.0.0.1:8000

`--per-photo` times the resize alone on one photo in one process instead, both ways.

The Rust tour's knobs work too, for `--python`: `--count N` (as `--images`), `--workers W` (both
I/O pools of W threads, at most W requests in flight together: the Rust variants' rule),
`--quick` (8 images, one run), `--latency-ms` (read, never set: the server's faults are its own)
and `--json`: then both designs run, the course's and Pillow's draft mode, each one JSON row on
stdout (the median run), and the narration goes to stderr.

Look for: the wall time of each run, to set beside the Rust table's, and how busy resizing kept the
processes: most of the run in the course's design, which decodes every photo at full size.
"""

import argparse
import concurrent.futures as cf
import contextlib
import io
import json
import os
import sys
import threading
import time
import urllib.request
from urllib.request import ProxyHandler, build_opener

from PIL import Image

QUALITY = 85  # the Rust thumbnails' JPEG quality

# With --io-cap, every request in either pool holds one of these: the Rust variants' rule
# (`--workers` caps the requests in flight, downloads and uploads together).
io_cap = contextlib.nullcontext()

# Straight to the fake server, whatever HTTP_PROXY and friends say.
opener = build_opener(ProxyHandler({}))


def get(url):
    with io_cap, opener.open(url, timeout=30) as answer:
        return answer.read()


def put(url, body):
    request = urllib.request.Request(url, data=body, method="PUT")
    request.add_header("Content-Type", "image/jpeg")
    with io_cap, opener.open(request, timeout=30) as answer:
        answer.read()


def resize(name, data, widths, draft):
    """Runs in a worker process: every width of one image as JPEG bytes, and the seconds spent."""
    start = time.perf_counter()
    image = Image.open(io.BytesIO(data))
    if draft:
        # As `Image.thumbnail` does: decode at the smallest scale still twice the widest thumbnail.
        widest = 2 * max(widths)
        image.draft("RGB", (widest, round(image.height * widest / image.width)))
    image = image.convert("RGB")
    stem = name.rsplit(".", 1)[0]
    thumbs = []
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        gap = 2.0 if draft else None
        thumb = image.resize((width, height), Image.LANCZOS, reducing_gap=gap)
        out = io.BytesIO()
        thumb.save(out, "JPEG", quality=QUALITY)
        thumbs.append((f"{stem}_{width}.jpg", out.getvalue()))
    return thumbs, time.perf_counter() - start


def run_once(server, names, widths, io_threads, processes, draft):
    """One batch; returns (wall seconds, done, failed, the server's peak in flight, the seconds
    the processes spent resizing)."""
    for path, method in [("uploads", "DELETE"), ("stats/reset", "POST")]:
        opener.open(urllib.request.Request(f"{server}/{path}", method=method)).read()
    failed, resizing = set(), 0.0
    start = time.perf_counter()
    with cf.ThreadPoolExecutor(io_threads) as downloads, cf.ThreadPoolExecutor(io_threads) as uploads:
        # One loop sees every stage finish, so each result moves on to the next stage at once.
        pending = {downloads.submit(get, f"{server}/images/{n}"): ("download", n) for n in names}
        while pending:
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                stage, name = pending.pop(future)
                try:
                    result = future.result()
                except Exception as e:  # noqa: BLE001: every image is counted, whatever failed
                    print(f"failed {name}: {stage}: {e}", file=sys.stderr)
                    failed.add(name)
                    continue
                if stage == "download":
                    pending[processes.submit(resize, name, result, widths, draft)] = ("resize", name)
                elif stage == "resize":
                    thumbs, seconds = result
                    resizing += seconds
                    for thumb_name, body in thumbs:
                        url = f"{server}/uploads/{thumb_name}"
                        pending[uploads.submit(put, url, body)] = ("upload", name)
    wall = time.perf_counter() - start

    # Every expected thumbnail must be on the server, as in the Rust version.
    listed = {u["name"] for u in json.loads(get(f"{server}/uploads"))}
    for name in set(names) - failed:
        stem = name.rsplit(".", 1)[0]
        if any(f"{stem}_{w}.jpg" not in listed for w in widths):
            print(f"failed {name}: a thumbnail is missing on the server", file=sys.stderr)
            failed.add(name)
    peak = json.loads(get(f"{server}/stats"))["max_in_flight"]
    return wall, len(names) - len(failed), len(failed), peak, resizing


def per_photo(server, widths, rounds=5, repeats=20):
    """Both resize modes on one photo in this process, no pool: the per-photo CPU cost, to set
    beside `cargo bench -p thumbnail-maker` (its photo 1920x1280 is the server's /images/1.jpg)."""
    data = get(f"{server}/images/1.jpg")
    width, height = Image.open(io.BytesIO(data)).size
    print(f"one process, {width}x{height} photo, widths {widths}, best and median of {rounds} rounds:")
    for draft, how in [(False, "the course's LANCZOS from the full image"), (True, "Pillow's draft mode")]:
        per_round = []
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(repeats):
                resize("1.jpg", data, widths, draft)
            per_round.append(1000 * (time.perf_counter() - start) / repeats)
        per_round.sort()
        print(f"  {how}: {per_round[0]:.1f} ms per photo (median {per_round[rounds // 2]:.1f} ms)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="http://127.0.0.1:8000")
    parser.add_argument("--images", type=int, default=None, help="[default: 24, 8 with --quick]")
    parser.add_argument("--count", type=int, help="as --images (the Rust tour's knob)")
    parser.add_argument("--widths", default="32,64,200")
    parser.add_argument("--io-threads", type=int, default=16)
    parser.add_argument("--io-cap", type=int, help="requests in flight, both pools together")
    parser.add_argument("--workers", type=int, help="as --io-threads W --io-cap W (the Rust rule)")
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    parser.add_argument("--runs", type=int, default=None, help="[default: 3, 1 with --quick]")
    parser.add_argument("--pillow-draft", action="store_true")
    parser.add_argument("--per-photo", action="store_true", help="time one photo's resize, no pool")
    parser.add_argument("--quick", action="store_true", help="8 images, one run")
    parser.add_argument("--latency-ms", type=int, help="ignored: the server's latency is read from it")
    parser.add_argument("--json", action="store_true", help="both designs, one JSON row each on stdout")
    args = parser.parse_args()
    args.server = args.server.rstrip("/")
    out = sys.stderr if args.json else sys.stdout
    widths = [int(w) for w in args.widths.split(",")]
    if args.per_photo:
        per_photo(args.server, widths)
        return
    if args.workers:
        args.io_threads, args.io_cap = args.workers, args.workers
    if args.io_cap:
        global io_cap
        io_cap = threading.BoundedSemaphore(args.io_cap)
    count = args.images or args.count or (8 if args.quick else 24)
    runs = args.runs or (1 if args.quick else 3)
    names = [f"{i}.jpg" for i in range(count)]
    faults = json.loads(get(f"{args.server}/faults"))
    drafts = [False, True] if args.json else [args.pillow_draft]
    ways = " and ".join("draft + reducing_gap" if d else "LANCZOS from the full image" for d in drafts)
    print(
        f"Python {sys.version.split()[0]}, Pillow {Image.__version__}: {len(names)} images, "
        f"widths {widths}, {args.io_threads} I/O threads each way (at most {args.io_cap or 2 * args.io_threads} "
        f"requests in flight), {args.processes} processes, "
        f"resize {ways}; server latency {faults['latency_ms']} ms",
        file=out,
    )

    rows = []
    with cf.ProcessPoolExecutor(args.processes) as processes:
        list(processes.map(abs, range(4 * args.processes)))  # start the workers before timing
        for draft in drafts:
            results = []
            for run in range(1, runs + 1):
                wall, done, failed, peak, resizing = run_once(
                    args.server, names, widths, args.io_threads, processes, draft
                )
                results.append((wall, done, failed, peak, resizing))
                print(
                    f"run {run}: {wall:.3f} s, {len(names) / wall:.1f} images/s, {done} done, "
                    f"{failed} failed, peak in flight {peak}, processes busy resizing "
                    f"{100 * resizing / (wall * args.processes):.0f}% of the run, "
                    f"{1000 * resizing / max(done, 1):.0f} ms per image",
                    file=out,
                )
                if failed and not args.json:
                    sys.exit(1)
            walls = sorted(r[0] for r in results)
            print(f"best {walls[0]:.3f} s, median {walls[len(walls) // 2]:.3f} s", file=out)
            wall, done, failed, peak, resizing = sorted(results)[len(results) // 2]
            rows.append({
                "demo": "thumbnail-maker",
                "variant": "Pillow's draft mode" if draft else "the course's design",
                "workers": args.io_cap or None, "items": len(names), "wall_s": wall,
                "items_per_s": len(names) / wall, "max_in_flight": peak, "ok": done,
                "not_found": None, "errors": failed, "skipped": 0, "timed_out": None,
                "cancelled": None, "python": sys.version.split()[0], "quick": args.quick,
                "extra": {"runs": runs, "processes": args.processes,
                          "ms resizing per image": round(1000 * resizing / max(done, 1)),
                          "best of runs s": walls[0]},
            })
    if args.json:
        for row in rows:
            row["speedup"] = rows[0]["wall_s"] / max(row["wall_s"], 1e-9)
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
