//! What the `workshop` command knows: where the exercises are, how to run a crate's exercise
//! tests under `--features exercises`, and how to read cargo's output into exercises solved.
//!
//! The command itself (`cargo workshop`, `main.rs` beside this file) is a thin shell around
//! this module, which shells out to `cargo` and `git` only and needs no network.
//!
//! The conventions it relies on, which every crate's exercises follow:
//! - `<crate>/tests/exercises.rs` names each test `exercise_N_<what it checks>`; exercise N is
//!   solved when all its tests pass;
//! - `<crate>/src/exercises.rs` holds the stubs, each a `todo!("exercise N: <task>")`;
//! - `<crate>/HINTS.md` has a section `## Exercise N: <function name>` per exercise.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The crates with exercises, in the order of the talks (the order a workshop goes through them).
pub const COURSE: [&str; 7] = [
    "threads-basic",
    "thread-pool",
    "futures-basic",
    "async-io",
    "multiprocess",
    "sync-primitives",
    "thumbnail-maker",
];

/// How one test ended, as read from cargo's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    pub name: String,
    pub passed: bool,
}

/// The exercise a test belongs to: `exercise_3_gives_up_on_a_slow_job` is exercise 3.
pub fn exercise_of(test_name: &str) -> Option<u32> {
    let rest = test_name.strip_prefix("exercise_")?;
    let (number, what) = rest.split_once('_')?;
    if what.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse().ok()
}

/// The `test <name> ... ok|FAILED` lines of libtest's output (`ignored` tests are left out).
pub fn parse_test_lines(stdout: &str) -> Vec<TestOutcome> {
    stdout
        .lines()
        .filter_map(|line| {
            let (name, result) = line.strip_prefix("test ")?.split_once(" ... ")?;
            let passed = match result.trim_end() {
                "ok" => true,
                "FAILED" => false,
                _ => return None,
            };
            Some(TestOutcome {
                name: name.trim().to_string(),
                passed,
            })
        })
        .collect()
}

/// The exercise numbers a test file declares (`fn exercise_N_...`), read from its source, so
/// that a crate that does not compile still has a total.
pub fn exercises_declared(test_source: &str) -> BTreeSet<u32> {
    test_source
        .split("fn ")
        .skip(1)
        .filter_map(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            exercise_of(&name)
        })
        .collect()
}

/// Exercises solved out of total, for one crate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// For every exercise: (tests passed, tests run).
    pub exercises: BTreeMap<u32, (usize, usize)>,
}

impl Progress {
    /// Counts `outcomes` against the exercises `declared`. An exercise is solved when it has
    /// tests and all of them passed; one with no outcome (the crate did not compile, say) is not.
    pub fn count(declared: &BTreeSet<u32>, outcomes: &[TestOutcome]) -> Self {
        let mut exercises: BTreeMap<u32, (usize, usize)> =
            declared.iter().map(|&n| (n, (0, 0))).collect();
        for outcome in outcomes {
            if let Some(n) = exercise_of(&outcome.name) {
                let (passed, run) = exercises.entry(n).or_default();
                *run += 1;
                *passed += usize::from(outcome.passed);
            }
        }
        Self { exercises }
    }

    pub fn is_solved(&self, exercise: u32) -> bool {
        self.exercises
            .get(&exercise)
            .is_some_and(|&(passed, run)| run > 0 && passed == run)
    }

    pub fn solved(&self) -> usize {
        self.exercises
            .keys()
            .filter(|&&n| self.is_solved(n))
            .count()
    }

    pub fn total(&self) -> usize {
        self.exercises.len()
    }

    /// The lowest-numbered exercise not solved yet.
    pub fn next_unsolved(&self) -> Option<u32> {
        self.exercises.keys().copied().find(|&n| !self.is_solved(n))
    }
}

/// The first compiler error in cargo's stderr, at most `max_lines` lines of it.
pub fn first_compiler_error(stderr: &str, max_lines: usize) -> Option<String> {
    let mut lines = stderr.lines().skip_while(|line| {
        !(line.starts_with("error[") || line.starts_with("error:"))
            || line.starts_with("error: could not compile")
    });
    let first = lines.next()?;
    let rest = lines
        .take_while(|line| !line.trim().is_empty() && !line.starts_with("error"))
        .take(max_lines.saturating_sub(1));
    Some(
        std::iter::once(first)
            .chain(rest)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Where the first compiler error points (`threads-basic/src/exercises.rs:22:5`), if it says.
pub fn error_location(error: &str) -> Option<&str> {
    error
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("--> "))
        .map(str::trim)
}

/// A failing test's message in libtest's output: its name and at most `max_lines` lines of
/// what it printed (the panic's place and message), without the backtrace note. The first
/// failure of exercise `prefer` if it has one, else the first failure.
pub fn first_failure(stdout: &str, prefer: Option<u32>, max_lines: usize) -> Option<String> {
    let mut sections: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in stdout.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"))
        {
            sections.push((name, Vec::new()));
        } else if line == "failures:" {
            if !sections.is_empty() {
                break; // the list of names that follows the sections
            }
        } else if let Some((_, body)) = sections.last_mut() {
            body.push(line);
        }
    }
    let preferred = prefer.and_then(|n| {
        sections
            .iter()
            .find(|(name, _)| exercise_of(name) == Some(n))
    });
    let (name, body) = preferred.or(sections.first())?;
    let body: Vec<&str> = body
        .iter()
        .copied()
        .skip_while(|line| line.trim().is_empty())
        .filter(|line| !line.starts_with("note: run with `RUST_BACKTRACE"))
        .take(max_lines)
        .collect();
    Some(format!("{name}:\n{}", body.join("\n").trim_end()))
}

