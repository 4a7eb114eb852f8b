//! The image step on the photos real cameras and phones produce: portrait, tiny, progressive,
//! greyscale, EXIF-rotated, CMYK, PNG with alpha, WebP, GIF, BMP; and broken ones.

mod support;

use std::io::Cursor;

use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageEncoder, ImageFormat, RgbImage, RgbaImage};
use jpeg_encoder::{ColorType, Encoder};
use support::{claiming_size, exif_with_orientation};
use thumbnail_codec::thumbs::{self, target_size};

const RED: [u8; 3] = [255, 0, 0];
const GREEN: [u8; 3] = [0, 255, 0];
const BLUE: [u8; 3] = [0, 0, 255];

/// An RGB image whose top-left quarter is red, top-right quarter green and lower half blue.
fn marked(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        match (x < width / 2, y < height / 2) {
            (true, true) => RED.into(),
            (false, true) => GREEN.into(),
            _ => BLUE.into(),
        }
    })
}

fn jpeg(
    pixels: &[u8],
    width: u16,
    height: u16,
    color: ColorType,
    tune: impl FnOnce(&mut Encoder<&mut Vec<u8>>),
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, 90);
    tune(&mut encoder);
    encoder.encode(pixels, width, height, color).unwrap();
    out
}

/// The image in another format, as `image` writes it (WebP: lossless).
fn encoded(image: impl Into<DynamicImage>, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.into().write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// The (r, g, b) of pixel (x, y) of a thumbnail (grey repeated).
fn pixel(jpeg: &[u8], x: usize, y: usize) -> [u8; 3] {
    let mut decoder = jpeg_decoder::Decoder::new(jpeg);
    let pixels = decoder.decode().unwrap();
    let info = decoder.info().unwrap();
    let i = y * usize::from(info.width) + x;
    match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => [pixels[i]; 3],
        _ => [pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]],
    }
}

/// Within a JPEG's error of `want`.
fn is(want: [u8; 3], got: [u8; 3]) -> bool {
    want.iter().zip(got).all(|(w, g)| w.abs_diff(g) < 80)
}

/// Checks a thumbnail of a `marked` image: its size, and its three colours where they belong.
fn assert_marked(thumb: &thumbs::Thumb, size: (u32, u32), what: &str) {
    assert_eq!((thumb.width, thumb.height), size, "{what}");
    assert_eq!(thumbs::jpeg_size(&thumb.jpeg), Some(size), "{what}");
    let (w, h) = (size.0 as usize, size.1 as usize);
    for (x, y, colour) in [(2, 2, RED), (w - 3, 2, GREEN), (w / 2, h - 3, BLUE)] {
        let got = pixel(&thumb.jpeg, x, y);
        assert!(
            is(colour, got),
            "{what}: ({x}, {y}) is {got:?}, not {colour:?}"
        );
    }
}

#[test]
fn landscape_photo_gets_every_width_and_its_aspect_ratio() {
    let jpeg = common::images::photo_jpeg(1920, 1280, 3);
    let made = thumbs::make(&jpeg, &[32, 64, 200]).unwrap();
    let sizes: Vec<_> = made
        .iter()
        .map(|t| (t.requested, t.width, t.height))
        .collect();
    assert_eq!(sizes, vec![(32, 32, 21), (64, 64, 43), (200, 200, 133)]);
    for t in &made {
        assert_eq!(thumbs::jpeg_size(&t.jpeg), Some((t.width, t.height)));
    }
    // Made widest first, handed back in the order asked for, a repeated width included.
    let made = thumbs::make(&jpeg, &[64, 200, 32, 64]).unwrap();
    let sizes: Vec<_> = made.iter().map(|t| (t.width, t.height)).collect();
    assert_eq!(sizes, vec![(64, 43), (200, 133), (32, 21), (64, 43)]);
}

#[test]
fn portrait_photo_keeps_its_shape() {
    let jpeg = jpeg(&marked(300, 600), 300, 600, ColorType::Rgb, |_| {});
    let made = thumbs::make(&jpeg, &[64]).unwrap();
    assert_marked(&made[0], (64, 128), "portrait");
}

