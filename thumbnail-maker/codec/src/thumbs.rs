//! # The CPU step: one photo in, one small JPEG per width out
//!
//! Python, with Pillow:
//!
//! ```python
//! img = Image.open(io.BytesIO(data))  # the format comes from the bytes, not the file name
//! img.draft("RGB", (400, 400))        # a JPEG decodes at 1/2, 1/4 or 1/8 scale: most of the saving
//! img = ImageOps.exif_transpose(img)  # upright, as the camera meant it
//! img.thumbnail((200, 200))           # shrinks, never enlarges
//! img.convert("RGB").save(out, "JPEG", quality=85)
//! ```
//!
//! Rust, with `image` and, for JPEG, jpeg-decoder, line for line:
//! 1. [`ImageReader::with_guessed_format`] reads the format from the first bytes (a PNG saved as
//!    `.jpg` is still a PNG); JPEG, PNG, WebP, GIF and BMP are enabled;
//! 2. a JPEG is decoded by jpeg-decoder at the smallest DCT scale still at least twice the widest
//!    thumbnail across ([`Decoder::scale`], Pillow's draft mode and its `reducing_gap=2`); a CMYK
//!    or 16-bit JPEG, and every other format, by `image` at full size (it turns CMYK into RGB),
//!    then shrunk once to that same size;
//! 3. the EXIF orientation ([`Orientation::from_exif_chunk`], or [`ImageDecoder::orientation`])
//!    turns the pixels upright ([`DynamicImage::apply_orientation`]);
//! 4. [`DynamicImage::thumbnail_exact`], the sized form of Pillow's `thumbnail` (each source
//!    pixel counted once), makes each width at the size Pillow computes from the full photo,
//!    widest first, each from the smallest image still at least twice as wide; an image no wider
//!    than a thumbnail is kept at its own size, because `thumbnail` would enlarge it;
//! 5. `image`'s JPEG encoder at quality 85, from RGB or greyscale (it takes no alpha).
//!
//! Before any of it, the size the header claims is checked against [`MAX_PIXELS`], Pillow's own
//! refusal of a decompression bomb, and the decoders are told how much they may allocate: a
//! file of a few hundred bytes can claim 65,500 x 65,500 pixels, and an allocation that fails
//! aborts the process, which no `catch_unwind` stops.
//!
//! [`make`] is the whole per-image cost (`cargo bench -p thumbnail-maker` measures it).

use std::fmt;
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{
    DynamicImage, GrayImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage,
};
use jpeg_decoder::{Decoder, PixelFormat};

/// JPEG quality of the thumbnails.
pub const QUALITY: u8 = 85;

/// The most pixels a photo may have: twice Pillow's `Image.MAX_IMAGE_PIXELS` (89,478,485, a
/// quarter GiB of RGB pixels), where Pillow stops warning and raises `DecompressionBombError`.
pub const MAX_PIXELS: u64 = 2 * 89_478_485;

/// The longest side `image` may decode: JPEG's own ceiling (its header holds 16-bit sizes).
const MAX_SIDE: u32 = u16::MAX as u32;

/// The most bytes a decoder may allocate for the pixels: an RGBA photo of [`MAX_PIXELS`].
const MAX_DECODED_BYTES: u64 = 4 * MAX_PIXELS;

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
        let Self {
            requested,
            width,
            height,
            jpeg,
        } = self;
        write!(
            f,
            "Thumb({requested} -> {width}x{height}, {} bytes)",
            jpeg.len()
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

fn bad(e: impl fmt::Display) -> BadImage {
    BadImage(format!("corrupt, truncated or unsupported: {e}"))
}

/// [`bad`], but a refusal by `image`'s [`Limits`] says so.
fn bad_image(e: ImageError) -> BadImage {
    match e {
        ImageError::Limits(limit) => BadImage(format!("too large to decode: {limit}")),
        e => bad(e),
    }
}

/// Refuses a photo whose header claims more than [`MAX_PIXELS`], before anything is decoded.
pub fn check_pixels(width: u32, height: u32) -> Result<(), BadImage> {
    if u64::from(width) * u64::from(height) <= MAX_PIXELS {
        return Ok(());
    }
    Err(BadImage(format!(
        "{width}x{height} pixels, over the {MAX_PIXELS} a photo may have (twice Pillow's \
         MAX_IMAGE_PIXELS): refused undecoded, as a decompression bomb"
    )))
}

/// A reader that guesses the format from the bytes, under this crate's [`Limits`].
fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, BadImage> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(bad)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    Ok(reader)
}

/// The size of the thumbnail of an upright `width` x `height` image for `requested` width:
/// never wider than the image itself, height rounded to keep the aspect ratio, at least 1.
pub fn target_size(width: u32, height: u32, requested: u32) -> (u32, u32) {
    let w = requested.min(width).max(1);
    let h = (u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width.max(1));
    (w, (h as u32).max(1))
}

