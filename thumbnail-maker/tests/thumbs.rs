//! The image step on the photos real cameras produce: portrait, tiny, progressive, greyscale,
//! EXIF-rotated, CMYK; and broken ones.

use jpeg_encoder::{ColorType, Encoder};
use thumbnail_maker::exif;
use thumbnail_maker::thumbs::{self, target_size};

/// An RGB image whose top-left quarter is red and the rest blue.
fn marked(width: u16, height: u16) -> Vec<u8> {
    let (w, h) = (usize::from(width), usize::from(height));
    (0..w * h)
        .flat_map(|i| {
            let (x, y) = (i % w, i / w);
            if x < w / 2 && y < h / 2 {
                [255, 0, 0]
            } else {
                [0, 0, 255]
            }
        })
        .collect()
}

fn encode(
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

/// The (r, g, b) of pixel (x, y) of a decoded thumbnail.
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

fn is_red(p: [u8; 3]) -> bool {
    p[0] > 180 && p[1] < 80 && p[2] < 80
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
}

#[test]
fn portrait_photo_keeps_its_shape() {
    let jpeg = encode(&marked(300, 600), 300, 600, ColorType::Rgb, |_| {});
    let made = thumbs::make(&jpeg, &[64]).unwrap();
    assert_eq!((made[0].width, made[0].height), (64, 128));
    assert!(is_red(pixel(&made[0].jpeg, 4, 4)));
    assert!(!is_red(pixel(&made[0].jpeg, 60, 124)));
}

#[test]
fn a_tiny_image_is_never_enlarged() {
    let jpeg = encode(&marked(40, 30), 40, 30, ColorType::Rgb, |_| {});
    let made = thumbs::make(&jpeg, &[32, 64, 200]).unwrap();
    let sizes: Vec<_> = made
        .iter()
        .map(|t| (t.requested, t.width, t.height))
        .collect();
    assert_eq!(sizes, vec![(32, 32, 24), (64, 40, 30), (200, 40, 30)]);
    assert_eq!(target_size(40, 30, 200), (40, 30));
    assert_eq!(
        target_size(1000, 1, 32),
        (32, 1),
        "a height never rounds down to 0"
    );
}

#[test]
fn progressive_jpegs_decode_like_the_others() {
    let jpeg = encode(&marked(400, 300), 400, 300, ColorType::Rgb, |e| {
        e.set_progressive(true)
    });
    assert!(thumbs::shape(&jpeg).unwrap().progressive);
    let made = thumbs::make(&jpeg, &[200]).unwrap();
    assert_eq!((made[0].width, made[0].height), (200, 150));
    assert!(is_red(pixel(&made[0].jpeg, 10, 10)));
}

#[test]
fn greyscale_stays_greyscale() {
    let grey: Vec<u8> = (0..320 * 240).map(|i| (i % 256) as u8).collect();
    let jpeg = encode(&grey, 320, 240, ColorType::Luma, |_| {});
    assert!(thumbs::shape(&jpeg).unwrap().grey);
    let made = thumbs::make(&jpeg, &[64]).unwrap();
    assert_eq!((made[0].width, made[0].height), (64, 48));
    let mut decoder = jpeg_decoder::Decoder::new(&made[0].jpeg[..]);
    decoder.decode().unwrap();
    assert_eq!(
        decoder.info().unwrap().pixel_format,
        jpeg_decoder::PixelFormat::L8
    );
}

#[test]
fn exif_rotated_photos_come_out_upright() {
    // A landscape 400x200 stored image, red in the stored corner that each orientation moves
    // to the upright top-left (see exif::apply); the thumbnail must be red at its top-left.
    for (orientation, stored_corner) in [(3, (1, 1)), (6, (0, 1)), (8, (1, 0)), (2, (1, 0))] {
        let (w, h) = (400usize, 200usize);
        let pixels: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                let (x, y) = (i % w, i / w);
                let corner = (usize::from(x >= w / 2), usize::from(y >= h / 2));
                if corner == stored_corner {
                    [255, 0, 0]
                } else {
                    [0, 0, 255]
                }
            })
            .collect();
        let exif_block = exif::block_with_orientation(orientation);
        let jpeg = encode(&pixels, 400, 200, ColorType::Rgb, |e| {
            e.add_exif_metadata(&exif_block).unwrap()
        });
        let shape = thumbs::shape(&jpeg).unwrap();
        assert_eq!(shape.orientation, orientation);
        let upright = if orientation >= 5 {
            (200, 400)
        } else {
            (400, 200)
        };
        assert_eq!((shape.width, shape.height), upright);
        let made = thumbs::make(&jpeg, &[100]).unwrap();
        let expected = if orientation >= 5 {
            (100, 200)
        } else {
            (100, 50)
        };
        assert_eq!(
            (made[0].width, made[0].height),
            expected,
            "orientation {orientation}"
        );
        assert!(
            is_red(pixel(&made[0].jpeg, 3, 3)),
            "orientation {orientation}: top-left not red"
        );
    }
}

#[test]
fn cmyk_becomes_rgb() {
    let cmyk: Vec<u8> = (0..200 * 100).flat_map(|_| [0u8, 255, 255, 0]).collect(); // red ink
    let jpeg = encode(&cmyk, 200, 100, ColorType::Cmyk, |_| {});
    let made = thumbs::make(&jpeg, &[50]).unwrap();
    assert_eq!((made[0].width, made[0].height), (50, 25));
    assert!(
        is_red(pixel(&made[0].jpeg, 25, 12)),
        "{:?}",
        pixel(&made[0].jpeg, 25, 12)
    );
}

#[test]
fn truncated_and_garbage_bytes_are_bad_images() {
    let jpeg = common::images::photo_jpeg(640, 480, 1);
    assert!(thumbs::make(&jpeg[..jpeg.len() / 2], &[64]).is_err());
    assert!(thumbs::make(b"GIF89a....", &[64]).is_err());
    assert!(thumbs::make(&[], &[64]).is_err());
}
