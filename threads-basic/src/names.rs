//! # Thread names and `thread::Builder`
//!
//! Python: `Thread(target=work, name="downloader-1")`, and inside the thread
//! `threading.current_thread().name`.
//!
//! Rust: `thread::spawn` makes an unnamed thread; `thread::Builder` sets a name (shown in panic
//! messages and debuggers) and a stack size, and returns a `Result`, because the OS may refuse
//! to create a thread. The name is read inside with `thread::current().name()`.
//!
//! Run: `cargo run -p threads-basic -- names`
//!
//! Look for: each thread printing its own name, the unnamed one printing `None`, and the main
//! thread's name, which is `main`.

use std::thread;

use anyhow::{Context, anyhow};
use common::{CommonArgs, say};

/// Starts a thread per name with `Builder`, and returns the name each thread saw from inside.
pub fn names_seen_inside(names: &[&str], stack_size: usize) -> anyhow::Result<Vec<String>> {
    let mut handles = Vec::new();
    for name in names {
        // `Builder::spawn` returns `io::Result`: creating a thread can fail.
        let handle = thread::Builder::new()
            .name(name.to_string())
            .stack_size(stack_size)
            .spawn(|| {
                let me = thread::current();
                let name = me.name().unwrap_or("<unnamed>").to_string();
                say!("  hello from inside {name:?} (id {:?})", me.id());
                name
            })
            .with_context(|| format!("could not start thread {name}"))?;
        handles.push(handle);
    }
    handles
        .into_iter()
        .map(|h| h.join().map_err(|_| anyhow!("a named thread panicked")))
        .collect()
}

pub fn run(_args: &CommonArgs) -> anyhow::Result<()> {
    say!("main thread is called {:?}", thread::current().name());

    let unnamed = thread::spawn(|| thread::current().name().map(str::to_string));
    let seen = unnamed
        .join()
        .map_err(|_| anyhow!("the unnamed thread panicked"))?;
    say!("a thread from thread::spawn is called {seen:?}");

    let names = ["downloader-1", "downloader-2", "resizer"];
    say!("three threads from thread::Builder, with 256 KiB stacks:");
    let seen = names_seen_inside(&names, 256 * 1024)?;

    // What was claimed: every thread saw its own name.
    anyhow::ensure!(seen == names, "threads saw {seen:?}");
    say!("every thread saw the name it was given");
    Ok(())
}
