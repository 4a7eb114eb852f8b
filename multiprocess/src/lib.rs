//! Process pools the Rust way, and when processes beat threads: the `multiprocessing` section
//! of the Python concurrency talks, in Rust.
//!
//! [`lessons`] holds the snippets to copy ([`lessons::worker`] and [`lessons::process_pool`] are
//! the pool itself, the worker's side and the parent's side of the pipes); [`tour`] measures
//! each one (`cargo run -p multiprocess -- <demo>`). `exercises` is the attendee's file and
//! `solutions` its answers; tests reach both through [`under_test`].

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
