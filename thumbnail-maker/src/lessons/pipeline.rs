//! # Pipeline: downloaders → resizers → uploaders over bounded channels
//!
//! Python: `dl_queue = Queue(maxsize=8)`; download threads `put` images, resize workers `get`
//! them and `put` thumbnails on the next queue, upload threads drain it; a `None` per worker
//! says "no more".
//!
//! Rust: crossbeam's `bounded` channels. Closing needs no sentinel: a channel closes when its
//! last sender is dropped, so when every downloader has returned, the resizers' loops end, then
//! the uploaders' (the workers are in `stages.rs`). The bound is back-pressure: fast
//! downloaders block on a full channel instead of piling photos in memory. Each stage has its
//! own worker count, I/O stages many, the CPU stage one per core. Thumbnails travel to the
//! uploaders one by one; the main thread counts them in to know when an image is done. A
//! worker that fails for good (it cannot write under `--out`) raises a stop flag: every stage
//! returns, and the whole pipeline unwinds without a hang.
//!
//! Run: `cargo run -p thumbnail-maker -- pipeline`
//!
//! Look for: downloads, resizing and uploads overlapping (the sum of the stages' busy times far
//! above the wall time), and the resize stage busy only a fraction of the time; the timeline
//! under the table shows the three kinds of work running at once, each on its own lanes.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::thread;
use std::time::Duration;

use crossbeam_channel::bounded;
use indicatif::ProgressBar;

use crate::lessons::batch::Batch;
use crate::lessons::outcome::{Outcome, Report};
use crate::lessons::stages::{self, Event};

/// Workers per stage.
#[derive(Debug, Clone, Copy)]
pub struct Workers {
    pub download: usize,
    pub resize: usize,
    pub upload: usize,
}

impl Workers {
    /// One resizer per core; the I/O concurrency split in proportion to the requests each I/O
    /// stage makes: one download per image, one upload per width (4 and 12 of 16 for 3 widths).
    pub fn for_batch(batch: &Batch) -> Self {
        let cores = thread::available_parallelism().map_or(2, |n| n.get());
        let download = (batch.io / (1 + batch.widths.len())).max(1);
        Self {
            download,
            resize: cores,
            upload: (batch.io - download).max(1),
        }
    }
}

pub fn run(batch: &Batch, progress: &ProgressBar, workers: Workers) -> anyhow::Result<Report> {
    anyhow::ensure!(
        workers.download > 0 && workers.resize > 0 && workers.upload > 0,
        "every stage needs at least one worker: {workers:?}"
    );
    let (names_tx, names) = bounded::<&str>(batch.names.len());
    for name in &batch.names {
        names_tx
            .send(name.as_str())
            .expect("the channel has room for every name");
    }
    drop(names_tx); // the input ends here: downloaders stop once they have taken every name
    let (images_tx, images) = bounded(workers.resize * 2);
    let (thumbs_tx, thumbs) = bounded(workers.upload * 2);
    let (done_tx, done) = crossbeam_channel::unbounded();
    let stop = AtomicBool::new(false);

    let mut report = Report::default();
    let busy = thread::scope(|s| -> anyhow::Result<[Duration; 3]> {
        let mut running: [Vec<thread::ScopedJoinHandle<'_, anyhow::Result<Duration>>>; 3] =
            Default::default();
        // 1. Downloaders: a name in, the photo's bytes out.
        for _ in 0..workers.download {
            let (names, images_tx, done_tx) = (names.clone(), images_tx.clone(), done_tx.clone());
            let stop = &stop;
            running[0]
                .push(s.spawn(move || stages::download(batch, names, images_tx, done_tx, stop)));
        }
        // 2. Resizers: the CPU stage, one worker per core.
        for _ in 0..workers.resize {
            let (images, thumbs_tx, done_tx) = (images.clone(), thumbs_tx.clone(), done_tx.clone());
            let stop = &stop;
            running[1]
                .push(s.spawn(move || stages::resize(batch, images, thumbs_tx, done_tx, stop)));
        }
        // 3. Uploaders, one thumbnail at a time.
        for _ in 0..workers.upload {
            let (thumbs, done_tx, stop) = (thumbs.clone(), done_tx.clone(), &stop);
            running[2].push(s.spawn(move || stages::upload(batch, thumbs, done_tx, stop)));
        }
        // Only the workers hold channel ends now, so each channel closes when its stage ends.
        drop((names, images_tx, images, thumbs_tx, thumbs, done_tx));

        // An image ends when a stage gives up on it, or when its last thumbnail is uploaded.
        let mut uploads: HashMap<&str, (usize, Option<String>)> = HashMap::new();
        for (name, event) in done.iter() {
            let outcome = match event {
                Event::Ended(outcome) => outcome,
                Event::Resized(started, ended) => {
                    report.resizes.push((name.to_string(), started, ended));
                    continue;
                }
                Event::Uploaded(result) => {
                    let (count, failure) = uploads.entry(name).or_default();
                    *count += 1;
                    if let Err(why) = result {
                        failure.get_or_insert(why);
                    }
                    if *count < batch.widths.len() {
                        continue;
                    }
                    failure.take().map_or(Outcome::Done, Outcome::Failed)
                }
            };
            report.record(name, outcome);
            progress.inc(1);
        }
        // Every worker has ended; the first failure, if any, is the run's.
        let mut busy = [Duration::ZERO; 3];
        for (stage, handles) in running.into_iter().enumerate() {
            for handle in handles {
                busy[stage] += handle.join().expect("a pipeline worker panicked")?;
            }
        }
        Ok(busy)
    })?;
    report.stages = vec![
        ("download", workers.download, busy[0]),
        ("resize", workers.resize, busy[1]),
        ("upload", workers.upload, busy[2]),
    ];
    Ok(report)
}
