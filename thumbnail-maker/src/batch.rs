//! What every variant shares: the batch of images, the three steps (download, resize, store)
//! with their retries, and how each image ended.
//!
//! The variants differ only in *how* they schedule these steps, so the steps live here once:
//! - [`Batch::download`] and [`Batch::upload`] retry a failed request (a 5xx answer or a broken
//!   connection) a bounded number of times with a short back-off, and never wait forever
//!   (every request has a timeout); a 4xx answer is not retried;
//! - [`Batch::resize`] is [`thumbs::make`], timed;
//! - [`Batch::save`] writes a thumbnail under `--out` through a temporary name and a rename, so
//!   an interrupted run never leaves a half-written file. A failure there is fatal: the disk will
//!   not get better on a retry, so the variant stops.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use common::spans::{Kind, Lane};

use crate::thumbs::{self, BadImage, Thumb};

/// How one image ended. Every image ends in exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every thumbnail uploaded.
    Done,
    /// Not a usable photo (corrupt, truncated, an unknown format): reported and skipped, not retried.
    Skipped(String),
    /// A download or upload still failed after the retries.
    Failed(String),
}

/// A request that failed for good, after its retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed(pub String);

/// How many tries a request gets in all (the first and the retries).
pub const ATTEMPTS: u32 = 4;
/// Every request gives up after this long, so nothing ever hangs on a dead server.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The back-off before retry number `retry` (1, 2, ...): 20 ms, 40 ms, 80 ms.
pub fn backoff(retry: u32) -> Duration {
    Duration::from_millis(10 << retry.min(6))
}

/// Counters a variant updates while it runs, shown in the table.
#[derive(Debug, Default)]
pub struct Counters {
    /// Requests tried again after a failure.
    pub retries: AtomicU64,
    /// 5xx answers seen, retried or not: must match the server's own count.
    pub server_errors: AtomicU64,
    pub resize_nanos: AtomicU64,
    pub resized: AtomicU64,
}

/// One batch of images against one server: what every variant works on.
#[derive(Debug)]
pub struct Batch {
    /// The server's base URL, without a trailing slash.
    pub url: String,
    /// The image file names on the server, e.g. `7.jpg` (from `GET /images`).
    pub names: Vec<String>,
    pub widths: Vec<u32>,
    /// Also write the thumbnails into this folder.
    pub out: Option<PathBuf>,
    /// How many requests the concurrent variants keep in flight (`--workers`).
    pub io: usize,
    pub counters: Counters,
    agent: ureq::Agent,
}

