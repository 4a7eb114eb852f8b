//! # Pipeline: downloaders → resizers → uploaders over bounded channels
//!
//! Python: `dl_queue = Queue(maxsize=8)`; download threads `put` images, resize workers `get`
//! them and `put` thumbnails on the next queue, upload threads drain it; a `None` per worker
//! says "no more".
//!
//! Rust: crossbeam's `bounded` channels. Closing needs no sentinel: a channel closes when its
//! last sender is dropped, so when every downloader has returned, the resizers' `for` loops end,
//! then the uploaders'. The bound is back-pressure: fast downloaders block on a full channel
//! instead of piling downloaded images in memory. Each stage has its own worker count (I/O
//! stages many, the CPU stage one per core) and measures the time its workers spend working,
//! not waiting. Thumbnails travel to the uploaders one by one, so an image's uploads run in
//! parallel; the main thread counts them in to know when an image is done. When a worker fails for good (it cannot write under `--out`), it raises a stop flag:
//! every stage checks it, returns, drops its channel ends, and the whole pipeline unwinds
//! without a hang.
//!
//! Run: `cargo run -p thumbnail-maker -- --variant pipeline`
//!
//! Look for: downloads, resizing and uploads overlapping (the sum of the stages' busy times far
//! above the wall time), and the resize stage busy only a fraction of the time; the timeline
//! under the table shows the three kinds of work running at once, each on its own lanes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::bounded;
use indicatif::ProgressBar;

use crate::batch::{Batch, Outcome, Report};

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

/// What the stages tell the main thread about an image.
enum Event {
    /// A stage gave up on the image (download failed, or not a usable photo).
    Ended(Outcome),
    /// One of its thumbnails was uploaded (or failed to be).
    Uploaded(Result<(), String>),
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
    let stopped = || stop.load(Ordering::Relaxed);

    let mut report = Report::default();
    let busy = thread::scope(|s| -> anyhow::Result<[Duration; 3]> {
        let mut stages: [Vec<thread::ScopedJoinHandle<'_, anyhow::Result<Duration>>>; 3] =
            Default::default();
        // 1. Downloaders: a name in, the image's bytes out (or its outcome, if it failed).
        for _ in 0..workers.download {
            let (names, images_tx, done_tx) = (names.clone(), images_tx.clone(), done_tx.clone());
            stages[0].push(s.spawn(move || {
                let mut busy = Duration::ZERO;
                for name in names.iter().take_while(|_| !stopped()) {
                    let started = Instant::now();
                    let downloaded = batch.download(name);
                    busy += started.elapsed();
                    let sent = match downloaded {
                        Ok(jpeg) => images_tx.send((name, jpeg)).is_ok(),
                        Err(failed) => {
                            let failed = Event::Ended(Outcome::Failed(failed.0));
                            done_tx.send((name, failed)).is_ok()
                        }
                    };
                    if !sent {
                        break; // the next stage has stopped, and says why itself
                    }
                }
                Ok(busy)
            }));
        }
        // 2. Resizers: the CPU stage, one worker per core.
        for _ in 0..workers.resize {
            let (images, thumbs_tx, done_tx) = (images.clone(), thumbs_tx.clone(), done_tx.clone());
            stages[1].push(s.spawn(move || {
                let mut busy = Duration::ZERO;
                for (name, jpeg) in images.iter().take_while(|_| !stopped()) {
                    let started = Instant::now();
                    let resized = batch.resize(&jpeg);
                    busy += started.elapsed();
                    // Each thumbnail travels on its own, so one image's uploads run in parallel.
                    let sent = match resized {
                        Ok(list) => list.into_iter().all(|t| thumbs_tx.send((name, t)).is_ok()),
                        Err(bad) => done_tx
                            .send((name, Event::Ended(Outcome::Skipped(bad.0))))
                            .is_ok(),
                    };
                    if !sent {
                        break;
                    }
                }
                Ok(busy)
            }));
        }
        // 3. Uploaders, one thumbnail at a time: a failed upload fails its image; a failed
        //    save stops everything.
        for _ in 0..workers.upload {
            let (thumbs, done_tx, stop) = (thumbs.clone(), done_tx.clone(), &stop);
            stages[2].push(s.spawn(move || {
                let mut busy = Duration::ZERO;
                for (name, thumb) in thumbs.iter().take_while(|_| !stopped()) {
                    let started = Instant::now();
                    let uploaded = batch.upload(name, &thumb).map_err(|failed| failed.0);
                    let saved = uploaded.is_ok().then(|| batch.save(name, &thumb));
                    busy += started.elapsed();
                    if let Some(Err(fatal)) = saved {
                        stop.store(true, Ordering::Relaxed);
                        return Err(fatal);
                    }
                    let _ = done_tx.send((name, Event::Uploaded(uploaded))); // main outlives us
                }
                Ok(busy)
            }));
        }
        // Only the workers hold channel ends now, so each channel closes when its stage ends.
        drop((names, images_tx, images, thumbs_tx, thumbs, done_tx));

        // An image ends when a stage gives up on it, or when its last thumbnail is uploaded.
        let mut uploads: HashMap<&str, (usize, Option<String>)> = HashMap::new();
        for (name, event) in done.iter() {
            let outcome = match event {
                Event::Ended(outcome) => outcome,
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
        for (stage, handles) in stages.into_iter().enumerate() {
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
