//! Use threads with care: race conditions, locks, deadlock, starvation, and the primitives and
//! channels that avoid them, from the Python concurrency talks, in Rust.
//!
//! Safe Rust rules out *data races* at compile time; it does not rule out *race conditions*,
//! deadlocks or starvation, and each demo here makes one of them happen on every run.
//!
//! [`lessons`] holds the code to read and copy, one idea per file, free of the workspace's
//! harness; [`tour`] runs each demo (`cargo run -p sync-primitives -- <demo>`) around its lessons:
//! the tables, the timings and the checks. The hand-built primitives
//! ([`lessons::spinlock::SpinLock`], [`lessons::semaphore::Semaphore`],
//! [`lessons::rwlock::RwLock`]) take their atomics and cells from [`lessons::sync`], which
//! switches to loom under the `loom` feature for `tests/loom.rs`. `exercises` is the attendee's
//! file and `solutions` its answers; tests reach both through [`under_test`].

pub mod lessons;
pub mod tour;

pub mod exercises;
pub mod solutions;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(not(feature = "exercises"))]
pub use solutions as under_test;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(feature = "exercises")]
pub use exercises as under_test;
