//! The per-image CPU cost of the thumbnail maker: `cargo bench -p thumbnail-maker`.
//!
//! Each benchmark is one image, so divan's times read as "per image", on two photos: 1920x1280,
//! the fake server's default and the tour's, and 2000x1500, the size the Pillow figure in the
//! crate's issue was measured on (~12.5 ms for `thumbnail`, decode included).
//! - `all_widths`: the whole step, 32, 64 and 200 from one decode, as the tour does;
//! - `one_width`: the whole step for a single thumbnail;
//! - `decode_reduced`: its decode alone, at the reduced scale `thumbs::make` asks for;
//! - `resample_all_widths`: its three resizes alone, from the decoded pixels;
//! - `full_decode`: what decoding at full size would cost, without `scale()`.
//!
//! `python3 thumbnail-maker/python/course_design.py --per-photo` prints Pillow's figures for the
//! same 1920x1280 photo.

use std::sync::LazyLock;

use divan::{Bencher, black_box};
use thumbnail_maker::{resample, thumbs};

const WIDTHS: [u32; 3] = [32, 64, 200];
const SIZES: [&str; 2] = ["1920x1280", "2000x1500"];

static PHOTOS: LazyLock<[Vec<u8>; 2]> = LazyLock::new(|| {
    [
        common::images::photo_jpeg(1920, 1280, 1),
        common::images::photo_jpeg(2000, 1500, 1),
    ]
});

fn photo(size: &str) -> &'static [u8] {
    let index = SIZES
        .iter()
        .position(|s| *s == size)
        .expect("a listed size");
    &PHOTOS[index]
}

/// The decoder `thumbs::make` uses, set to the scale it asks for: at least twice the widest
/// thumbnail (these photos have no EXIF rotation).
fn reduced_decoder(jpeg: &[u8]) -> jpeg_decoder::Decoder<&[u8]> {
    let mut decoder = jpeg_decoder::Decoder::new(jpeg);
    decoder.read_info().expect("a valid photo");
    let info = decoder.info().expect("a header");
    let (w, h) = thumbs::target_size(info.width.into(), info.height.into(), 200);
    decoder.scale(2 * w as u16, 2 * h as u16).expect("a scale");
    decoder
}

fn main() {
    divan::main();
}

#[divan::bench(args = SIZES)]
fn all_widths(bencher: Bencher, size: &str) {
    let jpeg = photo(size);
    bencher.bench(|| thumbs::make(black_box(jpeg), &WIDTHS).expect("a valid photo"));
}

#[divan::bench(args = WIDTHS)]
fn one_width(bencher: Bencher, width: u32) {
    let jpeg = photo(SIZES[0]);
    bencher.bench(|| thumbs::make(black_box(jpeg), &[width]).expect("a valid photo"));
}

#[divan::bench(args = SIZES)]
fn decode_reduced(bencher: Bencher, size: &str) {
    let jpeg = photo(size);
    bencher.bench(|| {
        reduced_decoder(black_box(jpeg))
            .decode()
            .expect("a valid photo")
    });
}

#[divan::bench(args = SIZES)]
fn resample_all_widths(bencher: Bencher, size: &str) {
    let mut decoder = reduced_decoder(photo(size));
    let pixels = decoder.decode().expect("a valid photo");
    let info = decoder.info().expect("a header");
    let (w, h) = (usize::from(info.width), usize::from(info.height));
    bencher.bench(|| {
        WIDTHS.map(|width| {
            let (tw, th) = thumbs::target_size(w as u32, h as u32, width);
            resample::resize(black_box(&pixels), (w, h), 3, (tw as usize, th as usize))
        })
    });
}

#[divan::bench(args = SIZES)]
fn full_decode(bencher: Bencher, size: &str) {
    let jpeg = photo(size);
    bencher.bench(|| {
        jpeg_decoder::Decoder::new(black_box(jpeg))
            .decode()
            .expect("a valid photo")
    });
}
