//! Shrinking pixels the way Pillow's `thumbnail` does: a cheap box reduction by a whole factor,
//! then a Lanczos3 resample for the last factor of two or three.
//!
//! Lanczos3 weighs up to three source pixels either side of each output pixel, stretched by the
//! scale when shrinking, so a big reduction in one step touches many pixels per output pixel.
//! Averaging blocks of `f x f` pixels first (Pillow's `reduce()`, with `reducing_gap = 2`: stop
//! while the image is still at least twice the target) leaves Lanczos a small job, and looks
//! the same.
//!
//! Both passes do the columns first. Summing whole rows is a loop over contiguous bytes that the
//! compiler turns into vector instructions, and it leaves fewer rows for the per-pixel pass.
//! In that order, with the sums held in registers, resampling is a small part of a photo's
//! cost: `cargo bench -p thumbnail-maker` prints it beside the decode.

use std::f32::consts::PI;

/// Resizes `pixels` (`width` x `height`, `channels` bytes per pixel: 1 grey or 3 RGB) to
/// `to_width` x `to_height`. Sizes must be at least 1.
pub fn resize(
    pixels: &[u8],
    (width, height): (usize, usize),
    channels: usize,
    (to_width, to_height): (usize, usize),
) -> Vec<u8> {
    match channels {
        1 => resize_pixels::<1>(pixels, (width, height), (to_width, to_height)),
        3 => resize_pixels::<3>(pixels, (width, height), (to_width, to_height)),
        _ => unreachable!("only grey (1) and RGB (3) pixels are decoded"),
    }
}

/// [`resize`] for pixels of `C` channels: the channel count is a constant, so each pixel's sums
/// stay in registers.
fn resize_pixels<const C: usize>(
    pixels: &[u8],
    (width, height): (usize, usize),
    (to_width, to_height): (usize, usize),
) -> Vec<u8> {
    let fx = (width / (2 * to_width)).max(1);
    let fy = (height / (2 * to_height)).max(1);
    if fx > 1 || fy > 1 {
        let (reduced, w, h) = box_reduce::<C>(pixels, (width, height), (fx, fy));
        lanczos3::<C>(&reduced, (w, h), (to_width, to_height))
    } else {
        lanczos3::<C>(pixels, (width, height), (to_width, to_height))
    }
}

/// Averages blocks of `fx` x `fy` pixels; the blocks at the right and bottom edges may be
/// smaller, so no source pixel is dropped.
fn box_reduce<const C: usize>(
    pixels: &[u8],
    (w, h): (usize, usize),
    (fx, fy): (usize, usize),
) -> (Vec<u8>, usize, usize) {
    let (rw, rh) = (w.div_ceil(fx), h.div_ceil(fy));
    let row_len = w * C;
    let mut out = Vec::with_capacity(rw * rh * C);
    let mut column_sums = vec![0u32; row_len];
    for band in pixels[..h * row_len].chunks(fy * row_len) {
        // Each column's sum over the band's rows, a whole row at a time...
        column_sums.fill(0);
        for row in band.chunks_exact(row_len) {
            for (sum, &p) in column_sums.iter_mut().zip(row) {
                *sum += u32::from(p);
            }
        }
        // ...then each block's sum over its columns.
        let rows = band.len() / row_len;
        for block in column_sums.chunks(fx * C) {
            let n = (rows * block.len() / C) as u32;
            let mut sum = [0u32; C];
            for px in block.chunks_exact(C) {
                for ch in 0..C {
                    sum[ch] += px[ch];
                }
            }
            out.extend(sum.map(|s| ((s + n / 2) / n) as u8));
        }
    }
    (out, rw, rh)
}

/// The source pixels one output pixel reads along one axis, and their weights (summing to 1).
struct Taps {
    start: usize,
    weights: Vec<f32>,
}

fn taps(src: usize, dst: usize) -> Vec<Taps> {
    let scale = src as f32 / dst as f32;
    let stretch = scale.max(1.0); // widen the filter when shrinking, so no pixel is skipped
    let support = 3.0 * stretch;
    (0..dst)
        .map(|i| {
            let centre = (i as f32 + 0.5) * scale;
            let start = (centre - support).floor().max(0.0) as usize;
            let end = ((centre + support).ceil() as usize).clamp(start + 1, src);
            let mut weights: Vec<f32> = (start..end)
                .map(|j| lanczos3_kernel((j as f32 + 0.5 - centre) / stretch))
                .collect();
            let sum: f32 = weights.iter().sum();
            if sum.abs() > f32::EPSILON {
                weights.iter_mut().for_each(|w| *w /= sum);
            }
            Taps { start, weights }
        })
        .collect()
}

fn lanczos3_kernel(x: f32) -> f32 {
    if x.abs() < 1e-6 {
        1.0
    } else if x.abs() >= 3.0 {
        0.0
    } else {
        let px = PI * x;
        3.0 * px.sin() * (px / 3.0).sin() / (px * px)
    }
}

/// Columns summed at once in the first Lanczos pass: 64 `f32`s fill the 16 SSE registers.
const BLOCK: usize = 64;

