//! The command line every crate shares, narration, and how a binary reports an error.
//!
//! Each crate flattens [`CommonArgs`] into its own clap parser, so the same knob means the same
//! thing everywhere, and because the arguments are global, `crate DEMO --count 20` and
//! `crate --count 20 DEMO` both parse.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use clap::Args;

static JSON_MODE: AtomicBool = AtomicBool::new(false);

/// The knobs shared by every crate's command line.
#[derive(Debug, Clone, Default, Args)]
pub struct CommonArgs {
    /// Shrink sizes and latencies so the whole tour takes about a second
    #[arg(long, global = true)]
    pub quick: bool,

    /// Print only JSON lines on stdout (one object per table row); narration goes to stderr
    #[arg(long, global = true)]
    pub json: bool,

    /// Seed for everything random (workloads and the fake server's faults), so runs repeat
    #[arg(long, global = true, default_value_t = 42)]
    pub seed: u64,

    /// Number of items of work [default: depends on the demo]
    #[arg(long, global = true, value_parser = at_least_one)]
    pub count: Option<usize>,

    /// Threads or processes in a pool [default: depends on the demo]
    #[arg(long, global = true, value_parser = at_least_one)]
    pub workers: Option<usize>,

    /// Use an already running fake server at URL instead of starting one in-process
    #[arg(long, global = true, value_name = "URL")]
    pub server: Option<String>,

    /// Latency the fake server adds to every answer, in milliseconds [default: depends on the demo]
    #[arg(long, global = true, value_name = "MS")]
    pub latency_ms: Option<u64>,

    /// Fraction of requests the fake server answers with 503, from 0 to 1
    #[arg(long, global = true, value_name = "RATE", value_parser = fraction)]
    pub error_rate: Option<f64>,

    /// Draw a timeline of each row's spans under the table (on by default where the shape of the run is the lesson)
    #[arg(long, global = true)]
    pub timeline: bool,

    /// Write every row's spans to FILE in Chrome's trace event format (open it at ui.perfetto.dev)
    #[arg(long, global = true, value_name = "FILE")]
    pub trace: Option<std::path::PathBuf>,

    /// Also run the demo's Python twin (in the crate's python/ folder) against the same server; its rows join the table as "Python: ..."
    #[arg(long, global = true)]
    pub python: bool,
}

impl CommonArgs {
    /// Call once after parsing: under `--json`, narration ([`say!`](crate::say)) goes to stderr.
    /// A `--trace FILE` that cannot be written is refused here, before any demo runs: `main`
    /// hands the error to [`usage_error`] (one line, exit status 2).
    pub fn init(&self) -> anyhow::Result<()> {
        JSON_MODE.store(self.json, Ordering::Relaxed);
        if let Some(path) = &self.trace {
            std::fs::write(path, r#"{"traceEvents": []}"#)
                .with_context(|| format!("cannot write the trace file {}", path.display()))?;
        }
        Ok(())
    }

    /// `--count`, or the demo's default (`quick` under `--quick`).
    pub fn count_or(&self, normal: usize, quick: usize) -> usize {
        self.count
            .unwrap_or(if self.quick { quick } else { normal })
    }

    /// `--workers`, or the demo's default.
    pub fn workers_or(&self, default: usize) -> usize {
        self.workers.unwrap_or(default)
    }

    /// `--latency-ms`, or the demo's default (`quick` under `--quick`).
    pub fn latency_or(&self, normal_ms: u64, quick_ms: u64) -> Duration {
        Duration::from_millis(self.latency_ms.unwrap_or(if self.quick {
            quick_ms
        } else {
            normal_ms
        }))
    }

    /// A duration that shrinks under `--quick`: `normal` or `quick`.
    pub fn pick<T>(&self, normal: T, quick: T) -> T {
        if self.quick { quick } else { normal }
    }
}

/// True when `--json` is on: stdout carries only JSON rows.
pub fn json_mode() -> bool {
    JSON_MODE.load(Ordering::Relaxed)
}

/// Writes one line of narration: to stdout normally, to stderr under `--json`.
///
/// A closed pipe (`cargo run | head`) is not an error worth a panic, so write errors are ignored.
pub fn say_line(line: std::fmt::Arguments<'_>) {
    if json_mode() {
        let _ = writeln!(std::io::stderr(), "{line}");
    } else {
        let _ = writeln!(std::io::stdout(), "{line}");
    }
}

/// `println!` for narration: goes to stderr under `--json` so stdout stays machine-readable.
#[macro_export]
macro_rules! say {
    () => { $crate::cli::say_line(format_args!("")) };
    ($($arg:tt)*) => { $crate::cli::say_line(format_args!($($arg)*)) };
}

/// A command line refused after parsing (see [`CommonArgs::init`]): `error: ...` on one line and
/// exit status 2, as for clap's own usage errors.
pub fn usage_error(err: anyhow::Error) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "error: {err:#}");
    ExitCode::from(2)
}

