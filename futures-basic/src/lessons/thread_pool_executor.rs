//! # Executors from the futures crate: `ThreadPool` and `LocalPool`
//!
//! Python: `asyncio.run(main())` drives coroutines on one thread, while
//! `ThreadPoolExecutor(max_workers=2)` runs functions on a few threads, each busy until its
//! function returns, so two workers sleeping in `time.sleep` serve two jobs at a time.
//!
//! Rust: `futures::executor::ThreadPool` runs *futures* on a few threads. A future that waits
//! gives its thread back, so two threads can keep a thousand timers waiting at once and finish
//! them all in about one latency. `LocalPool` does the same on the calling thread alone. Neither
//! is tokio: the same job future runs on both, as it would on any executor.
//!
//! Run: `cargo run -p futures-basic -- thread-pool-executor --count 2000 --workers 2`
//!
//! Look for: every job done on both rows in about one latency; "max in flight" equal to the
//! number of jobs although the pool has only `--workers` threads; the names of the threads that
//! polled the jobs: the pool's own (`pool-0`, ...) for `ThreadPool`, `main` for `LocalPool`.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use futures::executor::{LocalPool, ThreadPool, block_on};
use futures::future::join_all;
use futures::task::{LocalSpawnExt, SpawnExt};
use futures_timer::Delay;

/// What the jobs saw: how many waited at once, and which threads polled them. The counters are
/// `Relaxed`: only the counts matter, no other data is published through them.
#[derive(Debug, Default)]
pub struct Seen {
    waiting: AtomicU64,
    peak: AtomicU64,
    threads: Mutex<BTreeSet<String>>,
}

/// The result of one run: every job's answer, in job order, and what they saw.
#[derive(Debug)]
pub struct Report {
    pub results: Vec<usize>,
    pub peak_waiting: u64,
    pub threads: Vec<String>,
}

impl Seen {
    fn note_thread(&self) {
        let name = thread::current().name().unwrap_or("<unnamed>").to_string();
        self.threads.lock().unwrap().insert(name);
    }
}

/// One job: wait `latency` on a timer (holding no thread), return `id * 2`. It notes the thread
/// it runs on before and after the wait: on a pool, the two may differ.
async fn job(id: usize, latency: Duration, seen: Arc<Seen>) -> usize {
    seen.note_thread();
    let now = seen.waiting.fetch_add(1, Relaxed) + 1;
    seen.peak.fetch_max(now, Relaxed);
    Delay::new(latency).await;
    seen.waiting.fetch_sub(1, Relaxed);
    seen.note_thread();
    id * 2
}

fn report(results: Vec<usize>, seen: &Seen) -> Report {
    Report {
        results,
        peak_waiting: seen.peak.load(Relaxed),
        threads: seen.threads.lock().unwrap().iter().cloned().collect(),
    }
}

/// `count` jobs on a `ThreadPool` of `workers` threads.
pub fn on_thread_pool(count: usize, latency: Duration, workers: usize) -> anyhow::Result<Report> {
    let pool = ThreadPool::builder()
        .pool_size(workers)
        .name_prefix("pool-")
        .create()?;
    let seen = Arc::new(Seen::default());
    // `spawn_with_handle` starts the job at once and returns a future of its result.
    let handles = (0..count)
        .map(|id| pool.spawn_with_handle(job(id, latency, Arc::clone(&seen))))
        .collect::<Result<Vec<_>, _>>()?;
    let results = block_on(join_all(handles));
    Ok(report(results, &seen))
}

/// The same jobs on a `LocalPool`: every one is polled on the calling thread.
pub fn on_local_pool(count: usize, latency: Duration) -> anyhow::Result<Report> {
    let mut pool = LocalPool::new();
    let spawner = pool.spawner();
    let seen = Arc::new(Seen::default());
    let handles = (0..count)
        .map(|id| spawner.spawn_local_with_handle(job(id, latency, Arc::clone(&seen))))
        .collect::<Result<Vec<_>, _>>()?;
    let results = pool.run_until(join_all(handles));
    Ok(report(results, &seen))
}
