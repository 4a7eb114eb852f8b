//! The guard runs each attempt in a process of its own: attempts that hang (spinning, blocking
//! rayon's global pool, or waiting with a `sleep` child) fail naming their exercise, the tests
//! after them pass, and nothing any of them started is alive afterwards.
//!
//! The fixture is the `#[ignore]`d module below, in this same test binary: the outer tests run
//! this binary (`std::env::current_exe()`, which is exactly the binary cargo built, whatever its
//! hash) on `fixture::` with `--ignored`, so no cargo runs inside the test and no path is guessed.
//! Run by hand (`--include-ignored`), the fixture's tests return at once: they do their thing
//! only when `WORKSHOP_FIXTURE_PIDS` names the file to write the pids they start to.
#![cfg(unix)] // `sleep`, `kill` and process groups

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use workshop::logic::{parse_test_lines, run_captured};

const PIDS: &str = "WORKSHOP_FIXTURE_PIDS";

mod fixture {
    use std::io::Write;
    use std::process::Command;
    use std::thread;

    use rayon::prelude::*;
    use workshop::guard::exercise;

    /// The file to record pids in, when the outer test runs the fixture.
    fn pid_file() -> Option<String> {
        std::env::var(super::PIDS).ok()
    }

    /// Appends `pid` to the pid file (one short write: appends from several processes interleave
    /// by whole lines).
    fn record(pid: u32) {
        let path = pid_file().expect("run by the outer test");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        file.write_all(format!("{pid}\n").as_bytes()).unwrap();
    }

    fn hang() {
        loop {
            thread::park();
        }
    }

    #[test]
    #[ignore = "run by the outer tests"]
    fn exercise_91_spins_forever() {
        if pid_file().is_none() {
            return;
        }
        exercise(91, "does it spin?", || {
            record(std::process::id());
            let mut n = 0u64;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        });
    }

    #[test]
    #[ignore = "run by the outer tests"]
    fn exercise_92_blocks_rayons_global_pool() {
        if pid_file().is_none() {
            return;
        }
        exercise(92, "does a rayon job wait for good?", || {
            record(std::process::id());
            // Every thread of the global pool waits for good.
            rayon::broadcast(|_| hang());
        });
    }

    #[test]
    #[ignore = "run by the outer tests"]
    fn exercise_93_starts_a_sleep_then_hangs() {
        if pid_file().is_none() {
            return;
        }
        exercise(93, "is the child waited for?", || {
            #[expect(clippy::zombie_processes, reason = "the guard must end it")]
            let sleep = Command::new("sleep").arg("600").spawn().unwrap();
            record(sleep.id());
            record(std::process::id());
            hang();
        });
    }

    #[test]
    #[ignore = "run by the outer tests"]
    fn exercise_94_passes() {
        if pid_file().is_none() {
            return;
        }
        exercise(94, "unused", || {
            record(std::process::id());
            assert_eq!(6 * 7, 42);
        });
    }

    #[test]
    #[ignore = "run by the outer tests"]
    fn exercise_95_uses_rayons_global_pool_after_it_was_blocked() {
        if pid_file().is_none() {
            return;
        }
        exercise(95, "unused", || {
            record(std::process::id());
            let sum: u64 = (1..=1_000u64).into_par_iter().sum();
            assert_eq!(sum, 500_500);
        });
    }

    #[test]
    #[ignore = "run by the outer tests"]
    fn exercise_96_fails_on_a_stub() {
        if pid_file().is_none() {
            return;
        }
        exercise(96, "unused", || {
            record(std::process::id());
            todo!("exercise 96: a stub")
        });
    }
}

/// A fresh pid file under cargo's own temporary folder.
fn pid_file(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("isolation-{name}-{}.pids", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

fn pids(path: &Path) -> Vec<u32> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect()
}

/// Whether `pid` is a live process: `kill -0` reaches it, and it is not a zombie (a dead process
/// its new parent has not reaped yet, which in a container may be never).
fn alive(pid: u32) -> bool {
    let reached = Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let (_, rest) = stat.rsplit_once(')')?;
            Some(rest.trim_start().starts_with('Z'))
        })
        .unwrap_or(false);
    reached && !zombie
}

/// The pids of `pids` still alive after a grace period (a killed process takes a moment to go).
fn survivors(pids: &[u32]) -> Vec<u32> {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let left: Vec<u32> = pids.iter().copied().filter(|&p| alive(p)).collect();
        if left.is_empty() || Instant::now() > until {
            return left;
        }
        thread::sleep(Duration::from_millis(100));
    }
}

