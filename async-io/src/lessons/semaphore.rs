//! # Capping concurrency with a semaphore
//!
//! Python: `sem = asyncio.Semaphore(10)` and `async with sem: return await get_flag(cc)` in each
//! coroutine, so that at most 10 downloads hit the server at once however many are gathered.
//!
//! Rust: `tokio::sync::Semaphore` is the same tool. Put it in an `Arc`, and acquire the permit
//! *inside* the spawned task with `acquire_owned`: the permit then lives as long as the task's
//! request and is released when it is dropped, even if the task fails. (Acquiring in the
//! spawning loop also works, but then the loop itself waits, which is a different design.)
//!
//! Run: `cargo run -p async-io -- semaphore --concurrency 5` (without `--concurrency`, a sweep)
//!
//! Look for: the server's peak in flight equal to the cap in every row, and the wall time
//! falling as count / cap x latency. The timeline under the table draws the waves: as many lanes
//! as the cap, each running its downloads back to back.
//!
//! `download_capped` has the signature of exercise 2 in `src/exercises.rs`.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Downloads every URL, one task each, with at most `limit` requests in flight at once.
/// Returns each body's length in the order of `urls`, `None` for a download that failed (an
/// error, an error status, or a task that panicked: every URL gets an answer).
pub async fn download_capped(
    client: &reqwest::Client,
    urls: &[String],
    limit: usize,
) -> Vec<Option<usize>> {
    let permits = Arc::new(Semaphore::new(limit));
    let mut set = JoinSet::new();
    for (i, url) in urls.iter().enumerate() {
        let (client, url, permits) = (client.clone(), url.clone(), Arc::clone(&permits));
        set.spawn(async move {
            // Every task starts at once and waits here for one of the `limit` permits.
            // (`acquire_owned` fails only if someone closed the semaphore; nobody does.)
            let Ok(_permit) = permits.acquire_owned().await else {
                return (i, None);
            };
            let len = body_len(&client, &url).await.ok();
            (i, len)
        }); // the permit is dropped with the task's future: the next task may go
    }
    let mut lengths = vec![None; urls.len()];
    while let Some(done) = set.join_next().await {
        // A task that panicked cannot say which URL it had: its slot stays `None`.
        if let Ok((i, len)) = done {
            lengths[i] = len;
        }
    }
    lengths
}

/// One download: the body's length, or the error (including an error status).
async fn body_len(client: &reqwest::Client, url: &str) -> reqwest::Result<usize> {
    let answer = client.get(url).send().await?.error_for_status()?;
    Ok(answer.bytes().await?.len())
}
