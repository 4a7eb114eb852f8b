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
use std::hash::{Hash, Hasher};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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
        let command = self.test_command(krate, options)?;
        let (status, stdout, stderr) = run_captured(command, options.limit)?;
        Ok(read_test_run(status, &stdout, &stderr))
    }

    /// The command [`Workspace::run_tests`] runs, for a caller that runs it itself (`watch`).
    pub fn test_command(&self, krate: &str, options: &RunOptions) -> anyhow::Result<Command> {
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
        Ok(command)
    }
}

/// Reads a finished `cargo test` run: its outcomes, or the first compiler error.
pub fn read_test_run(success: bool, stdout: &str, stderr: &str) -> TestRun {
    let outcomes = parse_test_lines(stdout);
    if outcomes.is_empty() && !success {
        let error = first_compiler_error(stderr, 8).unwrap_or_else(|| {
            let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        });
        return TestRun::DidNotCompile { error };
    }
    TestRun::Ran {
        outcomes,
        stdout: stdout.to_string(),
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
pub fn run_captured(command: Command, limit: Duration) -> anyhow::Result<(bool, String, String)> {
    let program = format!("{:?}", command.get_program());
    let mut running = Running::start(command)?;
    let deadline = Instant::now() + limit;
    loop {
        match running.try_finish() {
            Ok(Some(done)) => return Ok(done),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                running.end();
                bail!("{program} was still running after {} s", limit.as_secs());
            }
            Err(e) => {
                running.end();
                return Err(e).with_context(|| format!("cannot wait for {program}"));
            }
        }
    }
}

/// A command running with its output captured, that can be ended at any time (`watch` ends a
/// run when a new save arrives).
///
/// Its stdin is a pipe held here, and `WORKSHOP_PARENT_PIPE=1` tells the exercise guard so: a
/// test binary that cargo starts inherits that stdin, and ends when the pipe closes, as each
/// attempt ends when its test binary does (see `guard`). So ending cargo and closing the pipe
/// ends the whole run, the attempts' processes included, without a process group (which would
/// also keep Ctrl-C from reaching cargo during `workshop watch`). A build under way finishes
/// its current rustc processes on its own.
#[derive(Debug)]
pub struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Option<thread::JoinHandle<String>>,
    stderr: Option<thread::JoinHandle<String>>,
}

impl Running {
    pub fn start(mut command: Command) -> anyhow::Result<Self> {
        let program = format!("{:?}", command.get_program());
        let mut child = command
            .env(crate::guard::PARENT_PIPE_VAR, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {program}"))?;
        // Both pipes are drained on threads of their own: a full pipe would block the child.
        fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
            thread::spawn(move || {
                let mut text = Vec::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_end(&mut text);
                }
                String::from_utf8_lossy(&text).into_owned()
            })
        }
        Ok(Self {
            stdin: child.stdin.take(),
            stdout: Some(drain(child.stdout.take())),
            stderr: Some(drain(child.stderr.take())),
            child,
        })
    }

    /// (success, stdout, stderr) once the command has exited, else `None`.
    pub fn try_finish(&mut self) -> std::io::Result<Option<(bool, String, String)>> {
        let Some(status) = self.child.try_wait()? else {
            return Ok(None);
        };
        self.stdin = None;
        let join = |handle: Option<thread::JoinHandle<String>>| {
            handle.and_then(|h| h.join().ok()).unwrap_or_default()
        };
        let stdout = join(self.stdout.take());
        let stderr = join(self.stderr.take());
        Ok(Some((status.success(), stdout, stderr)))
    }

    /// Ends the command: kills and reaps it and closes its stdin, which ends the test binary it
    /// started and so the attempts. The output read so far is dropped.
    pub fn end(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stdin = None;
        // The drain threads end when the last writer (a test binary on its way out) is gone.
        self.stdout = None;
        self.stderr = None;
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.stdout.is_some() {
            self.end();
        }
    }
}

/// Notices every save of a file by its content, not its modification time (which some file
/// systems keep to 1-2 s, so two saves in one second would look like one).
#[derive(Debug, Default)]
pub struct Saves {
    seen: Option<u64>,
}

impl Saves {
    /// Whether `content` (`None`: the file is not there right now, as while an editor replaces
    /// it) is new since the last call. A vanished file is no save, nor is the same content back.
    pub fn changed(&mut self, content: Option<&[u8]>) -> bool {
        let Some(content) = content else {
            return false;
        };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        content.hash(&mut hasher);
        let digest = hasher.finish();
        if self.seen == Some(digest) {
            return false;
        }
        self.seen = Some(digest);
        true
    }
}

