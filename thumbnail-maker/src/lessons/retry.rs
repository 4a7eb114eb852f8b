//! # Retries: a bounded number of tries, a growing pause, a timeout on every request
//!
//! Python: up to four tries of `r = session.get(url, timeout=10)`; a `requests.ConnectionError`
//! or a 5xx answer is tried again after `time.sleep(0.01 * 2 ** attempt)` (20, 40, 80 ms, with
//! `attempt` counting from 1), a 4xx answer is not; then `r.raise_for_status()` gives up.
//!
//! Rust: the same policy once for the blocking clients ([`Batch::retrying`], ureq) and once for
//! the async one ([`call`], reqwest under a tokio semaphore, sleeping with `tokio::time::sleep`
//! so a retry never holds a thread). A 5xx answer or a broken connection is tried again; a 4xx
//! answer is not (asking again will not help); every request gives up after [`TIMEOUT`], so
//! nothing ever hangs on a dead server. Each 5xx answer is counted, so the tour can check that
//! the client saw every error the server sent.
//!
//! Run: `cargo run -p thumbnail-maker -- --error-rate 0.3`
//!
//! Look for: the `retries` column, and images failed only where a request failed four times.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::lessons::batch::Batch;
use crate::lessons::outcome::Failed;

/// How many tries a request gets in all (the first and the retries).
pub const ATTEMPTS: u32 = 4;
/// Every request gives up after this long, so nothing ever hangs on a dead server.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The back-off before retry number `retry` (1, 2, ...): 20 ms, 40 ms, 80 ms.
pub fn backoff(retry: u32) -> Duration {
    Duration::from_millis(10 << retry.min(6))
}

/// What the retries saw while a variant ran.
#[derive(Debug, Default)]
pub struct Counters {
    /// Requests tried again after a failure.
    pub retries: AtomicU64,
    /// 5xx answers seen, retried or not: must match the server's own count.
    pub server_errors: AtomicU64,
}

impl Batch {
    /// Resets the counters before a variant.
    pub fn reset_counters(&self) {
        self.counters.retries.store(0, Ordering::Relaxed);
        self.counters.server_errors.store(0, Ordering::Relaxed);
    }

    /// Runs one request up to [`ATTEMPTS`] times. The closure reports a failure as
    /// `(status, message)`: a 5xx status or no status at all (the connection broke) is retried.
    pub fn retrying<T>(
        &self,
        what: &str,
        mut request: impl FnMut() -> Result<T, (Option<u16>, String)>,
    ) -> Result<T, Failed> {
        let mut tries = 0;
        loop {
            tries += 1;
            let (status, message) = match request() {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            if !self.note_failure(status, tries) {
                return Err(Failed(format!("{what}: {message} after {tries} tries")));
            }
            std::thread::sleep(backoff(tries));
        }
    }

    /// Counts a failed try (`status`: the HTTP status, `None` if the connection broke);
    /// returns whether to try again.
    pub fn note_failure(&self, status: Option<u16>, tries: u32) -> bool {
        if let Some(500..=599) = status {
            self.counters.server_errors.fetch_add(1, Ordering::Relaxed);
        }
        let again = status.is_none_or(|s| s >= 500) && tries < ATTEMPTS;
        if again {
            self.counters.retries.fetch_add(1, Ordering::Relaxed);
        }
        again
    }
}

/// One async request, holding a permit of `cap` while it is in flight, retried as
/// [`Batch::retrying`] does; returns the body.
pub async fn call(
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
