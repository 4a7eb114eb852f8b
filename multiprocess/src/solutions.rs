//! Solutions to the exercises in `exercises.rs` (same signatures, solved).

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use serde::Deserialize;

use crate::lessons::child::Reaped;
use crate::lessons::process_pool::WORKER_ARG;
use crate::lessons::worker::{Answer, Message, Request, Task};

/// Exercise 1: a worker's replies, in any order, back in job order.
pub fn parse_replies(output: &str, jobs: usize) -> Result<Vec<bool>, String> {
    #[derive(Deserialize)]
    struct Line {
        id: usize,
        prime: bool,
    }
    let mut answers: Vec<Option<bool>> = vec![None; jobs];
    for line in output.lines().filter(|l| !l.trim().is_empty()) {
        let reply: Line = serde_json::from_str(line).map_err(|e| format!("{line:?}: {e}"))?;
        let slot = answers
            .get_mut(reply.id)
            .ok_or_else(|| format!("job {} does not exist", reply.id))?;
        if slot.replace(reply.prime).is_some() {
            return Err(format!("job {} answered twice", reply.id));
        }
    }
    answers
        .iter()
        .enumerate()
        .map(|(id, a)| a.ok_or_else(|| format!("job {id} has no answer")))
        .collect()
}

/// Exercise 2: square each number until the sentinel line or the end of input.
pub fn serve_until_sentinel(input: impl BufRead, mut output: impl Write) -> io::Result<usize> {
    let mut served = 0;
    for line in input.lines() {
        let line = line?;
        let line = line.trim();
        if line == "STOP" {
            break;
        }
        let n: u64 = line
            .parse()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{line:?}: {e}")))?;
        writeln!(output, "{}", n * n)?;
        output.flush()?;
        served += 1;
    }
    Ok(served)
}

/// Exercise 3: run a command, kill it if it is still running after `timeout`.
pub fn run_with_timeout(
    command: &mut Command,
    timeout: Duration,
) -> io::Result<(u32, Option<ExitStatus>)> {
    // Held by the guard from its spawn on: an error below (`?`) kills and reaps the child too.
    let mut child = Reaped::spawn(command)?;
    let pid = child.id();
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok((pid, Some(status)));
        }
        if Instant::now() >= deadline {
            child.kill()?;
            // Waiting reaps the killed child, so no zombie is left behind.
            child.wait()?;
            return Ok((pid, None));
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Exercise 4: check `numbers` for primality on `workers` worker processes, results in order.
pub fn map_in_processes(exe: &Path, numbers: &[u64], workers: usize) -> anyhow::Result<Vec<bool>> {
    let workers = workers.max(1);
    let mut answers: HashMap<u64, bool> = HashMap::new();
    thread::scope(|s| -> anyhow::Result<()> {
        // Every worker is held by a guard from its spawn on. Any early return below drops them
        // all, killed and reaped, which also ends a writer blocked on a full pipe (its write
        // fails) before the scope waits for the writers.
        let mut children = Vec::new();
        let mut writers = Vec::new();
        for w in 0..workers {
            let mut command = Command::new(exe);
            command
                .arg(WORKER_ARG)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped());
            let mut child = Reaped::spawn(&mut command)
                .with_context(|| format!("cannot start {}", exe.display()))?;
            let mut stdin = child.stdin.take().context("no stdin")?;
            let stdout = child.stdout.take().context("no stdout")?;
            children.push((child, stdout));
            // A writer thread per worker: writing everything before reading could fill both
            // pipes and block the two processes on each other.
            writers.push(s.spawn(move || -> anyhow::Result<()> {
                for (id, &n) in numbers.iter().enumerate().skip(w).step_by(workers) {
                    let job = Request::Job {
                        id: id as u64,
                        task: Task::IsPrime(n),
                    };
                    writeln!(stdin, "{}", serde_json::to_string(&job)?)
                        .with_context(|| format!("cannot send job {id} to worker {w}"))?;
                }
                Ok(())
            }));
        }
        for (child, stdout) in children {
            for line in BufReader::new(stdout).lines() {
                if let Message::Done(reply) = serde_json::from_str(&line?)? {
                    match reply.result.map_err(|e| anyhow!(e))? {
                        Answer::Prime(p) => answers.insert(reply.id, p),
                        other => anyhow::bail!("unexpected answer {other:?}"),
                    };
                }
            }
            let status = child.wait()?;
            anyhow::ensure!(status.success(), "a worker failed: {status}");
        }
        // A write that failed is an error of its own, even if the worker then exited cleanly.
        for writer in writers {
            writer
                .join()
                .map_err(|_| anyhow!("a writer thread panicked"))??;
        }
        Ok(())
    })?;
    (0..numbers.len() as u64)
        .map(|id| {
            answers
                .get(&id)
                .copied()
                .ok_or_else(|| anyhow!("job {id} has no answer"))
        })
        .collect()
}
