//! The talks' last section, "parallelism in C": a Python module written in Rust (PyO3) that
//! counts primes in `[start, end)` three ways, so Python threads can be watched with the GIL
//! held, with it released, and with rayon doing the threading inside one call.
//!
//! Python: a C extension brackets its number crunching with `Py_BEGIN_ALLOW_THREADS` ...
//! `Py_END_ALLOW_THREADS`, and Cython writes the same as a `with nogil:` block. Inside, the code
//! may not touch a Python object, and while it runs other Python threads take the GIL and go on.
//!
//! Rust: `py.detach(|| work())` is that block. It releases the GIL (on free-threaded CPython it
//! detaches the thread from the interpreter instead), runs the closure, and takes the GIL back
//! before returning. PyO3 checks the "no Python object" rule at compile time: the closure and
//! its result must be `Ungil`, which is `Send` in a normal build, and `Python<'_>` and `Bound`
//! are not `Send`, so a closure that captured one does not compile. Only plain integers cross.
//!
//! Run it: `.venv/bin/pip install ./python-extension && .venv/bin/python python-extension/demo.py`
//!
//! Look for: `Rust, N threads, GIL held` no faster than `Rust, one thread` (cores used about 1:
//! the threads take turns), `GIL released` about N times faster, `rayon in one call` the same
//! from a single Python call, and every Rust row many times faster than `pure Python, one thread`.

use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rayon::prelude::*;

/// Trial division by odd divisors up to the square root (the workspace's lessons use the same one).
fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let mut d = 3;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// The range as Rust numbers, or a ValueError (Python ints that fit no i64 are an OverflowError).
fn checked(start: i64, end: i64) -> PyResult<(u64, u64)> {
    match (u64::try_from(start), u64::try_from(end)) {
        (Ok(s), Ok(e)) if s <= e => Ok((s, e)),
        _ => Err(PyValueError::new_err(format!(
            "need 0 <= start <= end, got start={start}, end={end}"
        ))),
    }
}

/// Holds the GIL for the whole loop: other Python threads wait until it returns.
#[pyfunction]
fn count_primes_gil_held(start: i64, end: i64) -> PyResult<usize> {
    let (s, e) = checked(start, end)?;
    Ok((s..e).filter(|&n| is_prime(n)).count())
}

/// Releases the GIL around the loop: the closure captures two `u64`s, nothing of Python's.
#[pyfunction]
fn count_primes_gil_released(py: Python<'_>, start: i64, end: i64) -> PyResult<usize> {
    let (s, e) = checked(start, end)?;
    Ok(py.detach(|| (s..e).filter(|&n| is_prime(n)).count()))
}

/// Releases the GIL, then splits the range over every core with rayon, all inside one call.
#[pyfunction]
fn count_primes_rayon(py: Python<'_>, start: i64, end: i64) -> PyResult<usize> {
    let (s, e) = checked(start, end)?;
    Ok(py.detach(|| (s..e).into_par_iter().filter(|&n| is_prime(n)).count()))
}

/// Panics on purpose: PyO3 turns the panic into `pyo3_runtime.PanicException`.
#[pyfunction]
fn panic_on_purpose() {
    panic!("a Rust panic, on purpose");
}

/// A one-use barrier for `parties` threads that gives up after a timeout: once that many have
/// arrived, every wait returns true. The test's proof that Python threads run at the same time.
#[pyclass]
struct Barrier {
    parties: usize,
    arrived: Mutex<usize>,
    all_here: Condvar,
}

impl Barrier {
    fn wait_here(&self, timeout_s: f64) -> PyResult<bool> {
        let timeout = Duration::try_from_secs_f64(timeout_s)
            .map_err(|_| PyValueError::new_err(format!("need timeout_s >= 0, got {timeout_s}")))?;
        let mut arrived = self.arrived.lock().unwrap_or_else(PoisonError::into_inner);
        *arrived += 1;
        self.all_here.notify_all();
        let woken = self
            .all_here
            .wait_timeout_while(arrived, timeout, |n| *n < self.parties);
        let mut arrived = woken.unwrap_or_else(PoisonError::into_inner).0;
        let passed = *arrived >= self.parties;
        if !passed {
            *arrived -= 1; // gave up: no longer waiting
        }
        Ok(passed)
    }
}

#[pymethods]
impl Barrier {
    #[new]
    fn new(parties: usize) -> Self {
        let (arrived, all_here) = (Mutex::new(0), Condvar::new());
        Barrier {
            parties,
            arrived,
            all_here,
        }
    }

    /// Waits with the GIL released: the other Python threads can reach the barrier too.
    fn wait(&self, py: Python<'_>, timeout_s: f64) -> PyResult<bool> {
        py.detach(|| self.wait_here(timeout_s))
    }

    /// Waits holding the GIL: no other Python thread can run to reach it, so it times out.
    fn wait_gil_held(&self, timeout_s: f64) -> PyResult<bool> {
        self.wait_here(timeout_s)
    }
}

/// `gil_used = false` (PyO3's default since 0.28, written out): nothing here relies on the GIL,
/// so free-threaded CPython keeps the GIL off when it imports this module.
#[pymodule(gil_used = false)]
mod rust_primes {
    #[pymodule_export]
    use super::{Barrier, panic_on_purpose};
    #[pymodule_export]
    use super::{count_primes_gil_held, count_primes_gil_released, count_primes_rayon};
}
