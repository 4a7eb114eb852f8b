//! # One interface, two executors: `concurrent.futures` over a thread pool or a process pool
//!
//! Python: `with ProcessPoolExecutor(max_workers=4) as ex: results = list(ex.map(is_prime, xs))`,
//! and swapping in `ThreadPoolExecutor` changes nothing else: `submit` returns a future, `map`
//! keeps the input order, an exception comes back at `result()`.
//!
//! Rust: the same promise is a small trait, [`Executor`]: `submit` a job, get a [`Handle`] whose
//! `get` waits for its outcome; `map` comes with it. [`ThreadPoolExecutor`] runs jobs on rayon
//! and catches a job's panic, so it fails that job only; [`ProcessPoolExecutor`] sends them over
//! pipes to worker processes, as [`Task`]s. CPU-bound jobs scale with the cores on both (no GIL);
//! tiny jobs each cross two pipes as JSON, so threads win (an abort: [`crate::lessons::abort`]).
//!
//! Run: `cargo run -p multiprocess -- executors` (`--count`: CPU jobs, 20x as many tiny ones)
//!
//! Look for: the `CPU:` pool rows' speedup near the core count; on `tiny:` rows, threads far ahead.
//! With `--python`: CPython's CPU jobs near 1.0x on threads (the GIL) and faster only on
//! processes, and its `ProcessPoolExecutor` broken by the abort (`BrokenProcessPool`).

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::mpsc;

use crate::lessons::process_pool::{JobError, JobHandle, Pool};
use crate::lessons::worker::{Answer, Task, execute};

/// How one job ended: its answer, or why there is none.
pub type Outcome = Result<Answer, String>;

/// A submitted job (Python's `Future`): it is already queued; `get` waits for its outcome.
#[derive(Debug)]
pub enum Handle {
    Thread(mpsc::Receiver<Outcome>),
    Process(JobHandle),
}

impl Handle {
    pub fn get(self) -> Outcome {
        match self {
            Handle::Thread(rx) => rx.recv().unwrap_or(Err("the job was lost".into())),
            // A job's own error reads the same as on threads; a dead worker says how it died.
            Handle::Process(job) => job.get().map(|f| f.answer).map_err(|e| match e {
                JobError::Failed(why) => why,
                other => other.to_string(),
            }),
        }
    }
}

/// What `concurrent.futures.Executor` promises: `submit`, and `map` in input order.
pub trait Executor {
    fn submit(&self, task: Task) -> Handle;
    fn map(&self, tasks: Vec<Task>) -> Vec<Outcome> {
        let handles: Vec<Handle> = tasks.into_iter().map(|t| self.submit(t)).collect();
        handles.into_iter().map(Handle::get).collect()
    }
}

/// Jobs on threads of this process: cheap to reach, but they share its fate.
#[derive(Debug)]
pub struct ThreadPoolExecutor(rayon::ThreadPool);

impl Executor for ThreadPoolExecutor {
    fn submit(&self, task: Task) -> Handle {
        let (tx, rx) = mpsc::channel();
        self.0.spawn(move || {
            // A panic caught here fails this job only (escaping `rayon::spawn`, it would abort
            // the process); an abort cannot be caught and ends the process whatever we do.
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| execute(task)))
                .unwrap_or_else(|_| Err("the job panicked".to_string()));
            let _ = tx.send(outcome);
        });
        Handle::Thread(rx)
    }
}

/// Jobs in worker processes: each crosses a pipe, and a crash ends only its worker.
#[derive(Debug)]
pub struct ProcessPoolExecutor(Pool);

impl Executor for ProcessPoolExecutor {
    fn submit(&self, task: Task) -> Handle {
        Handle::Process(self.0.apply_async(task))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Threads,
    Processes,
}

/// The one call site that picks the pool; everything after it is the same code.
pub fn start(kind: Kind, workers: usize, exe: &Path) -> anyhow::Result<Box<dyn Executor>> {
    Ok(match kind {
        Kind::Threads => Box::new(ThreadPoolExecutor(
            rayon::ThreadPoolBuilder::new()
                .num_threads(workers)
                .build()?,
        )),
        Kind::Processes => Box::new(ProcessPoolExecutor(Pool::new(exe, workers)?)),
    })
}