/// Makes one thumbnail per width from the bytes of a photo, in the order of `widths`.
pub fn make(bytes: &[u8], widths: &[u32]) -> Result<Vec<Thumb>, BadImage> {
    let largest = widths.iter().copied().max().unwrap_or(1);
    let (mut source, (full_width, full_height)) = open(bytes, largest)?;
    // Widest first, each from the smallest image made so far that is still at least twice as
    // wide (the reducing gap again): the narrower thumbnails then cost next to nothing.
    let mut order: Vec<usize> = (0..widths.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(widths[i]));
    let mut made = Vec::with_capacity(widths.len());
    let mut previous: Option<DynamicImage> = None;
    for i in order {
        let requested = widths[i];
        if let Some(smaller) = previous.take_if(|p| p.width() >= requested.saturating_mul(2)) {
            source = smaller;
        }
        // `thumbnail_exact` would enlarge: `target_size` never asks for more than the photo's
        // own width, and a photo already that narrow is kept as it is.
        let (width, height) = target_size(full_width, full_height, requested);
        let small = if source.width() > width {
            source.thumbnail_exact(width, height)
        } else {
            source.clone()
        };
        let thumb = Thumb {
            requested,
            width: small.width(),
            height: small.height(),
            jpeg: encode(&small)?,
        };
        made.push((i, thumb));
        previous = Some(small);
    }
    made.sort_by_key(|&(i, _)| i);
    Ok(made.into_iter().map(|(_, thumb)| thumb).collect())
}

/// A decoded photo, and the full upright size of the photo it was decoded from.
pub type Opened = (DynamicImage, (u32, u32));

/// Decodes a photo of any enabled format, upright, reduced to about twice `largest` across (a
/// JPEG by a reduced decode, at least that; the others by a first shrink). Returns the pixels and
/// the photo's full upright size, from which the thumbnails' sizes are computed.
pub fn open(bytes: &[u8], largest: u32) -> Result<Opened, BadImage> {
    let reader = reader(bytes)?;
    match reader.format() {
        None => return Err(BadImage("not a JPEG, PNG, WebP, GIF or BMP file".into())),
        Some(ImageFormat::Jpeg) => {
            if let Some(reduced) = open_jpeg_reduced(bytes, largest)? {
                return Ok(reduced);
            }
        }
        Some(_) => {}
    }
    let mut decoder = reader.into_decoder().map_err(bad_image)?;
    let (w, h) = decoder.dimensions();
    check_pixels(w, h)?;
    // `from_decoder` does not check `max_alloc` itself (`ImageReader::decode` does).
    let mut budget = Limits::default();
    budget.max_alloc = Some(MAX_DECODED_BYTES);
    budget.reserve(decoder.total_bytes()).map_err(bad_image)?;
    let orientation = decoder.orientation().map_err(bad)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(bad_image)?;
    // No reduced decode here: one `thumbnail_exact` down to the size a draft decode would give
    // stands in for it, so each width is made from a small image, as for a JPEG. It runs before
    // the turn upright, on fewer pixels, so sideways photos swap the axes.
    let sideways = orientation.to_exif() >= 5;
    let (w, h) = (image.width(), image.height());
    let full = if sideways { (h, w) } else { (w, h) };
    let (across, down) = target_size(full.0, full.1, largest.saturating_mul(2));
    if across < full.0 {
        let (w, h) = if sideways {
            (down, across)
        } else {
            (across, down)
        };
        image = image.thumbnail_exact(w, h);
    }
    image.apply_orientation(orientation);
    Ok((image, full))
}

/// jpeg-decoder's reduced decode of an RGB or greyscale JPEG; `None` for the others (CMYK,
/// 16-bit), which `image` decodes at full size.
fn open_jpeg_reduced(bytes: &[u8], largest: u32) -> Result<Option<Opened>, BadImage> {
    let mut decoder = Decoder::new(bytes);
    decoder.read_info().map_err(bad)?;
    let info = decoder.info().ok_or_else(|| bad("no JPEG header"))?;
    check_pixels(u32::from(info.width), u32::from(info.height))?;
    decoder.set_max_decoding_buffer_size(usize::try_from(MAX_DECODED_BYTES).unwrap_or(usize::MAX));
    if !matches!(info.pixel_format, PixelFormat::RGB24 | PixelFormat::L8) {
        return Ok(None);
    }
    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    // Orientations 5 to 8 turn the photo a quarter: its upright width is its stored height.
    let sideways = orientation.to_exif() >= 5;
    let (stored_w, stored_h) = (u32::from(info.width), u32::from(info.height));
    let full = if sideways {
        (stored_h, stored_w)
    } else {
        (stored_w, stored_h)
    };
    // `scale` picks the smallest scale at which *either* axis reaches the size asked for, so the
    // axis that does not matter is asked for at its maximum.
    let across = u16::try_from(largest.saturating_mul(2)).unwrap_or(u16::MAX);
    let (w, h) = if sideways {
        decoder.scale(u16::MAX, across)
    } else {
        decoder.scale(across, u16::MAX)
    }
    .map_err(bad)?;
    let pixels = decoder.decode().map_err(bad)?;
    let (w, h) = (u32::from(w), u32::from(h));
    let image = match info.pixel_format {
        PixelFormat::L8 => GrayImage::from_raw(w, h, pixels).map(DynamicImage::ImageLuma8),
        _ => RgbImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgb8),
    };
    let mut image = image.ok_or_else(|| bad("the decoder returned too few pixels"))?;
    image.apply_orientation(orientation);
    Ok(Some((image, full)))
}

