//! # CPU work from async code: hand it to rayon, await a oneshot channel
//!
//! Python: `thumbs = await loop.run_in_executor(pool, resize, data)`.
//!
//! Rust: a computation run on the runtime's threads would stall every task sharing them, so it
//! goes to rayon's pool (`rayon::spawn`) and the task awaits a `tokio::sync::oneshot` channel
//! meanwhile, holding no thread. A panic escaping a `rayon::spawn` job aborts the whole
//! process (rayon's default for a pool without a panic handler), so the job catches it and
//! sends it back as an error. (`tokio::task::spawn_blocking` would do too, on tokio's own pool
//! of blocking threads, which is sized for waiting, not for one thread per core.)
//!
//! Run: `cargo run -p thumbnail-maker -- async`
//!
//! Look for: on the async row's timeline, resizes running while downloads and uploads go on.

use std::panic::AssertUnwindSafe;

use anyhow::{Context, anyhow};
use tokio::sync::oneshot;

/// Runs `job` on rayon's pool and waits for its answer without holding a runtime thread; a
/// panic in the job comes back as an error.
pub async fn on_rayon<R: Send + 'static>(
    job: impl FnOnce() -> R + Send + 'static,
) -> anyhow::Result<R> {
    let (done, answer) = oneshot::channel();
    rayon::spawn(move || {
        let _ = done.send(std::panic::catch_unwind(AssertUnwindSafe(job)));
    });
    match answer.await.context("the job ended without an answer")? {
        Ok(value) => Ok(value),
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(anyhow!("it panicked: {why}"))
        }
    }
}
