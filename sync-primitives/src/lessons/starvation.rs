//! # Starvation: a writer that never gets its turn, and a lock that prefers writers
//!
//! Python: a readers-writer lock built from a `Condition`, where readers get in whenever other
//! readers are inside. With a steady stream of overlapping readers, the count of readers never
//! reaches zero, and a writer waiting for it waits as long as the readers keep coming.
//!
//! Rust: std's `RwLock` currently prefers writers on Linux (its documentation promises no policy),
//! so the reader-preferring lock is hand-made ([`RwLock`] with [`Prefer::Readers`]). The same lock
//! with [`Prefer::Writers`] makes new readers queue behind a waiting writer, which then gets in as
//! soon as the readers inside leave. Writer preference is not fairness: it moves the risk of
//! starvation to the readers, should writers keep coming.
//!
//! Readers hold the lock for a few milliseconds each, staggered so there is always one inside;
//! the writer arrives once they are all running, and the readers stop after a fixed window.
//!
//! Run: `cargo run -p sync-primitives -- starvation`
//!
//! Look for: the writer's longest wait, about the whole window behind the reader-preferring lock
//! (it gets in only when the readers stop) and about one read behind the writer-preferring one,
//! and how many reads overtook it while it waited.

// Relaxed everywhere: the flag and the counts publish no data (the lock orders the reads).
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::thread;
use std::time::{Duration, Instant};

use crate::lessons::rwlock::{Prefer, RwLock};

/// What one run measured.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    /// How long the writer waited for the lock.
    pub writer_waited: Duration,
    /// Reads made in the whole window.
    pub reads: u64,
    /// Reads that found the writer waiting: the overtakes. With writers preferred, only the
    /// reads already inside when it asked (at most one per reader); with readers, every read
    /// until it gets in.
    pub reads_while_writer_waited: u64,
}

/// `readers` threads read in a loop, holding the lock for `hold` each time, for `window`; one
/// writer asks for the lock once all readers are running.
pub fn writer_behind_readers(
    prefer: Prefer,
    readers: usize,
    hold: Duration,
    window: Duration,
) -> Report {
    let lock = RwLock::new(prefer);
    let stop = AtomicBool::new(false);
    let (reads, overtakes) = (AtomicU64::new(0), AtomicU64::new(0));
    let started = Instant::now();
    thread::scope(|s| {
        for i in 0..readers {
            let (lock, stop, reads, overtakes) = (&lock, &stop, &reads, &overtakes);
            s.spawn(move || {
                // Staggered starts, so the readers' turns overlap and the lock is never free.
                thread::sleep(hold * i as u32 / readers as u32);
                while !stop.load(Relaxed) {
                    let _read = lock.read();
                    reads.fetch_add(1, Relaxed);
                    if lock.waiting_writers() > 0 {
                        overtakes.fetch_add(1, Relaxed);
                    }
                    thread::sleep(hold);
                }
            });
        }
        let writer = s.spawn(|| {
            while reads.load(Relaxed) < readers as u64 {
                thread::sleep(Duration::from_millis(1));
            }
            let asked = Instant::now();
            let _write = lock.write();
            asked.elapsed()
        });
        thread::sleep(window.saturating_sub(started.elapsed()));
        stop.store(true, Relaxed);
        // A panicking writer panics here too, with its own message: its wait was never measured.
        let writer_waited = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Report {
            writer_waited,
            reads: reads.load(Relaxed),
            reads_while_writer_waited: overtakes.load(Relaxed),
        }
    })
}
