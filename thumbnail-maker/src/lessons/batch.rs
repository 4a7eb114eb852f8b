//! # The batch: what every variant works on, and the three steps it takes per image
//!
//! Python: `session = requests.Session()`, then per image
//! `data = session.get(url, timeout=10).content`, `thumbs = resize(data)` and one
//! `session.put(...)` per thumbnail.
//!
//! Rust: one [`Batch`] holds the image names, the widths and one `ureq::Agent` (a pool of
//! keep-alive connections, like the session), and gives the steps every variant shares:
//! [`Batch::download`], [`Batch::resize`] and [`Batch::store_all`] (the uploads, and the files
//! under `--out`). The variants differ only in how they schedule these steps. A failed request
//! is retried as `retry.rs` says.
//!
//! Run: `cargo run -p thumbnail-maker`
//!
//! Look for: the same images done, skipped and failed in every row, and `verified` equal to the
//! images done x the widths: each variant uploads exactly the same thumbnails.

use std::path::PathBuf;
use std::time::Instant;

use thumbnail_codec::thumbs::{self, BadImage, Thumb};

use crate::lessons::outcome::{Failed, Outcome};
use crate::lessons::retry::{Counters, TIMEOUT};

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

/// One photo's resize: its thumbnails (or why it has none), and when it ran on its thread.
#[derive(Debug)]
pub struct Resized {
    pub thumbs: Result<Vec<Thumb>, BadImage>,
    pub started: Instant,
    pub ended: Instant,
}

impl Batch {
    pub fn new(url: &str, names: Vec<String>, widths: Vec<u32>, io: usize) -> Self {
        let agent = ureq::Agent::config_builder()
            .proxy(None) // the server is on 127.0.0.1: never through $HTTP_PROXY or $ALL_PROXY
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

    /// `GET /images/{name}`, retried.
    pub fn download(&self, name: &str) -> Result<Vec<u8>, Failed> {
        let url = self.image_url(name);
        self.retrying(&format!("download {name}"), || {
            let mut answer = self
                .agent
                .get(&url)
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

    /// The CPU step: one thumbnail per width. A decoder that panics on a malformed file makes
    /// that file a bad image instead of taking the whole run down.
    pub fn resize(&self, photo: &[u8]) -> Resized {
        let started = Instant::now();
        let widths = &self.widths[..];
        let thumbs = std::panic::catch_unwind(|| thumbs::make(photo, widths))
            .unwrap_or_else(|_| Err(BadImage("the decoder crashed on it".into())));
        let ended = Instant::now();
        Resized {
            thumbs,
            started,
            ended,
        }
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