/// One run of a crate's exercise tests.
#[derive(Debug, Clone)]
pub enum TestRun {
    /// The tests ran (some may have failed).
    Ran {
        outcomes: Vec<TestOutcome>,
        stdout: String,
    },
    /// The crate or its tests did not compile; the first error, in a few lines.
    DidNotCompile { error: String },
}

/// How to run cargo: the defaults suit the `workshop` command; tests point `target_dir` at a
/// folder of their own and add `--offline`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Passed as `CARGO_TARGET_DIR` when set.
    pub target_dir: Option<PathBuf>,
    /// Adds `--offline`.
    pub offline: bool,
    /// The whole run (build and tests) is killed after this long. Each test has its own, shorter
    /// limit (the exercise guard), so this only catches a build or a harness that hangs.
    pub limit: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            target_dir: None,
            offline: false,
            limit: Duration::from_secs(30 * 60),
        }
    }
}

/// A workspace with exercises: its root, and the crates in it that have `src/exercises.rs`.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
    crates: Vec<String>,
}

impl Workspace {
    /// The workspace at `root`, with its exercise crates in [`COURSE`] order, then any others
    /// (a directory with both `src/exercises.rs` and `tests/exercises.rs`) by name.
    pub fn at(root: impl Into<PathBuf>) -> anyhow::Result<Self> {
        let root = root.into();
        let has_exercises = |name: &str| {
            root.join(name).join("src/exercises.rs").is_file()
                && root.join(name).join("tests/exercises.rs").is_file()
        };
        let mut crates: Vec<String> = COURSE
            .iter()
            .filter(|name| has_exercises(name))
            .map(|name| name.to_string())
            .collect();
        let mut others: Vec<String> = std::fs::read_dir(&root)
            .with_context(|| format!("cannot list {}", root.display()))?
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| !COURSE.contains(&name.as_str()) && has_exercises(name))
            .collect();
        others.sort();
        crates.extend(others);
        if crates.is_empty() {
            bail!("no crate with exercises under {}", root.display());
        }
        Ok(Self { root, crates })
    }

    /// The workspace the command was started in (`cargo locate-project --workspace`), or else
    /// the one this program was built from.
    pub fn locate() -> anyhow::Result<Self> {
        let located = Command::new(cargo())
            .args(["locate-project", "--workspace", "--message-format", "plain"])
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|out| out.status.success())
            .and_then(|out| {
                let manifest = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
                Some(manifest.parent()?.to_path_buf())
            });
        if let Some(workspace) = located.and_then(|root| Self::at(root).ok()) {
            return Ok(workspace);
        }
        let built_from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("common has no parent directory")?;
        Self::at(built_from)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn crates(&self) -> &[String] {
        &self.crates
    }

    /// Checks that `name` is one of the crates with exercises.
    pub fn check_crate(&self, name: &str) -> anyhow::Result<()> {
        if self.crates.iter().any(|c| c == name) {
            Ok(())
        } else {
            bail!("unknown crate {name:?}: one of {}", self.crates.join(", "))
        }
    }

    /// `<crate>/src/exercises.rs`, relative to the root.
    pub fn exercises_file(&self, krate: &str) -> PathBuf {
        Path::new(krate).join("src").join("exercises.rs")
    }

    /// The exercise numbers the crate's tests declare.
    pub fn exercises_declared(&self, krate: &str) -> anyhow::Result<BTreeSet<u32>> {
        let path = self.root.join(krate).join("tests").join("exercises.rs");
        let source = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(exercises_declared(&source))
    }

    /// Checks that `exercise` is one of the crate's.
    pub fn check_exercise(&self, krate: &str, exercise: u32) -> anyhow::Result<()> {
        let declared = self.exercises_declared(krate)?;
        if declared.contains(&exercise) {
            return Ok(());
        }
        let (first, last) = (
            declared.first().copied().unwrap_or(0),
            declared.last().copied().unwrap_or(0),
        );
        bail!("{krate} has no exercise {exercise}: its exercises are {first} to {last}")
    }

    /// The section `## Exercise N: ...` of `<crate>/HINTS.md`, heading included.
    pub fn hint(&self, krate: &str, exercise: u32) -> anyhow::Result<String> {
        self.check_crate(krate)?;
        self.check_exercise(krate, exercise)?;
        let path = self.root.join(krate).join("HINTS.md");
        let hints = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        hint_section(&hints, exercise)
            .with_context(|| format!("{} has no section for exercise {exercise}", path.display()))
    }

    /// The exercise's name, from its `HINTS.md` heading (`## Exercise 4: run_all`).
    pub fn exercise_name(&self, krate: &str, exercise: u32) -> Option<String> {
        let hints = std::fs::read_to_string(self.root.join(krate).join("HINTS.md")).ok()?;
        let section = hint_section(&hints, exercise)?;
        let heading = section.lines().next()?;
        Some(heading.split_once(':')?.1.trim().to_string())
    }

    /// Where to start on an exercise: the line of its `todo!("exercise N: ...")` in
    /// `src/exercises.rs`, or (once the attendee replaced it) the line of its function, or of
    /// its doc comment. Lines count from 1.
    pub fn locate_exercise(&self, krate: &str, exercise: u32) -> (PathBuf, usize) {
        let file = self.exercises_file(krate);
        let source = std::fs::read_to_string(self.root.join(&file)).unwrap_or_default();
        let find = |needle: &str| {
            source
                .lines()
                .position(|line| line.contains(needle))
                .map(|i| i + 1)
        };
        let todo = find(&format!("todo!(\"exercise {exercise}:"));
        let function = || {
            let name = self.exercise_name(krate, exercise)?;
            // `BoundedBuffer` is a type; `run_all` a function.
            find(&format!("fn {name}")).or_else(|| find(&format!("struct {name}")))
        };
        let doc = || find(&format!("Exercise {exercise}:"));
        let line = todo.or_else(function).or_else(doc).unwrap_or(1);
        (file, line)
    }

    /// Runs `cargo test -p <crate> --features exercises --test exercises` and reads its output.
    pub fn run_tests(&self, krate: &str, options: &RunOptions) -> anyhow::Result<TestRun> {
        self.check_crate(krate)?;
        let mut command = Command::new(cargo());
        command
            .current_dir(&self.root)
            .args(["test", "--color", "never", "-p", krate])
            .args(["--features", "exercises", "--test", "exercises"]);
        if options.offline {
            command.arg("--offline");
        }
        if let Some(dir) = &options.target_dir {
            command.env("CARGO_TARGET_DIR", dir);
        }
        // Libtest's own colours off too, so the lines parse the same on a terminal; and no
        // backtraces, so a failure's message stays a few lines long.
        command.args(["--", "--color", "never"]);
        command.env("RUST_BACKTRACE", "0");
        let (status, stdout, stderr) = run_captured(command, options.limit)?;
        let outcomes = parse_test_lines(&stdout);
        if outcomes.is_empty() && !status {
            let error = first_compiler_error(&stderr, 8).unwrap_or_else(|| {
                let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            });
            return Ok(TestRun::DidNotCompile { error });
        }
        Ok(TestRun::Ran { outcomes, stdout })
    }
}

