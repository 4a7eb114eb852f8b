//! The thumbnail maker, the talks' case study: download a batch of large photos (I/O), make
//! small copies keeping the aspect ratio (CPU), upload them (I/O), in five ways.
//!
//! Each variant is one module with a `run` function (`cargo run -p thumbnail-maker -- --variant
//! <name>`): [`sequential`], [`threads`], [`pipeline`], [`rayon_pool`], [`async_tokio`]. They
//! share the steps in [`batch`] and the image work in [`thumbs`] (library calls to `image` and
//! jpeg-decoder, in the `thumbnail-codec` crate beside this one); [`verify`] checks
//! what each one uploaded. `exercises` is the attendee's file and `solutions` its answers; tests
//! reach both through [`under_test`].

pub mod async_tokio;
pub mod batch;
pub mod pipeline;
pub mod rayon_pool;
pub mod sequential;
pub mod threads;
pub mod verify;

/// The image step lives in `thumbnail-codec` (compiled optimised even in debug builds).
pub use thumbnail_codec::thumbs;

pub mod exercises;
pub mod solutions;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(not(feature = "exercises"))]
pub use solutions as under_test;

/// The exercises' answers by default; the attendee's stubs under `--features exercises`.
#[cfg(feature = "exercises")]
pub use exercises as under_test;