#[test]
fn a_tiny_image_is_never_enlarged() {
    let jpeg = jpeg(&marked(40, 30), 40, 30, ColorType::Rgb, |_| {});
    let made = thumbs::make(&jpeg, &[32, 64, 200]).unwrap();
    let sizes: Vec<_> = made
        .iter()
        .map(|t| (t.requested, t.width, t.height))
        .collect();
    assert_eq!(sizes, vec![(32, 32, 24), (64, 40, 30), (200, 40, 30)]);
    assert_marked(&made[2], (40, 30), "tiny, kept at its size");
    assert_eq!(target_size(40, 30, 200), (40, 30));
    assert_eq!(
        target_size(1000, 1, 32),
        (32, 1),
        "a height never rounds down to 0"
    );
}

#[test]
fn progressive_jpegs_decode_like_the_others() {
    let jpeg = jpeg(&marked(400, 300), 400, 300, ColorType::Rgb, |e| {
        e.set_progressive(true)
    });
    let shape = thumbs::shape(&jpeg).unwrap();
    assert!(shape.progressive && shape.format == "JPEG", "{shape:?}");
    let made = thumbs::make(&jpeg, &[200]).unwrap();
    assert_marked(&made[0], (200, 150), "progressive");
}

#[test]
fn greyscale_stays_greyscale() {
    let grey: Vec<u8> = (0..320 * 240).map(|i| (i % 256) as u8).collect();
    let png = encoded(
        image::GrayImage::from_raw(320, 240, grey.clone()).unwrap(),
        ImageFormat::Png,
    );
    let jpeg = jpeg(&grey, 320, 240, ColorType::Luma, |_| {});
    for (bytes, what) in [(jpeg, "JPEG"), (png, "PNG")] {
        assert!(thumbs::shape(&bytes).unwrap().grey, "{what}");
        let made = thumbs::make(&bytes, &[64]).unwrap();
        assert_eq!((made[0].width, made[0].height), (64, 48), "{what}");
        let mut decoder = jpeg_decoder::Decoder::new(&made[0].jpeg[..]);
        decoder.decode().unwrap();
        assert_eq!(
            decoder.info().unwrap().pixel_format,
            jpeg_decoder::PixelFormat::L8,
            "{what}"
        );
    }
}

/// A landscape 400x200 image stored as a camera with `orientation` stores it: the quarters that
/// are red and green once upright sit where this table says in the stored pixels.
fn stored_for(orientation: u8) -> RgbImage {
    // (red's quarter, green's quarter) in the stored image, as (right half?, lower half?).
    let (red, green) = match orientation {
        1 => ((0, 0), (1, 0)),
        2 => ((1, 0), (0, 0)), // mirrored left to right
        3 => ((1, 1), (0, 1)), // upside down
        4 => ((0, 1), (1, 1)), // mirrored top to bottom
        5 => ((0, 0), (0, 1)), // transposed
        6 => ((0, 1), (0, 0)), // turn 90° clockwise to display
        7 => ((1, 1), (1, 0)), // transversed
        _ => ((1, 0), (1, 1)), // 8: turn 90° counter-clockwise to display
    };
    RgbImage::from_fn(400, 200, |x, y| {
        let quarter = (u8::from(x >= 200), u8::from(y >= 100));
        if quarter == red {
            RED.into()
        } else if quarter == green {
            GREEN.into()
        } else {
            BLUE.into()
        }
    })
}

#[test]
fn exif_rotated_jpegs_come_out_upright_in_all_eight_orientations() {
    for orientation in 1..=8 {
        let exif = exif_with_orientation(orientation);
        let jpeg = jpeg(&stored_for(orientation), 400, 200, ColorType::Rgb, |e| {
            e.add_exif_metadata(&exif).unwrap()
        });
        let shape = thumbs::shape(&jpeg).unwrap();
        assert_eq!(shape.orientation, orientation);
        let upright = if orientation >= 5 {
            (200, 400)
        } else {
            (400, 200)
        };
        assert_eq!((shape.width, shape.height), upright);
        // 100 px wide from 400x200 stored: turned sideways, a reduced decode is asked for
        // along the stored height.
        let made = thumbs::make(&jpeg, &[50, 100]).unwrap();
        let size = if orientation >= 5 {
            (100, 200)
        } else {
            (100, 50)
        };
        assert_marked(&made[1], size, &format!("orientation {orientation}"));
    }
}

