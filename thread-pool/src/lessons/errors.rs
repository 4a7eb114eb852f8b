//! # Errors, unknown codes and timeouts, counted like flags2
//!
//! Python (flags2): each download ends `OK`, `NOT_FOUND` or `ERROR`. A 404 is a fact about the
//! code, not a failure; a 503 or a timeout is an error. A `Counter` of the statuses prints
//! `N flags downloaded.`, `N not found.`, `N errors.`, `Elapsed time: ...`, under a tqdm bar.
//!
//! Rust: the status is an enum and a `match` on ureq's error sorts every answer into exactly
//! one case; the client's `timeout_global` bounds each request, so a slow answer becomes an
//! error instead of a worker stuck forever. indicatif draws the bar (on a terminal only).
//!
//! Run: `cargo run -p thread-pool -- errors --error-rate 0.25 --workers 8`
//!
//! Look for: the same codes answered 503 on every row (the server's faults depend on the seed,
//! the path and the attempt, not on timing; a timeout close to the limit may differ), unknown
//! codes counted as not found unless a fault or a timeout got them first, timeouts counted
//! among the errors, and ok + not found + errors = every code on every row.

use indicatif::ProgressBar;

use crate::lessons::flags::{get_flag, run_pool};

/// How one download ended: exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Ok,
    NotFound,
    /// Anything else, with a short reason: `503`, `timeout`, ...
    Error(String),
}

/// Downloads one flag and sorts the answer into a [`Status`].
pub fn fetch(agent: &ureq::Agent, url: &str) -> Status {
    match get_flag(agent, url) {
        Ok(_) => Status::Ok,
        Err(ureq::Error::StatusCode(404)) => Status::NotFound,
        Err(ureq::Error::StatusCode(code)) => Status::Error(code.to_string()),
        Err(ureq::Error::Timeout(_)) => Status::Error("timeout".into()),
        Err(other) => Status::Error(other.to_string()),
    }
}

/// The flags2 counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub ok: u64,
    pub not_found: u64,
    pub errors: u64,
    /// The errors that were timeouts (already counted in `errors`).
    pub timeouts: u64,
}

impl Summary {
    pub fn of(statuses: &[Status]) -> Self {
        let mut s = Summary::default();
        for status in statuses {
            match status {
                Status::Ok => s.ok += 1,
                Status::NotFound => s.not_found += 1,
                Status::Error(why) => {
                    s.errors += 1;
                    s.timeouts += u64::from(why == "timeout");
                }
            }
        }
        s
    }
}

/// Downloads every URL on a pool of `workers` threads, one step of `bar` per answer (tqdm's
/// `update(1)`); returns each URL's status in input order.
pub fn download_all(
    agent: &ureq::Agent,
    urls: &[String],
    workers: usize,
    bar: &ProgressBar,
) -> std::io::Result<Vec<Status>> {
    let mut statuses = vec![None; urls.len()];
    run_pool(
        urls,
        workers,
        |url| fetch(agent, url),
        |i, status| {
            statuses[i] = Some(status);
            bar.inc(1);
        },
    )?;
    bar.finish_and_clear();
    // run_pool calls back once per item, so every slot is filled.
    Ok(statuses.into_iter().flatten().collect())
}
