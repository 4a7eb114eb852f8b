//! The thumbnail maker's CPU step, in a crate of its own so that it is compiled optimised even
//! in debug builds (see the workspace's `[profile.dev.package.thumbnail-codec]`).
//!
//! Why a crate: the decoder and the resizer are generic (`jpeg_decoder::Decoder<R>`,
//! `fast_image_resize::Resizer::resize`), so their code is compiled where it is used, at the
//! using crate's optimisation level. Used from `thumbnail-maker` directly, a debug build made
//! each photo about 15 times slower (~160 ms instead of ~12 ms for 1920x1280) and every table
//! would have lied; optimising all of `thumbnail-maker` instead would make each edit of an
//! exercise take several times longer to rebuild. Here, only this small crate pays.
//!
//! [`thumbs::make`] is the whole step: one photo in, one thumbnail per width out.

pub mod exif;
pub mod thumbs;