#[test]
fn exif_rotated_pngs_come_out_upright_too() {
    let mut png = Vec::new();
    let mut encoder = PngEncoder::new(&mut png);
    encoder.set_exif_metadata(exif_with_orientation(6)).unwrap();
    let stored = stored_for(6);
    encoder
        .write_image(&stored, 400, 200, image::ExtendedColorType::Rgb8)
        .unwrap();
    let shape = thumbs::shape(&png).unwrap();
    assert_eq!((shape.format, shape.orientation), ("PNG", 6));
    assert_eq!((shape.width, shape.height), (200, 400));
    let made = thumbs::make(&png, &[100]).unwrap();
    assert_marked(&made[0], (100, 200), "PNG, orientation 6");
}

#[test]
fn a_large_photo_is_reduced_and_turned_before_each_width_is_made() {
    // 1600x800 stored, orientation 6: the thumbnail of width 100 comes from the stored height
    // axis (800 across once upright), asked for at 200: a 1/4 decode. Wrong axes would give a
    // 1/8 decode of 100 across, smaller than the reducing gap, or the wrong shape.
    let stored = DynamicImage::from(stored_for(6)).resize_exact(
        1600,
        800,
        image::imageops::FilterType::Nearest,
    );
    let exif = exif_with_orientation(6);
    let jpeg = jpeg(stored.as_bytes(), 1600, 800, ColorType::Rgb, |e| {
        e.add_exif_metadata(&exif).unwrap()
    });
    let made = thumbs::make(&jpeg, &[100]).unwrap();
    assert_marked(&made[0], (100, 200), "1600x800, orientation 6");
    let (image, full) = thumbs::open(&jpeg, 100).unwrap();
    assert_eq!(full, (800, 1600), "the full upright size");
    assert_eq!((image.width(), image.height()), (200, 400), "a 1/4 decode");

    // The same as a PNG: decoded at full size, shrunk once to 200 across, then turned.
    let mut png = Vec::new();
    let mut encoder = PngEncoder::new(&mut png);
    encoder.set_exif_metadata(exif).unwrap();
    encoder
        .write_image(stored.as_bytes(), 1600, 800, image::ExtendedColorType::Rgb8)
        .unwrap();
    let made = thumbs::make(&png, &[100]).unwrap();
    assert_marked(&made[0], (100, 200), "PNG 1600x800, orientation 6");
    let (image, full) = thumbs::open(&png, 100).unwrap();
    assert_eq!(full, (800, 1600), "the full upright size");
    assert_eq!((image.width(), image.height()), (200, 400), "shrunk once");
}

#[test]
fn cmyk_becomes_rgb() {
    let cmyk: Vec<u8> = (0..200 * 100).flat_map(|_| [0u8, 255, 255, 0]).collect(); // red ink
    let jpeg = jpeg(&cmyk, 200, 100, ColorType::Cmyk, |_| {});
    let made = thumbs::make(&jpeg, &[50]).unwrap();
    assert_eq!((made[0].width, made[0].height), (50, 25));
    let got = pixel(&made[0].jpeg, 25, 12);
    assert!(is(RED, got), "{got:?}");
}

#[test]
fn png_webp_gif_and_bmp_are_read_by_their_content() {
    let rgb = marked(400, 300);
    for format in [
        ImageFormat::Png,
        ImageFormat::WebP,
        ImageFormat::Gif,
        ImageFormat::Bmp,
    ] {
        let bytes = encoded(rgb.clone(), format);
        let shape = thumbs::shape(&bytes).unwrap();
        assert_eq!((shape.width, shape.height), (400, 300), "{format:?}");
        assert!(!shape.grey && !shape.progressive, "{format:?}");
        let made = thumbs::make(&bytes, &[32, 64, 200]).unwrap();
        let sizes: Vec<_> = made.iter().map(|t| (t.width, t.height)).collect();
        assert_eq!(sizes, [(32, 24), (64, 48), (200, 150)], "{format:?}");
        assert_marked(&made[2], (200, 150), &format!("{format:?}"));
    }
    let names: Vec<_> = [ImageFormat::Png, ImageFormat::WebP, ImageFormat::Gif]
        .map(|f| thumbs::shape(&encoded(rgb.clone(), f)).unwrap().format)
        .to_vec();
    assert_eq!(names, ["PNG", "WebP", "GIF"]);
}

