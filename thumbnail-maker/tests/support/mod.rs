//! What the tests share: the smallest EXIF block a camera could write, a photo that claims to
//! be a decompression bomb, and a bounded run of the binary with its JSON rows. Each test file
//! uses only some of it.
#![allow(dead_code)]

use std::process::Command;
use std::time::Duration;

use common::python::TourRun;

/// A little-endian EXIF (TIFF) block holding only an orientation tag.
pub fn exif_with_orientation(orientation: u8) -> Vec<u8> {
    let mut exif = b"II\x2a\x00\x08\x00\x00\x00".to_vec(); // header, first IFD at offset 8
    exif.extend_from_slice(&1u16.to_le_bytes()); // one entry
    exif.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    exif.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    exif.extend_from_slice(&1u32.to_le_bytes()); // one value
    exif.extend_from_slice(&u32::from(orientation).to_le_bytes()); // the value, padded
    exif.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    exif
}

/// `jpeg` with the size in its frame header (SOF0, or SOF2 when progressive) made to claim
/// `width` x `height`: a few hundred bytes that claim gigapixels, a decompression bomb.
pub fn claiming_size(mut jpeg: Vec<u8>, width: u16, height: u16) -> Vec<u8> {
    let mut at = 2; // after the start of image, FF D8
    loop {
        assert_eq!(jpeg[at], 0xff, "a marker at {at}");
        let length = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        if matches!(jpeg[at + 1], 0xc0 | 0xc2) {
            // FF Cn, length (2 bytes), precision (1), height (2), width (2)
            jpeg[at + 5..at + 7].copy_from_slice(&height.to_be_bytes());
            jpeg[at + 7..at + 9].copy_from_slice(&width.to_be_bytes());
            return jpeg;
        }
        at += 2 + length;
    }
}

/// Runs `thumbnail-maker <args>` with `PYTHON=<python>` and `envs`, killed (and the test
/// failed) if it still runs after `limit`.
pub fn run_with_python(
    args: &[&str],
    python: &str,
    envs: &[(&str, &str)],
    limit: Duration,
) -> TourRun {
    let mut command = Command::new(env!("CARGO_BIN_EXE_thumbnail-maker"));
    command
        .args(args)
        .env("PYTHON", python)
        .envs(envs.iter().copied());
    TourRun::of(&mut command, limit)
}
