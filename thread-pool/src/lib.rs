//! Thread pools: the `concurrent.futures` section of the Python concurrency talks, in Rust.
//!
//! Each module is one demo (`cargo run -p thread-pool -- <demo>`); `exercises` is the
//! attendee's file and `solutions` its answers. Tests reach both through [`under_test`].
//!
//! [`flags`] holds the download and the small scoped pool the other download demos reuse;
//! [`handmade`] is a reusable pool with a handle per job, written from `std::thread` and
//! `crossbeam-channel`.

pub mod errors;
pub mod flags;
pub mod handmade;
pub mod race;
pub mod rayon_pools;
pub mod sweep;

pub mod exercises;
pub mod solutions;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(not(feature = "exercises"))]
pub use solutions as under_test;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(feature = "exercises")]
pub use exercises as under_test;
