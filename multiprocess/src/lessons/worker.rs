//! # The worker side of the process pool: one job at a time, JSON lines on stdin and stdout
//!
//! Python: `multiprocessing` pickles each job, the function by name (the worker imports it) and
//! its arguments, sends it to a worker process over a pipe and pickles the result back.
//!
//! Rust: a closure cannot be sent to another process, so the parent and the worker agree on a
//! vocabulary instead: a [`Task`] names the work and carries its arguments, an [`Answer`]
//! carries the result. Every message is one line of JSON (serde), so a person can read the
//! traffic and any language could be on either end. The worker is this same program, started
//! with the hidden argument `worker`; no `fork`. Its stdout is its pipe to the parent, so it
//! writes nothing there but its messages:
//!
//! ```text
//! worker -> parent   {"Ready":{"pid":4242}}
//! parent -> worker   {"Job":{"id":7,"task":{"IsPrime":1000000000039}}}
//! worker -> parent   {"Done":{"id":7,"pid":4242,"result":{"Ok":{"Prime":true}}}}
//! parent -> worker   "Stop"          (the sentinel; closing stdin works too)
//! ```
//!
//! Run: `cargo run -p multiprocess -- pool` (the first lines are one such conversation)
//!
//! Look for: `Ready` before any job, one `Done` per job with its id, status 0 after `"Stop"`.

use std::fs::OpenOptions;
use std::io::{self, BufRead, Write};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::lessons::primes::is_prime;

/// A job a worker knows how to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Task {
    /// Whether the number is prime (CPU work).
    IsPrime(u64),
    /// Send the text back (a round trip with no work).
    Echo(String),
    /// Sleep this many milliseconds (a slow or hanging job).
    Sleep(u64),
    /// Append a line to a file: a job whose worker died may still have run, and this shows it.
    Append { path: String, line: String },
    /// Fail the job cleanly: the worker reports the error and carries on (like an exception).
    Fail(String),
    /// Panic: the worker process exits with status 101.
    Panic,
    /// Abort: the worker process dies of SIGABRT, with no unwinding at all.
    Abort,
}

/// The result of a job that ran to the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    Prime(bool),
    Echo(String),
    Done,
}

/// What the parent writes to a worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Request {
    Job {
        id: u64,
        task: Task,
    },
    /// The sentinel: finish and exit 0.
    Stop,
}

/// What a worker writes to its parent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Message {
    /// Sent once at start-up, before any job: the worker is running and speaks the protocol.
    Ready { pid: u32 },
    /// One per job, in the order the jobs came.
    Done(Reply),
}

/// The outcome of one job, tagged with the job's id and the worker that ran it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub id: u64,
    pub pid: u32,
    pub result: Result<Answer, String>,
}

/// Runs one task in this process. `Panic` and `Abort` do not return.
pub fn execute(task: Task) -> Result<Answer, String> {
    match task {
        Task::IsPrime(n) => Ok(Answer::Prime(is_prime(n))),
        Task::Echo(text) => Ok(Answer::Echo(text)),
        Task::Sleep(ms) => {
            std::thread::sleep(Duration::from_millis(ms));
            Ok(Answer::Done)
        }
        Task::Append { path, line } => {
            let mut file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| format!("cannot open {path}: {e}"))?;
            // One write of one whole line, so concurrent appends from several workers never mix.
            file.write_all(format!("{line}\n").as_bytes())
                .map_err(|e| format!("cannot write {path}: {e}"))?;
            Ok(Answer::Done)
        }
        Task::Fail(why) => Err(why),
        Task::Panic => panic!("the job asked its worker to panic"),
        Task::Abort => std::process::abort(),
    }
}

/// The worker process's `main`: a panic prints one line naming the worker, then [`serve`].
pub fn main() -> anyhow::Result<()> {
    let pid = std::process::id();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        eprintln!("worker {pid} panicked: {message}");
    }));
    serve(io::stdin().lock(), io::stdout().lock())
}

/// The worker's loop: announce itself, then answer each job until the sentinel or end of input.
pub fn serve(input: impl BufRead, mut output: impl Write) -> anyhow::Result<()> {
    let pid = std::process::id();
    send(&mut output, &Message::Ready { pid })?;
    for line in input.lines() {
        match serde_json::from_str::<Request>(&line?)? {
            Request::Job { id, task } => {
                let result = execute(task);
                send(&mut output, &Message::Done(Reply { id, pid, result }))?;
            }
            Request::Stop => return Ok(()),
        }
    }
    // stdin closed: the parent is gone or has no more work. Either way, exit cleanly.
    Ok(())
}

/// Writes one message as one line and flushes it, so the parent sees it at once.
fn send(output: &mut impl Write, message: &Message) -> io::Result<()> {
    serde_json::to_writer(&mut *output, message)?;
    output.write_all(b"\n")?;
    output.flush()
}
