//! The `workshop` command: reading cargo's output into exercises solved (on canned output), and
//! the whole command against a small workspace with one exercise solved (end to end).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use workshop::logic::{
    Progress, Saves, TestOutcome, exercise_of, exercises_declared, first_compiler_error,
    first_failure, hint_section, missing_stubs, parse_test_lines, run_captured, utc_stamp,
};

/// What `cargo test ... --test exercises` prints on stdout, trimmed.
const TEST_OUTPUT: &str = "
running 6 tests
test exercise_2_greetings_come_from_threads_with_those_names_in_order ... FAILED
test exercise_1_parallel_sum_adds_a_large_input ... ok
test exercise_1_parallel_sum_adds_everything_once ... ok
test exercise_3_run_with_timeout_returns_a_fast_result ... ok
test exercise_3_run_with_timeout_gives_up_on_a_slow_job ... FAILED
test helper_is_not_an_exercise ... ok
test exercise_4_run_all_survives_a_panicking_job ... ignored

failures:

---- exercise_2_greetings_come_from_threads_with_those_names_in_order stdout ----

thread 'exercise_2_greetings_come_from_threads_with_those_names_in_order' (4242) panicked at threads-basic/src/exercises.rs:33:5:
not yet implemented: exercise 2: greet from named threads
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- exercise_3_run_with_timeout_gives_up_on_a_slow_job stdout ----

thread 'exercise_3_run_with_timeout_gives_up_on_a_slow_job' (4243) panicked at workshop/src/guard.rs:69:19:
exercise 3 did not finish in 60 s: does run_with_timeout join the job's thread?

failures:
    exercise_2_greetings_come_from_threads_with_those_names_in_order
    exercise_3_run_with_timeout_gives_up_on_a_slow_job

test result: FAILED. 4 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 60.01s
";

/// What cargo prints on stderr when the attendee's code does not compile, trimmed.
const COMPILE_ERROR: &str = "
   Compiling threads-basic v0.1.0 (/work/threads-basic)
warning: unused variable: `data`
  --> threads-basic/src/exercises.rs:21:21
   |
