//! What is a future? Deferred work, callbacks vs futures, and the executor that drives them: the
//! futures section of the Python concurrency talks, in Rust, with no async runtime at all.
//!
//! Each module is one demo (`cargo run -p futures-basic -- <demo>`); `exercises` is the
//! attendee's file and `solutions` its answers. Tests reach both through [`under_test`].

pub mod blocking;
pub mod callbacks;
pub mod countdown;
pub mod handwritten;
pub mod lazy;
pub mod thread_pool_executor;

pub mod exercises;
pub mod solutions;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(not(feature = "exercises"))]
pub use solutions as under_test;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(feature = "exercises")]
pub use exercises as under_test;
