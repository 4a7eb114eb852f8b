//! # Structured concurrency: a group of tasks that ends together
//!
//! Python (3.11): `async with asyncio.TaskGroup() as tg:`, then `tg.create_task(job(i))` per job.
//! The block is left only once every child has ended; the first failure cancels the children
//! still running, and the failures come out together in an `ExceptionGroup` (`except*`). trio's
//! `async with trio.open_nursery() as nursery:` is the design TaskGroup adopted. A bare `await
//! asyncio.gather(*tasks)` is not structured: it raises the first exception; the rest run on.
//!
//! Rust: no type is a nursery on its own. A `JoinSet` holds spawned tasks, but a failing task
//! cancels nothing, and a dropped set aborts its tasks without waiting for them. [`task_group`]
//! adds what a nursery does: at the first error `abort_all`, then drain `join_next`, so it returns
//! once every task has ended, each done, failed or cancelled (`JoinError::is_cancelled`).
//! [`try_join`] spawns nothing: `try_join_all` (`tokio::try_join!` for a fixed few) polls the
//! futures itself and at the first `Err` drops the rest, which cancels them there and then, so
//! they may even borrow the caller's locals. [`gather`] is the contrast: dropping a `JoinHandle`
//! detaches its task (cancelling takes `abort()`). For threads, `std::thread::scope` is the
//! nursery: it waits for every thread but cancels none; [`scoped_threads`] shares a stop flag.
//!
//! Run: `cargo run -p async-io -- structured`
//!
//! Look for: the async group rows end near one latency (`x latency`), when task 1's 404 comes
//! back, not at the slowest task's; the threads' row about one download later (a download
//! under way runs to its end); `still running after` 0 on those rows, above 0 on the gather row.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

use futures::future::try_join_all;
use tokio::task::{JoinError, JoinHandle, JoinSet};

/// What each job of a group ends with.
pub type Job = anyhow::Result<()>;

/// How the tasks of a group ended: each task in one count (`errors` holds the failed ones).
#[derive(Debug, Default)]
pub struct Ends {
    pub done: usize,
    pub cancelled: usize,
    pub errors: Vec<anyhow::Error>,
}

impl Ends {
    /// Counts one joined task; false once any task has failed.
    pub fn count(&mut self, joined: Result<Job, JoinError>) -> bool {
        match joined {
            Ok(Ok(())) => self.done += 1,
            Err(e) if e.is_cancelled() => self.cancelled += 1,
            Ok(Err(e)) => self.errors.push(e),
            Err(panicked) => self.errors.push(panicked.into()),
        }
        self.errors.is_empty()
    }
}

/// `asyncio.TaskGroup` with a `JoinSet`: the first error aborts the rest; back once all ended.
pub async fn task_group<F: Future<Output = Job> + Send + 'static>(jobs: Vec<F>) -> Ends {
    let mut set: JoinSet<Job> = jobs.into_iter().collect(); // spawns each one
    let mut ends = Ends::default();
    while let Some(joined) = set.join_next().await {
        if !ends.count(joined) {
            set.abort_all(); // the siblings end at their next .await; finished ones still count
        }
    }
    ends
}

/// `try_join_all`: no task is spawned; at the first `Err` the other futures are dropped.
pub async fn try_join<F: Future<Output = Job>>(jobs: Vec<F>) -> Ends {
    let (n, finished) = (jobs.len(), AtomicUsize::new(0));
    let finished_ref = &finished; // borrowed by the futures: none outlives this call
    let counted = jobs
        .into_iter()
        .map(|job| async move { job.await.map(|()| finished_ref.fetch_add(1, Relaxed)) });
    let errors: Vec<_> = try_join_all(counted).await.err().into_iter().collect();
    let done = finished.into_inner();
    let cancelled = n - done - errors.len();
    Ends {
        done,
        cancelled,
        errors,
    }
}

/// asyncio.gather's way: spawned tasks awaited in order, back at the first error. It returns the
/// handles not awaited: those tasks run on, and dropping the handles would not stop them.
pub async fn gather<F>(jobs: Vec<F>) -> (Ends, Vec<JoinHandle<Job>>)
where
    F: Future<Output = Job> + Send + 'static,
{
    let spawned: Vec<_> = jobs.into_iter().map(tokio::spawn).collect(); // all started now
    let (mut handles, mut ends) = (spawned.into_iter(), Ends::default());
    for handle in handles.by_ref() {
        if !ends.count(handle.await) {
            break;
        }
    }
    (ends, handles.collect())
}

/// `thread::scope` as the nursery for threads: a thread per job, running its steps in turn. The
/// first failure sets the stop flag (Relaxed: it guards no other data), and the others stop
/// before their next step; a step already started runs to its end.
pub fn scoped_threads<S: Sync>(jobs: &[Vec<S>], step: impl Fn(&S) -> Job + Sync) -> Ends {
    let stop = AtomicBool::new(false);
    let (stop, step, mut ends) = (&stop, &step, Ends::default());
    std::thread::scope(|scope| {
        let run = |steps: &'_ Vec<S>| {
            for s in steps {
                if stop.load(Relaxed) {
                    return Ok(false); // cancelled, between two steps
                }
                step(s).inspect_err(|_| stop.store(true, Relaxed))?;
            }
            anyhow::Ok(true)
        };
        let threads: Vec<_> = jobs.iter().map(|s| scope.spawn(move || run(s))).collect();
        for thread in threads {
            match thread.join() {
                Ok(Ok(true)) => ends.done += 1,
                Ok(Ok(false)) => ends.cancelled += 1,
                Ok(Err(e)) => ends.errors.push(e),
                Err(_) => ends.errors.push(anyhow::anyhow!("a thread panicked")),
            }
        }
    }); // every thread has ended here: the scope joins any left
    ends
}
