//! # Async: tokio tasks for the I/O, rayon for the CPU, joined by a oneshot channel
//!
//! Python: `async with sem, session.get(url) as r: data = await r.read()` (aiohttp), then
//! `await loop.run_in_executor(pool, resize, data)`, then `await asyncio.gather(*uploads)`.
//!
//! Rust: one task per image on a tokio runtime, a `tokio::sync::Semaphore` capping the requests
//! in flight, reqwest as the async client. Resizing is CPU work, so it goes to rayon's pool
//! (`on_rayon.rs`); the file writes under `--out` go to `spawn_blocking`. One image's uploads
//! run concurrently, and each request retries with an async sleep (`retry.rs`).
//!
//! Spawning a task per image is cheap, but what the tasks hold is not: if downloads outrun the
//! resizing, photos pile up in memory waiting for a rayon thread. A second semaphore bounds the
//! photos held at once, from the start of a download to the end of its resize (the pipeline's
//! bounded channels do the same for threads); the thumbnails going on to the uploads are a few
//! KiB each, and holding the permit through the uploads would make the last photos start late.
//!
//! Run: `cargo run -p thumbnail-maker -- async`
//!
//! Look for: a peak in flight equal to the cap (or the requests there are, if fewer), and one of
//! the two shortest wall times with the pipeline: downloads, resizing and uploads all overlap.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use indicatif::ProgressBar;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::lessons::batch::Batch;
use crate::lessons::on_rayon::on_rayon;
use crate::lessons::outcome::{Failed, Outcome, Report};
use crate::lessons::retry::{TIMEOUT, call};

/// Runs the batch, holding at most [`images_held`] photos in memory at once.
pub fn run(batch: Arc<Batch>, progress: &ProgressBar) -> anyhow::Result<Report> {
    let held = images_held(&batch);
    run_holding(batch, progress, held)
}

/// Photos in memory at once by default (downloading, waiting for a rayon thread, or being
/// resized): a wave of downloads in flight, the wave before it waiting for rayon, and one photo
/// per rayon thread. With only one wave's worth, the photos queued for rayon hold up the next
/// downloads.
pub fn images_held(batch: &Batch) -> usize {
    2 * batch.io + rayon::current_num_threads()
}

/// Runs the batch, holding at most `held` photos at once between the start of their download
/// and the end of their resize.
pub fn run_holding(
    batch: Arc<Batch>,
    progress: &ProgressBar,
    held: usize,
) -> anyhow::Result<Report> {
    anyhow::ensure!(held > 0, "at least one image must be held at a time");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .no_proxy() // the server is on 127.0.0.1: never through $HTTP_PROXY or $ALL_PROXY
            .timeout(TIMEOUT)
            .pool_max_idle_per_host(batch.io)
            .build()
            .context("cannot build the HTTP client")?;
        let cap = Arc::new(Semaphore::new(batch.io));
        let in_memory = Arc::new(Semaphore::new(held));
        let mut tasks = JoinSet::new();
        for name in batch.names.clone() {
            let (client, batch, cap) = (client.clone(), Arc::clone(&batch), Arc::clone(&cap));
            let in_memory = Arc::clone(&in_memory);
            tasks.spawn(async move {
                let processed = process(&client, batch, cap, in_memory, &name).await;
                (name, processed)
            });
        }
        let mut report = Report::default();
        while let Some(joined) = tasks.join_next().await {
            let (name, processed) = joined.context("an image task panicked")?;
            // A fatal error returns at once; dropping `tasks` aborts every task still running.
            let (outcome, resized) = processed?;
            if let Some((started, ended)) = resized {
                report.resizes.push((name.clone(), started, ended));
            }
            report.record(&name, outcome);
            progress.inc(1);
        }
        Ok(report)
    })
}

/// Download, resize, upload one image; also when its resize started and ended, if it got there.
async fn process(
    client: &reqwest::Client,
    batch: Arc<Batch>,
    cap: Arc<Semaphore>,
    in_memory: Arc<Semaphore>,
    name: &str,
) -> anyhow::Result<(Outcome, Option<(Instant, Instant)>)> {
    // A place for one photo, held until it is resized; the semaphore is never closed.
    let held = in_memory.acquire_owned().await?;
    let url = batch.image_url(name);
    let what = format!("download {name}");
    let jpeg = match call(&batch, &cap, &what, || client.get(&url)).await {
        Ok(jpeg) => jpeg,
        Err(failed) => return Ok((Outcome::Failed(failed.0), None)),
    };

    // The CPU work goes to rayon; this task waits without holding a runtime thread.
    let worker = Arc::clone(&batch);
    let resized = on_rayon(move || worker.resize(&jpeg))
        .await
        .with_context(|| format!("resizing {name}"))?;
    let times = Some((resized.started, resized.ended));
    let thumbs = match resized.thumbs {
        Ok(thumbs) => thumbs,
        Err(bad) => return Ok((Outcome::Skipped(bad.0), times)),
    };

    drop(held); // the photo is gone (resized and dropped by the rayon job): the next may come

    // The uploads of this image at once, each through the cap, each thumbnail saved after.
    let mut uploads = JoinSet::new();
    for thumb in thumbs {
        let (client, batch, cap) = (client.clone(), Arc::clone(&batch), Arc::clone(&cap));
        let name = name.to_string();
        uploads.spawn(async move {
            let url = batch.upload_url(&Batch::thumb_name(&name, thumb.requested));
            let what = format!("upload {}", Batch::thumb_name(&name, thumb.requested));
            let request = || client.put(&url).body(thumb.jpeg.clone());
            if let Err(failed) = call(&batch, &cap, &what, request).await {
                return Ok(Some(failed));
            }
            tokio::task::spawn_blocking(move || batch.save(&name, &thumb))
                .await
                .context("a file write panicked")??;
            anyhow::Ok(None)
        });
    }
    let mut outcome = Outcome::Done;
    while let Some(joined) = uploads.join_next().await {
        if let Some(Failed(why)) = joined.context("an upload task panicked")?? {
            outcome = Outcome::Failed(why);
        }
    }
    Ok((outcome, times))
}
