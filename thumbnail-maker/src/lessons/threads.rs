//! # Threads: a thread per download, at most four at once
//!
//! Python: `sem = threading.Semaphore(4)`, and in each download thread `with sem: download(url)`;
//! then resize the images one by one, then upload.
//!
//! Rust: the standard library has no semaphore, but a `Mutex` and a `Condvar` make one
//! (`semaphore.rs`); its permit is a guard that gives the slot back when dropped. Scoped
//! threads borrow the batch, so nothing needs an `Arc`. Uploads go through the same cap. The
//! threads are started with `thread::Builder::spawn_scoped`, which returns an error when the
//! system refuses another thread (`Scope::spawn` would panic): that image fails with the
//! reason, and the others go on.
//!
//! Run: `cargo run -p thumbnail-maker -- threads`
//!
//! Look for: a server peak in flight of exactly 4, however many threads exist, and a `resize
//! busy` of at most one core's share: the resizing runs on this thread alone while the server
//! idles.

use std::thread;

use indicatif::ProgressBar;

use crate::lessons::batch::Batch;
use crate::lessons::outcome::{Failed, Outcome, Report};
use crate::lessons::semaphore::Semaphore;

/// The course's cap on simultaneous downloads.
pub const CAP: usize = 4;

pub fn run(batch: &Batch, progress: &ProgressBar) -> anyhow::Result<Report> {
    let cap = Semaphore::new(CAP);

    // 1. A thread per image; each holds a permit only while its download runs.
    let downloads: Vec<_> = thread::scope(|s| {
        let handles: Vec<_> = batch
            .names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let cap = &cap;
                thread::Builder::new()
                    .name(format!("download-{i}"))
                    .spawn_scoped(s, move || {
                        let _permit = cap.acquire();
                        batch.download(name)
                    })
            })
            .collect();
        handles
            .into_iter()
            .map(|spawned| match spawned {
                Ok(h) => h.join().expect("a download thread panicked"),
                Err(e) => Err(Failed(format!("cannot start a download thread: {e}"))),
            })
            .collect()
    });

    // 2. Resize one image after another, here on this thread.
    let mut report = Report::default();
    let mut resized = Vec::new();
    for (name, download) in batch.names.iter().zip(downloads) {
        match download.map(|jpeg| report.resized(name, batch.resize(&jpeg))) {
            Err(failed) => report.record(name, Outcome::Failed(failed.0)),
            Ok(Err(bad)) => report.record(name, Outcome::Skipped(bad.0)),
            Ok(Ok(thumbs)) => {
                resized.push((name, thumbs));
                continue;
            }
        }
        progress.inc(1);
    }

    // 3. A thread per image again for its uploads, through the same cap.
    let stored: Vec<anyhow::Result<Outcome>> = thread::scope(|s| {
        let handles: Vec<_> = resized
            .iter()
            .enumerate()
            .map(|(i, (name, thumbs))| {
                let cap = &cap;
                thread::Builder::new()
                    .name(format!("upload-{i}"))
                    .spawn_scoped(s, move || {
                        let _permit = cap.acquire();
                        let outcome = batch.store_all(name, thumbs);
                        progress.inc(1);
                        outcome
                    })
            })
            .collect();
        handles
            .into_iter()
            .map(|spawned| match spawned {
                Ok(h) => h.join().expect("an upload thread panicked"),
                Err(e) => {
                    progress.inc(1);
                    Ok(Outcome::Failed(format!(
                        "cannot start an upload thread: {e}"
                    )))
                }
            })
            .collect()
    });
    for ((name, _), outcome) in resized.iter().zip(stored) {
        report.record(name, outcome?);
    }
    Ok(report)
}
