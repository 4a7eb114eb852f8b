//! The Python twins: each demo's `<crate>/python/<demo>.py`, run under `--python` against the same
//! fake server, its rows added to the demo's table as `Python: <variant>`.
//!
//! The interpreter is `$PYTHON` if set; else the venv at the root of the workspace this binary
//! was built in (`.venv/bin/python`, `.venv\Scripts\python.exe` on Windows); else `python3`
//! (`python` on Windows). It must be Python 3.11 or later and import what the twin's PEP 723
//! header (`# /// script`) lists as dependencies. When it cannot, or the demo has no twin, that
//! is not an error: [`Unavailable::warn`] prints one line on stderr saying how to set it up, and
//! the Rust rows run alone.
//!
//! A twin times its own work (`time.perf_counter()` after its imports and set-up) and prints one
//! JSON object per row on stdout (the fields of [`crate::Table::print`]'s rows); its narration
//! goes to stderr, which it shares with this process. The subprocess itself is never timed here.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Map, Value};

use crate::cli::CommonArgs;
use crate::report::{Outcomes, Row};

/// What a twin's row label starts with in the table.
pub const PREFIX: &str = "Python: ";

/// The setup line printed when no usable interpreter is found.
pub const SETUP: &str =
    "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt, or set PYTHON";

/// Why a twin's rows are missing: a reason worth one line on stderr, never an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// The demo has no `python/<script>` in its crate.
    NoTwin(PathBuf),
    /// No interpreter that is Python 3.11+ and imports `needs` (the twin's packages).
    NoInterpreter { needs: Vec<String> },
    /// The twin ran but failed, or printed something that is not a row.
    Failed(String),
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::NoTwin(path) => {
                write!(f, "no Python twin for this demo ({})", path.display())
            }
            Unavailable::NoInterpreter { needs } if needs.is_empty() => {
                write!(f, "no Python 3.11+: {SETUP}")
            }
            Unavailable::NoInterpreter { needs } => {
                write!(f, "no Python 3.11+ with {}: {SETUP}", needs.join(" and "))
            }
            Unavailable::Failed(why) => write!(f, "the Python twin failed: {why}"),
        }
    }
}

impl std::error::Error for Unavailable {}

impl Unavailable {
    /// The one line on stderr: `python: <reason>; the Rust rows run alone`.
    pub fn warn(&self) {
        eprintln!("python: {self}; the Rust rows run alone");
    }
}

/// The interpreters to try, in order: `$PYTHON` alone if set, else the workspace's venv, then
/// `python3` (`python` on Windows) from `PATH`.
pub fn candidates() -> Vec<PathBuf> {
    candidates_from(std::env::var_os("PYTHON").filter(|p| !p.is_empty()))
}

fn candidates_from(env: Option<std::ffi::OsString>) -> Vec<PathBuf> {
    if let Some(python) = env {
        return vec![PathBuf::from(python)];
    }
    let venv = if cfg!(windows) {
        workspace_root()
            .join(".venv")
            .join("Scripts")
            .join("python.exe")
    } else {
        workspace_root().join(".venv").join("bin").join("python")
    };
    let path = if cfg!(windows) { "python" } else { "python3" };
    let mut out = Vec::new();
    if venv.exists() {
        out.push(venv);
    }
    out.push(PathBuf::from(path));
    out
}

/// The workspace this binary was built in (the parent of `common`'s manifest directory).
pub fn workspace_root() -> PathBuf {
    let common = Path::new(env!("CARGO_MANIFEST_DIR"));
    common.parent().unwrap_or(common).to_path_buf()
}

