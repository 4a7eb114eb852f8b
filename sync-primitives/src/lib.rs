//! Use threads with care: race conditions, locks, deadlock, starvation, and the primitives and
//! channels that avoid them, from the Python concurrency talks, in Rust.
//!
//! Safe Rust rules out *data races* at compile time; it does not rule out *race conditions*,
//! deadlocks or starvation, and each demo here makes one of them happen on every run.
//!
//! Each demo module is one file (`cargo run -p sync-primitives -- <demo>`). The hand-built
//! primitives ([`spinlock::SpinLock`], [`semaphore::Semaphore`], [`rwlock::RwLock`]) take their
//! atomics and cells from [`sync`], which switches to loom under the `loom` feature for
//! `tests/loom.rs`. `exercises` is the attendee's file and `solutions` its answers; tests reach
//! both through [`under_test`].

pub mod bank;
pub mod channels;
pub mod deadlock;
pub mod primitives;
pub mod rwlock;
pub mod semaphore;
pub mod send_sync;
pub mod spinlock;
pub mod starvation;
pub mod sync;

pub mod exercises;
pub mod solutions;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(not(feature = "exercises"))]
pub use solutions as under_test;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(feature = "exercises")]
pub use exercises as under_test;
