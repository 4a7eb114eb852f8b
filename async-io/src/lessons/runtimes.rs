//! # Runtimes: asyncio is one thread, tokio's default is not
//!
//! Python: `asyncio.run(main())` runs every coroutine on one thread, the event loop's. A
//! thousand downloads overlap there, because each one spends its time waiting; CPU work does
//! not, and a coroutine that computes holds up every other one until it awaits. The talks' answer
//! is `await loop.run_in_executor(pool, cpu_job)`.
//!
//! Rust: tokio has both models, built here with `runtime::Builder`. `new_current_thread()` (what
//! `#[tokio::main(flavor = "current_thread")]` builds) is asyncio's: every task runs on the one
//! thread that calls `block_on`. `new_multi_thread()` (what a bare `#[tokio::main]` builds) runs
//! tasks on one worker thread per core, and a task may move to another worker at any `.await`.
//! Both get the same work: the same downloads, where threads add nothing because waiting needs
//! no thread; and CPU jobs spawned as tasks, which run one after another on current_thread and
//! in parallel on the multi-thread runtime, but with every worker busy computing, nothing else on
//! that runtime runs. `spawn_blocking` is tokio's `run_in_executor`: it runs the jobs on a pool of
//! threads beside the runtime, which keeps serving its tasks. A ticker task on the same runtime
//! shows it: its longest gap between two ticks. For CPU work that is itself parallel, a rayon
//! pool bridged to async with a oneshot channel is the better home:
//! `thumbnail-maker/src/async_tokio.rs` shows it. The CPU jobs are the next lesson, `cpu_jobs.rs`.
//!
//! Why `tokio::spawn` wants `Send + 'static`: the task runs on its own, possibly after the
//! caller's stack frame is gone, so it may not borrow from it (`'static`); and on a multi-thread
//! runtime it may resume on another thread after any `.await`, so whatever it holds across an
//! `.await` must be `Send`. The signature is the same on either runtime, so this `Rc` is refused:
//!
//! ```compile_fail,E0277
//! use std::rc::Rc;
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! runtime.block_on(async {
//!     let shared = Rc::new(41);
//!     let task = tokio::spawn(async move {
//!         tokio::task::yield_now().await; // `shared` is alive across this .await
//!         *shared + 1
//!     });
//!     assert_eq!(task.await.unwrap(), 42);
//! });
//! ```
//!
//! A `LocalSet` keeps its tasks on the thread that drives it, so `spawn_local` drops the `Send`
//! bound (it still wants `'static`: to borrow, `.await` or `join!` the futures in place instead
//! of spawning them):
//!
//! ```
//! use std::rc::Rc;
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! let local = tokio::task::LocalSet::new();
//! let answer = local.block_on(&runtime, async {
//!     let shared = Rc::new(41);
//!     let task = tokio::task::spawn_local(async move {
//!         tokio::task::yield_now().await;
//!         *shared + 1
//!     });
//!     task.await.unwrap()
//! });
//! assert_eq!(answer, 42);
//! ```
//!
//! Run: `cargo run -p async-io -- runtimes` (`--count N` downloads, at most what the open-file
//! limit allows; `--latency-ms MS`)
//!
//! Look for: all or nearly all downloads in flight at once on both runtimes (the tests prove
//! "all" with the server's rendezvous), on 1 thread for current_thread, both taking about one
//! latency in a release build (a debug build adds the time of its unoptimised HTTP stack); the
//! CPU tasks taking the whole batch's time on current_thread, about `cores` times less on the
//! multi-thread runtime, with the ticker's longest gap as long as a job or more in both;
//! `spawn_blocking` as fast, its ticker keeping its beat.

use std::thread::{self, ThreadId};

use tokio::runtime::{Builder, Runtime};

/// asyncio's model: one thread, the one that calls `block_on`, runs every task.
pub fn current_thread() -> std::io::Result<Runtime> {
    Builder::new_current_thread().enable_all().build()
}

/// `#[tokio::main]`'s model: `workers` threads share the tasks, stealing from each other.
pub fn multi_thread(workers: usize) -> std::io::Result<Runtime> {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
}

/// Downloads every URL, one task each, and returns in URL order each body's size (or why it
/// failed) with the thread that finished the task.
pub async fn download_all(
    client: &reqwest::Client,
    urls: &[String],
) -> Vec<(anyhow::Result<usize>, Option<ThreadId>)> {
    let handles: Vec<_> = urls
        .iter()
        .map(|url| {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let got = async {
                    let answer = client.get(&url).send().await?.error_for_status()?;
                    anyhow::Ok(answer.bytes().await?.len())
                };
                (got.await, thread::current().id())
            })
        })
        .collect();
    let mut ends = Vec::new();
    for handle in handles {
        ends.push(match handle.await {
            Ok((got, id)) => (got, Some(id)),
            Err(e) => (Err(e.into()), None),
        });
    }
    ends
}