/// The packages a twin needs, from its PEP 723 header: the names in `dependencies = [...]`
/// inside `# /// script` ... `# ///`, version bounds dropped, as import names (`Pillow` is `PIL`).
pub fn dependencies(script: &str) -> Vec<String> {
    let mut inside = false;
    let mut toml = String::new();
    for line in script.lines() {
        let trimmed = line.trim_end();
        if trimmed == "# /// script" {
            inside = true;
        } else if inside && trimmed == "# ///" {
            break;
        } else if inside {
            toml.push_str(trimmed.strip_prefix('#').unwrap_or(trimmed).trim_start());
            toml.push('\n');
        }
    }
    let Some((_, rest)) = toml.split_once("dependencies") else {
        return Vec::new();
    };
    let list = rest.split_once('[').and_then(|(_, r)| r.split_once(']'));
    let Some((list, _)) = list else {
        return Vec::new();
    };
    list.split(',')
        .map(|item| item.trim().trim_matches(|c| c == '"' || c == '\''))
        .filter(|item| !item.is_empty())
        .map(|item| {
            let end = item
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
                .unwrap_or(item.len());
            match item[..end].to_ascii_lowercase().as_str() {
                "pillow" => "PIL".to_string(),
                name => name.replace('-', "_"),
            }
        })
        .collect()
}

/// The first candidate that is Python 3.11+ and imports every module in `imports`.
pub fn find_interpreter(imports: &[String]) -> Result<PathBuf, Unavailable> {
    find_among(candidates(), imports)
}

fn find_among(candidates: Vec<PathBuf>, imports: &[String]) -> Result<PathBuf, Unavailable> {
    let check = format!(
        "import sys\nassert sys.version_info >= (3, 11)\n{}",
        imports
            .iter()
            .map(|m| format!("import {m}\n"))
            .collect::<String>()
    );
    candidates
        .into_iter()
        .find(|python| {
            Command::new(python)
                .args(["-c", &check])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .ok_or_else(|| Unavailable::NoInterpreter {
            needs: imports.to_vec(),
        })
}

/// The shared knobs a twin takes, from the command line: `--quick`, `--count`, `--workers`,
/// `--latency-ms` when given. The tour adds `--server URL` (see [`run_twin_on`]) and any
/// demo-specific ones; [`run_twin`] adds `--json`.
pub fn knobs(args: &CommonArgs) -> Vec<String> {
    let mut out = Vec::new();
    if args.quick {
        out.push("--quick".to_string());
    }
    let numbers = [
        ("--count", args.count.map(|n| n as u64)),
        ("--workers", args.workers.map(|n| n as u64)),
        ("--latency-ms", args.latency_ms),
    ];
    for (flag, value) in numbers {
        if let Some(value) = value {
            out.extend([flag.to_string(), value.to_string()]);
        }
    }
    out
}

/// The sizes a tour chose, for its twin: `--count` and `--workers` wherever the tour's own
/// differs from the command line's (none given, or the tour chose another), so that both
/// languages size their work from the same numbers. They come after [`knobs`], and the last
/// value of a flag is the one the twin takes.
pub fn sizes(args: &CommonArgs, count: Option<usize>, workers: Option<usize>) -> Vec<String> {
    let mut out = Vec::new();
    for (flag, given, chosen) in [
        ("--count", args.count, count),
        ("--workers", args.workers, workers),
    ] {
        if let Some(n) = chosen.filter(|n| given != Some(*n)) {
            out.extend([flag.to_string(), n.to_string()]);
        }
    }
    out
}

/// Runs `crate_dir/python/script` with `--json` and `args`, and returns its rows labelled
/// `Python: <variant>`, with the wall time the twin measured. The twin's stderr (its narration)
/// is this process's. Pass `env!("CARGO_MANIFEST_DIR")` as `crate_dir`.
pub fn run_twin(
    crate_dir: impl AsRef<Path>,
    script: &str,
    args: &[String],
) -> Result<Vec<Row>, Unavailable> {
    run_twin_among(candidates(), crate_dir.as_ref(), script, args)
}

fn run_twin_among(
    candidates: Vec<PathBuf>,
    crate_dir: &Path,
    script: &str,
    args: &[String],
) -> Result<Vec<Row>, Unavailable> {
    let path = crate_dir.join("python").join(script);
    let source = std::fs::read_to_string(&path).map_err(|_| Unavailable::NoTwin(path.clone()))?;
    let python = find_among(candidates, &dependencies(&source))?;
    let output = Command::new(&python)
        .arg(&path)
        .arg("--json")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Unavailable::Failed(format!("cannot run {}: {e}", python.display())))?;
    if !output.status.success() {
        return Err(Unavailable::Failed(format!(
            "{} exited with {}",
            path.display(),
            output.status
        )));
    }
    parse_rows(&String::from_utf8_lossy(&output.stdout)).map_err(Unavailable::Failed)
}

/// A twin's stdout, one JSON object per line (blank lines skipped), as rows labelled
/// `Python: <variant>`. A row whose outcomes do not add up to its items is refused, as
/// [`crate::Table::push`] would.
pub fn parse_rows(stdout: &str) -> Result<Vec<Row>, String> {
    parse_rows_labelled(stdout, PREFIX)
}

fn parse_rows_labelled(stdout: &str, prefix: &str) -> Result<Vec<Row>, String> {
    let lines = stdout.lines().filter(|l| !l.trim().is_empty());
    lines
        .enumerate()
        .map(|(i, line)| parse_row(line, prefix).map_err(|e| format!("row {}: {e}: {line}", i + 1)))
        .collect()
}

fn parse_row(line: &str, prefix: &str) -> Result<Row, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let field = |key: &str| value.get(key).filter(|v| !v.is_null());
    let count = |key: &str| -> Result<Option<u64>, String> {
        field(key)
            .map(|v| v.as_u64().ok_or(format!("{key} is not a count")))
            .transpose()
    };
    let variant = field("variant")
        .and_then(Value::as_str)
        .ok_or("no variant")?;
    let items = count("items")?.ok_or("no items")?;
    let wall_s = field("wall_s")
        .and_then(Value::as_f64)
        .filter(|s| s.is_finite() && *s >= 0.0)
        .ok_or("no wall_s")?;
    let outcomes = Outcomes {
        ok: count("ok")?.ok_or("no ok")?,
        not_found: count("not_found")?,
        errors: count("errors")?,
        skipped: count("skipped")?,
        timed_out: count("timed_out")?,
        cancelled: count("cancelled")?,
    };
    if outcomes.total() != items {
        return Err(format!(
            "outcomes add up to {}, not {items} items",
            outcomes.total()
        ));
    }
    let mut row = Row::new(
        format!("{prefix}{variant}"),
        items as usize,
        Duration::from_secs_f64(wall_s),
    )
    .outcomes(outcomes);
    row.workers = count("workers")?.map(|n| n as usize);
    row.max_in_flight = count("max_in_flight")?;
    if let Some(Value::Object(extra)) = field("extra") {
        row.extra = Map::clone(extra);
    }
    // A twin that reports no speedup for a row (it did other work) says so with `"speedup": null`
    // on a row after its first.
    if value.get("speedup").is_some_and(Value::is_null) {
        row = row.other_work();
    }
    Ok(row)
}