/// Turns `main`'s result into an exit code: `error: ...` on one line (with its causes) and exit 1.
///
/// A `main` that returns `Result` itself would print the error's `Debug` form, which is
/// meant for programmers, not for the person who typed a wrong argument.
pub fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the demo named on the command line, or every demo in declaration order (the talk's
/// order) when none is named, each announced by a header line made from its name and its
/// `--help` text. Hidden demos (`#[value(hide = true)]`, such as a child-process mode) run
/// only when named, and without a header.
pub fn tour<D: clap::ValueEnum + Copy>(
    chosen: Option<D>,
    mut run: impl FnMut(D) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let demos: Vec<D> = match chosen {
        Some(demo) => vec![demo],
        None => D::value_variants()
            .iter()
            .copied()
            .filter(|d| d.to_possible_value().is_some_and(|v| !v.is_hide_set()))
            .collect(),
    };
    for demo in demos {
        if let Some(value) = demo.to_possible_value().filter(|v| !v.is_hide_set()) {
            let help = value.get_help().map(|h| h.to_string()).unwrap_or_default();
            say_line(format_args!("\n== {}: {help} ==", value.get_name()));
        }
        run(demo)?;
    }
    Ok(())
}

/// A clap value parser for counts that must be at least 1 (`--count 0` is refused).
pub fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// A clap value parser for fractions from 0 to 1 (`--error-rate 1.5` is refused).
pub fn fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        Ok(_) => Err("must be between 0 and 1".into()),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        common: CommonArgs,
        demo: Option<String>,
    }

    #[test]
    fn global_knobs_parse_before_and_after_the_demo() {
        let before = Cli::try_parse_from(["x", "--count", "20", "flags"]).unwrap();
        let after = Cli::try_parse_from(["x", "flags", "--count", "20"]).unwrap();
        assert_eq!(before.common.count, Some(20));
        assert_eq!(after.common.count, Some(20));
        assert_eq!(after.demo.as_deref(), Some("flags"));
    }

    #[test]
    fn an_unwritable_trace_file_is_an_error_not_an_exit() {
        let dir = std::env::temp_dir().join(format!("no-such-dir-{}", std::process::id()));
        let args = CommonArgs {
            trace: Some(dir.join("trace.json")),
            ..CommonArgs::default()
        };
        let err = args.init().unwrap_err();
        assert!(
            format!("{err:#}").starts_with("cannot write the trace file "),
            "{err:#}"
        );
        assert!(CommonArgs::default().init().is_ok());
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(Cli::try_parse_from(["x", "--count", "0"]).is_err());
        assert!(Cli::try_parse_from(["x", "--workers", "-3"]).is_err());
        assert!(Cli::try_parse_from(["x", "--error-rate", "1.5"]).is_err());
        assert!(Cli::try_parse_from(["x", "--error-rate", "0.25"]).is_ok());
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
    enum Demo {
        /// First
        One,
        /// Internal
        #[value(hide = true)]
        Child,
        /// Second
        Two,
    }

    #[test]
    fn tour_runs_visible_demos_in_order_or_the_one_named() {
        let mut ran = Vec::new();
        tour(None, |d: Demo| {
            ran.push(d);
            Ok(())
        })
        .unwrap();
        assert_eq!(ran, [Demo::One, Demo::Two]);
        ran.clear();
        tour(Some(Demo::Child), |d| {
            ran.push(d);
            Ok(())
        })
        .unwrap();
        assert_eq!(ran, [Demo::Child]);
        let err = tour(None, |d: Demo| {
            anyhow::ensure!(d != Demo::One, "stop");
            Ok(())
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "stop");
    }

    #[test]
    fn defaults_shrink_under_quick() {
        let mut args = CommonArgs::default();
        assert_eq!(args.count_or(20, 5), 20);
        args.quick = true;
        assert_eq!(args.count_or(20, 5), 5);
        assert_eq!(args.latency_or(100, 10), Duration::from_millis(10));
        args.count = Some(7);
        assert_eq!(args.count_or(20, 5), 7);
    }
}
