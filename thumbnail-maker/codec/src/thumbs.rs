//! # The CPU step: one JPEG in, one small JPEG per width out
//!
//! Python: `img = Image.open(path); img.thumbnail((200, 200), Image.LANCZOS); img.save(out)`,
//! and `thumbnail` quietly calls `draft()` first, so the JPEG is decoded at reduced size.
//!
//! Rust does the same three things:
//! 1. decode with jpeg-decoder at 1/2, 1/4 or 1/8 scale in the DCT domain ([`Decoder::scale`],
//!    Pillow's draft mode), asking for at least twice the largest thumbnail, as Pillow's
//!    `reducing_gap=2.0` does, so quality stays that of a Lanczos resize from the full image;
//! 2. turn the pixels upright from the EXIF orientation ([`crate::exif`]);
//! 3. resize once per width as Pillow does (a box reduction by a whole factor, then Lanczos3:
//!    [`crate::resample`], written here), and encode with jpeg-encoder at quality 85.
//!
//! Greyscale stays greyscale, progressive JPEGs decode like the others, CMYK becomes RGB, and an
//! image narrower than a requested width is never enlarged: its "thumbnail" for that width is
//! the image at its own size, as Pillow's `thumbnail` does. [`make`] is the whole per-image cost
//! (`cargo bench -p thumbnail-maker` measures it).

use std::fmt;

use jpeg_decoder::{Decoder, PixelFormat};
use jpeg_encoder::{ColorType, Encoder};

use crate::{exif, resample};

/// JPEG quality of the thumbnails.
pub const QUALITY: u8 = 85;

/// One thumbnail, encoded.
#[derive(Clone, PartialEq, Eq)]
pub struct Thumb {
    /// The width it was asked for (it appears in the file name).
    pub requested: u32,
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

impl fmt::Debug for Thumb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Thumb({} -> {}x{}, {} bytes)",
            self.requested,
            self.width,
            self.height,
            self.jpeg.len()
        )
    }
}

/// Why an image could not be turned into thumbnails: it is skipped, not retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadImage(pub String);

impl fmt::Display for BadImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadImage {}

/// The size of the thumbnail of an upright `width` x `height` image for `requested` width:
/// never wider than the image itself, height rounded to keep the aspect ratio, at least 1.
pub fn target_size(width: u32, height: u32, requested: u32) -> (u32, u32) {
    let w = requested.min(width).max(1);
    let h = ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width.max(1)))
        as u32;
    (w, h.max(1))
}

/// Makes one thumbnail per width from the bytes of a JPEG, in the order of `widths`.
pub fn make(jpeg: &[u8], widths: &[u32]) -> Result<Vec<Thumb>, BadImage> {
    let bad = |e: jpeg_decoder::Error| BadImage(format!("corrupt or truncated JPEG: {e}"));
    let mut decoder = Decoder::new(jpeg);
    decoder.read_info().map_err(bad)?;
    let info = decoder
        .info()
        .ok_or_else(|| BadImage("no JPEG header".into()))?;
    let orientation = decoder.exif_data().and_then(exif::orientation).unwrap_or(1);
    let (full_w, full_h) = (u32::from(info.width), u32::from(info.height));
    let (upright_w, upright_h) = exif::upright_size(full_w, full_h, orientation);

    // 1. Decode at the smallest DCT scale still at least twice the largest thumbnail.
    let largest = widths.iter().copied().max().unwrap_or(1);
    let (want_w, want_h) = target_size(upright_w, upright_h, largest);
    let (want_w, want_h) = exif::upright_size(want_w * 2, want_h * 2, orientation);
    let (w, h) = decoder
        .scale(clamp_u16(want_w), clamp_u16(want_h))
        .map_err(bad)?;
    let pixels = decoder.decode().map_err(bad)?;
    let (pixels, channels) = match info.pixel_format {
        PixelFormat::L8 => (pixels, 1),
        PixelFormat::RGB24 => (pixels, 3),
        PixelFormat::L16 => (pixels.chunks_exact(2).map(|p| p[0]).collect(), 1),
        PixelFormat::CMYK32 => (cmyk_to_rgb(&pixels), 3),
    };
    if pixels.len() < usize::from(w) * usize::from(h) * channels {
        return Err(BadImage("the decoder returned too few pixels".into()));
    }

    // 2. Upright, as the camera meant it.
    let (pixels, w, h) = exif::apply(pixels, w.into(), h.into(), channels, orientation);

    // 3. One resize (box reduction, then Lanczos3) and one encode per width, from the same
    //    decoded pixels.
    let size = (w as usize, h as usize);
    widths
        .iter()
        .map(|&requested| {
            let (tw, th) = target_size(upright_w, upright_h, requested);
            let small = resample::resize(&pixels, size, channels, (tw as usize, th as usize));
            let jpeg = encode(&small, tw, th, channels)?;
            Ok(Thumb {
                requested,
                width: tw,
                height: th,
                jpeg,
            })
        })
        .collect()
}

/// Encodes 1-channel (grey) or 3-channel (RGB) pixels as a JPEG.
fn encode(pixels: &[u8], width: u32, height: u32, channels: usize) -> Result<Vec<u8>, BadImage> {
    let color = if channels == 1 {
        ColorType::Luma
    } else {
        ColorType::Rgb
    };
    let mut out = Vec::with_capacity(pixels.len() / 4 + 1024);
    Encoder::new(&mut out, QUALITY)
        .encode(pixels, clamp_u16(width), clamp_u16(height), color)
        .map_err(|e| BadImage(format!("encoding failed: {e}")))?;
    Ok(out)
}

/// The width and height in a JPEG's header, without decoding it.
pub fn jpeg_size(jpeg: &[u8]) -> Option<(u32, u32)> {
    let mut decoder = Decoder::new(jpeg);
    decoder.read_info().ok()?;
    decoder
        .info()
        .map(|i| (u32::from(i.width), u32::from(i.height)))
}

/// jpeg-decoder hands out ink amounts (it undoes the inversion Adobe's CMYK files store), so
/// each colour is what the ink and the black leave of white.
fn cmyk_to_rgb(cmyk: &[u8]) -> Vec<u8> {
    cmyk.chunks_exact(4)
        .flat_map(|p| {
            let white = 255 - u16::from(p[3]);
            [0, 1, 2].map(|i| ((255 - u16::from(p[i])) * white / 255) as u8)
        })
        .collect()
}

fn clamp_u16(v: u32) -> u16 {
    u16::try_from(v).unwrap_or(u16::MAX)
}

/// What a JPEG's header says about it, read without decoding the pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// The size once turned upright by the EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// The EXIF orientation, 1 (as stored) to 8.
    pub orientation: u8,
    pub progressive: bool,
    pub grey: bool,
}

/// Reads a JPEG's [`Shape`] from its header.
pub fn shape(jpeg: &[u8]) -> Option<Shape> {
    let mut decoder = Decoder::new(jpeg);
    decoder.read_info().ok()?;
    let info = decoder.info()?;
    let orientation = decoder.exif_data().and_then(exif::orientation).unwrap_or(1);
    let (width, height) = exif::upright_size(info.width.into(), info.height.into(), orientation);
    Some(Shape {
        width,
        height,
        orientation,
        progressive: info.coding_process == jpeg_decoder::CodingProcess::DctProgressive,
        grey: matches!(info.pixel_format, PixelFormat::L8 | PixelFormat::L16),
    })
}