/// Under `--python`, for a demo without a twin (no `python/<demo>.py` in its crate, the demo's
/// name with `_` for `-`): the one line on stderr that says so, before the Rust rows run alone.
/// A demo with a twin, a hidden one (a child process's mode), or a run without `--python` says
/// nothing.
pub fn note_missing_twin<D: clap::ValueEnum>(
    args: &CommonArgs,
    crate_dir: impl AsRef<Path>,
    demo: &D,
) {
    let Some(value) = demo.to_possible_value().filter(|_| args.python) else {
        return;
    };
    let script = format!("{}.py", value.get_name().replace('-', "_"));
    let path = crate_dir.as_ref().join("python").join(script);
    if !value.is_hide_set() && !path.exists() {
        Unavailable::NoTwin(path).warn();
    }
}

/// Resets the embedded (or `--server`) fake server's stats, runs the twin against it with
/// `--server URL` and `args`, and reads the server's stats after the twin exits (the peak in
/// flight over the whole twin, since twins reset the stats between their own rows too).
#[cfg(feature = "server")]
pub fn run_twin_on(
    server: &crate::server::Server,
    crate_dir: impl AsRef<Path>,
    script: &str,
    args: &[String],
) -> Result<(Vec<Row>, crate::server::Stats), Unavailable> {
    let failed = |e: anyhow::Error| Unavailable::Failed(format!("{e:#}"));
    server.reset_stats().map_err(failed)?;
    let mut all = vec!["--server".to_string(), server.url().to_string()];
    all.extend_from_slice(args);
    let rows = run_twin(crate_dir, script, &all)?;
    let stats = server.stats().map_err(failed)?;
    Ok((rows, stats))
}

