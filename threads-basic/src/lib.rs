//! Creating and running threads: the first section of the Python concurrency talks, in Rust.
//!
//! Each module is one demo (`cargo run -p threads-basic -- <demo>`); `exercises` is the
//! attendee's file and `solutions` its answers. Tests reach both through [`under_test`].

pub mod concurrency_vs_parallelism;
pub mod cpu;
pub mod daemon;
pub mod join_all;
pub mod names;
pub mod scoped;
pub mod spawn;
pub mod spinner;
pub mod worker;

pub mod exercises;
pub mod solutions;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(not(feature = "exercises"))]
pub use solutions as under_test;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(feature = "exercises")]
pub use exercises as under_test;