impl Batch {
    pub fn new(url: &str, names: Vec<String>, widths: Vec<u32>, io: usize) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            .max_idle_connections_per_host(io.max(4) * 2)
            .build()
            .into();
        Self {
            url: url.trim_end_matches('/').to_string(),
            names,
            widths,
            out: None,
            io: io.max(1),
            counters: Counters::default(),
            agent,
        }
    }

    /// Writes the thumbnails into `dir` as well (created if missing).
    pub fn with_out(mut self, dir: Option<PathBuf>) -> anyhow::Result<Self> {
        if let Some(dir) = &dir {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the folder {}", dir.display()))?;
        }
        self.out = dir;
        Ok(self)
    }

    /// `<stem>_<width>.jpg` for a `.jpg` name: `7.jpg` at 64 px is `7_64.jpg`. Other names keep
    /// their extension, so `7.png` beside `7.jpg` does not overwrite its thumbnails: `7.png_64.jpg`.
    pub fn thumb_name(image: &str, width: u32) -> String {
        let stem = match image.rsplit_once('.') {
            Some((stem, ext)) if ext.eq_ignore_ascii_case("jpg") => stem,
            _ => image,
        };
        format!("{stem}_{width}.jpg")
    }

    pub fn image_url(&self, name: &str) -> String {
        format!("{}/images/{name}", self.url)
    }

    pub fn upload_url(&self, thumb_name: &str) -> String {
        format!("{}/uploads/{thumb_name}", self.url)
    }

    /// Resets the counters before a variant.
    pub fn reset_counters(&self) {
        for c in [
            &self.counters.retries,
            &self.counters.server_errors,
            &self.counters.resize_nanos,
            &self.counters.resized,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }

    /// `GET /images/{name}`, retried.
    pub fn download(&self, name: &str) -> Result<Vec<u8>, Failed> {
        self.get(&self.image_url(name), &format!("download {name}"))
    }

    /// `GET url`, retried (the verifier reads uploads back with it).
    pub fn fetch(&self, url: &str) -> Result<Vec<u8>, Failed> {
        self.get(url, &format!("GET {url}"))
    }

    fn get(&self, url: &str, what: &str) -> Result<Vec<u8>, Failed> {
        self.retrying(what, || {
            let mut answer = self
                .agent
                .get(url)
                .call()
                .map_err(|e| (None, e.to_string()))?;
            let status = answer.status().as_u16();
            if status != 200 {
                return Err((Some(status), format!("HTTP {status}")));
            }
            let body = answer
                .body_mut()
                .with_config()
                .limit(256 << 20)
                .read_to_vec();
            body.map_err(|e| (None, e.to_string()))
        })
    }

    /// `PUT /uploads/<name>_<width>.jpg` for one thumbnail, retried.
    pub fn upload(&self, image: &str, thumb: &Thumb) -> Result<(), Failed> {
        let name = Self::thumb_name(image, thumb.requested);
        let url = self.upload_url(&name);
        self.retrying(&format!("upload {name}"), || {
            let answer = self.agent.put(&url).send(&thumb.jpeg[..]);
            let status = answer.map_err(|e| (None, e.to_string()))?.status().as_u16();
            match status {
                200..=299 => Ok(()),
                _ => Err((Some(status), format!("HTTP {status}"))),
            }
        })
    }

    /// Runs one request up to [`ATTEMPTS`] times. The closure reports a failure as
    /// `(status, message)`: a 5xx status or no status at all (the connection broke) is retried.
    pub fn retrying<T>(
        &self,
        what: &str,
        mut request: impl FnMut() -> Result<T, (Option<u16>, String)>,
    ) -> Result<T, Failed> {
        let mut retry = 0;
        loop {
            let (status, message) = match request() {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            if let Some(500..=599) = status {
                self.counters.server_errors.fetch_add(1, Ordering::Relaxed);
            }
            let transient = status.is_none_or(|s| s >= 500);
            retry += 1;
            if !transient || retry >= ATTEMPTS {
                return Err(Failed(format!("{what}: {message} after {retry} tries")));
            }
            self.counters.retries.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(backoff(retry));
        }
    }

    /// Counts a failure seen by an async client the same way [`Batch::retrying`] does; returns
    /// whether to try again.
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

    /// The CPU step, timed: one thumbnail per width. A decoder that panics on a malformed file
    /// makes that file a bad image instead of taking the whole run down.
    pub fn resize(&self, photo: &[u8]) -> Result<Vec<Thumb>, BadImage> {
        let n = self.counters.resized.fetch_add(1, Ordering::Relaxed);
        let span = common::spans::span_on(Lane::Slot, Kind::Resize, "resize", n); // the timeline
        let started = Instant::now();
        let widths = &self.widths[..];
        let thumbs = std::panic::catch_unwind(|| thumbs::make(photo, widths))
            .unwrap_or_else(|_| Err(BadImage("the decoder crashed on it".into())));
        let nanos = started.elapsed().as_nanos() as u64;
        self.counters
            .resize_nanos
            .fetch_add(nanos, Ordering::Relaxed);
        span.end();
        thumbs
    }

    /// Writes one thumbnail under `--out`, if given: to a temporary name, then renamed.
    pub fn save(&self, image: &str, thumb: &Thumb) -> anyhow::Result<()> {
        let Some(dir) = &self.out else { return Ok(()) };
        let name = Self::thumb_name(image, thumb.requested);
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, &thumb.jpeg)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        let path = dir.join(&name);
        std::fs::rename(&tmp, &path)
            .with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))
    }

    /// Uploads and saves every thumbnail of one image, one after the other. A failed upload
    /// fails the image; a failed save fails the whole run (`Err`).
    pub fn store_all(&self, image: &str, thumbs: &[Thumb]) -> anyhow::Result<Outcome> {
        for thumb in thumbs {
            if let Err(Failed(why)) = self.upload(image, thumb) {
                return Ok(Outcome::Failed(why));
            }
            self.save(image, thumb)?;
        }
        Ok(Outcome::Done)
    }
}

/// What a variant hands back: how each image ended, in any order, and what the pipeline's
/// stages spent working (the others leave it empty).
#[derive(Debug, Default)]
pub struct Report {
    pub outcomes: Vec<(String, Outcome)>,
    /// (stage, workers, time spent working summed over its workers).
    pub stages: Vec<(&'static str, usize, Duration)>,
}

impl Report {
    pub fn record(&mut self, name: &str, outcome: Outcome) {
        self.outcomes.push((name.to_string(), outcome));
    }

    /// (done, skipped, failed)
    pub fn counts(&self) -> (u64, u64, u64) {
        let mut counts = (0, 0, 0);
        for (_, outcome) in &self.outcomes {
            match outcome {
                Outcome::Done => counts.0 += 1,
                Outcome::Skipped(_) => counts.1 += 1,
                Outcome::Failed(_) => counts.2 += 1,
            }
        }
        counts
    }
}