/// `YYYYmmdd-HHMMSS` in UTC, for backups' names (by hand: std has no calendar).
pub fn utc_stamp(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's days-to-civil: years of 400 (an era of 146,097 days) starting on 1 March.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The exercises of `declared` whose stub (`todo!("exercise N: ...")`) is not in `source`.
pub fn missing_stubs(source: &str, declared: &BTreeSet<u32>) -> Vec<u32> {
    declared
        .iter()
        .copied()
        .filter(|n| !source.contains(&format!("todo!(\"exercise {n}:")))
        .collect()
}

/// What `reset` will do, decided before anything changes.
#[derive(Debug, Clone)]
pub struct ResetPlan {
    /// `<crate>/src/exercises.rs`, relative to the root.
    pub file: PathBuf,
    /// The commit the stubs come from.
    pub commit: String,
    stubs: Vec<u8>,
    working: Option<Vec<u8>>,
    staged: Option<Vec<u8>>,
}

impl ResetPlan {
    /// The file and the index both hold the stubs already.
    pub fn nothing_to_do(&self) -> bool {
        self.working.as_ref() == Some(&self.stubs) && self.staged.as_ref() == Some(&self.stubs)
    }

    /// The commit, shortened for people.
    pub fn short_commit(&self) -> &str {
        &self.commit[..self.commit.len().min(12)]
    }
}

/// Runs git in `root`: its stdout when it succeeds, `None` when it fails.
fn git(root: &Path, args: &[&str]) -> anyhow::Result<Option<Vec<u8>>> {
    let output = Command::new("git")
        .current_dir(root)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .context("cannot run git")?;
    Ok(output.status.success().then_some(output.stdout))
}

fn git_line(root: &Path, args: &[&str]) -> anyhow::Result<Option<String>> {
    Ok(git(root, args)?
        .map(|out| String::from_utf8_lossy(&out).trim().to_string())
        .filter(|line| !line.is_empty()))
}

/// The commit the learner started from: where HEAD left the branch it tracks
/// (`git merge-base HEAD @{upstream}`), else `origin/HEAD`; `None` without either.
pub fn start_commit(root: &Path) -> anyhow::Result<Option<String>> {
    for upstream in ["@{upstream}", "origin/HEAD"] {
        if let Some(commit) = git_line(root, &["merge-base", "HEAD", upstream])? {
            return Ok(Some(commit));
        }
    }
    Ok(None)
}

/// Decides what `cargo workshop reset <krate>` does, changing nothing: the stubs are `file` at
/// `from`, or else at [`start_commit`]; refused when there is no such commit, or when the file
/// there lacks a stub of `declared` (the learner's work was pushed).
pub fn plan_reset(
    root: &Path,
    krate: &str,
    file: &Path,
    declared: &BTreeSet<u32>,
    from: Option<&str>,
) -> anyhow::Result<ResetPlan> {
    let shown = file.display();
    let commit = match from {
        Some(from) => git_line(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{from}^{{commit}}"),
            ],
        )?
        .with_context(|| {
            format!("{from:?} is no commit of this repository: nothing was changed")
        })?,
        None => start_commit(root)?.with_context(|| {
            "no commit to take the stubs from (no upstream branch and no origin/HEAD: a copy \
             without git history?): nothing was changed"
        })?,
    };
    let short = &commit[..commit.len().min(12)];
    // `./` makes the path relative to the root, which need not be the repository's top.
    let in_git = format!("./{}", file.to_string_lossy().replace('\\', "/"));
    let stubs = git(root, &["show", &format!("{commit}:{in_git}")])?
        .with_context(|| format!("{shown} is not in commit {short}: nothing was changed"))?;
    let missing = missing_stubs(&String::from_utf8_lossy(&stubs), declared);
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(u32::to_string).collect();
        let which = match from {
            Some(_) => "the commit named with --from",
            None => "the commit this branch started from",
        };
        bail!(
            "{shown} at commit {short} ({which}) has no stub for exercise {}: it holds work, not \
             the stubs as shipped; nothing was changed. Name the commit with the stubs \
             (`git log --oneline -- {shown}` lists the file's commits): \
             cargo workshop reset {krate} --from <commit>",
            list.join(", ")
        );
    }
    Ok(ResetPlan {
        file: file.to_path_buf(),
        commit,
        stubs,
        working: std::fs::read(root.join(file)).ok(),
        staged: git(root, &["show", &format!(":{in_git}")])?,
    })
}

/// Carries out `plan`: saves the working file beside itself as `<file>.<stamp>.bak` (and the
/// staged version as `<file>.<stamp>.staged.bak` when it differs from both that file and the
/// stubs), then restores file and index
/// from the plan's commit. Returns the backups' paths, relative to the root.
pub fn apply_reset(root: &Path, plan: &ResetPlan, now: SystemTime) -> anyhow::Result<Vec<PathBuf>> {
    let stamp = utc_stamp(now);
    let mut saved = Vec::new();
    // The staged version when it is neither the working file nor the stubs (nothing to lose then).
    let staged = plan
        .staged
        .as_ref()
        .filter(|staged| plan.working.as_ref() != Some(*staged) && **staged != plan.stubs);
    for (content, kind) in [(plan.working.as_ref(), ""), (staged, ".staged")] {
        let Some(content) = content else { continue };
        saved.push(save_beside(root, &plan.file, &stamp, kind, content)?);
    }
    let in_git = plan.file.to_string_lossy().replace('\\', "/");
    let output = Command::new("git")
        .current_dir(root)
        .args(["checkout", &plan.commit, "--", &in_git])
        .stdin(Stdio::null())
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr);
        bail!(
            "git checkout failed ({}); your version is saved",
            message.trim()
        );
    }
    Ok(saved)
}

/// Writes `content` to `<file>.<stamp><kind>.bak` beside `file`, never over an existing file.
fn save_beside(
    root: &Path,
    file: &Path,
    stamp: &str,
    kind: &str,
    content: &[u8],
) -> anyhow::Result<PathBuf> {
    let name = file.file_name().context("no file name")?.to_string_lossy();
    for attempt in 1.. {
        let suffix = if attempt == 1 {
            String::new()
        } else {
            format!("-{attempt}")
        };
        let backup = file.with_file_name(format!("{name}.{stamp}{suffix}{kind}.bak"));
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(root.join(&backup));
        match created {
            Ok(mut out) => {
                out.write_all(content)
                    .with_context(|| format!("cannot write {}", backup.display()))?;
                return Ok(backup);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", backup.display())),
        }
    }
    unreachable!("an unbounded loop")
}
