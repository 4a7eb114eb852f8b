//! The shutdown tour: the service run as a child process and interrupted.
//!
//! In the tour, this program starts itself again as the service, reads its output, and sends it
//! SIGINT with `kill -INT <pid>` (Unix only; on other platforms the demo says so), once and
//! then twice. The child is held by a guard that kills and waits for it on every path, so a
//! failing `kill` cannot leave a service running. To press Ctrl-C yourself:
//! `cargo run -p async-io -- service`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use common::{CommonArgs, Outcomes, Row, Table, say};

use crate::lessons::shutdown::{interrupts, serve};

/// The service: [`serve`] with Ctrl-C, jobs of `--latency-ms`; exits 1 after a second Ctrl-C.
#[tokio::main]
pub async fn service(args: &CommonArgs) -> anyhow::Result<()> {
    let takes = args.latency_or(300, 60);
    let interrupts = interrupts().context("cannot listen for Ctrl-C")?;
    say!(
        "ready (pid {}): a job every {} ms, Ctrl-C to stop",
        std::process::id(),
        takes.as_millis() / 3
    );
    let s = serve(interrupts, takes, |line| say!("{line}")).await?;
    say!(
        "accepted {}, finished {}, aborted {}",
        s.accepted,
        s.finished,
        s.aborted
    );
    anyhow::ensure!(!s.forced, "stopped by a second Ctrl-C");
    say!("stopped cleanly");
    Ok(())
}

/// What one interrupted run of the service looked like from outside.
#[derive(Debug)]
pub struct Session {
    pub lines: Vec<String>,
    pub status: ExitStatus,
    pub accepted: u64,
    pub finished: u64,
    pub aborted: u64,
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

/// A child process that is killed and waited for when dropped, on every path: a `?` that
/// returns early, a panic. A plain `Child` dropped early keeps running.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        // After a successful `wait`, std remembers the status: `kill` sends nothing and
        // `wait` returns at once.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the service, sends it SIGINT once it has accepted `after_jobs` jobs (and, if `twice`,
/// again as soon as it starts draining), and reads everything it says until it exits. `echo`
/// is called with each line as it arrives.
pub fn run_and_interrupt(
    exe: &Path,
    job_ms: u64,
    after_jobs: u64,
    twice: bool,
    mut echo: impl FnMut(&str),
) -> anyhow::Result<Session> {
    let mut child = Reaped(
        Command::new(exe)
            .args(["service", "--latency-ms", &job_ms.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot start the service")?,
    );
    let stdout = child.0.stdout.take().context("no stdout")?;
    let mut stderr = child.0.stderr.take().context("no stderr")?;
    let pid = child.0.id();
    let mut lines = Vec::new();
    let mut signals = 0;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        echo(&line);
        let first = signals == 0 && line == format!("accepted job {after_jobs}");
        let second = twice && signals == 1 && line.starts_with("Ctrl-C: no new work");
        if first || second {
            interrupt(pid)?;
            signals += 1;
        }
        lines.push(line);
    }
    // Its error line, if any (a few bytes: reading it after stdout cannot block the child).
    let mut errors = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut errors)?;
    for line in errors.lines() {
        echo(line);
        lines.push(line.to_string());
    }
    let status = child.0.wait()?;
    if signals == 0 {
        bail!("the service ended before it was interrupted ({status})");
    }
    let number = |prefix: &str| -> Option<u64> {
        let line = lines.iter().rev().find(|l| l.starts_with(prefix))?;
        line[prefix.len()..]
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    // The service's last count line: "accepted 7, finished 4, aborted 3".
    let counts: Vec<u64> = lines
        .iter()
        .rev()
        .find(|l| l.starts_with("accepted ") && l.contains("aborted"))
        .context("the service printed no counts")?
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let &[accepted, finished, aborted] = counts.as_slice() else {
        bail!("cannot read the counts {counts:?}");
    };
    Ok(Session {
        accepted,
        finished,
        aborted,
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
    let mut table = Table::new("shutdown", args).different_work(); // one Ctrl-C or two: not the same work
    let mut sessions = Vec::new();
    for twice in [false, true] {
        let (name, what) = if twice {
            (
                "Ctrl-C, then again",
                "then again as soon as it starts draining",
            )
        } else {
            ("Ctrl-C once", "and lets it drain")
        };
        say!("starting the service; Ctrl-C (SIGINT) once it has accepted {after} jobs, {what}");
        let watch = Instant::now();
        let session =
            run_and_interrupt(exe, job_ms, after, twice, |line| say!("  service | {line}"))?;
        let outcomes = Outcomes {
            ok: session.finished,
            cancelled: Some(session.aborted),
            ..Outcomes::default()
        };
        let code = session
            .status
            .code()
            .map_or("signal".into(), |c| c.to_string());
        table.push(
            Row::new(name, session.accepted as usize, watch.elapsed())
                .outcomes(outcomes)
                .extra("in flight at Ctrl-C", session.in_flight_at_signal)
                .extra("exit code", code),
        );
        sessions.push(session);
    }
    table.print();

    // What was claimed: every accepted job ends finished or aborted; one Ctrl-C finishes them
    // all and exits 0, a second aborts the rest and exits non-zero.
    for s in &sessions {
        anyhow::ensure!(
            s.finished + s.aborted == s.accepted,
            "accepted {} jobs, finished {}, aborted {}",
            s.accepted,
            s.finished,
            s.aborted
        );
    }
    let (once, twice) = (&sessions[0], &sessions[1]);
    anyhow::ensure!(
        once.status.success(),
        "the service exited with {}",
        once.status
    );
    anyhow::ensure!(
        once.aborted == 0,
        "{} jobs aborted after one Ctrl-C",
        once.aborted
    );
    anyhow::ensure!(
        !twice.status.success(),
        "the service exited with {} after a second Ctrl-C",
        twice.status
    );
    Ok(())
}
