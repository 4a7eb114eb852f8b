//! The thumbnail maker, the talks' case study: download a batch of large photos (I/O), make
//! small copies keeping the aspect ratio (CPU), upload them (I/O), in five ways.
//!
//! [`lessons`] holds what a person copies: the five variants, each a `run` function
//! ([`lessons::sequential`], [`lessons::threads`], [`lessons::pipeline`],
//! [`lessons::rayon_pool`], [`lessons::async_tokio`]), and the steps they share
//! ([`lessons::batch`] and its siblings). The image work is in the `thumbnail-codec` crate beside
//! this one (library calls to `image` and jpeg-decoder). [`tour`] runs the variants against the
//! fake server, checks what each one uploaded and prints the table. `exercises` is the
//! attendee's file and `solutions` its answers; tests reach both through [`under_test`].

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
