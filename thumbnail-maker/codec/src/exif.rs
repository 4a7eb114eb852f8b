//! # EXIF orientation: the tag phones write instead of rotating the pixels
//!
//! Python: `ImageOps.exif_transpose(img)` before `img.thumbnail(...)`.
//!
//! Rust: jpeg-decoder hands over the raw EXIF block ([`jpeg_decoder::Decoder::exif_data`]) but
//! does not apply it, so this module reads the one tag that matters (0x0112, Orientation, in the
//! first IFD) and turns the decoded pixels upright. A portrait photo from a phone is usually
//! stored landscape with orientation 6 ("rotate 90° clockwise to display"); without this step
//! its thumbnails would lie on their side and have the wrong width.

/// The EXIF orientation (1 to 8) in a TIFF-headed EXIF block, or `None` when there is none or
/// the block is malformed (a broken tag is not worth failing a photo over).
pub fn orientation(exif: &[u8]) -> Option<u8> {
    let big_endian = match exif.get(..4)? {
        [b'I', b'I', 42, 0] => false,
        [b'M', b'M', 0, 42] => true,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = exif.get(at..at + 2)?.try_into().ok()?;
        Some(if big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = exif.get(at..at + 4)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    // The first IFD: a count, then 12-byte entries of (tag, type, count, value).
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let entries = u16_at(ifd)?;
    (0..usize::from(entries))
        .map(|i| ifd + 2 + i * 12)
        .find(|&entry| u16_at(entry) == Some(0x0112))
        .and_then(|entry| u16_at(entry + 8)) // a SHORT sits at the start of the value field
        .and_then(|value| u8::try_from(value).ok())
        .filter(|value| (1..=8).contains(value))
}

/// The size of an image of `width` x `height` once turned upright.
pub fn upright_size(width: u32, height: u32, orientation: u8) -> (u32, u32) {
    if orientation >= 5 {
        (height, width)
    } else {
        (width, height)
    }
}

/// Turns `pixels` (`width` x `height`, `channels` bytes per pixel) upright for `orientation`;
/// returns the new pixels and size. Orientation 1 (or unknown) leaves them as they are.
pub fn apply(
    pixels: Vec<u8>,
    width: u32,
    height: u32,
    channels: usize,
    orientation: u8,
) -> (Vec<u8>, u32, u32) {
    if !(2..=8).contains(&orientation) {
        return (pixels, width, height);
    }
    let (w, h) = (width as usize, height as usize);
    let (out_w, out_h) = upright_size(width, height, orientation);
    let (ow, oh) = (out_w as usize, out_h as usize);
    let mut out = vec![0; pixels.len()];
    for y in 0..oh {
        for x in 0..ow {
            // Where the upright pixel (x, y) sits in the stored image.
            let (sx, sy) = match orientation {
                2 => (w - 1 - x, y),         // mirrored left to right
                3 => (w - 1 - x, h - 1 - y), // upside down
                4 => (x, h - 1 - y),         // mirrored top to bottom
                5 => (y, x),                 // transposed
                6 => (y, h - 1 - x),         // rotate 90° clockwise to display
                7 => (w - 1 - y, h - 1 - x), // transversed
                _ => (w - 1 - y, x),         // 8: rotate 90° counter-clockwise to display
            };
            let from = (sy * w + sx) * channels;
            let to = (y * ow + x) * channels;
            out[to..to + channels].copy_from_slice(&pixels[from..from + channels]);
        }
    }
    (out, out_w, out_h)
}

/// A minimal little-endian EXIF block holding only an orientation tag, for tests and samples.
pub fn block_with_orientation(orientation: u8) -> Vec<u8> {
    let mut exif = b"II\x2a\x00\x08\x00\x00\x00".to_vec(); // header, first IFD at offset 8
    exif.extend_from_slice(&1u16.to_le_bytes()); // one entry
    exif.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    exif.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    exif.extend_from_slice(&1u32.to_le_bytes()); // one value
    exif.extend_from_slice(&u32::from(orientation).to_le_bytes()); // the value, padded
    exif.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    exif
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_orientation_in_both_byte_orders() {
        assert_eq!(orientation(&block_with_orientation(6)), Some(6));
        let big =
            b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x08\x00\x00";
        assert_eq!(orientation(big), Some(8));
        assert_eq!(orientation(b"II\x2a\x00\xff\xff\x00\x00"), None);
        assert_eq!(orientation(b"garbage"), None);
        assert_eq!(orientation(&block_with_orientation(9)), None);
    }

    #[test]
    fn every_orientation_puts_the_marked_corner_top_left() {
        // A 3x2 one-channel image whose upright top-left pixel is 9, stored as each orientation
        // would store it; after `apply`, pixel 0 must be 9 and the size upright.
        let stored: [(u8, [u8; 6]); 8] = [
            (1, [9, 0, 0, 0, 0, 0]),
            (2, [0, 0, 9, 0, 0, 0]),
            (3, [0, 0, 0, 0, 0, 9]),
            (4, [0, 0, 0, 9, 0, 0]),
            (5, [9, 0, 0, 0, 0, 0]),
            (6, [0, 0, 0, 9, 0, 0]),
            (7, [0, 0, 0, 0, 0, 9]),
            (8, [0, 0, 9, 0, 0, 0]),
        ];
        for (o, pixels) in stored {
            let (out, w, h) = apply(pixels.to_vec(), 3, 2, 1, o);
            assert_eq!(out[0], 9, "orientation {o}: {out:?}");
            assert_eq!((w, h), if o >= 5 { (2, 3) } else { (3, 2) });
        }
    }
}