21 | pub fn parallel_sum(data: &[u64], threads: usize) -> u64 {
   |                     ^^^^ help: if this is intentional, prefix it with an underscore: `_data`

error[E0308]: mismatched types
  --> threads-basic/src/exercises.rs:22:5
   |
21 | pub fn parallel_sum(data: &[u64], threads: usize) -> u64 {
   |                                                      --- expected `u64` because of return type
22 |     \"six\"
   |     ^^^^^ expected `u64`, found `&str`

error: could not compile `threads-basic` (lib) due to 1 previous error; 1 warning emitted
";

#[test]
fn test_names_give_their_exercise() {
    assert_eq!(
        exercise_of("exercise_4_run_all_survives_a_panicking_job"),
        Some(4)
    );
    assert_eq!(exercise_of("exercise_12_x"), Some(12));
    assert_eq!(exercise_of("exercise_4"), None, "no description");
    assert_eq!(exercise_of("exercise_x_y"), None);
    assert_eq!(exercise_of("helper_is_not_an_exercise"), None);
}

#[test]
fn test_lines_are_read_and_ignored_tests_left_out() {
    let outcomes = parse_test_lines(TEST_OUTPUT);
    assert_eq!(outcomes.len(), 6, "{outcomes:?}");
    assert_eq!(
        outcomes[0],
        TestOutcome {
            name: "exercise_2_greetings_come_from_threads_with_those_names_in_order".into(),
            passed: false
        }
    );
    assert_eq!(outcomes.iter().filter(|o| o.passed).count(), 4);
}

#[test]
fn an_exercise_is_solved_when_all_its_tests_pass() {
    let declared: BTreeSet<u32> = [1, 2, 3, 4].into();
    let progress = Progress::count(&declared, &parse_test_lines(TEST_OUTPUT));
    // 1: both pass. 2: fails. 3: one of two fails. 4: its only test was ignored, so not solved.
    assert!(progress.is_solved(1));
    assert!(!progress.is_solved(2) && !progress.is_solved(3) && !progress.is_solved(4));
    assert_eq!((progress.solved(), progress.total()), (1, 4));
    assert_eq!(progress.next_unsolved(), Some(2));
    assert_eq!(progress.exercises[&3], (1, 2));
}

#[test]
fn a_crate_that_did_not_compile_counts_zero_of_its_declared_exercises() {
    let source = "#[test]\nfn exercise_1_a() {}\n#[test]\nfn exercise_2_b() {}\nfn exercise_2_c() {}\nfn runtime() {}\n";
    let declared = exercises_declared(source);
    assert_eq!(declared, [1, 2].into());
    let progress = Progress::count(&declared, &[]);
    assert_eq!((progress.solved(), progress.total()), (0, 2));
    assert_eq!(progress.next_unsolved(), Some(1));
}

#[test]
fn the_first_compiler_error_skips_warnings_and_fits_in_a_few_lines() {
    let error = first_compiler_error(COMPILE_ERROR, 8).expect("an error");
    assert!(
        error.starts_with("error[E0308]: mismatched types"),
        "{error}"
    );
    assert!(
        error.contains("--> threads-basic/src/exercises.rs:22:5"),
        "{error}"
    );
    assert!(!error.contains("could not compile"), "{error}");
    assert!(error.lines().count() <= 8);
    assert_eq!(
        workshop::logic::error_location(&error),
        Some("threads-basic/src/exercises.rs:22:5")
    );
    assert_eq!(first_compiler_error("   Compiling x\n", 8), None);
}

#[test]
fn the_first_failure_is_its_test_and_message() {
    let failure = first_failure(TEST_OUTPUT, None, 6).expect("a failure");
    let lines: Vec<&str> = failure.lines().collect();
    assert_eq!(
        lines[0],
        "exercise_2_greetings_come_from_threads_with_those_names_in_order:"
    );
    assert!(lines[1].contains("panicked at threads-basic/src/exercises.rs:33:5"));
    assert_eq!(
        lines[2],
        "not yet implemented: exercise 2: greet from named threads"
    );
    assert_eq!(
        lines.len(),
        3,
        "no backtrace note, nothing from the next test: {failure}"
    );
}

#[test]
fn the_failure_shown_can_be_the_next_exercises() {
    let failure = first_failure(TEST_OUTPUT, Some(3), 6).expect("a failure");
    assert!(
        failure.starts_with("exercise_3_run_with_timeout_gives_up_on_a_slow_job:\n"),
        "{failure}"
    );
    assert!(
        failure.ends_with("does run_with_timeout join the job's thread?"),
        "{failure}"
    );
    // No failure of exercise 1: the first failure instead.
    let failure = first_failure(TEST_OUTPUT, Some(1), 6).expect("a failure");
    assert!(failure.starts_with("exercise_2_"), "{failure}");
    assert_eq!(first_failure("test result: ok.", None, 6), None);
}

#[test]
fn a_hint_is_its_section_only() {
    let hints = "# Hints\n\n## Exercise 1: a\n\nfirst\n\n## Exercise 2: b\n\nsecond\n";
    assert_eq!(hint_section(hints, 1).unwrap(), "## Exercise 1: a\n\nfirst");
    assert_eq!(
        hint_section(hints, 2).unwrap(),
        "## Exercise 2: b\n\nsecond"
    );
    assert_eq!(hint_section(hints, 3), None);
}

#[test]
fn watch_sees_every_change_of_content_and_nothing_else() {
    let mut saves = Saves::default();
    assert!(
        saves.changed(Some(b"fn a() {}")),
        "the first look is a change"
    );
    assert!(
        !saves.changed(Some(b"fn a() {}")),
        "the same bytes again (a touch)"
    );
    assert!(
        saves.changed(Some(b"fn b() {}")),
        "same length, other bytes"
    );
    assert!(
        !saves.changed(None),
        "a file replaced on save is gone for a moment"
    );
    assert!(!saves.changed(Some(b"fn b() {}")), "and back unchanged");
    assert!(saves.changed(Some(b"")), "emptied");
    assert!(
        saves.changed(Some(b"fn b() {}")),
        "and back to an earlier content"
    );
}

#[test]
fn backups_are_stamped_with_the_utc_time() {
    let at = |secs| utc_stamp(std::time::UNIX_EPOCH + Duration::from_secs(secs));
    assert_eq!(at(0), "19700101-000000");
    assert_eq!(at(951_782_400), "20000229-000000");
    assert_eq!(at(1_709_251_199), "20240229-235959");
    assert_eq!(at(1_798_761_599), "20261231-235959");
    assert_eq!(at(4_102_444_800), "21000101-000000");
}

#[test]
fn a_file_without_every_stub_is_not_the_stubs() {
    let declared: BTreeSet<u32> = [1, 2, 3].into();
    let stubs = "fn a() { todo!(\"exercise 1: a\") }\nfn b() { todo!(\"exercise 2: b\") }\n\
                 fn c() { todo!(\"exercise 3: c\") }\n";
    assert_eq!(missing_stubs(stubs, &declared), Vec::<u32>::new());
    let work = stubs.replace("todo!(\"exercise 2: b\")", "2");
    assert_eq!(missing_stubs(&work, &declared), vec![2]);
}

/// The workspace this test builds: under cargo's own `target/tmp`, at the same place every
/// time, so that reruns rebuild only what changed.
fn scratch() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("workshop-e2e")
}

/// Writes `contents` to `path` only if it differs, so that cargo sees unchanged files as such.
fn put(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// A workspace of two small crates: `workshop` with the real exercise guard (and nothing else, so
/// no dependency needs building or downloading) and `threads-basic` with the real exercises,
/// solutions, tests and hints. Each test names its own, so tests running at once do not share.
/// (threads-basic's exercises use only std, and their tests only `workshop::guard`: should that
/// change, this copy needs the rest too.)
fn small_workspace(name: &str, exercises: &str) -> PathBuf {
    let root = scratch().join(name);
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let read = |path: &str| std::fs::read_to_string(real.join(path)).unwrap();
    put(
        &root.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"workshop\", \"threads-basic\"]\n",
    );
    put(
        &root.join("workshop/Cargo.toml"),
        "[package]\nname = \"workshop\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    );
    put(&root.join("workshop/src/lib.rs"), "pub mod guard;\n");
    put(
        &root.join("workshop/src/guard.rs"),
        &read("workshop/src/guard.rs"),
    );
    put(
        &root.join("threads-basic/Cargo.toml"),
        "[package]\nname = \"threads-basic\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [features]\nexercises = []\n\n[dev-dependencies]\nworkshop = { path = \"../workshop\" }\n",
    );
    put(
        &root.join("threads-basic/src/lib.rs"),
        "pub mod exercises;\npub mod solutions;\n\
         #[cfg(not(feature = \"exercises\"))]\npub use solutions as under_test;\n\
         #[cfg(feature = \"exercises\")]\npub use exercises as under_test;\n",
    );
    put(&root.join("threads-basic/src/exercises.rs"), exercises);
    for file in ["src/solutions.rs", "tests/exercises.rs", "HINTS.md"] {
        put(
            &root.join("threads-basic").join(file),
            &read(&format!("threads-basic/{file}")),
        );
    }
    root
}

/// Runs the `workshop` binary in `root`, offline, with the build kept in `root/target`;
/// killed if it takes over five minutes. (Each small workspace needs a target of its own: cargo
/// would take the other's `threads-basic`, at the same relative path, for this one's.)
fn workshop(root: &Path, args: &[&str]) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_workshop"));
    command
        .args(args)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env("CARGO_NET_OFFLINE", "true")
        .env("EXERCISE_TIMEOUT_SECS", "60");
    run_captured(command, Duration::from_secs(300)).expect("workshop runs")
}

#[test]
fn workshop_counts_one_solved_exercise_in_a_copy_of_threads_basic() {
    let started = Instant::now();
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../threads-basic/src/exercises.rs");
    let stubs = std::fs::read_to_string(real).unwrap();
    let stub = "todo!(\"exercise 1: sum the chunks on scoped threads\")";
    assert!(
        stubs.contains(stub),
        "exercise 1's stub changed: update this test"
    );
    let solved = stubs.replace(
        stub,
        "let size = data.len().div_ceil(threads.max(1)).max(1);\n    \
         thread::scope(|s| {\n        \
         let handles: Vec<_> = data.chunks(size).map(|c| s.spawn(move || c.iter().sum::<u64>())).collect();\n        \
         handles.into_iter().map(|h| h.join().unwrap()).sum()\n    })",
    );
    let root = small_workspace("one-solved", &solved);

    let (ok, stdout, stderr) = workshop(&root, &[]);
    assert!(ok, "{stdout}\n{stderr}");
    let row = stdout
        .lines()
        .find(|l| l.starts_with("threads-basic"))
        .unwrap_or_else(|| panic!("no row for threads-basic:\n{stdout}\n{stderr}"));
    let cells: Vec<&str> = row
        .split("   ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let next_line = solved
        .lines()
        .position(|l| l.contains("todo!(\"exercise 2:"))
        .unwrap()
        + 1;
    assert_eq!(cells[1], "1/4", "{row}");
    assert_eq!(cells[3], "2 greetings", "{row}");
    assert_eq!(
        cells[4],
        format!("threads-basic/src/exercises.rs:{next_line}"),
        "{row}"
    );
    assert!(
        stdout.contains("(1 of 4 exercises solved, 1 crate)"),
        "{stdout}"
    );

    // The same crate with a syntax error: reported, counted as 0 of 4, and not a failure.
    let root = small_workspace("broken", &format!("{solved}\nfn broken( {{}}\n"));
    let (ok, stdout, stderr) = workshop(&root, &[]);
    assert!(ok, "{stdout}\n{stderr}");
    let row = stdout
        .lines()
        .find(|l| l.starts_with("threads-basic"))
        .unwrap();
    assert!(
        row.contains("0/4") && row.contains("does not compile"),
        "{row}"
    );
    assert!(stdout.contains("the first error:\n    error"), "{stdout}");
    println!("the end-to-end run took {:.1?}", started.elapsed());
}

#[test]
fn workshop_hint_prints_one_section_and_refuses_bad_input_in_one_line() {
    let root = small_workspace(
        "hints",
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../threads-basic/src/exercises.rs"),
        )
        .unwrap(),
    );
    let (ok, stdout, _) = workshop(&root, &["hint", "threads-basic", "4"]);
    assert!(ok);
    assert!(stdout.starts_with("## Exercise 4: run_all\n"), "{stdout}");
    assert!(!stdout.contains("## Exercise 3"), "{stdout}");

    for args in [
        ["hint", "threads-basic", "9"],
        ["hint", "threads-basic", "x"],
        ["hint", "no-such-crate", "1"],
    ] {
        let (ok, stdout, stderr) = workshop(&root, &args);
        assert!(!ok, "{args:?} succeeded");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    }
}

/// `watch` ends a run by ending cargo (`Running::end`): the test binary cargo started sees its
/// stdin pipe close and ends, and with it each attempt and what the attempt started.
#[cfg(unix)]
#[test]
fn ending_a_run_ends_its_test_binary_its_attempts_and_their_processes() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../threads-basic/src/exercises.rs");
    let stubs = std::fs::read_to_string(real).unwrap();
    let stub = "todo!(\"exercise 1: sum the chunks on scoped threads\")";
    assert!(
        stubs.contains(stub),
        "exercise 1's stub changed: update this test"
    );
    // Exercise 1's attempt starts a `sleep`, writes down the pids, and hangs.
    let hangs = stubs.replace(
        stub,
        "{\n        use std::io::Write;\n        \
         let sleep = std::process::Command::new(\"sleep\").arg(\"600\").spawn().unwrap();\n        \
         let pids = format!(\"{}\\n{}\\n{}\\n\", sleep.id(), std::process::id(), std::os::unix::process::parent_id());\n        \
         std::fs::OpenOptions::new().create(true).append(true).open(std::env::var(\"RUN_PIDS\").unwrap())\n            \
         .unwrap().write_all(pids.as_bytes()).unwrap();\n        \
         loop { std::thread::park(); }\n    }",
    );
    let root = small_workspace("ended-run", &hangs);
    let file = root.join("pids");
    let _ = std::fs::remove_file(&file);
    let workspace = workshop::logic::Workspace::at(&root).unwrap();
    let options = workshop::logic::RunOptions {
        target_dir: Some(root.join("target")),
        offline: true,
        ..Default::default()
    };
    let mut command = workspace.test_command("threads-basic", &options).unwrap();
    command
        .env("RUN_PIDS", &file)
        .env("EXERCISE_TIMEOUT_SECS", "3600");
    let mut run = workshop::logic::Running::start(command).unwrap();
    let read_pids = || -> Vec<u32> {
        std::fs::read_to_string(&file)
            .unwrap_or_default()
            .lines()
            .map(|l| l.parse().unwrap())
            .collect()
    };
    // The build and the start of an attempt (a generous bound, not an assertion of time).
    let until = Instant::now() + Duration::from_secs(600);
    while read_pids().len() < 3 {
        assert!(Instant::now() < until, "no attempt started");
        if let Some((_, stdout, stderr)) = run.try_finish().unwrap() {
            panic!("the run ended before the attempt hung:\n{stdout}\n{stderr}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    run.end();

    // Each pid is gone (a zombie, dead but not reaped by its new parent, counts as gone).
    let alive = |pid: u32| {
        let reached = Command::new("kill")
            .args(["-0", &pid.to_string()])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| Some(s.rsplit_once(')')?.1.trim_start().starts_with('Z')))
            .unwrap_or(false);
        reached && !zombie
    };
    let until = Instant::now() + Duration::from_secs(60);
    let mut left: Vec<u32>;
    loop {
        left = read_pids().into_iter().filter(|&p| alive(p)).collect();
        if left.is_empty() || Instant::now() > until {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        left,
        Vec::<u32>::new(),
        "still alive after the run was ended"
    );
}