/// Separable Lanczos3: the columns to the new height, then the rows to the new width.
fn lanczos3<const C: usize>(
    pixels: &[u8],
    (w, h): (usize, usize),
    (tw, th): (usize, usize),
) -> Vec<u8> {
    // 1. Each output row is a weighted sum of whole source rows, a block of columns at a time.
    let row_len = w * C;
    let mut columns = vec![0f32; th * row_len];
    for (t, acc) in taps(h, th).iter().zip(columns.chunks_exact_mut(row_len)) {
        let rows = &pixels[t.start * row_len..(t.start + t.weights.len()) * row_len];
        for (x, acc) in acc.chunks_mut(BLOCK).enumerate() {
            let mut sums = [0f32; BLOCK];
            for (row, &weight) in rows.chunks_exact(row_len).zip(&t.weights) {
                let src = &row[x * BLOCK..x * BLOCK + acc.len()];
                for (a, &s) in sums.iter_mut().zip(src) {
                    *a += weight * f32::from(s);
                }
            }
            acc.copy_from_slice(&sums[..acc.len()]);
        }
    }

    // 2. Each output pixel is a weighted sum of neighbouring pixels in its row.
    let horizontal = taps(w, tw);
    let mut out = Vec::with_capacity(th * tw * C);
    for src in columns.chunks_exact(row_len) {
        for t in &horizontal {
            let span = &src[t.start * C..(t.start + t.weights.len()) * C];
            let mut sum = [0f32; C];
            for (px, &weight) in span.chunks_exact(C).zip(&t.weights) {
                for ch in 0..C {
                    sum[ch] += weight * px[ch];
                }
            }
            // Lanczos overshoots at sharp edges: clamp, then round half up.
            out.extend(sum.map(|s| (s.clamp(0.0, 255.0) + 0.5) as u8));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_image_stays_flat_at_any_size() {
        let grey = vec![77u8; 640 * 480];
        for (w, h) in [
            (200, 150),
            (64, 48),
            (32, 24),
            (1, 1),
            (640, 480),
            (700, 500),
        ] {
            let out = resize(&grey, (640, 480), 1, (w, h));
            assert_eq!(out.len(), w * h);
            assert!(out.iter().all(|&p| p == 77), "{w}x{h}");
        }
    }

    #[test]
    fn colours_stay_where_they_were() {
        // Left half red, right half blue: the thumbnail keeps them apart.
        let (w, h) = (400, 100);
        let rgb: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                if i % w < w / 2 {
                    [255, 0, 0]
                } else {
                    [0, 0, 255]
                }
            })
            .collect();
        let out = resize(&rgb, (w, h), 3, (40, 10));
        let px = |x: usize, y: usize| &out[(y * 40 + x) * 3..(y * 40 + x) * 3 + 3];
        assert_eq!(px(2, 5), [255, 0, 0]);
        assert_eq!(px(37, 5), [0, 0, 255]);
    }

    /// Lanczos3 the slow and obvious way: every output pixel weighs its whole window at once.
    fn reference_lanczos3(
        pixels: &[u8],
        (w, h): (usize, usize),
        c: usize,
        (tw, th): (usize, usize),
    ) -> Vec<u8> {
        let (horizontal, vertical) = (taps(w, tw), taps(h, th));
        let mut out = Vec::with_capacity(tw * th * c);
        for ty in &vertical {
            for tx in &horizontal {
                for ch in 0..c {
                    let mut sum = 0f64;
                    for (j, &wy) in ty.weights.iter().enumerate() {
                        for (i, &wx) in tx.weights.iter().enumerate() {
                            let p = pixels[((ty.start + j) * w + tx.start + i) * c + ch];
                            sum += f64::from(wy) * f64::from(wx) * f64::from(p);
                        }
                    }
                    out.push(sum.round().clamp(0.0, 255.0) as u8);
                }
            }
        }
        out
    }

    #[test]
    fn the_fast_passes_match_the_obvious_lanczos3() {
        // A busy pattern, and sizes that leave a partial block of columns at each row's end.
        let (w, h) = (203, 61);
        for c in [1, 3] {
            let pixels: Vec<u8> = (0..w * h * c).map(|i| ((i * 7919) % 251) as u8).collect();
            for to in [(101, 30), (80, 24), (13, 5), (203, 61)] {
                let fast = lanczos3_any(&pixels, (w, h), c, to);
                let slow = reference_lanczos3(&pixels, (w, h), c, to);
                assert_eq!(fast.len(), slow.len());
                let worst = fast.iter().zip(&slow).map(|(a, b)| a.abs_diff(*b)).max();
                assert!(worst <= Some(1), "{c} channels to {to:?}: off by {worst:?}");
            }
        }
    }

    fn lanczos3_any(pixels: &[u8], size: (usize, usize), c: usize, to: (usize, usize)) -> Vec<u8> {
        match c {
            1 => lanczos3::<1>(pixels, size, to),
            _ => lanczos3::<3>(pixels, size, to),
        }
    }

    #[test]
    fn box_reduce_averages_every_pixel_including_the_edges() {
        // 5 x 1 grey pixels reduced by 2: blocks (0, 10), (20, 30), and the lone 40.
        let (out, w, h) = box_reduce::<1>(&[0, 10, 20, 30, 40], (5, 1), (2, 1));
        assert_eq!((w, h), (3, 1));
        assert_eq!(out, [5, 25, 40]);
    }
}
