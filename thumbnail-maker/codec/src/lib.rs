//! The thumbnail maker's CPU step, in a crate of its own so that it is compiled optimised even
//! in debug builds (see the workspace's `[profile.dev.package.thumbnail-codec]`).
//!
//! Why a crate: the decoders are generic over their reader (`image::ImageReader<R>`,
//! `jpeg_decoder::Decoder<R>`, the PNG and GIF decoders under them), so much of their code is
//! compiled where it is used, at the using crate's optimisation level. Inside `thumbnail-maker`,
//! a debug build made each photo many times slower and every table would have lied; optimising
//! all of `thumbnail-maker` instead would make each edit of an exercise take several times longer
//! to rebuild. Here, only this small crate pays, a few seconds. The non-generic code of `image`
//! and of its format crates is optimised by their own entries in the workspace's profile.
//!
//! [`thumbs::make`] is the whole step: one photo in, one thumbnail per width out.

pub mod thumbs;
