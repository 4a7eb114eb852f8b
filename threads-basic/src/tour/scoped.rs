//! The tour of [`crate::lessons::scoped`]: borrowed lines counted on four threads, and a local
//! array filled by two.

use common::{CommonArgs, say};

use crate::lessons::scoped::{count_words, fill_halves};

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let n = args.count_or(4_000, 400);
    let lines: Vec<String> = (0..n)
        .map(|i| "the quick brown fox ".repeat(1 + i % 3))
        .collect();

    let per_thread = count_words(&lines, 4);
    let total: usize = per_thread.iter().sum();
    say!("{n} lines, words per thread: {per_thread:?}, total {total}");

    let squares = fill_halves();
    say!("two threads filled the halves of a local array: {squares:?}");

    // What was claimed, checked against a single-threaded count.
    let expected: usize = lines.iter().map(|l| l.split_whitespace().count()).sum();
    anyhow::ensure!(total == expected, "counted {total}, expected {expected}");
    anyhow::ensure!(squares == [0, 1, 4, 9, 16, 25, 36, 49], "{squares:?}");
    Ok(())
}
