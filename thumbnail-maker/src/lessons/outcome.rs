//! # How each image ended: done, skipped or failed, exactly one of them
//!
//! Python: `done, skipped, failed = [], [], []`, and for each image one `append` in a
//! `try`/`except` that tells a bad photo (`PIL.UnidentifiedImageError`, or the `OSError` Pillow
//! raises for a truncated file: skip it) from a request that kept failing (`requests.HTTPError`
//! after the retries: fail it).
//!
//! Rust: an enum, so an image cannot be both, or neither: every variant hands back a [`Report`]
//! with one [`Outcome`] per image, and the counts add up to the batch. The report also carries
//! when each resize ran (plain `Instant`s, which the tour draws on its timeline) and, for the
//! pipeline, how long each stage worked.
//!
//! Run: `cargo run -p thumbnail-maker -- --corrupt-rate 0.2`
//!
//! Look for: `N done, S skipped, F failed` under each variant adding up to the images, and the
//! same images skipped by every variant.

use std::time::{Duration, Instant};

use thumbnail_codec::thumbs::{BadImage, Thumb};

use crate::lessons::batch::Resized;

/// How one image ended. Every image ends in exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every thumbnail uploaded.
    Done,
    /// Not a usable photo (corrupt, truncated, an unknown format): reported and skipped, not retried.
    Skipped(String),
    /// A download or upload still failed after the retries.
    Failed(String),
}

/// A request that failed for good, after its retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed(pub String);

/// What a variant hands back: how each image ended, in any order; when each resize ran; and
/// what the pipeline's stages spent working (the others leave it empty).
#[derive(Debug, Default)]
pub struct Report {
    pub outcomes: Vec<(String, Outcome)>,
    /// (image, started, ended) of each resize, on the thread that ran it.
    pub resizes: Vec<(String, Instant, Instant)>,
    /// (stage, workers, time spent working summed over its workers).
    pub stages: Vec<(&'static str, usize, Duration)>,
}

impl Report {
    pub fn record(&mut self, name: &str, outcome: Outcome) {
        self.outcomes.push((name.to_string(), outcome));
    }

    /// Notes when `name`'s resize ran, and hands back its thumbnails (or why there are none).
    pub fn resized(&mut self, name: &str, resized: Resized) -> Result<Vec<Thumb>, BadImage> {
        self.resizes
            .push((name.to_string(), resized.started, resized.ended));
        resized.thumbs
    }

    /// (done, skipped, failed)
    pub fn counts(&self) -> (u64, u64, u64) {
        let mut counts = (0, 0, 0);
        for (_, outcome) in &self.outcomes {
            match outcome {
                Outcome::Done => counts.0 += 1,
                Outcome::Skipped(_) => counts.1 += 1,
                Outcome::Failed(_) => counts.2 += 1,
            }
        }
        counts
    }
}
