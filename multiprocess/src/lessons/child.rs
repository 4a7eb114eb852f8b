//! # A child process that is always reaped: killed and waited for on every path
//!
//! Python: `subprocess.run(cmd, timeout=5)` kills and waits for the child on any exception,
//! and `with subprocess.Popen(cmd) as p:` waits for it when the block ends.
//!
//! Rust: a `std::process::Child` does neither when it is dropped: it keeps running, and once it
//! exits it stays a zombie (an entry in the process table) until this program ends. So every
//! child here is held by a [`Reaped`] from the moment it is spawned. Any way out of the function
//! that holds it, an early return by `?`, a timeout, a panic, kills the child and waits for it;
//! [`Reaped::wait`] and [`Reaped::wait_with_output`] are the normal end. Between the two, it
//! derefs to the `Child`, so `child.stdin.take()` and `child.try_wait()` work as usual.
//!
//! Run: `cargo run -p multiprocess -- cost` (and every other demo: each child is held by one)
//!
//! Look for: nothing left behind: while and after the tour runs, `ps` shows no `<defunct>`
//! child of it, even in the demos where children fail on purpose.

use std::io;
use std::ops::{Deref, DerefMut};
use std::process::{Child, Command, ExitStatus, Output};

/// A child process that is killed and waited for when dropped.
#[derive(Debug)]
pub struct Reaped(Option<Child>);

impl Reaped {
    /// Starts `command`; from here on the child cannot be left behind.
    pub fn spawn(command: &mut Command) -> io::Result<Reaped> {
        command.spawn().map(Reaped::from)
    }

    /// Waits for the child to exit, closing its stdin first (a child that reads to the end of
    /// its input would otherwise wait for us while we wait for it).
    pub fn wait(mut self) -> io::Result<ExitStatus> {
        self.deref_mut().wait()
    }

    /// Closes its stdin, reads its stdout and stderr to the end, then waits for it.
    pub fn wait_with_output(mut self) -> io::Result<Output> {
        let child = self
            .0
            .take()
            .expect("a Reaped holds its child until it is consumed");
        child.wait_with_output()
    }
}

impl From<Child> for Reaped {
    fn from(child: Child) -> Reaped {
        Reaped(Some(child))
    }
}

impl Deref for Reaped {
    type Target = Child;

    fn deref(&self) -> &Child {
        self.0
            .as_ref()
            .expect("a Reaped holds its child until it is consumed")
    }
}

impl DerefMut for Reaped {
    fn deref_mut(&mut self) -> &mut Child {
        self.0
            .as_mut()
            .expect("a Reaped holds its child until it is consumed")
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            // After a successful `wait`, std remembers the status: `kill` sends nothing (the pid
            // may already belong to another process) and `wait` returns at once.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
