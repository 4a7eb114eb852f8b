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

use std::thread::{self, ThreadId};

use anyhow::{Context, anyhow};

/// What a thread saw of itself, from inside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub name: String,
    pub id: ThreadId,
}

/// Starts a thread per name with `Builder`, and returns what each thread saw from inside.
pub fn names_seen_inside(names: &[&str], stack_size: usize) -> anyhow::Result<Vec<Seen>> {
    let mut handles = Vec::new();
    for name in names {
        // `Builder::spawn` returns `io::Result`: creating a thread can fail.
        let handle = thread::Builder::new()
            .name(name.to_string())
            .stack_size(stack_size)
            .spawn(|| {
                let me = thread::current();
                let name = me.name().unwrap_or("<unnamed>").to_string();
                Seen { name, id: me.id() }
            })
            .with_context(|| format!("could not start thread {name}"))?;
        handles.push(handle);
    }
    handles
        .into_iter()
        .map(|h| h.join().map_err(|_| anyhow!("a named thread panicked")))
        .collect()
}

/// The name a thread from plain `thread::spawn` has: none.
pub fn unnamed_thread_name() -> anyhow::Result<Option<String>> {
    let unnamed = thread::spawn(|| thread::current().name().map(str::to_string));
    unnamed
        .join()
        .map_err(|_| anyhow!("the unnamed thread panicked"))
}
