//! The server's own view of the run: when each data request arrived and when its answer ended.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::spans::{Kind, Lane, Span};

/// The requests served since the last reset (`GET /trace`), oldest first, times in µs since
/// the reset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub requests: Vec<TracedRequest>,
    /// Requests forgotten because the log keeps only the most recent ones.
    pub dropped: u64,
}

/// One data request: arrival, and the end of its answer (or of the connection, if the client
/// hung up first: then `status` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracedRequest {
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
    pub start_us: u64,
    pub end_us: u64,
}

impl Trace {
    /// The requests as spans on greedy slots: `GET /images/..` and `GET /flags/..` are
    /// downloads, `PUT /uploads/..` uploads, anything else a request. Their times are relative
    /// to the last reset, which a demo does at the start of each row.
    pub fn spans(&self) -> Vec<Span> {
        self.requests
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let kind = match (r.method.as_str(), r.path.split('/').nth(1)) {
                    ("GET", Some("images" | "flags")) => Kind::Download,
                    ("PUT", Some("uploads")) => Kind::Upload,
                    _ => Kind::Request,
                };
                Span {
                    lane: Lane::Slot,
                    kind,
                    label: if r.method == "PUT" { "PUT" } else { "GET" },
                    id: i as u64,
                    start: Duration::from_micros(r.start_us),
                    end: Duration::from_micros(r.end_us.max(r.start_us)),
                }
            })
            .collect()
    }
}

/// The log behind `/trace`: the last `limit` requests since the reset.
pub(super) struct TraceLog {
    limit: usize,
    inner: Mutex<LogInner>,
}

struct LogInner {
    epoch: Instant,
    requests: VecDeque<TracedRequest>,
    dropped: u64,
}

impl TraceLog {
    pub(super) fn new(limit: usize) -> Self {
        Self {
            limit,
            inner: Mutex::new(LogInner {
                epoch: Instant::now(),
                requests: VecDeque::new(),
                dropped: 0,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn reset(&self) {
        let mut log = self.lock();
        log.epoch = Instant::now();
        log.requests.clear();
        log.dropped = 0;
    }

    pub(super) fn record(
        &self,
        method: &str,
        path: String,
        status: Option<u16>,
        start: Instant,
        end: Instant,
    ) {
        if self.limit == 0 {
            return;
        }
        let mut log = self.lock();
        let since = |t: Instant| t.saturating_duration_since(log.epoch).as_micros() as u64;
        let request = TracedRequest {
            method: method.to_string(),
            path,
            status,
            start_us: since(start),
            end_us: since(end),
        };
        if log.requests.len() >= self.limit {
            log.requests.pop_front();
            log.dropped += 1;
        }
        log.requests.push_back(request);
    }

    pub(super) fn snapshot(&self) -> Trace {
        let log = self.lock();
        let mut requests: Vec<TracedRequest> = log.requests.iter().cloned().collect();
        requests.sort_by_key(|r| (r.start_us, r.end_us));
        Trace {
            requests,
            dropped: log.dropped,
        }
    }
}