/// Encodes as a JPEG: greyscale stays greyscale, the rest becomes RGB (alpha is dropped).
fn encode(image: &DynamicImage) -> Result<Vec<u8>, BadImage> {
    let mut jpeg = Vec::new();
    let encoder = JpegEncoder::new_with_quality(&mut jpeg, QUALITY);
    let written = if image.color().has_color() {
        image.to_rgb8().write_with_encoder(encoder)
    } else {
        image.to_luma8().write_with_encoder(encoder)
    };
    written.map_err(|e| BadImage(format!("encoding failed: {e}")))?;
    Ok(jpeg)
}

/// The width and height in a JPEG's header, without decoding it (or `None`: not a JPEG).
pub fn jpeg_size(jpeg: &[u8]) -> Option<(u32, u32)> {
    let mut decoder = Decoder::new(jpeg);
    decoder.read_info().ok()?;
    decoder
        .info()
        .map(|i| (u32::from(i.width), u32::from(i.height)))
}

/// What a photo's header says about it, read without decoding the pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// "JPEG", "PNG", "WebP", "GIF" or "BMP", read from the content.
    pub format: &'static str,
    /// The size once turned upright by the EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// The EXIF orientation, 1 (as stored) to 8.
    pub orientation: u8,
    /// A progressive JPEG (shown in coarse passes while it loads).
    pub progressive: bool,
    pub grey: bool,
    /// It has an alpha channel (a JPEG thumbnail cannot keep it). Not said of GIF, which
    /// `image` always decodes with one, transparent or not.
    pub alpha: bool,
}

/// Reads a photo's [`Shape`] from its header, or says why it is not one this crate decodes
/// (not an enabled format, a broken header, or over [`MAX_PIXELS`]).
pub fn shape(bytes: &[u8]) -> Result<Shape, BadImage> {
    let unreadable = || BadImage("not a JPEG, PNG, WebP, GIF or BMP image we can read".into());
    let reader = reader(bytes).map_err(|_| unreadable())?;
    let format = match reader.format() {
        Some(ImageFormat::Jpeg) => "JPEG",
        Some(ImageFormat::Png) => "PNG",
        Some(ImageFormat::WebP) => "WebP",
        Some(ImageFormat::Gif) => "GIF",
        Some(ImageFormat::Bmp) => "BMP",
        _ => return Err(unreadable()),
    };
    let mut decoder = match reader.into_decoder() {
        Ok(decoder) => decoder,
        Err(ImageError::Limits(limit)) => {
            return Err(BadImage(format!("too large to decode: {limit}")));
        }
        Err(_) => return Err(unreadable()),
    };
    let (w, h) = decoder.dimensions();
    check_pixels(w, h)?;
    let orientation = decoder.orientation().map_err(|_| unreadable())?.to_exif();
    let (width, height) = if orientation >= 5 { (h, w) } else { (w, h) };
    let mut jpeg = Decoder::new(bytes);
    let progressive = format == "JPEG"
        && jpeg.read_info().is_ok()
        && jpeg.info().map(|i| i.coding_process)
            == Some(jpeg_decoder::CodingProcess::DctProgressive);
    Ok(Shape {
        format,
        width,
        height,
        orientation,
        progressive,
        grey: !decoder.color_type().has_color(),
        alpha: decoder.color_type().has_alpha() && format != "GIF",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid 16 x 16 JPEG whose frame header then claims 65500 x 65500 pixels.
    fn bomb() -> Vec<u8> {
        let mut jpeg = encode(&DynamicImage::ImageRgb8(RgbImage::new(16, 16))).unwrap();
        let mut at = 2; // after FF D8, marker by marker to the frame header
        while jpeg[at + 1] != 0xc0 {
            at += 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        }
        // FF C0, length (2 bytes), precision (1), height (2), width (2)
        jpeg[at + 5..at + 9].copy_from_slice(&[0xff, 0xdc, 0xff, 0xdc]); // 65500 each
        jpeg
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header_with_a_clear_error() {
        let bomb = bomb();
        assert!(bomb.len() < 1_000, "{} bytes", bomb.len());
        assert_eq!(jpeg_size(&bomb), Some((65500, 65500)));
        // The refusal is the header check's, not a decoder's error: nothing was decoded.
        let expected = format!(
            "65500x65500 pixels, over the {MAX_PIXELS} a photo may have (twice Pillow's \
             MAX_IMAGE_PIXELS): refused undecoded, as a decompression bomb"
        );
        assert_eq!(make(&bomb, &[32, 64, 200]), Err(BadImage(expected.clone())));
        assert_eq!(open(&bomb, 200).err(), Some(BadImage(expected.clone())));
        assert_eq!(shape(&bomb), Err(BadImage(expected)));
        assert_eq!(MAX_PIXELS, 178_956_970);
    }
}
