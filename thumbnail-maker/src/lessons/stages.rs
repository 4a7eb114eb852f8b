//! # The pipeline's workers: take from one channel, work, pass on to the next
//!
//! Python: `while (name := names.get()) is not None: images.put(download(name))` in each
//! download thread, and the same shape for the resizers and the uploaders.
//!
//! Rust: a worker is a `for` loop over its stage's `Receiver`, which ends by itself when every
//! sender of that channel is gone, so no `None` sentinel is needed. A `send` that fails means
//! the next stage has stopped: the worker returns, and the stage that stopped says why. Each
//! worker also checks a shared stop flag, raised by a worker that failed for good, and returns
//! the time it spent working (not waiting on a channel), which the pipeline adds up per stage.
//! Whatever ends an image (a failed download, a bad photo, each thumbnail's upload) goes to the
//! main thread as an [`Event`].
//!
//! Run: `cargo run -p thumbnail-maker -- pipeline`
//!
//! Look for: after the pipeline row's counts, each stage's workers and the seconds they were busy.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use thumbnail_codec::thumbs::Thumb;

use crate::lessons::batch::Batch;
use crate::lessons::outcome::Outcome;

/// What the stages tell the main thread about an image.
#[derive(Debug)]
pub enum Event {
    /// A stage gave up on the image (download failed, or not a usable photo).
    Ended(Outcome),
    /// Its resize ran from the first instant to the second.
    Resized(Instant, Instant),
    /// One of its thumbnails was uploaded (or failed to be).
    Uploaded(Result<(), String>),
}

/// Where the workers send their events: (image, event).
pub type Events<'a> = Sender<(&'a str, Event)>;

/// A downloader: a name in, the photo's bytes out (or its outcome, if the download failed).
pub fn download<'a>(
    batch: &Batch,
    names: Receiver<&'a str>,
    images: Sender<(&'a str, Vec<u8>)>,
    done: Events<'a>,
    stop: &AtomicBool,
) -> anyhow::Result<Duration> {
    let mut busy = Duration::ZERO;
    for name in names.iter().take_while(|_| !stop.load(Ordering::Relaxed)) {
        let started = Instant::now();
        let downloaded = batch.download(name);
        busy += started.elapsed();
        let sent = match downloaded {
            Ok(jpeg) => images.send((name, jpeg)).is_ok(),
            Err(failed) => done
                .send((name, Event::Ended(Outcome::Failed(failed.0))))
                .is_ok(),
        };
        if !sent {
            break; // the next stage has stopped, and says why itself
        }
    }
    Ok(busy)
}

/// A resizer, the CPU stage: a photo in, each of its thumbnails out on its own, so that one
/// image's uploads run in parallel.
pub fn resize<'a>(
    batch: &Batch,
    images: Receiver<(&'a str, Vec<u8>)>,
    thumbs: Sender<(&'a str, Thumb)>,
    done: Events<'a>,
    stop: &AtomicBool,
) -> anyhow::Result<Duration> {
    let mut busy = Duration::ZERO;
    for (name, jpeg) in images.iter().take_while(|_| !stop.load(Ordering::Relaxed)) {
        let resized = batch.resize(&jpeg);
        busy += resized.ended - resized.started;
        let _ = done.send((name, Event::Resized(resized.started, resized.ended)));
        let sent = match resized.thumbs {
            Ok(list) => list.into_iter().all(|t| thumbs.send((name, t)).is_ok()),
            Err(bad) => done
                .send((name, Event::Ended(Outcome::Skipped(bad.0))))
                .is_ok(),
        };
        if !sent {
            break;
        }
    }
    Ok(busy)
}

/// An uploader, one thumbnail at a time: a failed upload fails its image; a failed save raises
/// the stop flag and ends the run.
pub fn upload<'a>(
    batch: &Batch,
    thumbs: Receiver<(&'a str, Thumb)>,
    done: Events<'a>,
    stop: &AtomicBool,
) -> anyhow::Result<Duration> {
    let mut busy = Duration::ZERO;
    for (name, thumb) in thumbs.iter().take_while(|_| !stop.load(Ordering::Relaxed)) {
        let started = Instant::now();
        let uploaded = batch.upload(name, &thumb).map_err(|failed| failed.0);
        let saved = uploaded.is_ok().then(|| batch.save(name, &thumb));
        busy += started.elapsed();
        if let Some(Err(fatal)) = saved {
            stop.store(true, Ordering::Relaxed);
            return Err(fatal);
        }
        let _ = done.send((name, Event::Uploaded(uploaded))); // the main thread outlives us
    }
    Ok(busy)
}
