//! The tour of [`crate::lessons::names`]: the main thread's name, an unnamed thread's, and
//! three named ones.

use std::thread;

use common::{CommonArgs, say};

use crate::lessons::names::{names_seen_inside, unnamed_thread_name};

pub fn run(_args: &CommonArgs) -> anyhow::Result<()> {
    say!("main thread is called {:?}", thread::current().name());

    let seen = unnamed_thread_name()?;
    say!("a thread from thread::spawn is called {seen:?}");

    let names = ["downloader-1", "downloader-2", "resizer"];
    say!("three threads from thread::Builder, with 256 KiB stacks:");
    let seen = names_seen_inside(&names, 256 * 1024)?;
    for s in &seen {
        say!("  hello from inside {:?} (id {:?})", s.name, s.id);
    }

    // What was claimed: every thread saw its own name.
    let seen: Vec<&str> = seen.iter().map(|s| s.name.as_str()).collect();
    anyhow::ensure!(seen == names, "threads saw {seen:?}");
    say!("every thread saw the name it was given");
    Ok(())
}
