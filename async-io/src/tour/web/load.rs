//! # The load generator: `connections` clients, each sending requests back to back
//!
//! Like wrk or oha: every client connects, and once all have, sends requests back to back for
//! `duration`, keeping its connection alive while the server allows it and reconnecting (inside
//! the request's latency) when the server closes it. At the deadline every request still in
//! flight is cut and counted as timed out, so the outcomes add up to the requests sent. Built on
//! hyper's connection-level client: one connection per client, nothing pooled or retried behind
//! our back (and no proxy: it connects to the host it is given). The latencies live in one
//! fixed histogram (bounded memory however long the run), the cut requests' ages beside it (at
//! most one per connection), and the percentiles count both.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{CONNECTION, HOST};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use tokio::sync::Barrier;
use tokio::time::Instant;

/// What one load run saw. `sent` = `ok + status_4xx + status_5xx + timed_out + connection_errors`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub duration: Duration,
    pub connections: usize,
    pub sent: u64,
    pub ok: u64,
    pub status_4xx: u64,
    pub status_5xx: u64,
    /// Requests still unanswered at the deadline, cut there: at most one per connection.
    pub timed_out: u64,
    pub connection_errors: u64,
    /// How long every request that ended before the deadline took (answered, or failed).
    pub latencies: Histogram,
    /// The age each cut request had reached at the deadline (a lower bound of its latency),
    /// sorted; at most one per connection, so bounded too.
    pub cut_ages: Vec<Duration>,
}

/// A percentile of a load run's latencies, over every request sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percentile {
    pub latency: Duration,
    /// The rank fell among requests cut at the deadline: the true value is at least `latency`.
    pub at_least: bool,
}

impl Percentile {
    pub fn ms(&self) -> f64 {
        self.latency.as_secs_f64() * 1e3
    }
}

impl std::fmt::Display for Percentile {
    /// In milliseconds (two decimals unless told), `>= ` before a lower bound: `103.42`,
    /// `>= 4987.20`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at_least = if self.at_least { ">= " } else { "" };
        let digits = f.precision().unwrap_or(2);
        write!(f, "{at_least}{:.digits$}", self.ms())
    }
}

impl LoadReport {
    /// Successful (2xx) answers per second: the row's throughput.
    pub fn requests_per_s(&self) -> f64 {
        self.ok as f64 / self.duration.as_secs_f64().max(1e-9)
    }

    /// Requests that got no answer before the deadline.
    pub fn unanswered(&self) -> u64 {
        self.timed_out
    }

    /// The `p`-th percentile (0 to 100, nearest rank) of every request sent, the cut ones
    /// counted at the age they had reached at the deadline. A cut request's latency is only
    /// known to be at least that age, so where the rank lands on one of them the answer is a
    /// lower bound (`at_least`). `None` when nothing was sent.
    pub fn percentile(&self, p: f64) -> Option<Percentile> {
        let n = self.latencies.total() + self.cut_ages.len() as u64;
        if n == 0 {
            return None;
        }
        let rank = ((p / 100.0 * n as f64).ceil() as u64).clamp(1, n);
        // Merge the histogram's buckets and the sorted cut ages until `rank` values are taken.
        let (mut taken, mut cut) = (0u64, 0usize);
        let mut buckets = self.latencies.buckets().peekable();
        loop {
            let next_cut = self.cut_ages.get(cut).copied();
            let from_histogram = match (buckets.peek(), next_cut) {
                (Some(&(value, _)), Some(age)) => value <= age,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => return None,
            };
            let latency = if from_histogram {
                let (value, count) = buckets.next()?;
                taken += count;
                value
            } else {
                cut += 1;
                taken += 1;
                next_cut?
            };
            if taken >= rank {
                let at_least = !from_histogram;
                return Some(Percentile { latency, at_least });
            }
        }
    }

    fn add(&mut self, other: LoadReport) {
        self.sent += other.sent;
        self.ok += other.ok;
        self.status_4xx += other.status_4xx;
        self.status_5xx += other.status_5xx;
        self.timed_out += other.timed_out;
        self.connection_errors += other.connection_errors;
        self.cut_ages.extend(other.cut_ages);
    }
}

/// Buckets per power of two: each holds values within 1/64 (1.6%) of each other.
const SUB_BITS: u32 = 6;
const SUB: u64 = 1 << SUB_BITS;
/// Latencies up to 2^40 µs (about 12 days); longer ones count in the last bucket.
const MAX_BITS: u32 = 40;
const BUCKETS: usize = ((MAX_BITS - SUB_BITS + 1) as u64 * SUB) as usize;

