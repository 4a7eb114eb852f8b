//! # The load generator: `connections` clients, each sending requests back to back
//!
//! Like wrk or oha: every client connects, and once all have, sends requests back to back for
//! `duration`, keeping its connection alive while the server allows it and reconnecting (inside
//! the request's latency) when the server closes it. At the deadline every request still in
//! flight is cut and counted as timed out, so the outcomes add up to the requests sent. Built on
//! hyper's connection-level client: one connection per client, nothing pooled or retried behind
//! our back.

use std::sync::Arc;
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
    pub timed_out: u64,
    pub connection_errors: u64,
    /// Latency of every answered request (any status), sorted.
    pub latencies: Vec<Duration>,
}

impl LoadReport {
    /// Answers received within the duration, per second.
    pub fn requests_per_s(&self) -> f64 {
        self.latencies.len() as f64 / self.duration.as_secs_f64().max(1e-9)
    }

    /// The `p`-th percentile (0 to 100) of the answered requests' latency.
    pub fn percentile(&self, p: f64) -> Option<Duration> {
        let n = self.latencies.len();
        let rank = ((p / 100.0 * n as f64).ceil() as usize).clamp(1, n.max(1));
        self.latencies.get(rank - 1).copied()
    }

    fn add(&mut self, other: LoadReport) {
        self.sent += other.sent;
        self.ok += other.ok;
        self.status_4xx += other.status_4xx;
        self.status_5xx += other.status_5xx;
        self.timed_out += other.timed_out;
        self.connection_errors += other.connection_errors;
        self.latencies.extend(other.latencies);
    }
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
    let clients: Vec<_> = (0..connections)
        .map(|_| {
            let (host, path, start) = (host.clone(), path.clone(), Arc::clone(&start));
            tokio::spawn(async move {
                let connected = tokio::time::timeout(CONNECT_LIMIT, connect(&host)).await;
                start.wait().await;
                client(connected.ok().and_then(Result::ok), host, path, duration).await
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
    report.latencies.sort_unstable();
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
) -> LoadReport {
    let deadline = Instant::now() + duration;
    let mut seen = LoadReport::default();
    while Instant::now() < deadline {
        let started = Instant::now();
        seen.sent += 1;
        let answer = tokio::time::timeout_at(deadline, request(&mut sender, &host, &path)).await;
        match answer {
            Err(_cut) => seen.timed_out += 1,
            Ok(Ok(status)) => {
                seen.latencies.push(started.elapsed());
                match status {
                    200..=299 => seen.ok += 1,
                    400..=499 => seen.status_4xx += 1,
                    _ => seen.status_5xx += 1,
                }
            }
            Ok(Err(_)) => {
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
