//! Shrinking pixels the way Pillow's `thumbnail` does: a cheap box reduction by a whole factor,
//! then a Lanczos3 resample for the last factor of two or three.
//!
//! Lanczos3 weighs up to three source pixels either side of each output pixel, stretched by the
//! scale when shrinking, so a big reduction in one step touches many pixels per output pixel.
//! Averaging blocks of `f x f` pixels first (Pillow's `reduce()`, with `reducing_gap = 2`: stop
//! while the image is still at least twice the target) leaves Lanczos a small job, and looks
//! the same. Both passes are separable: rows first, then columns.

use std::f32::consts::PI;

/// Resizes `pixels` (`width` x `height`, `channels` bytes per pixel: 1 grey or 3 RGB) to
/// `to_width` x `to_height`. Sizes must be at least 1.
pub fn resize(
    pixels: &[u8],
    (width, height): (usize, usize),
    channels: usize,
    (to_width, to_height): (usize, usize),
) -> Vec<u8> {
    let fx = (width / (2 * to_width)).max(1);
    let fy = (height / (2 * to_height)).max(1);
    if fx > 1 || fy > 1 {
        let (reduced, w, h) = box_reduce(pixels, (width, height), channels, (fx, fy));
        lanczos3(&reduced, (w, h), channels, (to_width, to_height))
    } else {
        lanczos3(pixels, (width, height), channels, (to_width, to_height))
    }
}

/// Averages blocks of `fx` x `fy` pixels; the blocks at the right and bottom edges may be
/// smaller, so no source pixel is dropped.
fn box_reduce(
    pixels: &[u8],
    (w, h): (usize, usize),
    c: usize,
    (fx, fy): (usize, usize),
) -> (Vec<u8>, usize, usize) {
    let (rw, rh) = (w.div_ceil(fx), h.div_ceil(fy));
    let mut out = Vec::with_capacity(rw * rh * c);
    let mut sums = vec![0u32; rw * c];
    for by in 0..rh {
        sums.fill(0);
        let rows = (by * fy..((by + 1) * fy).min(h)).len();
        for y in by * fy..by * fy + rows {
            let row = &pixels[y * w * c..(y + 1) * w * c];
            for (x, px) in row.chunks_exact(c).enumerate() {
                let sum = &mut sums[(x / fx) * c..(x / fx) * c + c];
                for (s, &p) in sum.iter_mut().zip(px) {
                    *s += u32::from(p);
                }
            }
        }
        for bx in 0..rw {
            let cols = ((bx + 1) * fx).min(w) - bx * fx;
            let n = (rows * cols) as u32;
            out.extend(
                sums[bx * c..bx * c + c]
                    .iter()
                    .map(|&s| ((s + n / 2) / n) as u8),
            );
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

/// Separable Lanczos3: each row to the new width, then each column to the new height.
fn lanczos3(pixels: &[u8], (w, h): (usize, usize), c: usize, (tw, th): (usize, usize)) -> Vec<u8> {
    let horizontal = taps(w, tw);
    let rows = match c {
        1 => resample_rows::<1>(pixels, w, &horizontal),
        3 => resample_rows::<3>(pixels, w, &horizontal),
        _ => unreachable!("only grey (1) and RGB (3) pixels are decoded"),
    };

    let vertical = taps(h, th);
    let row_len = tw * c;
    let mut out = vec![0u8; th * row_len];
    let mut acc = vec![0f32; row_len];
    for (t, dst) in vertical.iter().zip(out.chunks_exact_mut(row_len)) {
        acc.fill(0.0);
        for (k, &weight) in t.weights.iter().enumerate() {
            let src = &rows[(t.start + k) * row_len..(t.start + k + 1) * row_len];
            for (a, &s) in acc.iter_mut().zip(src) {
                *a += weight * s;
            }
        }
        for (o, &a) in dst.iter_mut().zip(&acc) {
            *o = a.round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// The horizontal pass, for pixels of `C` channels: the channel count is a constant, so each
/// channel's sum stays in a register.
fn resample_rows<const C: usize>(pixels: &[u8], w: usize, taps: &[Taps]) -> Vec<f32> {
    let mut rows = Vec::with_capacity(pixels.len() / w.max(1) * taps.len());
    for src in pixels.chunks_exact(w * C) {
        for t in taps {
            let span = &src[t.start * C..(t.start + t.weights.len()) * C];
            let mut sum = [0f32; C];
            for (px, &weight) in span.chunks_exact(C).zip(&t.weights) {
                for ch in 0..C {
                    sum[ch] += weight * f32::from(px[ch]);
                }
            }
            rows.extend_from_slice(&sum);
        }
    }
    rows
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

    #[test]
    fn box_reduce_averages_every_pixel_including_the_edges() {
        // 5 x 1 grey pixels reduced by 2: blocks (0, 10), (20, 30), and the lone 40.
        let (out, w, h) = box_reduce(&[0, 10, 20, 30, 40], (5, 1), 1, (2, 1));
        assert_eq!((w, h), (3, 1));
        assert_eq!(out, [5, 25, 40]);
    }
}
