//! Where you are in the workshop's exercises, and help with the next one.
//!
//! ```text
//! cargo workshop                        # every crate: exercises solved, and the next one
//! cargo workshop hint threads-basic 4   # the near-answer for one exercise
//! cargo workshop watch threads-basic    # re-run its tests whenever src/exercises.rs changes
//! cargo workshop reset threads-basic    # restore its stubs from git (asks first)
//! ```
//!
//! `cargo workshop` is an alias (in `.cargo/config.toml`) for
//! `cargo run -q -p workshop --`. Progress comes from running each crate's exercise
//! tests against the attendee's stubs (`cargo test -p CRATE --features exercises --test
//! exercises`), one crate at a time: the first run builds each crate once more with that feature.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::thread;
use std::time::{Duration, SystemTime};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use workshop::logic::{self, Progress, RunOptions, TestRun, Workspace, first_failure};

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
    /// Restore CRATE's stubs (src/exercises.rs) from git, after asking
    Reset {
        #[arg(value_name = "CRATE")]
        krate: String,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
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
        Some(Verb::Reset { krate, yes }) => reset(&workspace, &krate, yes),
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

/// `watch CRATE`: re-runs the crate's exercise tests on every change to its stubs' file.
fn watch(workspace: &Workspace, krate: &str) -> anyhow::Result<()> {
    workspace.check_crate(krate)?;
    let file = workspace.root().join(workspace.exercises_file(krate));
    // An editor may replace the file on save, so for a moment it may not be there: try again.
    let modified =
        |file: &Path| -> Option<SystemTime> { std::fs::metadata(file).ok()?.modified().ok() };
    let declared = workspace.exercises_declared(krate)?;
    println!(
        "Watching {} (Ctrl-C to stop): every save re-runs `cargo test -p {krate} --features exercises --test exercises`.",
        workspace.exercises_file(krate).display()
    );
    let mut seen = None;
    loop {
        let now = modified(&file);
        if now.is_some() && seen != now {
            seen = now;
            println!("\n{krate}: testing...");
            match workspace.run_tests(krate, &RunOptions::default())? {
                TestRun::DidNotCompile { error } => {
                    println!(
                        "{krate} does not compile; the first error:\n{}",
                        indent(&error)
                    );
                }
                TestRun::Ran { outcomes, stdout } => {
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
            println!(
                "waiting for changes to {}...",
                workspace.exercises_file(krate).display()
            );
        }
        thread::sleep(Duration::from_millis(500));
    }
}

/// `reset CRATE`: puts the stubs back as the last commit has them, after asking unless `--yes`.
fn reset(workspace: &Workspace, krate: &str, yes: bool) -> anyhow::Result<()> {
    workspace.check_crate(krate)?;
    let file = workspace.exercises_file(krate);
    let unchanged = Command::new("git")
        .current_dir(workspace.root())
        .args(["diff", "--quiet", "HEAD", "--"])
        .arg(&file)
        .status()
        .context("cannot run git")?;
    if unchanged.success() {
        println!("{} has no changes to undo.", file.display());
        return Ok(());
    }
    if !yes {
        print!(
            "Restore {} from git? Your changes to it will be lost. [y/N] ",
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
    let output = Command::new("git")
        .current_dir(workspace.root())
        .args(["checkout", "HEAD", "--"])
        .arg(&file)
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr);
        bail!("git checkout failed: {}", message.trim());
    }
    println!("{} is back to its stubs.", file.display());
    Ok(())
}
