#!/usr/bin/env python3
"""The Python course's thumbnail maker at its fastest, to measure ours against. Not run in CI.

The course's design: downloads on a thread pool, resizing on a process pool (one process per
core) with Pillow's LANCZOS from the full-size image, uploads on a thread pool. Here both I/O
pools get 16 threads (`--io-threads`; the Rust `--workers` caps both directions together), and
the stages overlap: an image goes to the process pool as soon as it has arrived, a thumbnail to
the upload pool as soon as it is made. `--pillow-draft` is Pillow at its best instead: the JPEG
decoded at reduced scale (`Image.draft`, as `Image.thumbnail` does) and resized with
`reducing_gap=2.0`.

Needs Python 3 and Pillow (`pip install pillow`). With a fake server running:

    cargo run --release -p common --bin fake-server -- --latency-ms 100 &
    python3 thumbnail-maker/python/course_design.py --server http://127.0.0.1:8000
    cargo run --release -p thumbnail-maker -- --server http://127.0.0.1:8000

`--per-photo` times the resize alone on one photo in one process instead, both ways.

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

from PIL import Image

QUALITY = 85  # the Rust thumbnails' JPEG quality

# With --io-cap, every request in either pool holds one of these: the Rust variants' rule
# (`--workers` caps the requests in flight, downloads and uploads together).
io_cap = contextlib.nullcontext()


def get(url):
    with io_cap, urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()


def put(url, body):
    request = urllib.request.Request(url, data=body, method="PUT")
    request.add_header("Content-Type", "image/jpeg")
    with io_cap, urllib.request.urlopen(request, timeout=30) as answer:
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
        urllib.request.urlopen(urllib.request.Request(f"{server}/{path}", method=method)).read()
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
    parser.add_argument("--images", type=int, default=24)
    parser.add_argument("--widths", default="32,64,200")
    parser.add_argument("--io-threads", type=int, default=16)
    parser.add_argument("--io-cap", type=int, help="requests in flight, both pools together")
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pillow-draft", action="store_true")
    parser.add_argument("--per-photo", action="store_true", help="time one photo's resize, no pool")
    args = parser.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    if args.per_photo:
        per_photo(args.server, widths)
        return
    if args.io_cap:
        global io_cap
        io_cap = threading.BoundedSemaphore(args.io_cap)
    names = [f"{i}.jpg" for i in range(args.images)]
    faults = json.loads(get(f"{args.server}/faults"))
    how = "draft + reducing_gap" if args.pillow_draft else "LANCZOS from the full image"
    print(
        f"Python {sys.version.split()[0]}, Pillow {Image.__version__}: {len(names)} images, "
        f"widths {widths}, {args.io_threads} I/O threads each way (at most {args.io_cap or 2 * args.io_threads} "
        f"requests in flight), {args.processes} processes, "
        f"resize {how}; server latency {faults['latency_ms']} ms"
    )

    with cf.ProcessPoolExecutor(args.processes) as processes:
        list(processes.map(abs, range(4 * args.processes)))  # start the workers before timing
        walls = []
        for run in range(1, args.runs + 1):
            wall, done, failed, peak, resizing = run_once(
                args.server, names, widths, args.io_threads, processes, args.pillow_draft
            )
            walls.append(wall)
            print(
                f"run {run}: {wall:.3f} s, {len(names) / wall:.1f} images/s, {done} done, "
                f"{failed} failed, peak in flight {peak}, processes busy resizing "
                f"{100 * resizing / (wall * args.processes):.0f}% of the run, "
                f"{1000 * resizing / max(done, 1):.0f} ms per image"
            )
            if failed:
                sys.exit(1)
    print(f"best {min(walls):.3f} s, median {sorted(walls)[len(walls) // 2]:.3f} s")


if __name__ == "__main__":
    main()
