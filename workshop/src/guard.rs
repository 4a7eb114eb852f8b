//! The guard every crate's `tests/exercises.rs` runs its test bodies under, so that no exercise
//! test can hang, and no attempt can disturb another.
//!
//! A learner's first attempt at a concurrent exercise often waits forever: a thread joined
//! inside the spawning loop while the others wait on a barrier, a channel whose sender is never
//! dropped, a blocking call that freezes the async runtime's only thread. Failing such a test
//! after a limit is not enough: an attempt that spins holds a core, one blocked inside rayon's
//! global pool hangs every later test that uses the pool, and processes it started outlive the
//! run. So each exercise test's body runs in a process of its own:
//!
//! - The test (the parent) runs the test binary again (`std::env::current_exe()`) on that one
//!   test: its name is the name libtest gives the test's thread, passed with `--exact`, along
//!   with `--include-ignored --nocapture --test-threads=1` and the environment variable
//!   `WORKSHOP_GUARD_CHILD`. The child's output is captured: none of its libtest lines reach the
//!   test's output, so a run shows one summary, as without the guard.
//! - In the child, the same test calls the guard again, which now runs the body on a thread named
//!   `exercise N` and writes how it ended (passed, or the panic's place and message) to stderr
//!   after a marker line, for the parent to read.
//! - The body returns: the test passes. It panics (a failed assertion, or a stub's
//!   `todo!("exercise 3: ...")`): the parent prints the child's panic report (`thread 'exercise
//!   3' panicked at <place>:` and the message) and fails with the same message, so "not yet
//!   implemented", which `.ci/exercises` looks for, is in the test's output. A child that ran no
//!   test, or ended without saying how the body ended (a crash, an `exit`), is a failure too.
//! - The limit passes first: the test fails with "exercise N did not finish in S s: " and the
//!   likely mistake, and the attempt is ended. On Unix the child leads a process group of its own
//!   (`process_group(0)`), and the parent ends the whole group (`kill -s KILL -- -<pgid>`), so the
//!   processes the attempt started end with it; it does the same once a child has exited, for
//!   what it left running. On Windows it kills the child only: what the attempt started there
//!   lives on.
//! - The attempt also ends when its parent does (Ctrl-C on `cargo test`, which does not reach the
//!   child's own process group, or `cargo workshop watch` starting a new run): the child's stdin
//!   is a pipe the parent holds, and a thread in the child ends the child (and its group, on
//!   Unix) at end of file. `cargo workshop` gives cargo such a pipe too and says so with
//!   `WORKSHOP_PARENT_PIPE=1`; a test binary that sees it ends when that pipe closes, so killing
//!   cargo ends the whole run.
//!
//! Without a test's name on the thread (the guard called from `main`, as in the example below,
//! or from a thread the test started) there is no test to run again: the body then runs in this
//! process, on a thread of its own under the limit, and a body that does not finish is left
//! behind until the process exits.
//!
//! ```
//! workshop::guard::exercise(1, "is every spawned thread joined?", || {
//!     let handle = std::thread::spawn(|| 6 * 7);
//!     assert_eq!(handle.join().unwrap(), 42);
//! });
//! ```

use std::any::Any;
use std::io::{self, Read, Write};
use std::panic;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, Once, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// How long an exercise test may run before the guard fails it: generous, because a debug build
/// on a busy 2-core machine running many tests at once is slow. `EXERCISE_TIMEOUT_SECS` overrides it.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(60);

/// Set in the child's environment, to the test's name: the process runs one attempt.
const CHILD_VAR: &str = "WORKSHOP_GUARD_CHILD";

/// Set by `cargo workshop` on the cargo it runs, whose stdin is a pipe the command holds: a test
/// binary that sees it ends when that pipe reaches end of file (see the module's docs).
pub const PARENT_PIPE_VAR: &str = "WORKSHOP_PARENT_PIPE";

/// The line, on the child's stderr, before its account of how the body ended.
const MARKER: &str = "WORKSHOP_GUARD_OUTCOME";

