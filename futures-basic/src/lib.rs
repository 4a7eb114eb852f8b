//! What is a future? Deferred work, callbacks vs futures, and the executor that drives them: the
//! futures section of the Python concurrency talks, in Rust, with no async runtime at all.
//!
//! [`lessons`] holds the code to read and copy, one idea per file, free of the workspace's
//! harness; [`tour`] runs each demo (`cargo run -p futures-basic -- <demo>`) around its lesson:
//! the tables, the timings and the checks. `exercises` is the attendee's file and `solutions` its
//! answers. Tests reach both through [`under_test`].

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