/// Latencies in bounded memory: a log-linear histogram of microseconds (exact below 64 µs,
/// then 64 buckets per power of two), 2,240 counters however long the run. It reports each
/// bucket by its largest value, so a percentile reads at most 1.6% high.
#[derive(Clone, PartialEq, Eq)]
pub struct Histogram {
    counts: Vec<u64>,
}

impl std::fmt::Debug for Histogram {
    /// The buckets in use, not the 2,240 counters.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.buckets()).finish()
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            counts: vec![0; BUCKETS],
        }
    }
}

impl Histogram {
    fn index(latency: Duration) -> usize {
        let us = (latency.as_micros() as u64).min((1 << MAX_BITS) - 1);
        if us < SUB {
            return us as usize;
        }
        let shift = (63 - us.leading_zeros()) - SUB_BITS;
        ((shift as u64 + 1) * SUB + ((us >> shift) - SUB)) as usize
    }

    /// The largest latency bucket `index` holds.
    fn upper(index: usize) -> Duration {
        let index = index as u64;
        if index < SUB {
            return Duration::from_micros(index);
        }
        let shift = index / SUB - 1;
        Duration::from_micros((((index % SUB) + SUB + 1) << shift) - 1)
    }

    pub fn record(&mut self, latency: Duration) {
        self.counts[Self::index(latency)] += 1;
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// `(largest latency of the bucket, count)` of every bucket in use, shortest first.
    pub fn buckets(&self) -> impl Iterator<Item = (Duration, u64)> + '_ {
        let used = self.counts.iter().enumerate().filter(|(_, c)| **c > 0);
        used.map(|(i, c)| (Self::upper(i), *c))
    }
}

/// The run's one histogram, shared by its clients (a lock held for one increment).
fn lock(latencies: &Mutex<Histogram>) -> std::sync::MutexGuard<'_, Histogram> {
    latencies.lock().unwrap_or_else(|e| e.into_inner())
}

/// Loads `url` (`http://host:port/path`) with `connections` clients for `duration`. Every
/// client connects first; the clock starts once all have connected (or failed to: those connect
/// again with their first request, which counts), so the burst of connects is not measured.
pub async fn load(url: &str, connections: usize, duration: Duration) -> anyhow::Result<LoadReport> {
    let uri: Uri = url.parse().with_context(|| format!("not a URL: {url}"))?;
    anyhow::ensure!(uri.scheme_str() == Some("http"), "only http:// URLs: {url}");
    let host = uri.authority().context("a URL without a host")?.to_string();
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
    let start = Arc::new(Barrier::new(connections));
    let latencies = Arc::new(Mutex::new(Histogram::default()));
    let clients: Vec<_> = (0..connections)
        .map(|_| {
            let (host, path, start) = (host.clone(), path.clone(), Arc::clone(&start));
            let latencies = Arc::clone(&latencies);
            tokio::spawn(async move {
                let connected = tokio::time::timeout(CONNECT_LIMIT, connect(&host)).await;
                start.wait().await;
                let sender = connected.ok().and_then(Result::ok);
                client(sender, host, path, duration, &latencies).await
            })
        })
        .collect();
    let mut report = LoadReport {
        duration,
        connections,
        ..LoadReport::default()
    };
    for c in clients {
        report.add(c.await?);
    }
    report.latencies = std::mem::take(&mut *lock(&latencies));
    report.cut_ages.sort_unstable();
    Ok(report)
}

/// How long a client may take to connect before the clock starts.
const CONNECT_LIMIT: Duration = Duration::from_secs(10);

/// One client: requests back to back for `duration`.
async fn client(
    mut sender: Option<SendRequest<Empty<Bytes>>>,
    host: String,
    path: String,
    duration: Duration,
    latencies: &Mutex<Histogram>,
) -> LoadReport {
    let deadline = Instant::now() + duration;
    let mut seen = LoadReport::default();
    while Instant::now() < deadline {
        let started = Instant::now();
        seen.sent += 1;
        let answer = tokio::time::timeout_at(deadline, request(&mut sender, &host, &path)).await;
        match answer {
            Err(_cut) => {
                seen.timed_out += 1;
                seen.cut_ages.push(deadline - started);
            }
            Ok(Ok(status)) => {
                lock(latencies).record(started.elapsed());
                match status {
                    200..=299 => seen.ok += 1,
                    400..=499 => seen.status_4xx += 1,
                    _ => seen.status_5xx += 1,
                }
            }
            Ok(Err(_)) => {
                lock(latencies).record(started.elapsed());
                seen.connection_errors += 1;
                sender = None;
                // A server that refuses connections must not turn this loop into a busy spin.
                tokio::time::sleep_until(deadline.min(Instant::now() + Duration::from_millis(10)))
                    .await;
            }
        }
    }
    seen
}

