#!/usr/bin/env python3
# /// script
# requires-python = ">=3.11"
# dependencies = ["Pillow>=10.0"]
# ///
"""The Python course's thumbnail maker, the twin of the Rust tour's variants.

The course's design: downloads on a thread pool, resizing on a process pool (one process per
core) with Pillow's LANCZOS from the full-size image, uploads on a thread pool. Here both I/O
pools get 16 threads (`--io-threads`), and the stages overlap: an image goes to the process pool
as soon as it has arrived, a thumbnail to the upload pool as soon as it is made (the Rust async
and pipeline variants overlap the same way; the rayon variant's phases do not). `--pillow-draft`
is Pillow at its best instead: the JPEG decoded at reduced scale (`Image.draft` picks the
smallest JPEG DCT scale, 1/2, 1/4 or 1/8, still at least the size asked for, as
`Image.thumbnail` does) and resized with `reducing_gap=2.0`.

The twin's knobs are the Rust tour's: `--server URL`, `--images N` (or `--count N`: the same;
24 images by default, 8 with `--quick`), `--widths`, `--workers W` (both I/O pools of W threads,
at most W requests in flight together: the Rust variants' rule), `--latency-ms` (read, never
set: the server's faults are its own), `--quick` (8 images, one run) and `--json`: then both
designs run, the course's and Pillow's draft mode, each one JSON row on stdout in the shape of
the Rust rows (`_twin.py`'s `Table`; the median of `--runs` runs), and the narration goes to
stderr. `cargo run -p thumbnail-maker -- --python` runs it that way against the tour's own
server, with the tour's images, widths and cap, and puts its rows in the tour's table as
`Python: the course's design` and `Python: Pillow's draft mode`.

The images are the server's: `0.jpg`, `1.jpg`, ... for its generated photos, else the files it
lists (a folder served with `--images-dir`), as in the Rust tour. Each run times its own work
(`time.perf_counter()` around the batch, after the imports, the process pool's start and the
server's reset). Alone, with a fake server running:

    cargo run --release -p common --bin fake-server -- --latency-ms 100 &
    python3 thumbnail-maker/python/course_design.py --server http://127.0.0.1:8000
    cargo run --release -p thumbnail-maker -- --server http://127.0.0.1:8000

`--per-photo` times the resize alone on one photo in one process instead, both ways.

Every image ends as the Rust variants' do, in exactly one of three ways: done (every thumbnail
uploaded and listed by the server), skipped (not a photo Pillow can read: a truncated or unknown
file, or a decompression bomb, over twice `Image.MAX_IMAGE_PIXELS`; not retried) or failed (a
request that still failed after four tries: a 5xx answer or a broken connection is tried again
after 20, 40, 80 ms, a 4xx is not). As in Rust, a photo narrower than a thumbnail keeps its own
width (`Image.thumbnail` never enlarges either), is turned upright from its EXIF orientation
first, and a greyscale one stays greyscale. The server's faults (latency, errors, truncated
downloads) are read, never changed, and every request goes straight to it, whatever
`HTTP_PROXY` says (`_twin.OPENER`: urllib with an empty `ProxyHandler`).

Look for: the wall time of each run, to set beside the Rust rows', and how busy resizing kept the
processes: most of the run in the course's design, which decodes every photo at full size.

Needs Python 3.11+ and Pillow (`pip install -r requirements.txt`, or `uv run` with the header).
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
import urllib.error
import urllib.request

from PIL import Image, ImageOps

from _twin import OPENER, Table  # beside this file: the knobs' shape, the rows, no proxy

QUALITY = 85  # the Rust thumbnails' JPEG quality

# With --io-cap, every request in either pool holds one of these: the Rust variants' rule
# (`--workers` caps the requests in flight, downloads and uploads together).
io_cap = contextlib.nullcontext()

ATTEMPTS = 4  # tries per request in all, as in the Rust variants
TIMEOUT = 10  # seconds: urllib's timeout bounds the connection and each read, not the request
retries = 0  # requests tried again (under the GIL one `+=` from many threads is not atomic:
retries_lock = threading.Lock()  # hence the lock)


class Failed(Exception):
    """A request that failed for good: a 4xx answer, or still failing after ATTEMPTS tries."""


def control(path, method="GET"):
    """A control route of the fake server (stats, uploads listing, faults): never faulted, not
    counted, not under the cap on requests in flight."""
    request = urllib.request.Request(path, method=method)
    with OPENER.open(request, timeout=TIMEOUT) as answer:
        return json.loads(answer.read())


def call(request, what):
    """One request under the cap, retried as the Rust variants do; returns the body."""
    global retries
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with io_cap, OPENER.open(request, timeout=TIMEOUT) as answer:
                return answer.read()
        except urllib.error.HTTPError as e:
            if e.code < 500 or attempt == ATTEMPTS:
                raise Failed(f"{what}: HTTP {e.code} after {attempt} tries") from None
        except OSError as e:  # the connection broke or timed out (URLError is an OSError)
            if attempt == ATTEMPTS:
                raise Failed(f"{what}: {e} after {attempt} tries") from None
        with retries_lock:
            retries += 1
        time.sleep(0.01 * 2**attempt)  # 20, 40, 80 ms
    raise AssertionError("unreachable")


def get(url):
    return call(url, f"download {url.rsplit('/', 1)[-1]}")


def put(url, body):
    request = urllib.request.Request(url, data=body, method="PUT")
    request.add_header("Content-Type", "image/jpeg")
    call(request, f"upload {url.rsplit('/', 1)[-1]}")


def thumb_name(image, width):
    """`photo.jpg` -> `photo_200.jpg`; any other name keeps its extension: `a.png_200.jpg`."""
    stem, dot, extension = image.rpartition(".")
    return f"{stem if dot and extension.lower() == 'jpg' else image}_{width}.jpg"


def resize(name, data, widths, draft):
    """Runs in a worker process: (thumbnails as (name, JPEG bytes), None) and the seconds spent,
    or (None, why) when the file is not a photo Pillow can read (the image is then skipped)."""
    start = time.perf_counter()
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size  # the full size, before any draft
        if draft:
            # As `Image.thumbnail` does: decode at the smallest scale (1/2, 1/4, 1/8) still at
            # least twice the widest thumbnail (a no-op for every format but JPEG).
            widest = 2 * max(widths)
            image.draft("RGB", (widest, max(1, round(height * widest / width))))
        if image.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # turned a quarter: swapped sides
            width, height = height, width
        image = ImageOps.exif_transpose(image)  # upright, and decoded: a truncated file fails here
        image = image.convert("L" if image.mode in ("1", "L", "LA", "I;16") else "RGB")
    except (OSError, Image.DecompressionBombError) as e:  # UnidentifiedImageError is an OSError
        return (None, f"not a readable photo: {e}"), time.perf_counter() - start
    thumbs = []
    for requested in widths:
        w = min(requested, width)  # never enlarged, as in Rust and in `Image.thumbnail`
        h = max(1, (height * w + width // 2) // width)
        gap = 2.0 if draft else None
        thumb = image.resize((w, h), Image.LANCZOS, reducing_gap=gap)
        out = io.BytesIO()
        thumb.save(out, "JPEG", quality=QUALITY)
        thumbs.append((thumb_name(name, requested), out.getvalue()))
    return (thumbs, None), time.perf_counter() - start


def run_once(server, names, widths, io_threads, processes, draft):
    """One batch from a clean slate (the server's uploads cleared, its stats reset); returns what
    it did: wall seconds, done / skipped / failed, the server's figures, the resize seconds."""
    global retries
    control(f"{server}/uploads", "DELETE")
    control(f"{server}/stats/reset", "POST")
    retries = 0
    skipped, failed, resizing, resized = {}, {}, 0.0, 0
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
                    failed.setdefault(name, f"{stage}: {e}")
                    continue
                if stage == "download":
                    pending[processes.submit(resize, name, result, widths, draft)] = ("resize", name)
                elif stage == "resize":
                    (thumbs, why), seconds = result
                    resizing, resized = resizing + seconds, resized + 1
                    if thumbs is None:
                        skipped[name] = why
                        continue
                    for thumb, body in thumbs:
                        url = f"{server}/uploads/{thumb}"
                        pending[uploads.submit(put, url, body)] = ("upload", name)
    wall = time.perf_counter() - start
    stats = control(f"{server}/stats")  # before the checks below, which are requests too

    # Every thumbnail of every image done must be listed by the server, as in the Rust tour.
    listed = {u["name"] for u in control(f"{server}/uploads")}
    verified = 0
    for name in names:
        if name in skipped or name in failed:
            continue
        missing = [t for t in (thumb_name(name, w) for w in widths) if t not in listed]
        if missing:
            failed[name] = f"{', '.join(missing)} missing from the uploads"
        else:
            verified += len(widths)
    return {
        "wall": wall, "done": len(names) - len(skipped) - len(failed), "skipped": skipped,
        "failed": failed, "stats": stats, "retries": retries, "resizing": resizing,
        "resized": resized, "verified": verified,
    }


def per_photo(server, widths, rounds=5, repeats=20):
    """Both resize modes on one photo in this process, no pool: the per-photo CPU cost, to set
    beside `cargo bench -p thumbnail-maker` (its photo 1920x1280 is the server's /images/1.jpg)."""
    control(f"{server}/stats/reset", "POST")  # the photo as the batch sees it first
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


def cores():
    """The cores this process may use (os.process_cpu_count() from 3.13; the affinity mask, as
    Rust's available_parallelism reads it, before)."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def image_names(server, count, quick):
    """The server's generated photos cycled to `count` (24, 8 with --quick), or the first
    `count` of the files it lists (all of them by default), as the Rust tour picks them."""
    listed = [image["name"] for image in control(f"{server}/images")]
    if all(name == f"{i}.jpg" for i, name in enumerate(listed)):
        return [f"{i}.jpg" for i in range(count or (8 if quick else 24))]
    return listed[:count] if count else listed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # The shared knobs, as `_twin.knobs` has them (it takes no on/off flags of a demo's own).
    parser.add_argument("--server", default="http://127.0.0.1:8000", help="the fake server's URL")
    parser.add_argument("--count", type=int, help="as --images (the shared knob's name)")
    parser.add_argument("--latency-ms", type=int, help="ignored: the server's latency is read from it")
    parser.add_argument("--workers", type=int, help="as --io-threads W --io-cap W (the Rust rule)")
    parser.add_argument("--quick", action="store_true", help="8 images, one run")
    parser.add_argument("--json", action="store_true", help="both designs, one JSON row each on stdout")
    # The thumbnail maker's own.
    parser.add_argument("--images", type=int, default=None, help="[default: 24, 8 with --quick]")
    parser.add_argument("--widths", default="32,64,200")
    parser.add_argument("--io-threads", type=int, default=16)
    parser.add_argument("--io-cap", type=int, help="requests in flight, both pools together")
    parser.add_argument("--processes", type=int, default=cores())
    parser.add_argument("--runs", type=int, default=None, help="[default: 3, 1 with --quick]")
    parser.add_argument("--pillow-draft", action="store_true")
    parser.add_argument("--per-photo", action="store_true", help="time one photo's resize, no pool")
    args = parser.parse_args()
    for name in ("count", "workers", "images", "io_threads", "io_cap", "processes", "runs"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    args.server = args.server.rstrip("/")
    out = sys.stderr if args.json else sys.stdout
    widths = list(dict.fromkeys(int(w) for w in args.widths.split(",")))  # each once, in order
    if args.per_photo:
        per_photo(args.server, widths)
        return
    if args.workers:
        args.io_threads, args.io_cap = args.workers, args.workers
    if args.io_cap:
        global io_cap
        io_cap = threading.BoundedSemaphore(args.io_cap)
    runs = args.runs or (1 if args.quick else 3)
    names = image_names(args.server, args.images or args.count, args.quick)
    faults = control(f"{args.server}/faults")
    drafts = [False, True] if args.json else [args.pillow_draft]
    ways = " and ".join("draft + reducing_gap" if d else "LANCZOS from the full image" for d in drafts)
    print(
        f"Python {sys.version.split()[0]}, Pillow {Image.__version__}: {len(names)} images, "
        f"widths {widths}, {args.io_threads} I/O threads each way (at most {args.io_cap or 2 * args.io_threads} "
        f"requests in flight), {args.processes} processes, "
        f"resize {ways}; server latency {faults['latency_ms']} ms, "
        f"{runs} run{'s' if runs > 1 else ''} each (the median's row)",
        file=out,
    )

    table = Table("thumbnail-maker", args)
    with cf.ProcessPoolExecutor(args.processes) as processes:
        # Every worker started (and Pillow imported in it) before anything is timed.
        list(processes.map(time.sleep, [0.05] * args.processes))
        for draft in drafts:
            results = []
            for run in range(1, runs + 1):
                r = run_once(args.server, names, widths, args.io_threads, processes, draft)
                results.append(r)
                busy = r["resizing"] / (r["wall"] * args.processes)
                print(
                    f"run {run}: {r['wall']:.3f} s, {len(names) / r['wall']:.1f} images/s, "
                    f"{r['done']} done, {len(r['skipped'])} skipped, {len(r['failed'])} failed, "
                    f"peak in flight {r['stats']['max_in_flight']}, {r['retries']} retries, "
                    f"processes busy resizing {100 * busy:.0f}% of the run, "
                    f"{1000 * r['resizing'] / max(r['resized'], 1):.0f} ms per image",
                    file=out,
                )
                for why, images in [("skipped", r["skipped"]), ("failed", r["failed"])]:
                    for name, reason in images.items():
                        print(f"  {why} {name}: {reason}", file=out)
                if r["failed"] and not args.json:
                    sys.exit(1)
            walls = sorted(r["wall"] for r in results)
            print(f"best {walls[0]:.3f} s, median {walls[len(walls) // 2]:.3f} s", file=out)
            r = sorted(results, key=lambda r: r["wall"])[len(results) // 2]
            busy = r["resizing"] / (r["wall"] * args.processes)
            table.add(
                "Pillow's draft mode" if draft else "the course's design", len(names), r["wall"],
                ok=r["done"], errors=len(r["failed"]), skipped=len(r["skipped"]),
                workers=args.io_cap, max_in_flight=r["stats"]["max_in_flight"],
                # The Rust rows' columns, measured the same way (resize/img: one image's decode,
                # resizes and encodes in its process; resize busy: their sum over wall x
                # processes, one per core by default).
                extra={
                    "MB down": r["stats"]["bytes_out"] / 1e6, "MB up": r["stats"]["bytes_in"] / 1e6,
                    "retries": r["retries"],
                    "resize/img": f"{1000 * r['resizing'] / max(r['resized'], 1):.1f} ms",
                    "resize busy": f"{100 * busy:.0f}%", "busy dl/rs/up": "-",
                    "verified": r["verified"],
                },
            )
    if args.json:
        table.print()


if __name__ == "__main__":
    main()
