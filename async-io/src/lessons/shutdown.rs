//! # Graceful shutdown on Ctrl-C, and a second Ctrl-C that means it
//!
//! Python: since 3.11 `asyncio.run()` takes the first Ctrl-C itself and cancels the main task:
//! `CancelledError` unwinds its `await`s (and through a `gather` or `TaskGroup`, the jobs it
//! waits on), `finally` blocks run, and `KeyboardInterrupt` is raised when it has ended; a second
//! Ctrl-C raises `KeyboardInterrupt` at once. So the jobs in flight are cancelled, not finished.
//! To let them finish, take the signal yourself: `loop.add_signal_handler(signal.SIGINT,
//! stop.set)` (Unix), then stop taking work and `await asyncio.gather(*in_flight)`.
//!
//! Rust: the service's loop ([`serve`]) `select!`s between a stream of Ctrl-Cs, its source of
//! new work and its finished jobs. The first Ctrl-C stops it accepting; it then waits for the
//! jobs already in flight (a `JoinSet`) and returns normally, so destructors run and the exit
//! code is 0. A second Ctrl-C during that wait is the user saying "now": the remaining jobs are
//! aborted (each still ends as finished or aborted, the counts add up) and the service exits
//! with code 1. The stream comes from `tokio::signal::unix::signal` (`windows::ctrl_c` on
//! Windows), which installs the handler when it is called, before the service says it is ready;
//! from then on Ctrl-C no longer kills the process, so the program must act on every one. To
//! press Ctrl-C yourself: `cargo run -p async-io -- service`.
//!
//! Run: `cargo run -p async-io -- shutdown`
//!
//! Look for: "Ctrl-C: no new work" followed by the in-flight jobs finishing, "stopped cleanly"
//! and exit code 0; in the second run, "Ctrl-C again", the jobs it aborted, and exit code 1.

use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::task::JoinSet;

/// One unit of the service's work.
async fn work(id: u64, takes: Duration) -> u64 {
    tokio::time::sleep(takes).await;
    id
}

/// How the service ended: every accepted job was finished or aborted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stopped {
    pub accepted: u64,
    pub finished: u64,
    pub aborted: u64,
    /// A second Ctrl-C came during the drain.
    pub forced: bool,
}

/// The service's loop: accepts a job every third of `takes`, each taking `takes`, until the
/// first item of `interrupts`; then finishes the jobs in flight, unless a second item comes
/// first, which aborts them. `log` gets one line per event.
pub async fn serve(
    mut interrupts: impl Stream<Item = ()> + Unpin,
    takes: Duration,
    mut log: impl FnMut(&str),
) -> anyhow::Result<Stopped> {
    let mut next_job = tokio::time::interval((takes / 3).max(Duration::from_millis(1)));
    let mut in_flight = JoinSet::new();
    let mut s = Stopped::default();
    loop {
        tokio::select! {
            _ = interrupts.next() => break,
            _ = next_job.tick() => {
                s.accepted += 1;
                in_flight.spawn(work(s.accepted, takes));
                log(&format!("accepted job {}", s.accepted));
            }
            Some(done) = in_flight.join_next() => {
                s.finished += 1;
                log(&format!("finished job {}", done?));
            }
        }
    }
    log(&format!(
        "Ctrl-C: no new work; finishing {} jobs in flight (Ctrl-C again to abort them)",
        in_flight.len()
    ));
    loop {
        tokio::select! {
            done = in_flight.join_next() => match done {
                None => break,
                Some(Ok(id)) => {
                    s.finished += 1;
                    log(&format!("finished job {id}"));
                }
                // Aborted before it finished; one that finished first still says Ok above.
                Some(Err(e)) if e.is_cancelled() => s.aborted += 1,
                Some(Err(e)) => return Err(e.into()),
            },
            Some(()) = interrupts.next(), if !s.forced => {
                s.forced = true;
                log(&format!("Ctrl-C again: aborting {} jobs", in_flight.len()));
                in_flight.abort_all();
            }
        }
    }
    Ok(s)
}

/// Every Ctrl-C (SIGINT) from now on, as a stream. The handler is installed by this call.
#[cfg(unix)]
pub fn interrupts() -> std::io::Result<impl Stream<Item = ()> + Unpin> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut sigint = signal(SignalKind::interrupt())?;
    Ok(futures::stream::poll_fn(move |cx| sigint.poll_recv(cx)))
}

/// Every Ctrl-C from now on, as a stream. The handler is installed by this call.
#[cfg(windows)]
pub fn interrupts() -> std::io::Result<impl Stream<Item = ()> + Unpin> {
    let mut ctrl_c = tokio::signal::windows::ctrl_c()?;
    Ok(futures::stream::poll_fn(move |cx| ctrl_c.poll_recv(cx)))
}
