//! asyncio in Rust: the tokio section of the Python concurrency talks.
//!
//! `lessons` holds the snippets to copy, `tour` the measured story of each demo (`cargo run -p
//! async-io -- <demo>`); `exercises` is the attendee's file and `solutions` its answers. Tests reach both through [`under_test`].

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
