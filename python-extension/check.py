#!/usr/bin/env python3
"""The extension's checks, stdlib unittest only: `.venv/bin/python python-extension/check.py`.

They need the installed module (`.venv/bin/pip install ./python-extension`). No check times
anything: the GIL is shown released by an outcome (N threads meet at a barrier inside Rust),
never by a clock, so a busy machine cannot fail them.
"""

import json
import os
import subprocess
import sys
import unittest
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

try:
    import rust_primes
except ImportError:
    sys.exit("check.py: the module rust_primes is not installed; "
             "run: .venv/bin/pip install ./python-extension")

DEMO = Path(__file__).resolve().with_name("demo.py")
N = os.cpu_count() or 1
# Whether this interpreter runs with a GIL (free-threaded 3.13t/3.14t may run without one).
GIL_ENABLED = getattr(sys, "_is_gil_enabled", lambda: True)()
COUNTS = (
    rust_primes.count_primes_gil_held,
    rust_primes.count_primes_gil_released,
    rust_primes.count_primes_rayon,
)


class Demo(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        run = subprocess.run(
            [sys.executable, str(DEMO), "--quick", "--json"],
            capture_output=True, text=True, timeout=300,
        )
        if run.returncode != 0:
            raise AssertionError(f"demo.py --quick --json failed:\n{run.stderr}")
        cls.rows = {row["variant"]: row for row in map(json.loads, run.stdout.splitlines())}

    def test_every_row_is_present(self) -> None:
        expected = [
            "pure Python, one thread", f"pure Python, {N} threads", f"pure Python, {N} processes",
            "Rust, one thread", f"Rust, {N} threads, GIL held", f"Rust, {N} threads, GIL released",
            "Rust, rayon in one call",
        ]
        self.assertEqual(list(self.rows), expected)
        for row in self.rows.values():
            self.assertEqual(set(row), {"variant", "wall_s", "speedup", "items", "extra"})
            self.assertEqual(set(row["extra"]), {"cores_used", "primes"})

    def test_every_row_counts_the_same_primes(self) -> None:
        primes = {row["extra"]["primes"] for row in self.rows.values()}
        self.assertEqual(len(primes), 1, primes)
        self.assertGreater(primes.pop(), 0)

    @unittest.skipUnless(GIL_ENABLED, "no GIL to hold on this interpreter")
    def test_gil_held_uses_one_core(self) -> None:
        row = self.rows[f"Rust, {N} threads, GIL held"]
        self.assertLessEqual(row["extra"]["cores_used"], 1.3, row)


class Module(unittest.TestCase):
    def test_counts(self) -> None:
        for count in COUNTS:
            with self.subTest(count.__name__):
                self.assertEqual(count(0, 100), 25)
                self.assertEqual(count(7, 7), 0)
                self.assertEqual(count(1_000_000_007, 1_000_000_008), 1)

    def test_bad_ranges_raise_value_error(self) -> None:
        for count in COUNTS:
            for start, end in [(-1, 10), (10, 5), (-10, -5)]:
                with self.subTest(count.__name__, start=start, end=end):
                    with self.assertRaises(ValueError) as caught:
                        count(start, end)
                    self.assertNotIn("\n", str(caught.exception))

    def test_a_rust_panic_is_a_panic_exception(self) -> None:
        # The panic's message also goes to stderr (Rust's panic hook): that is expected.
        try:
            rust_primes.panic_on_purpose()
        except BaseException as e:  # noqa: BLE001 - what is caught is the point
            caught = e
        else:
            self.fail("panic_on_purpose returned")
        self.assertEqual(type(caught).__name__, "PanicException")
        self.assertNotIsInstance(caught, Exception)
        self.assertIn("on purpose", str(caught))


def meet(wait_name: str, parties: int, timeout_s: float) -> list[bool]:
    """`parties` Python threads each call the barrier's `wait_name` once; what each returned."""
    barrier = rust_primes.Barrier(parties)
    with ThreadPoolExecutor(max_workers=parties) as pool:
        return list(pool.map(lambda _: getattr(barrier, wait_name)(timeout_s), range(parties)))


class Gil(unittest.TestCase):
    # At least 2 threads, even on one core: waiting needs no core of its own.
    PARTIES = max(2, N)

    def test_released_threads_all_reach_the_barrier(self) -> None:
        # Each thread waits inside Rust with the GIL released, so the others can run and
        # arrive: all of them pass. Were the GIL held, the first would wait alone.
        self.assertEqual(meet("wait", self.PARTIES, 10.0), [True] * self.PARTIES)

    @unittest.skipUnless(GIL_ENABLED, "no GIL to hold on this interpreter")
    def test_held_threads_never_meet(self) -> None:
        # Each thread waits holding the GIL: no other thread can run Python code to reach the
        # barrier, so each waits alone and gives up after 1 s.
        self.assertEqual(meet("wait_gil_held", self.PARTIES, 1.0), [False] * self.PARTIES)

    def test_a_negative_timeout_raises_value_error(self) -> None:
        with self.assertRaises(ValueError):
            rust_primes.Barrier(2).wait(-1.0)


def main() -> int:
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    print(f"python-extension: {passed} passed, {failed} failed, {len(result.skipped)} skipped")
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