#[test]
fn a_png_with_alpha_becomes_an_rgb_jpeg() {
    // Half transparent, half opaque: the JPEG keeps the colours and drops the alpha.
    let rgb = marked(300, 200);
    let rgba = RgbaImage::from_fn(300, 200, |x, y| {
        let [r, g, b] = rgb.get_pixel(x, y).0;
        image::Rgba([r, g, b, if x % 2 == 0 { 255 } else { 0 }])
    });
    let png = encoded(rgba, ImageFormat::Png);
    let shape = thumbs::shape(&png).unwrap();
    assert!(shape.alpha && shape.format == "PNG", "{shape:?}");
    let made = thumbs::make(&png, &[64]).unwrap();
    assert_marked(&made[0], (64, 43), "PNG with alpha");
    let webp = encoded(
        RgbaImage::from_pixel(300, 200, image::Rgba([255, 0, 0, 128])),
        ImageFormat::WebP,
    );
    let made = thumbs::make(&webp, &[64]).unwrap();
    assert!(is(RED, pixel(&made[0].jpeg, 30, 20)), "WebP with alpha");
}

#[test]
fn truncated_garbage_and_unknown_bytes_are_bad_images() {
    let jpeg = common::images::photo_jpeg(640, 480, 1);
    let png = encoded(marked(640, 480), ImageFormat::Png);
    let webp = encoded(marked(640, 480), ImageFormat::WebP);
    let truncated = [
        &jpeg[..jpeg.len() / 2],
        &png[..png.len() / 2],
        &webp[..webp.len() / 2],
    ];
    for bytes in truncated {
        assert!(thumbs::make(bytes, &[64]).is_err());
    }
    for bytes in [
        &b"GIF89a...."[..],
        b"",
        b"\xff\xd8\xff not really",
        b"hello",
    ] {
        assert!(thumbs::make(bytes, &[64]).is_err(), "{bytes:?}");
    }
    let tiff = encoded_tiff_header();
    let err = thumbs::make(&tiff, &[64]).unwrap_err();
    assert!(thumbs::shape(&tiff).is_err(), "{err}");
}

/// The first bytes of a TIFF: a format `image` recognises but this workspace does not enable.
fn encoded_tiff_header() -> Vec<u8> {
    b"II\x2a\x00\x08\x00\x00\x00\x00\x00".to_vec()
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header_on_every_path() {
    // Each a small valid JPEG whose header then claims 65500 x 65500 pixels (4.3 gigapixels):
    // RGB and greyscale take the reduced decode, CMYK `image`'s, progressive allocates its
    // coefficients at full size; the survey reads each one's shape.
    let rgb = marked(16, 16);
    let grey = vec![128u8; 16 * 16];
    let cmyk = vec![64u8; 16 * 16 * 4];
    let photos = [
        ("baseline", jpeg(&rgb, 16, 16, ColorType::Rgb, |_| {})),
        (
            "progressive",
            jpeg(&rgb, 16, 16, ColorType::Rgb, |e| e.set_progressive(true)),
        ),
        ("greyscale", jpeg(&grey, 16, 16, ColorType::Luma, |_| {})),
        ("CMYK", jpeg(&cmyk, 16, 16, ColorType::Cmyk, |_| {})),
    ];
    for (what, photo) in photos {
        assert!(
            thumbs::make(&photo, &[32]).is_ok(),
            "{what}: the photo itself is fine"
        );
        let bomb = claiming_size(photo, 65500, 65500);
        assert_eq!(thumbs::jpeg_size(&bomb), Some((65500, 65500)), "{what}");
        for refused in [
            thumbs::make(&bomb, &[32, 64]).map(|_| ()),
            thumbs::shape(&bomb).map(|_| ()),
        ] {
            let why = refused.expect_err(what).0;
            assert!(
                why.contains("65500x65500 pixels") && why.contains("decompression bomb"),
                "{what}: {why}"
            );
        }
    }
    // At the limit, a photo's size is fine; one pixel more is not.
    let side = 13_377; // 13,377 x 13,378 = 178,957,506 > MAX_PIXELS > 13,377 x 13,377
    assert!(u64::from(side) * u64::from(side) <= thumbs::MAX_PIXELS);
    assert!(thumbs::check_pixels(side, side).is_ok());
    assert!(thumbs::check_pixels(side, side + 1).is_err());
}
