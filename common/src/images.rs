//! Deterministic sample images: photo-like JPEGs for the thumbnail maker and small flag GIFs.
//!
//! The photos are not flat colour: smooth gradients, soft blobs and fine grain give the JPEG
//! encoder real work and the decoder a realistic cost, like a photo from a camera.

/// A photo-like JPEG of `width` x `height` pixels, the same bytes for the same arguments.
pub fn photo_jpeg(width: u16, height: u16, seed: u64) -> Vec<u8> {
    let rgb = photo_pixels(width, height, seed);
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(&rgb, width, height, jpeg_encoder::ColorType::Rgb)
        .expect("encoding into memory cannot fail for a valid size");
    out
}

/// The RGB pixels behind [`photo_jpeg`], row by row.
///
/// Large photos are drawn at a quarter of their size and enlarged (each pixel becomes a 4x4
/// block), which keeps start-up quick in unoptimised builds and still leaves the JPEG full of
/// detail to decode.
pub fn photo_pixels(width: u16, height: u16, seed: u64) -> Vec<u8> {
    let (width, height) = (usize::from(width.max(1)), usize::from(height.max(1)));
    let scale = if width * height >= 1_000_000 { 4 } else { 1 };
    let (small_w, small_h) = (width.div_ceil(scale), height.div_ceil(scale));
    let small = draw(small_w, small_h, seed);
    if scale == 1 {
        return small;
    }
    let mut rgb = Vec::with_capacity(width * height * 3);
    let mut row = Vec::with_capacity(width * 3);
    for small_row in small.chunks_exact(small_w * 3) {
        row.clear();
        for px in small_row.chunks_exact(3) {
            for _ in 0..scale {
                row.extend_from_slice(px);
            }
        }
        row.truncate(width * 3);
        for _ in 0..scale {
            if rgb.len() < width * height * 3 {
                rgb.extend_from_slice(&row);
            }
        }
    }
    rgb
}

/// Gradients, soft blobs and grain, at exactly `w` x `h`.
fn draw(w: usize, h: usize, seed: u64) -> Vec<u8> {
    let (w, h) = (w as i64, h as i64);
    let mut rng = SplitMix(seed ^ 0x5EED_F1A6);
    // A handful of soft blobs: centre, squared radius, colour.
    let blobs: Vec<(i64, i64, i64, [i64; 3])> = (0..6)
        .map(|_| {
            let r = (w.min(h) / 8) + (rng.next() % (w.min(h) as u64 / 4 + 1)) as i64;
            (
                (rng.next() % w as u64) as i64,
                (rng.next() % h as u64) as i64,
                r * r,
                [0, 0, 0].map(|_: i64| (rng.next() % 256) as i64),
            )
        })
        .collect();
    let tint = [0, 0, 0].map(|_: i64| (rng.next() % 60) as i64);

    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    let mut grain = SplitMix(seed);
    for y in 0..h {
        for x in 0..w {
            // Sky-to-ground gradient.
            let mut px = [
                40 + tint[0] + x * 120 / w,
                70 + tint[1] + y * 110 / h,
                170 + tint[2] - y * 120 / h,
            ];
            // Soft blobs blended in by distance from their centre.
            for &(cx, cy, r2, colour) in &blobs {
                let d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                if d2 < r2 {
                    let weight = (r2 - d2) * 256 / r2;
                    for c in 0..3 {
                        px[c] = (px[c] * (256 - weight) + colour[c] * weight) / 256;
                    }
                }
            }
            // Fine grain, as a sensor would add.
            let noise = (grain.next() % 25) as i64 - 12;
            rgb.extend(px.map(|v| (v + noise).clamp(0, 255) as u8));
        }
    }
    rgb
}

/// A small flag for a country code: three stripes in colours derived from the code.
pub fn flag_gif(cc: &str) -> Vec<u8> {
    const W: u16 = 60;
    const H: u16 = 40;
    let mut rng = SplitMix(cc.bytes().fold(0, |acc, b| acc * 131 + u64::from(b)));
    let palette: Vec<u8> = (0..9).map(|_| (rng.next() % 256) as u8).collect();
    let vertical = rng.next() & 1 == 0;
    let pixels: Vec<u8> = (0..H)
        .flat_map(|y| (0..W).map(move |x| if vertical { x * 3 / W } else { y * 3 / H } as u8))
        .collect();

    let mut out = Vec::new();
    {
        let mut encoder =
            gif::Encoder::new(&mut out, W, H, &palette).expect("writing to memory cannot fail");
        let frame = gif::Frame {
            width: W,
            height: H,
            buffer: std::borrow::Cow::Borrowed(&pixels),
            ..gif::Frame::default()
        };
        encoder
            .write_frame(&frame)
            .expect("writing to memory cannot fail");
    }
    out
}

/// A small, fast, deterministic generator (SplitMix64): good enough for pixels and faults.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(pub(crate) u64);

impl SplitMix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_deterministic_valid_jpegs_and_not_flat() {
        let a = photo_jpeg(64, 48, 1);
        assert_eq!(a, photo_jpeg(64, 48, 1));
        assert_ne!(a, photo_jpeg(64, 48, 2));
        assert_eq!(&a[..2], &[0xFF, 0xD8], "JPEG start of image");
        assert_eq!(&a[a.len() - 2..], &[0xFF, 0xD9], "JPEG end of image");
        let px = photo_pixels(64, 48, 1);
        let distinct: std::collections::HashSet<_> = px.chunks(3).collect();
        assert!(distinct.len() > 500, "only {} colours", distinct.len());
    }

    #[test]
    fn flags_are_small_gifs_that_differ_by_country() {
        let br = flag_gif("br");
        assert!(br.starts_with(b"GIF89a"));
        assert_ne!(br, flag_gif("in"));
        assert_eq!(br, flag_gif("br"));
    }
}
