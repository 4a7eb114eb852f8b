//! The `spawn` demo's tour: the child's answer to a good input and to a bad one, and checks.

use std::path::Path;
use std::time::Instant;

use common::{CommonArgs, say};

use crate::lessons::spawn::sum_in_child;

pub fn run(args: &CommonArgs, exe: &Path) -> anyhow::Result<()> {
    // Step 1: enough numbers that the input is larger than a pipe's buffer (64 KiB on Linux).
    let n = args.count_or(100_000, 20_000) as u64;
    let input: String = (1..=n).map(|i| format!("{i} ")).collect();
    say!(
        "parent {}: sending 1..={n} ({} KiB) to a child",
        std::process::id(),
        input.len() / 1024
    );
    let watch = Instant::now();
    let good = sum_in_child(exe, input)?;
    say!(
        "child answered {:?} with {} after {:.1} ms",
        good.stdout,
        good.status,
        watch.elapsed().as_secs_f64() * 1e3
    );

    // Step 2: the same child, given a word it cannot parse, fails with a one-line error.
    let bad = sum_in_child(exe, "1 2 three".to_string())?;
    say!(
        "child given \"1 2 three\": {}, stderr {:?}",
        bad.status,
        bad.stderr
    );

    // What was claimed, checked.
    anyhow::ensure!(good.status.success(), "the child failed: {}", good.stderr);
    anyhow::ensure!(
        good.stdout == (n * (n + 1) / 2).to_string(),
        "wrong sum {}",
        good.stdout
    );
    anyhow::ensure!(
        bad.status.code() == Some(1),
        "bad input gave {}",
        bad.status
    );
    anyhow::ensure!(bad.stderr.starts_with("error: ") && bad.stderr.lines().count() == 1);
    Ok(())
}
