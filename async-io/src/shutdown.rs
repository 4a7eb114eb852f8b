//! # Graceful shutdown on Ctrl-C
//!
//! Python: `loop.add_signal_handler(signal.SIGINT, stop.set)`, then stop taking work, `await
//! asyncio.gather(*in_flight)` and exit, instead of dying mid-job on `KeyboardInterrupt`.
//!
//! `tokio::signal::ctrl_c()` is a future that completes on Ctrl-C (SIGINT on Unix). The service
//! below `select!`s between it, its source of new work and its finished jobs; once it fires, the
//! loop stops accepting, waits for the jobs already in flight (a `JoinSet`) and returns normally,
//! so destructors run and the exit code is 0. One caveat from tokio's docs: the handler is
//! installed the first time the future is polled, so the service polls it once before saying
//! it is ready.
//!
//! In the tour, this program starts itself again as the service, reads its output, and sends it
//! SIGINT with `kill -INT <pid>` (Unix only; on other platforms the demo says so). To press
//! Ctrl-C yourself: `cargo run -p async-io -- service`.
//!
//! Run: `cargo run -p async-io -- shutdown`
//!
//! Look for: "Ctrl-C: no new work" followed by the in-flight jobs finishing, and a final
//! "stopped cleanly" with as many jobs finished as accepted, and exit code 0.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::pin::pin;
use std::process::{Command, ExitStatus, Stdio};
use std::task::Poll;
use std::time::Duration;

use anyhow::{Context, bail};
use common::{CommonArgs, Outcomes, Row, Stopwatch, Table, say};
use tokio::task::JoinSet;

/// One unit of the service's work.
async fn work(id: u64, takes: Duration) -> u64 {
    tokio::time::sleep(takes).await;
    id
}

/// The service: accepts a job every third of `--latency-ms`, each taking `--latency-ms`, until
/// Ctrl-C; then finishes what is in flight and returns.
#[tokio::main]
pub async fn service(args: &CommonArgs) -> anyhow::Result<()> {
    let takes = args.latency_or(300, 60);
    let mut ctrl_c = pin!(tokio::signal::ctrl_c());
    // Installs the handler now (see the module doc), so a Ctrl-C from here on is ours.
    if let Poll::Ready(result) = futures::poll!(&mut ctrl_c) {
        result.context("cannot listen for Ctrl-C")?;
    }
    say!(
        "ready (pid {}): a job every {} ms, Ctrl-C to stop",
        std::process::id(),
        takes.as_millis() / 3
    );

    let mut next_job = tokio::time::interval(takes / 3);
    let mut in_flight = JoinSet::new();
    let (mut accepted, mut finished) = (0u64, 0u64);
    loop {
        tokio::select! {
            signal = &mut ctrl_c => {
                signal.context("cannot listen for Ctrl-C")?;
                break;
            }
            _ = next_job.tick() => {
                accepted += 1;
                in_flight.spawn(work(accepted, takes));
                say!("accepted job {accepted}");
            }
            Some(done) = in_flight.join_next() => {
                finished += 1;
                say!("finished job {}", done?);
            }
        }
    }
    say!(
        "Ctrl-C: no new work; finishing {} jobs in flight",
        in_flight.len()
    );
    while let Some(done) = in_flight.join_next().await {
        finished += 1;
        say!("finished job {}", done?);
    }
    say!("stopped cleanly: accepted {accepted}, finished {finished}");
    Ok(())
}

/// What one interrupted run of the service looked like from outside.
#[derive(Debug)]
pub struct Session {
    pub lines: Vec<String>,
    pub status: ExitStatus,
    pub accepted: u64,
    pub finished: u64,
    pub in_flight_at_signal: u64,
}

/// Sends SIGINT to a process, as Ctrl-C in its terminal would (Unix `kill`).
pub fn interrupt(pid: u32) -> anyhow::Result<()> {
    let status = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status();
    match status.context("cannot run `kill`")? {
        s if s.success() => Ok(()),
        s => bail!("`kill -INT {pid}` failed ({s})"),
    }
}

/// Starts the service, sends it SIGINT once it has accepted `after_jobs` jobs, and reads
/// everything it says until it exits. `echo` is called with each line as it arrives.
pub fn run_and_interrupt(
    exe: &Path,
    job_ms: u64,
    after_jobs: u64,
    mut echo: impl FnMut(&str),
) -> anyhow::Result<Session> {
    let mut child = Command::new(exe)
        .args(["service", "--latency-ms", &job_ms.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start the service")?;
    let stdout = child.stdout.take().context("no stdout")?;
    let mut lines = Vec::new();
    let mut signalled = false;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        echo(&line);
        if !signalled && line == format!("accepted job {after_jobs}") {
            interrupt(child.id())?;
            signalled = true;
        }
        lines.push(line);
    }
    let status = child.wait()?;
    if !signalled {
        bail!("the service ended before it was interrupted ({status})");
    }
    let number = |prefix: &str| -> Option<u64> {
        let line = lines.iter().find(|l| l.starts_with(prefix))?;
        line[prefix.len()..]
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    let last = lines.last().map(String::as_str).unwrap_or("");
    let finished = last.rsplit(' ').next().and_then(|n| n.parse().ok());
    Ok(Session {
        accepted: number("stopped cleanly: accepted ").context("no final line")?,
        finished: finished.context("no final line")?,
        in_flight_at_signal: number("Ctrl-C: no new work; finishing ").unwrap_or(0),
        lines,
        status,
    })
}

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    if !cfg!(unix) {
        say!(
            "sending Ctrl-C to another process needs Unix `kill`; run `cargo run -p async-io -- service` and press Ctrl-C yourself"
        );
        return Ok(());
    }
    let job_ms = args.latency_or(300, 60).as_millis() as u64;
    let after = 3;
    say!("starting the service; it gets Ctrl-C (SIGINT) once it has accepted {after} jobs");
    let watch = Stopwatch::start();
    let session = run_and_interrupt(exe, job_ms, after, |line| say!("  service | {line}"))?;
    let wall = watch.elapsed();

    let mut table = Table::new("shutdown", args);
    let lost = session.accepted.saturating_sub(session.finished);
    let outcomes = Outcomes {
        ok: session.finished,
        cancelled: Some(lost),
        ..Outcomes::default()
    };
    let row = Row::new(
        "service, Ctrl-C after 3 jobs",
        session.accepted as usize,
        wall,
    )
    .outcomes(outcomes)
    .extra("in flight at Ctrl-C", session.in_flight_at_signal)
    .extra(
        "exit code",
        session
            .status
            .code()
            .map_or("signal".into(), |c| c.to_string()),
    );
    table.push(row);
    table.print();

    // What was claimed: a clean exit with every accepted job finished.
    anyhow::ensure!(
        session.status.success(),
        "the service exited with {}",
        session.status
    );
    anyhow::ensure!(lost == 0, "{lost} accepted jobs were not finished");
    Ok(())
}
