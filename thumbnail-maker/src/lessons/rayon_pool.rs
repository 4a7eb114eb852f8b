//! # Rayon: download on threads, resize on every core with `par_iter`, upload on threads
//!
//! Python: download with a `ThreadPoolExecutor`, then
//! `with ProcessPoolExecutor() as pool: thumbs = list(pool.map(resize, images))`, then upload
//! with threads again: the course's process pool for the CPU step, in three phases, one after
//! the other.
//!
//! Rust: no processes are needed, since threads run Rust code on every core at once; rayon's
//! `par_iter` is the process pool's `map` without pickling, and keeps the order. The I/O phases
//! use plain scoped threads sharing one channel of work, `io` requests in flight.
//!
//! Run: `cargo run -p thumbnail-maker -- rayon`, or the whole tour with `--python`.
//!
//! Look for: a peak in flight equal to the I/O concurrency (or the number of images, if fewer),
//! and a higher `resize busy` than the threads row: rayon keeps every core resizing in its phase.
//! Its phases do not overlap: no resize starts before the last download, no upload before the
//! last resize; the pipeline and async rows show what overlapping them gains. The Python timings
//! are the `--python` rows, `Python: the course's design` and `Python: Pillow's draft mode`
//! (`python/course_design.py`): that script passes each image on to the next stage as soon as
//! it is ready, so set them beside the async row, which overlaps its stages the same way.

use std::thread;

use crossbeam_channel::unbounded;
use indicatif::ProgressBar;
use rayon::prelude::{IntoParallelIterator, ParallelIterator};

use thumbnail_codec::thumbs::Thumb;

use crate::lessons::batch::Batch;
use crate::lessons::outcome::{Outcome, Report};

/// Runs `work` on every item with `threads` scoped threads taking items from a shared channel;
/// the results come back in the order of `items`.
fn on_threads<T: Sync, R: Send>(
    threads: usize,
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let (todo_tx, todo) = unbounded();
    for item in items.iter().enumerate() {
        todo_tx.send(item).expect("the receiver is alive");
    }
    drop(todo_tx);
    let mut results: Vec<(usize, R)> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads.min(items.len()))
            .map(|_| {
                s.spawn(|| {
                    todo.iter()
                        .map(|(i, item)| (i, work(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("an I/O thread panicked"))
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

pub fn run(batch: &Batch, progress: &ProgressBar) -> anyhow::Result<Report> {
    // 1. Download every image, `io` at a time.
    let downloads = on_threads(batch.io, &batch.names, |name| batch.download(name));

    // 2. Resize them all on rayon's pool, one thread per core, in order.
    let resized: Vec<_> = downloads
        .into_par_iter()
        .map(|download| download.map(|jpeg| batch.resize(&jpeg)))
        .collect();

    let mut report = Report::default();
    let mut to_upload: Vec<(&String, Vec<Thumb>)> = Vec::new();
    for (name, result) in batch.names.iter().zip(resized) {
        match result.map(|resized| report.resized(name, resized)) {
            Err(failed) => report.record(name, Outcome::Failed(failed.0)),
            Ok(Err(bad)) => report.record(name, Outcome::Skipped(bad.0)),
            Ok(Ok(thumbs)) => {
                to_upload.push((name, thumbs));
                continue;
            }
        }
        progress.inc(1);
    }

    // 3. Upload, `io` images at a time.
    let stored = on_threads(batch.io, &to_upload, |(name, thumbs)| {
        let outcome = batch.store_all(name, thumbs);
        progress.inc(1);
        outcome
    });
    for ((name, _), outcome) in to_upload.iter().zip(stored) {
        report.record(name, outcome?);
    }
    Ok(report)
}