/// Runs `body` (one exercise test) under [`DEFAULT_LIMIT`], or `EXERCISE_TIMEOUT_SECS` when set.
///
/// `exercise` is the exercise's number and `likely_mistake` the question to ask when it does
/// not finish ("are the threads joined inside the spawning loop?").
pub fn exercise<F>(exercise: u32, likely_mistake: &str, body: F)
where
    F: FnOnce() + Send + 'static,
{
    let limit = std::env::var("EXERCISE_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_LIMIT);
    exercise_within(exercise, likely_mistake, limit, body);
}

/// [`exercise`] with an explicit limit.
pub fn exercise_within<F>(exercise: u32, likely_mistake: &str, limit: Duration, body: F)
where
    F: FnOnce() + Send + 'static,
{
    if std::env::var_os(CHILD_VAR).is_some() {
        return run_as_child(exercise, body);
    }
    // libtest runs each test on a thread named after it, also with --test-threads=1. The main
    // thread (a doctest's or a program's `main`) or a thread the test started names no test of
    // this binary: there the body runs in this process (see the module's docs).
    let current = thread::current();
    match current.name() {
        Some(test) if test != "main" => {
            drop(body); // the child runs its own copy
            in_own_process(exercise, likely_mistake, limit, test)
        }
        _ => in_this_process(exercise, likely_mistake, limit, body),
    }
}

/// The parent's side: runs `test` of this binary in a child process and fails as its body did.
fn in_own_process(exercise: u32, likely_mistake: &str, limit: Duration, test: &str) {
    if std::env::var_os(PARENT_PIPE_VAR).is_some() {
        end_when_stdin_closes(false);
    }
    let exe = std::env::current_exe().unwrap_or_else(|e| {
        panic!("exercise {exercise}: cannot find the test binary to run the test in: {e}")
    });
    let mut command = Command::new(exe);
    command
        .args([test, "--exact", "--include-ignored", "--nocapture"])
        .args(["--test-threads=1", "--color=never"])
        .env(CHILD_VAR, test)
        .env_remove(PARENT_PIPE_VAR)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().unwrap_or_else(|e| {
        panic!("exercise {exercise}: cannot start the test's own process: {e}")
    });
    // Held until the child is done: when this process ends, the pipe closes and the child ends.
    let stdin = child.stdin.take();
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());

    let deadline = Instant::now() + limit;
    let finished = wait_until(&mut child, deadline);
    // Whether it finished or not, nothing the attempt started may outlive it.
    end_attempt(&mut child);
    let status = finished.or_else(|| child.wait().ok());
    drop(stdin);
    // Everything that wrote to the pipes is gone now (bar a process that left the group): the
    // pipes reach end of file at once, and the wait for them is bounded all the same.
    let grace = Duration::from_secs(5);
    let stdout = stdout.recv_timeout(grace).unwrap_or_default();
    let stderr = stderr.recv_timeout(grace).unwrap_or_default();
    if finished.is_none() {
        panic!(
            "exercise {exercise} did not finish in {} s: {likely_mistake}",
            limit.as_secs_f64()
        );
    }
    match read_outcome(&stderr) {
        Some(Outcome::Passed) if status.is_some_and(|s| s.success()) => {}
        Some(Outcome::Passed) => panic!(
            "exercise {exercise} passed, but its process then failed ({}); the end of its output:\n{}",
            describe(status),
            tail(&stderr, 15)
        ),
        Some(Outcome::Panicked { place, message }) => {
            // Printed, not raised with `panic!`, so that the place is the body's (not this
            // line) and the message is printed once; `resume_unwind` fails the test with the
            // message as its payload, without printing it again.
            if place.is_empty() {
                eprintln!("{message}");
            } else {
                eprintln!("{place}\n{message}");
            }
            panic::resume_unwind(Box::new(message));
        }
        None if ran_no_test(&stdout) => panic!(
            "exercise {exercise}: its own process ran no test: this binary has no test named \
             {test:?} (the guard must be called on the test's own thread)"
        ),
        None => panic!(
            "exercise {exercise}: its process ended ({}) before the exercise did; the end of its output:\n{}",
            describe(status),
            tail(&stderr, 15)
        ),
    }
}

