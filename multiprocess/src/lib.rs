//! Process pools the Rust way, and when processes beat threads: the `multiprocessing` section
//! of the Python concurrency talks, in Rust.
//!
//! [`worker`] and [`process_pool`] are the pool itself (the worker's side and the parent's side
//! of the pipes); every other module is one demo (`cargo run -p multiprocess -- <demo>`).
//! `exercises` is the attendee's file and `solutions` its answers; tests reach both through
//! [`under_test`].

pub mod process_pool;
pub mod worker;

pub mod cost;
pub mod crash;
pub mod executors;
pub mod pool;
pub mod primes;
pub mod spawn;

pub mod exercises;
pub mod solutions;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(not(feature = "exercises"))]
pub use solutions as under_test;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(feature = "exercises")]
pub use exercises as under_test;
