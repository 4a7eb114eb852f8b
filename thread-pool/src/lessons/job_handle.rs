//! # A handle per job: the hand-made pool's `Future`
//!
//! Python: `f = executor.submit(work)` returns a `Future`; `f.result()` waits for the answer,
//! raises the exception the job raised, or `CancelledError` if the job was cancelled before it
//! ran.
//!
//! Rust: the handle is the receiving end of a one-shot channel (capacity 1). The job, wrapped by
//! [`with_handle`], catches its own panic and sends either its result or that panic, so a
//! failing job never kills the worker that ran it; `join` waits like `f.result()`. A job dropped
//! before it ran drops its sender unsent, and the handle reads that as `Cancelled`: no flag, no
//! bookkeeping. The pool that runs these jobs is [`crate::lessons::handmade`].
//!
//! Run: `cargo run -p thread-pool -- handmade --workers 4`
//!
//! Look for: a panicking job reported on its handle while the pool carries on (Rust's default
//! panic message appears on stderr first), and the jobs still queued at `shutdown_now` counted
//! as cancelled.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::thread;

use crossbeam_channel::Receiver;

/// A job: any closure, run once on some worker.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// Why a [`JobHandle`] has no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// The job panicked; the panic's message.
    Panicked(String),
    /// The job was dropped before it ran (say, still queued at `shutdown_now`).
    Cancelled,
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobError::Panicked(msg) => write!(f, "the job panicked: {msg}"),
            JobError::Cancelled => write!(f, "the job was cancelled before it ran"),
        }
    }
}

impl std::error::Error for JobError {}

/// The future-like handle of one job.
#[derive(Debug)]
pub struct JobHandle<T> {
    result: Receiver<thread::Result<T>>,
}

impl<T> JobHandle<T> {
    /// Waits for the job's result, like Python's `future.result()`.
    pub fn join(self) -> Result<T, JobError> {
        match self.result.recv() {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(panic)) => Err(JobError::Panicked(panic_message(&*panic))),
            // The sender was dropped unsent: the job itself was dropped, never run.
            Err(_) => Err(JobError::Cancelled),
        }
    }
}

/// Wraps `f` into a [`Job`] that catches its panic and sends how it ended to the handle.
pub fn with_handle<T, F>(f: F) -> (Job, JobHandle<T>)
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = crossbeam_channel::bounded(1);
    let job: Job = Box::new(move || {
        let result = panic::catch_unwind(AssertUnwindSafe(f));
        let _ = tx.send(result); // a dropped handle means nobody wants the result
    });
    (job, JobHandle { result: rx })
}

/// The text of a panic payload, whichever of the two usual types it has.
pub fn panic_message(panic: &(dyn Any + Send)) -> String {
    match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
        (Some(s), _) => s.to_string(),
        (_, Some(s)) => s.clone(),
        _ => "a panic without a message".to_string(),
    }
}