/// Reads a pipe to its end on a thread of its own (a full pipe would block the child).
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        let _ = tx.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    rx
}

/// The child's exit status if it exits before `deadline`, else `None` (it is still running).
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => {
                thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Ok(None) | Err(_) => return None,
        }
    }
}

/// Ends the attempt: on Unix its whole process group, on Windows the child only (Windows has
/// no process groups in std; the processes the attempt started there live on).
fn end_attempt(child: &mut Child) {
    #[cfg(unix)]
    kill_group(child.id());
    #[cfg(not(unix))]
    let _ = child.kill();
}

/// `kill -s KILL -- -<pgid>`: the `kill` command, since `unsafe_code` is denied and std has no
/// way to signal a group. A group with no process left is not an error worth reporting.
#[cfg(unix)]
fn kill_group(pgid: u32) {
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{pgid}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

fn describe(status: Option<ExitStatus>) -> String {
    status.map_or_else(|| "status unknown".to_string(), |s| s.to_string())
}

/// libtest's line when the filter matched nothing.
fn ran_no_test(stdout: &str) -> bool {
    stdout.lines().any(|l| l.trim() == "running 0 tests")
}

/// The last `n` lines of `text`, indented, without the guard's own marker.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with(MARKER)).collect();
    let start = lines.len().saturating_sub(n);
    lines[start..]
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// How the body ended, as the child tells it.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Passed,
    /// `place` is the panic report's first line (`thread 'exercise 3' panicked at src/x.rs:3:5:`),
    /// empty when the place is not known.
    Panicked {
        place: String,
        message: String,
    },
}

/// The child's account: a marker line, then for a panic the lengths (in bytes) of the place and
/// the message, which follow. Lengths rather than delimiters, since a message may hold anything.
fn write_outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Passed => format!("\n{MARKER} passed\n"),
        Outcome::Panicked { place, message } => format!(
            "\n{MARKER} panicked {} {}\n{place}{message}\n",
            place.len(),
            message.len()
        ),
    }
}

/// The last account in the child's stderr, if it wrote one.
fn read_outcome(stderr: &str) -> Option<Outcome> {
    let start = stderr.rfind(&format!("\n{MARKER} "))? + 1;
    let (line, rest) = stderr[start..].split_once('\n')?;
    let mut words = line.split(' ').skip(1);
    match words.next()? {
        "passed" => Some(Outcome::Passed),
        "panicked" => {
            let place_len: usize = words.next()?.parse().ok()?;
            let message_len: usize = words.next()?.parse().ok()?;
            let place = rest.get(..place_len)?.to_string();
            let message = rest.get(place_len..place_len + message_len)?.to_string();
            Some(Outcome::Panicked { place, message })
        }
        _ => None,
    }
}

/// The panics seen in the child: (report's first line, message), the latest last.
static PANICS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// The child's side: runs the body on a thread named for the exercise, then tells the parent
/// how it ended. No limit here: the parent keeps it, and ends this process at it.
fn run_as_child<F>(exercise: u32, body: F)
where
    F: FnOnce() + Send + 'static,
{
    end_when_stdin_closes(true);
    record_panics();
    let ran = thread::Builder::new()
        .name(format!("exercise {exercise}"))
        .spawn(move || panic::catch_unwind(panic::AssertUnwindSafe(body)))
        .map(|handle| handle.join());
    let payload = match ran {
        Ok(Ok(Ok(()))) => None,
        Ok(Ok(Err(payload)) | Err(payload)) => Some(payload),
        Err(e) => Some(Box::new(format!(
            "exercise {exercise}: could not start the test's thread: {e}"
        )) as Box<dyn Any + Send>),
    };
    let outcome = match &payload {
        None => Outcome::Passed,
        Some(payload) => {
            let message = message_of(payload.as_ref());
            // The place of the panic with this message: the body's own, or a thread's whose
            // panic reached the body (rayon passes a job's panic on without a report of its own).
            let place = PANICS
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .rev()
                .find(|(_, m)| *m == message)
                .map(|(place, _)| place.clone())
                .unwrap_or_default();
            Outcome::Panicked { place, message }
        }
    };
    // One write, under stderr's lock, so that other threads' output cannot split it.
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_all(write_outcome(&outcome).as_bytes());
    let _ = stderr.flush();
    drop(stderr);
    if let Some(payload) = payload {
        panic::resume_unwind(payload);
    }
}

