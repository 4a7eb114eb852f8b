//! # Async: tokio tasks for the I/O, rayon for the CPU, joined by a oneshot channel
//!
//! Python: `async with sem: data = await session.get(url)`, then
//! `await loop.run_in_executor(pool, resize, data)`, then `await asyncio.gather(*uploads)`.
//!
//! Rust: one task per image on a tokio runtime, a `tokio::sync::Semaphore` capping the requests
//! in flight, reqwest as the async client. Resizing is CPU work: run on the runtime's threads it
//! would stall every download and upload sharing them, so it goes to rayon's pool and the task
//! awaits a oneshot channel meanwhile (`spawn_blocking` would do too; it is used for the file
//! writes under `--out`). A panic inside a job given to `rayon::spawn` would abort the whole
//! process (rayon's default for a pool without a panic handler), so the job catches it and
//! sends it back as an error. One image's uploads run concurrently, and each request retries
//! with an async sleep, so a retry never holds a thread.
//!
//! Spawning a task per image is cheap, but what the tasks hold is not: if downloads outrun the
//! resizing, downloaded photos pile up in memory waiting for a rayon thread. A second
//! semaphore bounds the photos held at once, from the start of a download to the end of its
//! resize (the pipeline's bounded channels do the same for threads), sized to keep every
//! request slot and every rayon thread busy. The thumbnails that go on to the uploads are a few
//! KiB each; holding the permit through the uploads too would make the last photos start late.
//!
//! Run: `cargo run -p thumbnail-maker -- --variant async`
//!
//! Look for: a peak in flight equal to the cap (or the requests there are, if fewer), and one of
//! the two shortest wall times with the pipeline: downloads, resizing and uploads all overlap.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use anyhow::{Context, anyhow};
use indicatif::ProgressBar;
use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinSet;

use crate::batch::{Batch, Failed, Outcome, Report, TIMEOUT, backoff};

/// Runs the batch, holding at most [`images_held`] photos in memory at once.
pub fn run(batch: Arc<Batch>, progress: &ProgressBar) -> anyhow::Result<Report> {
    let held = images_held(&batch);
    run_holding(batch, progress, held)
}

/// Photos in memory at once by default (downloading, waiting for a rayon thread, or being
/// resized): a wave of downloads in flight, the wave before it waiting for rayon, and one photo
/// per rayon thread. With only one wave's worth, the photos queued for rayon would hold up the
/// next downloads (24 photos at 16 in flight: 0.68 s instead of 0.65 s).
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
                let outcome = process(&client, batch, cap, in_memory, &name).await;
                (name, outcome)
            });
        }
        let mut report = Report::default();
        while let Some(joined) = tasks.join_next().await {
            let (name, outcome) = joined.context("an image task panicked")?;
            // A fatal error returns at once; dropping `tasks` aborts every task still running.
            report.record(&name, outcome?);
            progress.inc(1);
        }
        Ok(report)
    })
}

/// Download, resize, upload one image.
async fn process(
    client: &reqwest::Client,
    batch: Arc<Batch>,
    cap: Arc<Semaphore>,
    in_memory: Arc<Semaphore>,
    name: &str,
) -> anyhow::Result<Outcome> {
    // A place for one photo, held until it is resized; the semaphore is never closed.
    let held = in_memory.acquire_owned().await?;
    let url = batch.image_url(name);
    let jpeg = match call(&batch, &cap, &format!("download {name}"), || {
        client.get(&url)
    })
    .await
    {
        Ok(jpeg) => jpeg,
        Err(failed) => return Ok(Outcome::Failed(failed.0)),
    };

    // The CPU work goes to rayon; this task waits without holding a runtime thread. A panic
    // escaping a `rayon::spawn` job aborts the process, so it is caught and sent back instead.
    let (done, resized) = oneshot::channel();
    let worker = Arc::clone(&batch);
    rayon::spawn(move || {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| worker.resize(&jpeg)));
        let _ = done.send(result);
    });
    let thumbs = match resized
        .await
        .context("the resize job ended without an answer")?
    {
        Ok(Ok(thumbs)) => thumbs,
        Ok(Err(bad)) => return Ok(Outcome::Skipped(bad.0)),
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            return Err(anyhow!("resizing {name} panicked: {why}"));
        }
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
    Ok(outcome)
}

/// One request, holding a permit of `cap` while it is in flight, retried like the blocking
/// variants do ([`Batch::note_failure`]); returns the body.
async fn call(
    batch: &Batch,
    cap: &Semaphore,
    what: &str,
    request: impl Fn() -> reqwest::RequestBuilder,
) -> Result<Vec<u8>, Failed> {
    let mut tries = 0;
    loop {
        tries += 1;
        let answer = {
            let _permit = cap.acquire().await.map_err(|e| Failed(e.to_string()))?;
            match request().send().await {
                Ok(answer) if answer.status().is_success() => answer
                    .bytes()
                    .await
                    .map(|body| body.to_vec())
                    .map_err(|e| (None, e.to_string())),
                Ok(answer) => Err((Some(answer.status().as_u16()), answer.status().to_string())),
                Err(e) => Err((None, e.to_string())),
            }
        };
        match answer {
            Ok(body) => return Ok(body),
            Err((status, message)) if !batch.note_failure(status, tries) => {
                return Err(Failed(format!("{what}: {message} after {tries} tries")));
            }
            Err(_) => tokio::time::sleep(backoff(tries)).await,
        }
    }
}