/// What a tour does under `--python` for a demo without a server (CPU work, timers, locks):
/// the twin's rows, or none after the one line on stderr. Without `--python`, none and silent.
/// `extra_args` are the demo's own knobs (`--threads 5`), after the shared ones ([`knobs`]).
pub fn twin_rows(
    args: &CommonArgs,
    crate_dir: impl AsRef<Path>,
    script: &str,
    extra_args: &[String],
) -> Vec<Row> {
    if !args.python {
        return Vec::new();
    }
    let mut all = knobs(args);
    all.extend_from_slice(extra_args);
    run_twin(crate_dir, script, &all)
        .inspect_err(Unavailable::warn)
        .unwrap_or_default()
}

/// [`twin_rows`] against the demo's fake server ([`run_twin_on`]): the twin's rows and the
/// server's stats after it, or `None` (without `--python`, or after the one line on stderr).
#[cfg(feature = "server")]
pub fn twin_rows_on(
    args: &CommonArgs,
    server: &crate::server::Server,
    crate_dir: impl AsRef<Path>,
    script: &str,
    extra_args: &[String],
) -> Option<(Vec<Row>, crate::server::Stats)> {
    if !args.python {
        return None;
    }
    let mut all = knobs(args);
    all.extend_from_slice(extra_args);
    run_twin_on(server, crate_dir, script, &all)
        .inspect_err(Unavailable::warn)
        .ok()
}

/// A bounded run of a tour's binary, for the tests of `--python` in every crate: its exit
/// status, stdout and stderr. `cargo test` needs no Python, so these tests pair it with
/// [`interpreter_or_skip`].
#[derive(Debug)]
pub struct TourRun {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl TourRun {
    /// Runs `exe args` with `PYTHON=python` when given (else the environment's), stdin closed,
    /// and panics, after killing it, if it still runs after `limit`: such a test never hangs on
    /// a stuck interpreter.
    pub fn new(exe: &str, args: &[&str], python: Option<&str>, limit: Duration) -> TourRun {
        let mut command = Command::new(exe);
        command.args(args);
        if let Some(python) = python {
            command.env("PYTHON", python);
        }
        TourRun::of(&mut command, limit)
    }

    /// [`TourRun::new`] for a command of the caller's making (more variables, say).
    pub fn of(command: &mut Command, limit: Duration) -> TourRun {
        use std::io::Read;
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let what = format!("{command:?}");
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
        let drain = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = pipe.read_to_string(&mut text);
                text
            })
        };
        let stdout = child.stdout.take().map(|p| drain(Box::new(p)));
        let stderr = child.stderr.take().map(|p| drain(Box::new(p)));
        let start = std::time::Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if start.elapsed() <= limit => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                waited => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("{what} still ran after {limit:?} ({waited:?}): killed");
                }
            }
        };
        let text = |t: Option<std::thread::JoinHandle<String>>| {
            t.and_then(|t| t.join().ok()).unwrap_or_default()
        };
        TourRun {
            status,
            stdout: text(stdout),
            stderr: text(stderr),
        }
    }

    /// Every line of stdout as JSON (panics on a line that is not).
    pub fn json_rows(&self) -> Vec<Value> {
        (self.stdout.lines().filter(|l| !l.trim().is_empty()))
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }

    /// Every line of stdout as a [`Row`] labelled as printed, each one's outcomes adding up to
    /// its items (panics on any other line).
    pub fn rows(&self) -> Vec<Row> {
        parse_rows_labelled(&self.stdout, "").unwrap_or_else(|e| panic!("{e}\n{}", self.stdout))
    }

    /// The rows' labels, in the order printed.
    pub fn labels(&self) -> Vec<String> {
        self.rows().into_iter().map(|r| r.variant).collect()
    }

    /// For a run without a usable interpreter: asserts that it succeeded and said exactly one
    /// `python: ` line, starting with `starts` and ending `the Rust rows run alone`.
    pub fn assert_alone(&self, starts: &str) {
        assert!(self.status.success(), "{}", self.stderr);
        let said = self.said();
        assert_eq!(said.len(), 1, "{}", self.stderr);
        assert!(said[0].starts_with(starts), "{}", said[0]);
        assert!(said[0].ends_with("the Rust rows run alone"), "{}", said[0]);
    }

    /// The lines on stderr that start with `python: ` (the one line of a missing interpreter).
    pub fn said(&self) -> Vec<&str> {
        let lines = self.stderr.lines();
        lines.filter(|l| l.starts_with("python: ")).collect()
    }
}