/// The section `## Exercise N: ...` of a hints file, up to the next `## ` heading.
pub fn hint_section(hints: &str, exercise: u32) -> Option<String> {
    let heading = format!("## Exercise {exercise}:");
    let mut lines = hints.lines().skip_while(|line| !line.starts_with(&heading));
    let first = lines.next()?;
    let rest = lines.take_while(|line| !line.starts_with("## "));
    let section = std::iter::once(first).chain(rest).collect::<Vec<_>>();
    Some(section.join("\n").trim_end().to_string())
}

/// The cargo that runs us (`CARGO` under `cargo run`), else the one on the `PATH`.
fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Runs `command` with its output captured, killing and reaping it if it outlives `limit`.
/// Returns (success, stdout, stderr).
///
/// Killing cargo does not kill a test binary it started; that one ends on its own, since every
/// exercise test runs under the guard's limit. (A process group would take the whole tree down,
/// but it would also keep Ctrl-C from reaching cargo during `workshop watch`.)
pub fn run_captured(
    mut command: Command,
    limit: Duration,
) -> anyhow::Result<(bool, String, String)> {
    let program = format!("{:?}", command.get_program());
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {program}"))?;
    // Both pipes are drained on threads of their own: a full pipe would block the child.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!("{program} was still running after {} s", limit.as_secs());
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e).with_context(|| format!("cannot wait for {program}"));
            }
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok((status.success(), stdout, stderr))
}
