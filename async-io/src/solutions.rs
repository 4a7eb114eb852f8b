//! Solutions to the exercises in `exercises.rs` (same signatures, solved).

use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

/// How a batch of requests ended (exercise 4). Every URL is counted exactly once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub ok: usize,
    pub failed: usize,
    pub timed_out: usize,
}

/// How a group of jobs ended (exercise 8). Every job is counted exactly once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupTally {
    pub done: usize,
    pub failed: usize,
    pub cancelled: usize,
    /// The first error's message (`to_string()`), if any job failed.
    pub first_error: Option<String>,
}

async fn body_len(client: &reqwest::Client, url: &str) -> reqwest::Result<usize> {
    let answer = client.get(url).send().await?.error_for_status()?;
    Ok(answer.bytes().await?.len())
}

/// Exercise 1: one task per URL in a `JoinSet`; results put back in input order.
pub async fn download_all(client: &reqwest::Client, urls: &[String]) -> Vec<Option<usize>> {
    let mut set = JoinSet::new();
    for (i, url) in urls.iter().enumerate() {
        let (client, url) = (client.clone(), url.clone());
        set.spawn(async move { (i, body_len(&client, &url).await.ok()) });
    }
    let mut results = vec![None; urls.len()];
    while let Some(done) = set.join_next().await {
        if let Ok((i, len)) = done {
            results[i] = len;
        }
    }
    results
}

/// Exercise 2: the permit is acquired inside each task and held for its download.
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
            let Ok(_permit) = permits.acquire_owned().await else {
                return (i, None); // only if the semaphore was closed
            };
            (i, body_len(&client, &url).await.ok())
        });
    }
    let mut results = vec![None; urls.len()];
    while let Some(done) = set.join_next().await {
        if let Ok((i, len)) = done {
            results[i] = len;
        }
    }
    results
}

/// Exercise 3: the stream ends when the last sender is dropped.
pub async fn pipeline(producers: usize, items_each: usize, capacity: usize) -> Vec<(usize, usize)> {
    let (tx, mut rx) = mpsc::channel(capacity);
    for producer in 0..producers {
        let tx = tx.clone();
        tokio::spawn(async move {
            for seq in 0..items_each {
                if tx.send((producer, seq)).await.is_err() {
                    return; // the consumer is gone
                }
            }
        });
    }
    drop(tx);
    let mut received = Vec::new();
    while let Some(item) = rx.recv().await {
        received.push(item);
    }
    received
}

/// Exercise 4: a timeout around each request, and a count of how each ended.
pub async fn fetch_with_timeout(
    client: &reqwest::Client,
    urls: &[String],
    limit: Duration,
) -> Tally {
    let ends = join_all(
        urls.iter()
            .map(|url| tokio::time::timeout(limit, body_len(client, url))),
    )
    .await;
    let mut tally = Tally::default();
    for end in ends {
        match end {
            Ok(Ok(_)) => tally.ok += 1,
            Ok(Err(_)) => tally.failed += 1,
            Err(_elapsed) => tally.timed_out += 1,
        }
    }
    tally
}

/// Exercise 5: `spawn_blocking` runs the job on tokio's blocking pool, and this task awaits it
/// there, giving the runtime's thread back to the ticker meanwhile.
pub async fn off_the_runtime<T, F>(job: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(job).await {
        Ok(value) => value,
        // The job panicked: raise its panic here, as calling it directly would have.
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Exercise 6: both upstream calls at once with `try_join!`; each failure mapped to its status.
pub async fn flag_info(
    client: &reqwest::Client,
    upstream: &str,
    cc: &str,
) -> Result<crate::lessons::web::FlagInfo, crate::lessons::web::ApiError> {
    use crate::lessons::web::{ApiError, FlagInfo, Metadata};
    async fn get(client: &reqwest::Client, url: String, cc: &str) -> Result<Vec<u8>, ApiError> {
        let failed = |e: reqwest::Error| {
            if e.is_timeout() {
                ApiError::UpstreamTimeout
            } else {
                ApiError::Upstream(e.to_string())
            }
        };
        let answer = client.get(url).send().await.map_err(failed)?;
        match answer.status() {
            reqwest::StatusCode::NOT_FOUND => Err(ApiError::UnknownCode(cc.to_string())),
            s if !s.is_success() => Err(ApiError::Upstream(format!("upstream answered {s}"))),
            _ => Ok(answer.bytes().await.map_err(failed)?.to_vec()),
        }
    }
    let lower = cc.to_ascii_lowercase();
    let (metadata, flag) = tokio::try_join!(
        get(
            client,
            format!("{upstream}/flags/{lower}/metadata.json"),
            cc
        ),
        get(client, format!("{upstream}/flags/{lower}/{lower}.gif"), cc),
    )?;
    let metadata: Metadata = serde_json::from_slice(&metadata)
        .map_err(|e| ApiError::Upstream(format!("bad metadata: {e}")))?;
    Ok(FlagInfo {
        cc: cc.to_string(),
        country: metadata.country,
        bytes: flag.len() as u64,
    })
}

/// Exercise 7: `spawn_blocking` runs the blocking call on tokio's blocking pool; its `JoinError`
/// (the closure panicked) becomes a 500.
pub async fn flag_info_blocking(
    agent: ureq::Agent,
    upstream: String,
    cc: String,
) -> Result<crate::lessons::web::FlagInfo, crate::lessons::web::ApiError> {
    tokio::task::spawn_blocking(move || {
        crate::lessons::web_upstream::flag_info_blocking(&agent, &upstream, &cc)
    })
    .await
    .map_err(|e| crate::lessons::web::ApiError::Internal(e.to_string()))?
}

/// Exercise 8: a `JoinSet` drained to the end; the first error aborts the tasks still running,
/// which then come out of `join_next` as cancelled `JoinError`s. A task that finished before the
/// abort took effect still hands over its result.
pub async fn first_error_cancels<F>(jobs: Vec<F>) -> GroupTally
where
    F: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let mut set = JoinSet::new();
    for job in jobs {
        set.spawn(job);
    }
    let mut tally = GroupTally::default();
    while let Some(joined) = set.join_next().await {
        let error = match joined {
            Ok(Ok(())) => {
                tally.done += 1;
                continue;
            }
            Err(e) if e.is_cancelled() => {
                tally.cancelled += 1;
                continue;
            }
            Ok(Err(e)) => e.to_string(),
            Err(panicked) => panicked.to_string(),
        };
        tally.failed += 1;
        tally.first_error.get_or_insert(error);
        set.abort_all();
    }
    tally
}
