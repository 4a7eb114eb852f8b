//! The thumbnail maker's CPU step, in a crate of its own so that it is compiled optimised even
//! in debug builds (see the workspace's `[profile.dev.package.thumbnail-codec]`).
//!
//! Why a crate: the decoder is generic (`jpeg_decoder::Decoder<R>`), so its code is compiled
//! where it is used, at the using crate's optimisation level, and the resampler is plain loops
//! that an unoptimised build runs many times slower. Inside `thumbnail-maker`, a debug build
//! made each photo about 15 times slower (~160 ms instead of ~12 ms for 1920x1280) and every
//! table would have lied; optimising all of `thumbnail-maker` instead would make each edit of an
//! exercise take several times longer to rebuild. Here, only this small crate pays, a few
//! seconds.
//!
//! The resampler is written here rather than taken from fast_image_resize: that crate's SIMD
//! code, compiled optimised for the two pixel types used, added about 40 s to a cold build on
//! 2 cores, for a step that costs a few milliseconds per photo either way.
//!
//! [`thumbs::make`] is the whole step: one photo in, one thumbnail per width out;
//! [`resample`] shrinks the pixels.

pub mod exif;
pub mod resample;
pub mod thumbs;