/// A new HTTP/1.1 connection to `host`.
async fn connect(host: &str) -> anyhow::Result<SendRequest<Empty<Bytes>>> {
    let tcp = tokio::net::TcpStream::connect(host).await?;
    tcp.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(tcp)).await?;
    tokio::spawn(connection); // moves the bytes, and ends when the connection closes
    Ok(sender)
}

/// One request on the client's connection, connecting first if it has none (or it was closed).
async fn request(
    sender: &mut Option<SendRequest<Empty<Bytes>>>,
    host: &str,
    path: &str,
) -> anyhow::Result<u16> {
    if sender.as_ref().is_none_or(|s| s.is_closed()) {
        *sender = Some(connect(host).await?);
    }
    let s = sender.as_mut().context("connected above")?;
    s.ready().await?;
    let req = Request::get(path).header(HOST, host).body(Empty::new())?;
    let answer = s.send_request(req).await?;
    let status = answer.status().as_u16();
    let closes = answer
        .headers()
        .get(CONNECTION)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
    answer.into_body().collect().await?;
    if closes {
        *sender = None;
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// A run of `answered` requests at `latency` each and cut ones of the given ages.
    fn report(answered: u64, latency: Duration, cut: &[Duration]) -> LoadReport {
        let mut r = LoadReport {
            duration: ms(5000),
            sent: answered + cut.len() as u64,
            ok: answered,
            timed_out: cut.len() as u64,
            cut_ages: cut.to_vec(),
            ..LoadReport::default()
        };
        for _ in 0..answered {
            r.latencies.record(latency);
        }
        r.cut_ages.sort_unstable();
        r
    }

    #[test]
    fn the_histogram_reads_each_latency_at_most_a_bucket_high() {
        for us in [
            0,
            1,
            63,
            64,
            65,
            127,
            128,
            1_000,
            99_999,
            5_000_000,
            1 << 39,
        ] {
            let d = Duration::from_micros(us);
            let read = Histogram::upper(Histogram::index(d));
            assert!(read >= d, "{us} µs read as {read:?}");
            assert!(
                read.as_micros() as f64 <= us as f64 * (1.0 + 1.0 / 64.0) + 1.0,
                "{us}"
            );
        }
    }

    #[test]
    fn with_every_request_answered_the_percentiles_are_exact() {
        let r = report(100, ms(100), &[]);
        let p99 = r.percentile(99.0).unwrap();
        assert!(!p99.at_least);
        assert!(p99.latency >= ms(100) && p99.latency <= ms(102), "{p99:?}");
        assert_eq!(p99.to_string(), format!("{:.2}", p99.ms()));
    }

    #[test]
    fn a_percentile_among_the_unanswered_is_a_lower_bound_at_their_age() {
        // 90 answered at 100 ms; 10 still waiting when the 5 s run ended, since its start.
        let r = report(90, ms(100), &[ms(5000); 10]);
        let p50 = r.percentile(50.0).unwrap();
        assert!(!p50.at_least && p50.latency < ms(102), "{p50:?}");
        let p99 = r.percentile(99.0).unwrap();
        assert_eq!((p99.latency, p99.at_least), (ms(5000), true));
        assert_eq!(p99.to_string(), ">= 5000.00");
        assert_eq!(format!("{p99:.0}"), ">= 5000");
        // Answered-only percentiles would have said 100 ms for p99.
        assert_eq!(r.unanswered(), 10);
    }

    #[test]
    fn a_cut_request_ranks_at_its_age() {
        // Cut 10 ms after it was sent: it ranks first, and only a rank on it is a bound.
        let r = report(99, ms(100), &[ms(10)]);
        let p1 = r.percentile(1.0).unwrap();
        assert_eq!((p1.latency, p1.at_least), (ms(10), true));
        assert!(!r.percentile(50.0).unwrap().at_least);
    }

    #[test]
    fn the_rate_counts_successful_answers_only() {
        let mut r = report(100, ms(100), &[ms(5000); 50]);
        r.status_5xx = 400;
        r.sent += 400;
        assert_eq!(r.requests_per_s(), 20.0); // 100 ok in 5 s
        assert!(r.percentile(0.0).is_some() && report(0, ms(1), &[]).percentile(50.0).is_none());
    }
}
