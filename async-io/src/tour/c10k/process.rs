//! How each c10k variant gets a process of its own: the fake server in one child, each
//! measurement in another, so that no process's memory or file descriptors count for another.
//!
//! The parent and its children speak through the command line (`serve-child`, `c10k-child`,
//! hidden subcommands of this same program) and one line on stdout.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::ValueEnum;
use common::server::{FakeServer, ServerConfig};
use common::{CommonArgs, Outcomes};

use super::{Variant, peak_memory_kib};
use crate::lessons::c10k::{Client, tasks};
use crate::lessons::c10k_threads::threads;

/// What a child process measured.
#[derive(Debug, Clone)]
pub struct Measured {
    pub outcomes: Outcomes,
    pub wall: Duration,
    /// Peak resident memory of the child (KiB), and before the requests started.
    pub peak_kib: Option<u64>,
    pub base_kib: Option<u64>,
    /// The child's CPU time over the requests, all its threads (`None` where the OS cannot tell).
    pub cpu: Option<Duration>,
}

/// Runs in the child: `n` requests to `url`'s flags, the `variant` way, then one result line.
pub fn child(variant: Variant, n: usize, url: &str, args: &CommonArgs) -> anyhow::Result<()> {
    let base_kib = peak_memory_kib();
    let timeout = args.latency_or(1000, 50) * 3 + Duration::from_secs(10);
    let urls: Vec<String> = common::data::country_codes(n)
        .iter()
        .map(|cc| format!("{url}/flags/{0}/{0}.gif", cc.to_lowercase()))
        .collect();
    let cpu_before = common::timing::process_cpu_time();
    let (ends, wall) = match variant {
        Variant::Tasks => tasks(urls, timeout, Client::Reqwest)?,
        Variant::TasksHyper => tasks(urls, timeout, Client::Hyper)?,
        Variant::Threads => threads(urls, timeout, true),
        Variant::ThreadsDefault => threads(urls, timeout, false),
    };
    let cpu = match (cpu_before, common::timing::process_cpu_time()) {
        (Some(before), Some(after)) => Some(after.saturating_sub(before)),
        _ => None,
    };
    let count = |e: &str| ends.iter().filter(|x| **x == e).count();
    let (peak, base) = (peak_memory_kib(), base_kib);
    println!(
        "c10k-result ok={} failed={} timed_out={} skipped={} wall_us={} peak_kib={} base_kib={} cpu_us={}",
        count("ok"),
        count("failed"),
        count("timed_out"),
        count("skipped"),
        wall.as_micros(),
        peak.map_or("-".into(), |k| k.to_string()),
        base.map_or("-".into(), |k| k.to_string()),
        cpu.map_or("-".into(), |c| c.as_micros().to_string()),
    );
    Ok(())
}

/// Runs in the server's child process: serves until the parent closes our stdin.
pub fn serve_child() -> anyhow::Result<()> {
    let server = FakeServer::start(ServerConfig {
        image_variants: 0,
        ..ServerConfig::default()
    })?;
    println!("{}", server.url());
    std::io::stdout().flush()?;
    std::io::stdin().lock().read_line(&mut String::new())?; // EOF when the parent is done
    Ok(())
}

/// The fake server in a child process, stopped and reaped when dropped, on every path: the
/// guard exists from the moment the child does, so an error while starting it (or a panic
/// anywhere later) cannot leave a server running or a zombie behind.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    pub url: String,
}

/// How long a server child may take to exit after its stdin closes before it is killed.
const GRACE: Duration = Duration::from_secs(2);

impl ServerProcess {
    pub fn start(exe: &Path) -> anyhow::Result<Self> {
        Self::spawn(exe, &["serve-child"])
    }

    /// Any server this program runs as a child with `args`: it prints its URL as the first line
    /// on stdout and stops when its stdin closes (the `web` demo's servers use it too).
    pub fn spawn(exe: &Path, args: &[&str]) -> anyhow::Result<Self> {
        let child = Command::new(exe)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start the server process")?;
        let mut server = Self {
            child,
            url: String::new(),
        };
        let stdout = server.child.stdout.take().context("no stdout")?;
        BufReader::new(stdout).read_line(&mut server.url)?;
        server.url = server.url.trim().to_string();
        if !server.url.starts_with("http://") {
            bail!(
                "the server process did not start (it said {:?})",
                server.url
            );
        }
        Ok(server)
    }
}

impl Drop for ServerProcess {
    /// Closes the server's stdin (it exits at end of input), gives it `GRACE` to do so, then
    /// kills it; and always waits for it.
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let deadline = std::time::Instant::now() + GRACE;
        while matches!(self.child.try_wait(), Ok(None)) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        // Both are no-ops if it has exited and been waited for above.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs one variant in a fresh child process and reads its result line.
pub fn measure(
    exe: &Path,
    variant: Variant,
    n: usize,
    url: &str,
    latency: Duration,
) -> anyhow::Result<Measured> {
    let value = variant
        .to_possible_value()
        .context("a variant without a name")?;
    let name = value.get_name();
    let output = Command::new(exe)
        .args(["c10k-child", "--variant", name, "--server", url])
        .args([
            "--tasks",
            &n.to_string(),
            "--latency-ms",
            &latency.as_millis().to_string(),
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("cannot start the measuring process")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find(|l| l.starts_with("c10k-result"));
    let (Some(line), true) = (line, output.status.success()) else {
        bail!("the {name} process failed ({}): {stdout}", output.status);
    };
    let field = |key: &str| -> Option<u64> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
    };
    Ok(Measured {
        outcomes: Outcomes {
            ok: field("ok").context("no ok count")?,
            errors: field("failed"),
            timed_out: field("timed_out"),
            skipped: field("skipped"),
            ..Outcomes::default()
        },
        wall: Duration::from_micros(field("wall_us").context("no wall time")?),
        peak_kib: field("peak_kib"),
        base_kib: field("base_kib"),
        cpu: field("cpu_us").map(Duration::from_micros),
    })
}
