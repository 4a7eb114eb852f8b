//! # How many workers? Sweep the pool size
//!
//! Python: `for n in (1, 2, 4, 8, 16, 32): with ThreadPoolExecutor(n) as ex: list(ex.map(...))`,
//! timing each, to see where `max_workers` stops paying.
//!
//! Rust: the same pool as the `flags` demo, sized 1, 2, 4, 8, 16 and 32, each size capped at the
//! number of flags (a 32-thread pool for 20 flags starts 20 threads: the other 12 would find the
//! queue empty). The fake server counts the requests in flight, so each row shows how many
//! downloads really overlapped.
//!
//! Run: `cargo run -p thread-pool -- sweep --count 20 --latency-ms 100`
//!
//! Look for: wall time falling as W doubles, about N/W round trips rounded up (20 flags on 8
//! threads take 3), until W reaches N; after that it stops falling. The server's peak in flight
//! is min(W, N) on every row, and the timeline under the table shows the waves: W lanes, each
//! running its N/W downloads back to back.

use std::time::{Duration, Instant};

use crate::lessons::flags::{Download, download_map};

/// The pool sizes of the sweep.
pub const SIZES: [usize; 6] = [1, 2, 4, 8, 16, 32];

/// One step of the sweep, `for n in SIZES`: `executor.map` on a pool of `workers` threads
/// (capped at the number of URLs), and the wall time it took.
pub fn time_map(
    agent: &ureq::Agent,
    urls: &[String],
    workers: usize,
) -> std::io::Result<(Vec<Download>, Duration)> {
    let start = Instant::now();
    let downloads = download_map(agent, urls, workers)?;
    Ok((downloads, start.elapsed()))
}