/// For tests of `--python`: reading the JSON rows of a [`TourRun`] ([`TourRun::json_rows`]).
pub mod rows {
    use serde_json::Value;

    /// The rows' labels, in the order printed.
    pub fn variants(rows: &[Value]) -> Vec<&str> {
        rows.iter().filter_map(|r| r["variant"].as_str()).collect()
    }

    /// A count of a row (`items`, `ok`, `errors`, ...); 0 where the row has none.
    pub fn count(row: &Value, key: &str) -> u64 {
        row[key].as_u64().unwrap_or(0)
    }

    /// Every outcome of a row added up: equal to its items when nothing was lost.
    pub fn outcomes(row: &Value) -> u64 {
        let keys = [
            "ok",
            "not_found",
            "errors",
            "skipped",
            "timed_out",
            "cancelled",
        ];
        keys.iter().map(|k| count(row, k)).sum()
    }

    /// The twins' rows (`Python: ...`), in table order.
    pub fn twins(rows: &[Value]) -> Vec<&Value> {
        let twin =
            |r: &&Value| (r["variant"].as_str()).is_some_and(|v| v.starts_with(super::PREFIX));
        rows.iter().filter(twin).collect()
    }
}

/// For tests: the interpreter a twin that imports `imports` would run under, or `None` after
/// a note on stderr (the test then skips what needs Python).
pub fn interpreter_or_skip(imports: &[&str]) -> Option<String> {
    let imports: Vec<String> = imports.iter().map(|m| m.to_string()).collect();
    match find_interpreter(&imports) {
        Ok(path) => Some(path.to_string_lossy().into_owned()),
        Err(why) => {
            eprintln!("skipped: {why}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: &str = r#"
{"demo": "cpu", "variant": "1 thread", "workers": 1, "items": 20000, "wall_s": 0.5, "speedup": 1.0, "max_in_flight": null, "ok": 20000, "not_found": null, "errors": null, "skipped": null, "timed_out": null, "cancelled": null, "extra": {"primes": 2262}}
{"demo": "flags", "variant": "executor.map", "workers": 8, "items": 20, "wall_s": 0.25, "speedup": 8.0, "max_in_flight": 8, "ok": 17, "not_found": 1, "errors": 2, "extra": {}}

{"variant": "a cancelled batch", "items": 3, "wall_s": 0.1, "speedup": null, "ok": 1, "cancelled": 2}
"#;

    #[test]
    fn rows_are_parsed_and_labelled() {
        let rows = parse_rows(ROWS).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].variant, "Python: 1 thread");
        assert_eq!(rows[0].wall, Duration::from_millis(500));
        assert_eq!(rows[0].workers, Some(1));
        assert_eq!(rows[0].extra["primes"], 2262);
        assert!(rows[0].same_work && rows[1].same_work);
        let o = rows[1].outcomes;
        assert_eq!((o.ok, o.not_found, o.errors), (17, Some(1), Some(2)));
        assert_eq!(rows[1].max_in_flight, Some(8));
        assert_eq!(rows[2].outcomes.cancelled, Some(2));
        assert!(!rows[2].same_work);
    }

    #[test]
    fn rows_that_lose_items_or_lack_fields_are_refused() {
        let lossy = r#"{"variant": "x", "items": 3, "wall_s": 0.1, "ok": 2}"#;
        assert!(parse_rows(lossy).unwrap_err().contains("add up"));
        assert!(parse_rows(r#"{"items": 1, "wall_s": 1, "ok": 1}"#).is_err());
        assert!(parse_rows(r#"{"variant": "x", "items": 1, "ok": 1}"#).is_err());
        assert!(parse_rows("not json").is_err());
        assert!(parse_rows("").unwrap().is_empty());
    }

    #[test]
    fn dependencies_come_from_the_pep_723_header() {
        let script = "#!/usr/bin/env python3\n# /// script\n# requires-python = \">=3.11\"\n\
                      # dependencies = [\"aiohttp>=3.9\", \"Pillow >= 10.0\"]\n# ///\nimport sys\n";
        assert_eq!(dependencies(script), ["aiohttp", "PIL"]);
        let multi = "# /// script\n# requires-python = \">=3.11\"\n# dependencies = [\n#   \"aiohttp>=3.9\",\n# ]\n# ///\n";
        assert_eq!(dependencies(multi), ["aiohttp"]);
        let none = "# /// script\n# requires-python = \">=3.11\"\n# ///\n";
        assert!(dependencies(none).is_empty());
        assert!(dependencies("print(1)").is_empty());
    }

    #[test]
    fn python_set_wins_and_the_venv_comes_before_the_path() {
        assert_eq!(
            candidates_from(Some("/opt/py/bin/python3.13".into())),
            [PathBuf::from("/opt/py/bin/python3.13")]
        );
        let default = candidates_from(None);
        let last = default.last().unwrap();
        assert_eq!(
            last,
            Path::new(if cfg!(windows) { "python" } else { "python3" })
        );
        if default.len() == 2 {
            assert!(default[0].starts_with(workspace_root().join(".venv")));
        }
        assert!(workspace_root().join("common").join("Cargo.toml").exists());
    }

    /// Run by the test below in a process of its own, with `PYTHON=/nonexistent`.
    #[test]
    #[ignore = "run by python_set_to_nothing_means_no_interpreter, with PYTHON set"]
    fn child_with_python_set_to_nothing() {
        assert_eq!(std::env::var("PYTHON").as_deref(), Ok("/nonexistent"));
        assert_eq!(candidates(), [PathBuf::from("/nonexistent")]);
        let dir = workspace_root().join("futures-basic");
        let err = run_twin(&dir, "countdown.py", &[]).unwrap_err();
        assert_eq!(err, Unavailable::NoInterpreter { needs: vec![] });
        assert!(
            err.to_string()
                .starts_with("no Python 3.11+: python3 -m venv .venv")
        );
        let asked = CommonArgs {
            python: true,
            ..CommonArgs::default()
        };
        assert!(twin_rows(&asked, &dir, "countdown.py", &[]).is_empty());
    }

    #[test]
    fn python_set_to_nothing_means_no_interpreter() {
        let test = "python::tests::child_with_python_set_to_nothing";
        let out = Command::new(std::env::current_exe().unwrap())
            .args([test, "--exact", "--ignored", "--nocapture"])
            .env("PYTHON", "/nonexistent")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
        assert!(
            stderr.contains("python: no Python 3.11+: python3 -m venv .venv && .venv/bin/pip install -r requirements.txt, or set PYTHON; the Rust rows run alone"),
            "{stderr}"
        );
    }

    #[test]
    fn without_python_no_twin_runs() {
        let dir = workspace_root().join("futures-basic");
        assert!(twin_rows(&CommonArgs::default(), &dir, "countdown.py", &[]).is_empty());
        let asked = CommonArgs {
            python: true,
            ..CommonArgs::default()
        };
        assert!(twin_rows(&asked, &dir, "no-such-twin.py", &[]).is_empty());
    }

    #[test]
    fn the_knobs_given_are_passed_on() {
        let args = CommonArgs {
            quick: true,
            count: Some(20),
            latency_ms: Some(100),
            ..CommonArgs::default()
        };
        assert_eq!(
            knobs(&args),
            ["--quick", "--count", "20", "--latency-ms", "100"]
        );
        assert!(knobs(&CommonArgs::default()).is_empty());
    }

    #[test]
    fn the_tours_sizes_go_to_the_twin_unless_the_command_line_gave_the_same() {
        let given = CommonArgs {
            count: Some(20),
            ..CommonArgs::default()
        };
        assert_eq!(sizes(&given, Some(20), Some(8)), ["--workers", "8"]);
        assert_eq!(sizes(&given, Some(5), None), ["--count", "5"]);
        assert!(sizes(&CommonArgs::default(), None, None).is_empty());
    }

    /// A real twin through the real parser, when this machine has a usable Python (skipped,
    /// with a note, when it has none: `cargo test` needs no Python).
    #[test]
    fn a_twin_runs_and_its_rows_come_back_labelled() {
        let crate_dir = workspace_root().join("futures-basic");
        match run_twin(&crate_dir, "countdown.py", &["--quick".into()]) {
            Ok(rows) => {
                let labels: Vec<&str> = rows.iter().map(|r| r.variant.as_str()).collect();
                assert_eq!(labels[0], "Python: one after another", "{labels:?}");
                assert_eq!(rows.len(), 4);
                assert_eq!(rows[3].outcomes.cancelled, Some(3));
                assert!(!rows[3].same_work && rows[1].same_work);
                assert!(rows.iter().all(|r| r.outcomes.total() == r.items));
            }
            Err(Unavailable::NoInterpreter { .. }) => eprintln!("no Python 3.11+ here: skipped"),
            Err(other) => panic!("{other}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_tour_run_reads_rows_as_printed_and_is_killed_at_its_limit() {
        let row = r#"{"variant": "x", "items": 2, "wall_s": 0.1, "ok": 1, "errors": 1}"#;
        let run = TourRun::new("echo", &[row], None, Duration::from_secs(30));
        assert!(run.status.success());
        assert_eq!(run.labels(), ["x"]);
        assert_eq!(run.json_rows()[0]["errors"], 1);
        assert!(run.said().is_empty());
        let stuck = std::panic::catch_unwind(|| {
            TourRun::new("sleep", &["30"], None, Duration::from_millis(200))
        });
        let message = *stuck.unwrap_err().downcast::<String>().unwrap();
        assert!(
            message.contains("still ran after") && message.contains("killed"),
            "{message}"
        );
    }

    #[test]
    fn no_twin_and_no_interpreter_are_unavailable_with_a_setup_line() {
        let dir = std::env::temp_dir().join(format!("twin-test-{}", std::process::id()));
        let err = run_twin(&dir, "nothing.py", &[]).unwrap_err();
        assert!(matches!(err, Unavailable::NoTwin(_)), "{err}");

        std::fs::create_dir_all(dir.join("python")).unwrap();
        let script = "# /// script\n# dependencies = [\"aiohttp>=3.9\"]\n# ///\nprint('{}')\n";
        std::fs::write(dir.join("python").join("twin.py"), script).unwrap();
        // As with PYTHON=/nonexistent/python: that one candidate and no other.
        let nonexistent = candidates_from(Some("/nonexistent/python".into()));
        let err = run_twin_among(nonexistent, &dir, "twin.py", &[]).unwrap_err();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            err,
            Unavailable::NoInterpreter {
                needs: vec!["aiohttp".into()]
            }
        );
        assert_eq!(
            err.to_string(),
            "no Python 3.11+ with aiohttp: python3 -m venv .venv && .venv/bin/pip install -r \
             requirements.txt, or set PYTHON"
        );
    }
}
