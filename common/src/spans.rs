//! Spans: who ran what, and when, during one table row.
//!
//! A span is (lane, kind, label, id, start, end), its times relative to the start of the row.
//! The harness of a demo starts a [`Recording`] before a row and takes its spans after; the
//! work it wants shown records itself with [`span`], a guard that ends the span when dropped:
//!
//! ```
//! use common::spans::{Kind, Recording, span};
//!
//! let recording = Recording::start(64);
//! std::thread::scope(|s| {
//!     for i in 0..4 {
//!         s.spawn(move || {
//!             let _span = span(Kind::Work, "job", i); // on this thread's lane
//!             std::thread::sleep(std::time::Duration::from_millis(2));
//!         });
//!     }
//! });
//! let spans = recording.finish();
//! assert_eq!(spans.len(), 4);
//! ```
//!
//! Recording is cheap: labels are `&'static str` plus a number, and a span is one push into a
//! buffer sized up front. Without a recording in progress, [`span`] does nothing but read one
//! flag. Declare the guard *after* the permit or lock that bounds the work, so it is dropped
//! first: a span that outlives its permit overlaps the next holder's, and the drawing shows one
//! lane too many. Work done in a child process is recorded where the parent sees it (job sent,
//! answer received): the clocks of two processes are not comparable.
//!
//! The fake server records every request it serves the same way (see
//! [`crate::server::Trace`]), so a network demo gets the server's view without recording anything.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a span was doing; each kind has its own glyph in the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A request, as the fake server saw it (arrival to end of its answer).
    Request,
    Download,
    Resize,
    Upload,
    /// CPU work, or a job in a pool.
    Work,
    /// Waiting: for a lock, a permit, an answer.
    Wait,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Request,
        Kind::Download,
        Kind::Resize,
        Kind::Upload,
        Kind::Work,
        Kind::Wait,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Download => "download",
            Kind::Resize => "resize",
            Kind::Upload => "upload",
            Kind::Work => "work",
            Kind::Wait => "wait",
        }
    }

    /// The block drawn while a span of this kind runs.
    pub fn glyph(self) -> char {
        match self {
            Kind::Request | Kind::Download => '▓',
            Kind::Resize | Kind::Work => '█',
            Kind::Upload => '▒',
            Kind::Wait => '░',
        }
    }

    /// The ANSI colour of its glyph (unless `NO_COLOR`).
    pub(crate) fn color(self) -> &'static str {
        match self {
            Kind::Request | Kind::Download => "\x1b[36m",
            Kind::Resize | Kind::Work => "\x1b[33m",
            Kind::Upload => "\x1b[32m",
            Kind::Wait => "\x1b[2m",
        }
    }

    fn index(self) -> usize {
        Kind::ALL.iter().position(|&k| k == self).unwrap_or(0)
    }
}

/// Where a span is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lane {
    /// Any free slot: spans of one kind share slots greedily, so the number of slots drawn is
    /// the most that ran at once (async tasks, requests seen by the server).
    Slot,
    /// A thread (see [`this_thread`]).
    Thread(u32),
    /// A numbered worker of a pool.
    Worker(u32),
    /// A child process, by pid: its work as the parent sees it (job sent, answer received).
    Process(u32),
}

/// One piece of work during a row: its times are relative to the row's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub lane: Lane,
    pub kind: Kind,
    pub label: &'static str,
    /// An item number: the image, the job, the request.
    pub id: u64,
    pub start: Duration,
    pub end: Duration,
}

impl Span {
    pub fn duration(&self) -> Duration {
        self.end.saturating_sub(self.start)
    }

    pub(crate) fn kind_index(&self) -> usize {
        self.kind.index()
    }
}

struct Inner {
    epoch: Instant,
    spans: Mutex<Vec<Span>>,
}

impl Inner {
    fn push(&self, span: Span) {
        self.spans
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(span);
    }
}

/// The recording in progress, if any: there is at most one per process, like a row.
static CURRENT: Mutex<Option<Arc<Inner>>> = Mutex::new(None);
static ACTIVE: AtomicBool = AtomicBool::new(false);

fn current() -> Option<Arc<Inner>> {
    if !ACTIVE.load(Ordering::Relaxed) {
        return None;
    }
    CURRENT.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Collects the spans of one row, from its start until [`Recording::finish`].
pub struct Recording {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording").finish_non_exhaustive()
    }
}

