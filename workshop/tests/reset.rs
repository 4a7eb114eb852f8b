//! `cargo workshop reset` in a throwaway git repository cloned from a bare "upstream": it backs
//! the learner's work up (committed or not), restores the stubs as shipped, and refuses, changing
//! nothing, when it cannot tell which stubs those are.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use workshop::logic::run_captured;

const FILE: &str = "demo/src/exercises.rs";
const STUBS: &str = "pub fn a() -> u32 {\n    todo!(\"exercise 1: a\")\n}\n\n\
                     pub fn b() -> u32 {\n    todo!(\"exercise 2: b\")\n}\n";

/// Runs git in `dir` with a fixed identity and no user configuration; its stdout.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "learner")
        .env("GIT_AUTHOR_EMAIL", "learner@example.com")
        .env("GIT_COMMITTER_NAME", "learner")
        .env("GIT_COMMITTER_EMAIL", "learner@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap()
}

/// A fresh folder for one test under cargo's temporary folder.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("reset-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A workspace with one exercise crate, committed with its stubs in `dir/seed`; returns the
/// seed and the commit.
fn seed(dir: &Path) -> (PathBuf, String) {
    let seed = dir.join("seed");
    write(
        &seed,
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"demo\"]\n",
    );
    write(
        &seed,
        "demo/Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    );
    write(&seed, "demo/src/lib.rs", "pub mod exercises;\n");
    write(&seed, FILE, STUBS);
    write(
        &seed,
        "demo/tests/exercises.rs",
        "#[test]\nfn exercise_1_a() {}\n#[test]\nfn exercise_2_b() {}\n",
    );
    git(&seed, &["init", "-q", "-b", "main"]);
    git(&seed, &["add", "."]);
    git(&seed, &["commit", "-q", "-m", "the stubs"]);
    let commit = git(&seed, &["rev-parse", "HEAD"]);
    (seed, commit)
}

/// The seed pushed to a bare upstream and cloned from it: the learner's copy, tracking
/// origin/main; returns it and the stubs' commit.
fn learner(name: &str) -> (PathBuf, String) {
    let dir = scratch(name);
    let (seed, commit) = seed(&dir);
    git(
        &dir,
        &["init", "-q", "--bare", "-b", "main", "upstream.git"],
    );
    git(&seed, &["push", "-q", "../upstream.git", "main"]);
    git(&dir, &["clone", "-q", "upstream.git", "work"]);
    (dir.join("work"), commit)
}

/// `cargo workshop reset demo --yes [extra]` in `root`: (success, stdout, stderr).
fn reset(root: &Path, extra: &[&str]) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_workshop"));
    command
        .args(["reset", "demo", "--yes"])
        .args(extra)
        .current_dir(root)
        .env("CARGO_NET_OFFLINE", "true");
    run_captured(command, Duration::from_secs(120)).unwrap()
}

/// The backups beside the file, by name.
fn backups(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("demo/src"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".bak"))
        .collect();
    names.sort();
    names
}

#[test]
fn committed_work_is_backed_up_and_the_stubs_restored() {
    let (work, stubs_commit) = learner("committed");
    let committed = STUBS.replace("todo!(\"exercise 1: a\")", "1");
    write(&work, FILE, &committed);
    git(&work, &["commit", "-q", "-am", "exercise 1"]);
    let staged = committed.replace("todo!(\"exercise 2: b\")", "2");
    write(&work, FILE, &staged);
    git(&work, &["add", FILE]);
    let working = format!("{staged}// still thinking\n");
    write(&work, FILE, &working);
    let head = git(&work, &["rev-parse", "HEAD"]);

    let (ok, stdout, stderr) = reset(&work, &[]);
    assert!(ok, "{stdout}\n{stderr}");
    assert_eq!(read(&work, FILE), STUBS, "the file is the stubs");
    assert_eq!(
        git(&work, &["show", &format!(":{FILE}")]) + "\n",
        STUBS,
        "and so is the index"
    );
    assert_eq!(
        git(&work, &["rev-parse", "HEAD"]),
        head,
        "the commit is untouched"
    );

    let names = backups(&work);
    assert_eq!(names.len(), 2, "{names:?}");
    let (plain, staged_backup) = (&names[0], &names[1]);
    assert!(
        plain.starts_with("exercises.rs.") && !plain.contains("staged"),
        "{plain}"
    );
    assert!(staged_backup.ends_with(".staged.bak"), "{staged_backup}");
    assert_eq!(read(&work, &format!("demo/src/{plain}")), working);
    assert_eq!(read(&work, &format!("demo/src/{staged_backup}")), staged);
    for name in &names {
        assert!(stdout.contains(&format!("demo/src/{name}")), "{stdout}");
    }
    assert!(stdout.contains(&stubs_commit), "names the commit: {stdout}");

    // Once more: the stubs are there already, and nothing is saved or changed.
    let (ok, stdout, _) = reset(&work, &[]);
    assert!(ok && stdout.contains("nothing to do"), "{stdout}");
    assert_eq!(backups(&work).len(), 2);
    // An unstaged edit: saved alone (the index holds the stubs, nothing to lose there).
    write(&work, FILE, &format!("{STUBS}// one more try\n"));
    let (ok, stdout, stderr) = reset(&work, &[]);
    assert!(ok, "{stdout}\n{stderr}");
    assert_eq!(backups(&work).len(), 3, "{:?}", backups(&work));
}

#[test]
fn without_an_upstream_reset_changes_nothing_and_exits_1() {
    let dir = scratch("no-upstream");
    let (seed, _) = seed(&dir);
    let work = STUBS.replace("todo!(\"exercise 1: a\")", "1");
    write(&seed, FILE, &work);

    let mut command = Command::new(env!("CARGO_BIN_EXE_workshop"));
    command
        .args(["reset", "demo", "--yes"])
        .current_dir(&seed)
        .env("CARGO_NET_OFFLINE", "true");
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("no upstream branch"), "{stderr}");
    assert_eq!(read(&seed, FILE), work, "unchanged");
    assert_eq!(backups(&seed), Vec::<String>::new());
}

#[test]
fn pushed_work_is_refused_with_a_way_out_and_from_restores_the_stubs() {
    let (work, stubs_commit) = learner("pushed");
    let solved = STUBS
        .replace("todo!(\"exercise 1: a\")", "1")
        .replace("todo!(\"exercise 2: b\")", "2");
    write(&work, FILE, &solved);
    git(&work, &["commit", "-q", "-am", "both exercises"]);
    git(&work, &["push", "-q"]);

    let (ok, stdout, stderr) = reset(&work, &[]);
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains("no stub for exercise 1, 2")
            && stderr.contains("cargo workshop reset demo --from <commit>"),
        "{stderr}"
    );
    assert_eq!(read(&work, FILE), solved, "unchanged");
    assert_eq!(backups(&work), Vec::<String>::new());

    let (ok, stdout, stderr) = reset(&work, &["--from", &stubs_commit[..8]]);
    assert!(ok, "{stdout}\n{stderr}");
    assert_eq!(read(&work, FILE), STUBS);
    let names = backups(&work);
    assert_eq!(
        names.len(),
        1,
        "the index held the working file's content: {names:?}"
    );
    assert_eq!(read(&work, &format!("demo/src/{}", names[0])), solved);

    // A branch of its own without an upstream: the start is where it left origin/HEAD.
    git(&work, &["checkout", "-q", "-b", "topic"]);
    let (ok, _, stderr) = reset(&work, &[]);
    assert!(
        !ok && stderr.contains("--from"),
        "origin/HEAD has the work too: {stderr}"
    );
}