/// The captured output of one failed test in libtest's output.
fn section<'a>(stdout: &'a str, test: &str) -> &'a str {
    let header = format!("---- {test} stdout ----\n");
    let start = stdout
        .find(&header)
        .unwrap_or_else(|| panic!("no output for {test}:\n{stdout}"))
        + header.len();
    let rest = &stdout[start..];
    let end = [rest.find("\n---- "), rest.find("\nfailures:")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn hung_attempts_fail_naming_their_exercise_the_others_pass_and_nothing_survives() {
    let file = pid_file("run");
    let mut fixture = Command::new(std::env::current_exe().unwrap());
    fixture
        .args([
            "fixture::",
            "--ignored",
            "--test-threads=1",
            "--color",
            "never",
        ])
        .env("EXERCISE_TIMEOUT_SECS", "2")
        .env("RUST_BACKTRACE", "0")
        .env(PIDS, &file);
    // A generous limit for a loaded machine; no time is asserted.
    let (ok, stdout, stderr) = run_captured(fixture, Duration::from_secs(600)).unwrap();
    assert!(!ok, "three fixture tests must fail:\n{stdout}\n{stderr}");

    let outcomes: BTreeMap<String, bool> = parse_test_lines(&stdout)
        .into_iter()
        .map(|o| (o.name, o.passed))
        .collect();
    let expected: BTreeMap<String, bool> = [
        ("exercise_91_spins_forever", false),
        ("exercise_92_blocks_rayons_global_pool", false),
        ("exercise_93_starts_a_sleep_then_hangs", false),
        ("exercise_94_passes", true),
        (
            "exercise_95_uses_rayons_global_pool_after_it_was_blocked",
            true,
        ),
        ("exercise_96_fails_on_a_stub", false),
    ]
    .into_iter()
    .map(|(name, passed)| (format!("fixture::{name}"), passed))
    .collect();
    assert_eq!(outcomes, expected, "{stdout}");

    for (n, test, mistake) in [
        (91, "exercise_91_spins_forever", "does it spin?"),
        (
            92,
            "exercise_92_blocks_rayons_global_pool",
            "does a rayon job wait for good?",
        ),
        (
            93,
            "exercise_93_starts_a_sleep_then_hangs",
            "is the child waited for?",
        ),
    ] {
        let output = section(&stdout, &format!("fixture::{test}"));
        assert!(
            output.contains(&format!("exercise {n} did not finish in 2 s: {mistake}")),
            "{test}: {output}"
        );
    }
    let stub = section(&stdout, "fixture::exercise_96_fails_on_a_stub");
    assert!(
        stub.contains("thread 'exercise 96' panicked at workshop/tests/isolation.rs:")
            && stub.contains("\nnot yet implemented: exercise 96: a stub"),
        "the child's panic report, with the body's place: {stub}"
    );
    // One summary: none of the children's libtest lines came through.
    assert_eq!(stdout.matches("running ").count(), 1, "{stdout}");
    assert_eq!(stdout.matches("test result:").count(), 1, "{stdout}");

    // 91, 92, 94, 95, 96 record their process; 93 its process and its `sleep`.
    let started = pids(&file);
    assert_eq!(started.len(), 7, "{started:?}\n{stdout}");
    assert_eq!(survivors(&started), Vec::<u32>::new(), "still alive");
    let _ = std::fs::remove_file(&file);
}

#[test]
fn an_attempt_and_its_processes_end_when_the_test_binary_does() {
    let file = pid_file("parent");
    // The limit is far away: only the end of the parent can end this attempt.
    let mut fixture = Command::new(std::env::current_exe().unwrap())
        .args(["fixture::exercise_93_starts_a_sleep_then_hangs", "--exact"])
        .args(["--ignored", "--test-threads=1"])
        .env("EXERCISE_TIMEOUT_SECS", "3600")
        .env(PIDS, &file)
        .env_remove(workshop::guard::PARENT_PIPE_VAR)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the attempt to start its `sleep` (a generous bound, not an assertion of time).
    let until = Instant::now() + Duration::from_secs(300);
    while pids(&file).len() < 2 {
        assert!(Instant::now() < until, "the attempt never started");
        assert!(fixture.try_wait().unwrap().is_none(), "the fixture ended");
        thread::sleep(Duration::from_millis(50));
    }
    let started = pids(&file);
    assert!(started.iter().all(|&p| alive(p)), "{started:?}");
    // As Ctrl-C would, but the child is in a group of its own, which Ctrl-C does not reach.
    fixture.kill().unwrap();
    fixture.wait().unwrap();
    assert_eq!(survivors(&started), Vec::<u32>::new(), "still alive");
    let _ = std::fs::remove_file(&file);
}