impl Recording {
    /// Starts recording now (the row's time zero), with room for `capacity` spans before the
    /// buffer grows. Replaces any recording in progress.
    pub fn start(capacity: usize) -> Self {
        let inner = Arc::new(Inner {
            epoch: Instant::now(),
            spans: Mutex::new(Vec::with_capacity(capacity)),
        });
        *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&inner));
        ACTIVE.store(true, Ordering::Relaxed);
        Self { inner }
    }

    /// The row's time zero.
    pub fn epoch(&self) -> Instant {
        self.inner.epoch
    }

    /// Stops recording and returns the spans, in order of their start.
    pub fn finish(self) -> Vec<Span> {
        self.stop();
        let mut spans =
            std::mem::take(&mut *self.inner.spans.lock().unwrap_or_else(|e| e.into_inner()));
        spans.sort_by_key(|s| (s.start, s.end));
        spans
    }

    fn stop(&self) {
        let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
        if current
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, &self.inner))
        {
            *current = None;
            ACTIVE.store(false, Ordering::Relaxed);
        }
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A span in progress: it ends when dropped (or at [`SpanGuard::end`]).
#[must_use = "the span ends when this guard is dropped"]
pub struct SpanGuard {
    inner: Option<Arc<Inner>>,
    lane: Lane,
    kind: Kind,
    label: &'static str,
    id: u64,
    start: Instant,
}

impl std::fmt::Debug for SpanGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanGuard")
            .field("kind", &self.kind)
            .field("label", &self.label)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl SpanGuard {
    /// Ends the span now.
    pub fn end(self) {}
}

impl Drop for SpanGuard {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            let end = Instant::now();
            inner.push(Span {
                lane: self.lane,
                kind: self.kind,
                label: self.label,
                id: self.id,
                start: self.start.saturating_duration_since(inner.epoch),
                end: end.saturating_duration_since(inner.epoch),
            });
        }
    }
}

/// Starts a span on this thread's lane, recorded if a [`Recording`] is in progress.
pub fn span(kind: Kind, label: &'static str, id: u64) -> SpanGuard {
    span_on(this_thread(), kind, label, id)
}

/// Starts a span on a given lane ([`Lane::Slot`] for async tasks, [`Lane::Worker`] for a pool).
pub fn span_on(lane: Lane, kind: Kind, label: &'static str, id: u64) -> SpanGuard {
    SpanGuard {
        inner: current(),
        lane,
        kind,
        label,
        id,
        start: Instant::now(),
    }
}

/// Records a span measured elsewhere, between two instants.
pub fn record(lane: Lane, kind: Kind, label: &'static str, id: u64, start: Instant, end: Instant) {
    if let Some(inner) = current() {
        inner.push(Span {
            lane,
            kind,
            label,
            id,
            start: start.saturating_duration_since(inner.epoch),
            end: end.saturating_duration_since(inner.epoch),
        });
    }
}

/// This thread's lane: a number given to each thread the first time it asks.
pub fn this_thread() -> Lane {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    thread_local!(static LANE: Cell<Option<u32>> = const { Cell::new(None) });
    LANE.with(|lane| {
        let n = lane
            .get()
            .unwrap_or_else(|| NEXT.fetch_add(1, Ordering::Relaxed));
        lane.set(Some(n));
        Lane::Thread(n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_ends_when_its_guard_drops_and_nothing_is_kept_without_a_recording() {
        drop(span(Kind::Work, "outside", 0)); // no recording: nothing to keep, no panic
        let recording = Recording::start(4);
        {
            let _a = span(Kind::Work, "a", 1);
            std::thread::sleep(Duration::from_millis(2));
        }
        span_on(Lane::Worker(3), Kind::Wait, "b", 2).end();
        let spans = recording.finish();
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].label, "a");
        assert!(spans[0].end > spans[0].start);
        assert!(spans[1].start >= spans[0].end);
        assert_eq!(spans[1].lane, Lane::Worker(3));
        drop(span(Kind::Work, "after", 0));
    }

    #[test]
    fn threads_get_their_own_lanes() {
        let here = this_thread();
        assert_eq!(here, this_thread());
        let there = std::thread::spawn(this_thread).join().unwrap();
        assert_ne!(here, there);
    }
}
