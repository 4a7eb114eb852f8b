//! Where you are in the workshop's exercises, and help with the next one.
//!
//! ```text
//! cargo workshop                        # every crate: exercises solved, and the next one
//! cargo workshop hint threads-basic 4   # the near-answer for one exercise
//! cargo workshop watch threads-basic    # re-run its tests whenever src/exercises.rs changes
//! cargo workshop reset threads-basic    # save your file, then restore the stubs as shipped (asks first)
//! ```
//!
//! `cargo workshop` is an alias (in `.cargo/config.toml`) for
//! `cargo run -q -p workshop --`. Progress comes from running each crate's exercise
//! tests against the attendee's stubs (`cargo test -p CRATE --features exercises --test
//! exercises`), one crate at a time: the first run builds each crate once more with that feature.

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use workshop::logic::{
    self, Progress, RunOptions, Running, Saves, TestRun, Workspace, first_failure, read_test_run,
};

/// Exercises solved per crate, the next one to do, hints, and a watcher.
#[derive(Debug, Parser)]
#[command(name = "workshop", version)]
struct Cli {
    #[command(subcommand)]
    verb: Option<Verb>,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// Print the near-answer hint for one exercise (its section of CRATE/HINTS.md)
    Hint {
        /// The crate, as in `threads-basic`
        #[arg(value_name = "CRATE")]
        krate: String,
        /// The exercise's number
        #[arg(value_name = "N")]
        exercise: String,
    },
    /// Re-run CRATE's exercise tests whenever its src/exercises.rs changes (Ctrl-C to stop)
    Watch {
        #[arg(value_name = "CRATE")]
        krate: String,
    },
    /// Restore CRATE's stubs (src/exercises.rs) as shipped, after saving your version beside it
    Reset {
        #[arg(value_name = "CRATE")]
        krate: String,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
        /// The commit to take the stubs from (by default the one this branch started from)
        #[arg(long, value_name = "COMMIT")]
        from: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    common::cli::exit_code(run(cli))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let workspace = Workspace::locate()?;
    match cli.verb {
        None => status(&workspace),
        Some(Verb::Hint { krate, exercise }) => {
            workspace.check_crate(&krate)?;
            let n = parse_exercise(&exercise)?;
            println!("{}", workspace.hint(&krate, n)?);
            Ok(())
        }
        Some(Verb::Watch { krate }) => watch(&workspace, &krate),
        Some(Verb::Reset { krate, yes, from }) => reset(&workspace, &krate, yes, from.as_deref()),
    }
}

fn parse_exercise(text: &str) -> anyhow::Result<u32> {
    text.parse()
        .with_context(|| format!("{text:?} is not an exercise number"))
}

/// One row of the progress table.
struct Line {
    krate: String,
    progress: Progress,
    next: String,
    place: String,
    error: Option<String>,
}

/// The default verb: every crate's exercises solved out of total, and where to go next.
fn status(workspace: &Workspace) -> anyhow::Result<()> {
    let crates = workspace.crates();
    let bar = common::progress::bar(crates.len() as u64, "exercise tests");
    let mut lines = Vec::new();
    for krate in crates {
        bar.set_message(krate.clone());
        let declared = workspace.exercises_declared(krate)?;
        let run = workspace.run_tests(krate, &RunOptions::default())?;
        bar.inc(1);
        let (progress, error) = match run {
            TestRun::Ran { outcomes, .. } => (Progress::count(&declared, &outcomes), None),
            TestRun::DidNotCompile { error } => (Progress::count(&declared, &[]), Some(error)),
        };
        let (next, place) = match (&error, progress.next_unsolved()) {
            (Some(error), _) => (
                "does not compile".to_string(),
                logic::error_location(error).unwrap_or("").to_string(),
            ),
            (None, Some(n)) => {
                let name = workspace.exercise_name(krate, n).unwrap_or_default();
                let (file, line) = workspace.locate_exercise(krate, n);
                (
                    format!("{n} {name}").trim_end().to_string(),
                    format!("{}:{line}", file.display()),
                )
            }
            (None, None) => ("all solved".to_string(), String::new()),
        };
        lines.push(Line {
            krate: krate.clone(),
            progress,
            next,
            place,
            error,
        });
    }
    bar.finish_and_clear();
    print!("{}", render(&lines));

    for line in lines.iter().filter(|l| l.error.is_some()) {
        println!(
            "\n{} does not compile (counted as 0 solved); the first error:\n{}",
            line.krate,
            indent(line.error.as_deref().unwrap_or_default())
        );
    }
    let next = lines
        .iter()
        .find(|l| l.error.is_none() && l.progress.next_unsolved().is_some());
    match next {
        Some(line) => {
            let n = line.progress.next_unsolved().unwrap_or_default();
            let krate = &line.krate;
            println!("\nNext: exercise {n} of {krate}, at {}", line.place);
            println!("  test it:  cargo test -p {krate} --features exercises --test exercises");
            println!("  or:       cargo workshop watch {krate}");
            println!("  stuck?    cargo workshop hint {krate} {n}");
        }
        None if lines.iter().all(|l| l.error.is_none()) => println!("\nEvery exercise is solved."),
        None => {}
    }
    Ok(())
}

/// The table, aligned like the demos' tables: the crate on the left, counts on the right.
fn render(lines: &[Line]) -> String {
    let header = ["crate", "solved", "progress", "next exercise", "where"];
    let rows: Vec<[String; 5]> = lines
        .iter()
        .map(|l| {
            let (solved, total) = (l.progress.solved(), l.progress.total());
            [
                l.krate.clone(),
                format!("{solved}/{total}"),
                meter(solved, total, 10),
                l.next.clone(),
                l.place.clone(),
            ]
        })
        .collect();
    let width = |c: usize| {
        rows.iter()
            .map(|r| r[c].chars().count())
            .chain([header[c].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let format_row = |cells: [&str; 5]| {
        let mut out = String::new();
        for (c, cell) in cells.iter().enumerate() {
            let w = widths[c];
            let cell = if c == 1 {
                format!("{cell:>w$}")
            } else {
                format!("{cell:<w$}")
            };
            out.push_str(&cell);
            out.push_str("   ");
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = String::from("\n");
    out.push_str(&format_row(header));
    for r in &rows {
        out.push_str(&format_row([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    let (solved, total) = lines.iter().fold((0, 0), |(s, t), l| {
        (s + l.progress.solved(), t + l.progress.total())
    });
    let crates = match lines.len() {
        1 => "1 crate".to_string(),
        n => format!("{n} crates"),
    };
    out.push_str(&format!(
        "({solved} of {total} exercises solved, {crates})\n"
    ));
    out
}

/// `[####......]`: `solved` of `total` in `width` cells.
fn meter(solved: usize, total: usize, width: usize) -> String {
    let filled = (solved * width).checked_div(total).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(width - filled))
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `watch CRATE`: re-runs the crate's exercise tests on every save of its stubs' file.
///
/// The file is read every 200 ms and a save is a change of its content (see [`Saves`]); a run
/// starts once the content has held still for a poll, so a half-written file is not built. A
/// save during a run ends that run (cargo, and with it the test binary and its attempts: see
/// [`Running`]) and starts a new one. A run that fails to start or to finish, or a file that is
/// gone for a moment, is reported and the watch goes on.
fn watch(workspace: &Workspace, krate: &str) -> anyhow::Result<()> {
    workspace.check_crate(krate)?;
    let shown = workspace.exercises_file(krate);
    let file = workspace.root().join(&shown);
    println!(
        "Watching {} (Ctrl-C to stop): every save re-runs `cargo test -p {krate} --features exercises --test exercises`.",
        shown.display()
    );
    let options = RunOptions::default();
    let mut saves = Saves::default();
    let mut pending = false;
    let mut running: Option<(Running, Instant)> = None;
    loop {
        // An editor may replace the file on save, so for a moment it may not be there.
        let changed = saves.changed(std::fs::read(&file).ok().as_deref());
        if changed {
            pending = true;
        } else if pending {
            pending = false;
            if let Some((mut old, _)) = running.take() {
                old.end();
                println!(
                    "\n{} changed: the run is stopped, starting again.",
                    shown.display()
                );
            }
            println!("\n{krate}: testing...");
            match workspace
                .test_command(krate, &options)
                .and_then(Running::start)
            {
                Ok(run) => running = Some((run, Instant::now())),
                Err(e) => println!("{krate}: cannot run the tests: {e:#}"),
            }
        }
        if let Some((run, started)) = &mut running {
            let finished = match run.try_finish() {
                Ok(Some((success, stdout, stderr))) => {
                    report(workspace, krate, read_test_run(success, &stdout, &stderr));
                    true
                }
                Ok(None) if started.elapsed() > options.limit => {
                    run.end();
                    println!(
                        "{krate}: the run was still going after {} s, stopped.",
                        options.limit.as_secs()
                    );
                    true
                }
                Ok(None) => false,
                Err(e) => {
                    run.end();
                    println!("{krate}: cannot wait for the run: {e}");
                    true
                }
            };
            if finished {
                running = None;
                println!("waiting for changes to {}...", shown.display());
            }
        }
        thread::sleep(Duration::from_millis(200));
    }
}

/// One finished run, for `watch`: solved out of total, the first failure, the next exercise.
fn report(workspace: &Workspace, krate: &str, run: TestRun) {
    match run {
        TestRun::DidNotCompile { error } => {
            println!(
                "{krate} does not compile; the first error:\n{}",
                indent(&error)
            );
        }
        TestRun::Ran { outcomes, stdout } => {
            // Read again each time: the tests may have changed too.
            let declared = workspace.exercises_declared(krate).unwrap_or_default();
            let progress = Progress::count(&declared, &outcomes);
            let (solved, total) = (progress.solved(), progress.total());
            println!("{krate}: {solved} of {total} exercises solved");
            let next = progress.next_unsolved();
            if let Some(failure) = first_failure(&stdout, next, 6) {
                println!("the first failure:\n{}", indent(&failure));
            }
            if let Some(n) = next {
                let (file, line) = workspace.locate_exercise(krate, n);
                println!(
                    "next: exercise {n} at {}:{line} (stuck? `cargo workshop hint {krate} {n}`)",
                    file.display()
                );
            }
        }
    }
}

/// `reset CRATE`: backs the learner's file up, then puts back the stubs as shipped (the file at
/// the commit the learner started from, or at `--from`), after asking unless `--yes`.
fn reset(workspace: &Workspace, krate: &str, yes: bool, from: Option<&str>) -> anyhow::Result<()> {
    workspace.check_crate(krate)?;
    let file = workspace.exercises_file(krate);
    let declared = workspace.exercises_declared(krate)?;
    let plan = logic::plan_reset(workspace.root(), krate, &file, &declared, from)?;
    let commit = plan.short_commit().to_string();
    if plan.nothing_to_do() {
        println!(
            "{} already holds the stubs as of commit {commit}: nothing to do.",
            file.display()
        );
        return Ok(());
    }
    if !yes {
        print!(
            "Restore {} to its stubs as of commit {commit}? Your version is saved beside it first. [y/N] ",
            file.display()
        );
        std::io::stdout().flush()?;
        let mut answer = String::new();
        let stdin = std::io::stdin();
        if stdin.lock().read_line(&mut answer)? == 0 {
            println!();
            bail!("no answer on stdin: nothing was reset (--yes skips the question)");
        }
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            println!("Nothing was reset.");
            return Ok(());
        }
    }
    let saved = logic::apply_reset(workspace.root(), &plan, SystemTime::now())?;
    for backup in &saved {
        println!("saved: {}", backup.display());
    }
    println!(
        "{} is back to its stubs as of commit {} (file and index).",
        file.display(),
        plan.commit
    );
    Ok(())
}
