//! asyncio in Rust: the tokio section of the Python concurrency talks.
//!
//! Each module is one demo (`cargo run -p async-io -- <demo>`); `exercises` is the attendee's
//! file and `solutions` its answers. Tests reach both through [`under_test`].

pub mod anatomy;
pub mod blocking;
pub mod c10k;
pub mod flags;
pub mod producer_consumer;
pub mod runtimes;
pub mod semaphore;
pub mod server_stats;
pub mod shutdown;
pub mod timeouts;
pub mod web;

pub mod exercises;
pub mod solutions;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(not(feature = "exercises"))]
pub use solutions as under_test;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(feature = "exercises")]
pub use exercises as under_test;