/// A panic's message, as the default hook prints it.
fn message_of(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "Box<dyn Any>".to_string())
}

/// Adds to the panic hook a record of each panic's place and message (the child runs one test,
/// so a process-wide hook concerns that test alone); the report is still printed as usual.
fn record_panics() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let thread = thread::current();
            let name = thread.name().unwrap_or("<unnamed>");
            let place = info
                .location()
                .map(|l| format!("thread '{name}' panicked at {l}:"))
                .unwrap_or_default();
            let message = message_of(info.payload());
            let mut panics = PANICS.lock().unwrap_or_else(|e| e.into_inner());
            if panics.len() >= 64 {
                panics.remove(0);
            }
            panics.push((place, message));
            drop(panics);
            previous(info);
        }));
    });
}

/// Ends this process (and on Unix, with `group`, the process group it leads) once its stdin
/// reaches end of file: the process holding the pipe's other end is gone.
fn end_when_stdin_closes(group: bool) {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        let watch = move || {
            let mut buffer = [0u8; 256];
            let mut stdin = io::stdin();
            loop {
                match stdin.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => return, // not a pipe we can watch: keep running
                }
            }
            #[cfg(unix)]
            if group {
                // The child leads its group (the parent started it with process_group(0)); a
                // process that leads none has no group of that id, and nothing is killed.
                kill_group(std::process::id());
            }
            let _ = group;
            // `exit`, not a panic: no one is left to read a failure, and the test's thread may be
            // stuck in the attempt for good, so the process must end from this thread.
            std::process::exit(101);
        };
        if let Err(e) = thread::Builder::new()
            .name("guard: parent watch".into())
            .spawn(watch)
        {
            eprintln!("the exercise guard cannot watch for its parent's end: {e}");
        }
    });
}

/// The fallback without a test to run again: the body on a thread of its own in this process,
/// waited for with the limit. A body that does not finish is left behind.
fn in_this_process<F>(exercise: u32, likely_mistake: &str, limit: Duration, body: F)
where
    F: FnOnce() + Send + 'static,
{
    let (done_tx, done_rx) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name(format!("exercise {exercise}"))
        .spawn(move || {
            let outcome = panic::catch_unwind(panic::AssertUnwindSafe(body));
            // The receiver is gone only if the guard already gave up; nothing to tell then.
            let _ = done_tx.send(outcome);
        });
    if let Err(e) = spawned {
        panic!("exercise {exercise}: could not start the test's thread: {e}");
    }
    match done_rx.recv_timeout(limit) {
        Ok(Ok(())) => {}
        // The panic message was already printed by the body's thread; fail with the same payload.
        Ok(Err(payload)) => panic::resume_unwind(payload),
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "exercise {exercise} did not finish in {} s: {likely_mistake}",
            limit.as_secs_f64()
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("exercise {exercise}: the body's thread ended without a result")
        }
    }
}

#[cfg(test)]
mod tests {
    //! Each test here that calls the guard on its own thread runs its body in a child process
    //! of this test binary, as an exercise test does; `on_a_thread_of_its_own` takes the
    //! in-process path.
    use super::*;

    /// What `f` panicked with, as a string.
    fn failure(f: impl FnOnce() + panic::UnwindSafe) -> String {
        let got = panic::catch_unwind(f).expect_err("the guard must fail the test");
        message_of(got.as_ref())
    }

    /// Runs `f` on an unnamed thread: the guard has no test to run again there.
    fn on_a_thread_of_its_own(f: impl FnOnce() + Send + 'static) -> thread::Result<()> {
        thread::spawn(f).join()
    }

