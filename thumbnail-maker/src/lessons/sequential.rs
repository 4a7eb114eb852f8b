//! # Sequential: download, resize, upload, one image at a time
//!
//! Python: `for url in urls: img = download(url); thumbs = resize(img); upload(thumbs)`.
//!
//! Rust: the same loop. Each image waits for the server twice (its download and each of its
//! uploads) and the CPU sits idle meanwhile, so the wall time is roughly the number of requests
//! times the latency, plus the resizing. This is the row every other variant is compared with.
//!
//! Run: `cargo run -p thumbnail-maker -- sequential`
//!
//! Look for: a server peak in flight of 1, and a wall time near (1 + widths) x images x latency.

use indicatif::ProgressBar;

use crate::lessons::batch::Batch;
use crate::lessons::outcome::{Outcome, Report};

pub fn run(batch: &Batch, progress: &ProgressBar) -> anyhow::Result<Report> {
    let mut report = Report::default();
    for name in &batch.names {
        let outcome = match batch.download(name) {
            Err(failed) => Outcome::Failed(failed.0),
            Ok(jpeg) => match report.resized(name, batch.resize(&jpeg)) {
                Err(bad) => Outcome::Skipped(bad.0),
                // A failed upload fails this image; a failed save (`?`) stops the run.
                Ok(thumbs) => batch.store_all(name, &thumbs)?,
            },
        };
        report.record(name, outcome);
        progress.inc(1);
    }
    Ok(report)
}
