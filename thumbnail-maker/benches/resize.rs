//! The per-image CPU cost of the thumbnail maker: `cargo bench -p thumbnail-maker`.
//!
//! Each benchmark is one image, so divan's times read as "per image". The photo is 2000x1500,
//! the size the Pillow figure in the crate's issue was measured on (~12.5 ms for `thumbnail`,
//! decode included). `one_width` makes a single thumbnail (decode at reduced scale, EXIF,
//! Lanczos3, encode); `all_widths` makes 32, 64 and 200 from one decode, as the tour does;
//! `full_decode` is what decoding without `scale()` would cost on its own.

use std::sync::LazyLock;

use divan::{Bencher, black_box};
use thumbnail_maker::thumbs;

static PHOTO: LazyLock<Vec<u8>> = LazyLock::new(|| common::images::photo_jpeg(2000, 1500, 1));

fn main() {
    divan::main();
}

#[divan::bench(args = [32, 64, 200])]
fn one_width(bencher: Bencher, width: u32) {
    bencher.bench(|| thumbs::make(black_box(&PHOTO), &[width]).expect("a valid photo"));
}

#[divan::bench]
fn all_widths(bencher: Bencher) {
    bencher.bench(|| thumbs::make(black_box(&PHOTO), &[32, 64, 200]).expect("a valid photo"));
}

#[divan::bench]
fn full_decode(bencher: Bencher) {
    bencher.bench(|| {
        jpeg_decoder::Decoder::new(black_box(&PHOTO[..]))
            .decode()
            .expect("a valid photo")
    });
}