    #[test]
    fn a_body_that_returns_passes() {
        exercise_within(1, "unused", Duration::from_secs(30), || {
            assert_eq!(2 + 2, 4)
        });
    }

    #[test]
    fn the_body_runs_in_a_process_of_its_own() {
        // The test's function runs in both processes, so the body asks its environment.
        exercise_within(1, "unused", Duration::from_secs(30), || {
            assert!(
                std::env::var_os(CHILD_VAR).is_some(),
                "the body ran in the test's process"
            );
            assert_eq!(thread::current().name(), Some("exercise 1"));
        });
    }

    #[test]
    fn a_body_that_never_returns_fails_with_the_exercise_and_the_hint() {
        let message = failure(|| {
            exercise_within(
                4,
                "are the threads joined inside the spawning loop?",
                Duration::from_millis(100),
                || {
                    let (_tx, rx) = mpsc::channel::<()>();
                    let _ = rx.recv(); // never sent to, never dropped while waiting
                },
            )
        });
        assert!(
            message.starts_with("exercise 4 did not finish in 0.1 s"),
            "{message}"
        );
        assert!(
            message.contains("joined inside the spawning loop"),
            "{message}"
        );
    }

    #[test]
    fn a_stub_panic_passes_through_unchanged() {
        let message = failure(|| {
            exercise_within(3, "unused", Duration::from_secs(30), || {
                todo!("exercise 3: run the job with a timeout")
            })
        });
        assert_eq!(
            message,
            "not yet implemented: exercise 3: run the job with a timeout"
        );
    }

    #[test]
    fn a_body_that_exits_fails() {
        let message = failure(|| {
            exercise_within(5, "unused", Duration::from_secs(30), || {
                std::process::exit(0)
            })
        });
        assert!(
            message.starts_with("exercise 5: its process ended (exit status: 0) before"),
            "{message}"
        );
    }

    #[test]
    fn a_child_that_runs_no_test_fails() {
        let message =
            failure(|| in_own_process(6, "unused", Duration::from_secs(30), "no_such_test"));
        assert!(
            message.starts_with("exercise 6: its own process ran no test"),
            "{message}"
        );
        assert!(message.contains("\"no_such_test\""), "{message}");
    }

    #[test]
    fn without_a_test_name_the_body_runs_here_under_the_limit() {
        let parent = std::process::id();
        on_a_thread_of_its_own(move || {
            exercise_within(1, "unused", Duration::from_secs(30), move || {
                assert_eq!(std::process::id(), parent)
            })
        })
        .expect("passes in this process");

        let got = on_a_thread_of_its_own(|| {
            exercise_within(
                2,
                "is the sender dropped?",
                Duration::from_millis(100),
                || {
                    let (_tx, rx) = mpsc::channel::<()>();
                    let _ = rx.recv();
                },
            )
        })
        .expect_err("a body that never returns must fail the test");
        let message = message_of(got.as_ref());
        assert_eq!(
            message,
            "exercise 2 did not finish in 0.1 s: is the sender dropped?"
        );

        let got = on_a_thread_of_its_own(|| {
            exercise_within(3, "unused", Duration::from_secs(30), || {
                todo!("exercise 3: x")
            })
        })
        .expect_err("a stub must fail the test");
        assert_eq!(
            message_of(got.as_ref()),
            "not yet implemented: exercise 3: x"
        );
    }

    #[test]
    fn the_childs_account_survives_other_output_around_it() {
        for outcome in [
            Outcome::Passed,
            Outcome::Panicked {
                place: "thread 'exercise 2' panicked at src/exercises.rs:3:5:".into(),
                message: format!("assertion `left == right` failed\n  left: 1\n {MARKER} x"),
            },
            Outcome::Panicked {
                place: String::new(),
                message: "é".into(),
            },
        ] {
            let stderr = format!(
                "thread 'x' panicked at a.rs:1:1:\nboom\n{}more output from a thread\n",
                write_outcome(&outcome)
            );
            assert_eq!(read_outcome(&stderr), Some(outcome));
        }
        assert_eq!(read_outcome("running 1 test\nno account\n"), None);
    }
}
