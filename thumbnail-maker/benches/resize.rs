//! The per-image CPU cost of the thumbnail maker: `cargo bench -p thumbnail-maker`.
//!
//! Each benchmark is one image, so divan's times read as "per image", on two photos: 1920x1280,
//! the fake server's default and the tour's, and 2000x1500.
//! - `all_widths`: the whole step, 32, 64 and 200 from one decode, as the tour does;
//! - `one_width`: the whole step for a single thumbnail;
//! - `decode_reduced`: its decode alone, at the reduced scale `thumbs::make` asks for
//!   (`thumbs::open`: jpeg-decoder's draft mode);
//! - `thumbnails_all_widths`: its three `thumbnail_exact` calls alone, as it makes them: 200
//!   from the decoded pixels, 64 from the 200, 32 from the 64;
//! - `full_decode`: what decoding the JPEG at full size would cost, without `scale()`;
//! - `png_all_widths`: the whole step on the same photo saved as PNG, a format without a
//!   reduced decode: the full-size decode is most of it.
//!
//! `bash thumbnail-maker/python/compare.sh` prints Pillow's figures for the same 1920x1280 photo
//! beside these.

use std::io::Cursor;
use std::sync::LazyLock;

use divan::{Bencher, black_box};
use thumbnail_codec::thumbs;

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
    bencher.bench(|| thumbs::open(black_box(jpeg), 200).expect("a valid photo"));
}

#[divan::bench(args = SIZES)]
fn thumbnails_all_widths(bencher: Bencher, size: &str) {
    let (image, (w, h)) = thumbs::open(photo(size), 200).expect("a valid photo");
    let size = |width| thumbs::target_size(w, h, width);
    bencher.bench(|| {
        let (w200, h200) = size(200);
        let t200 = black_box(&image).thumbnail_exact(w200, h200);
        let (w64, h64) = size(64);
        let t64 = t200.thumbnail_exact(w64, h64);
        let (w32, h32) = size(32);
        let t32 = t64.thumbnail_exact(w32, h32);
        [t32, t64, t200]
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

#[divan::bench]
fn png_all_widths(bencher: Bencher) {
    let (image, _) = thumbs::open(photo(SIZES[0]), u32::MAX).expect("a valid photo");
    let mut png = Cursor::new(Vec::new());
    image
        .write_to(&mut png, image::ImageFormat::Png)
        .expect("PNG encodes");
    let png = png.into_inner();
    bencher.bench(|| thumbs::make(black_box(&png), &WIDTHS).expect("a valid PNG"));
}
