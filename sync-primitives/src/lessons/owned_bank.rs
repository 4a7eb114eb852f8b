//! # A resource owned by one thread, fed through a queue instead of a lock
//!
//! Python: a thread that owns a resource (a file, a socket, the bank) reads requests from a
//! `queue.Queue`, so no other thread ever touches the resource and no lock is needed.
//!
//! Rust: the owner thread takes the balances by value, so the compiler itself keeps every other
//! thread away from them; the others hold only a crossbeam `Sender`. The owner's loop ends when
//! the last sender is dropped, and it hands the balances back through its `JoinHandle`.
//!
//! Run: `cargo run -p sync-primitives -- channels`
//!
//! Look for: the bank owned by one thread keeping its total with no lock at all.

use std::thread;

use anyhow::anyhow;
use crossbeam_channel::bounded;

use crate::lessons::bank::{OPENING_BALANCE, Transfer};

/// The bank owned by one thread: other threads send it transfers instead of taking a lock.
/// Returns the balances, sent back when every sender is dropped.
pub fn owned_bank(accounts: usize, plan: &[Vec<Transfer>]) -> anyhow::Result<Vec<i64>> {
    let (tx, rx) = bounded::<Transfer>(1024);
    let owner = thread::spawn(move || {
        let mut balances = vec![OPENING_BALANCE; accounts]; // nobody else can reach these
        for t in rx {
            balances[t.from] -= t.amount;
            balances[t.to] += t.amount;
        }
        balances
    });
    thread::scope(|s| {
        for transfers in plan {
            let tx = tx.clone();
            s.spawn(move || transfers.iter().try_for_each(|t| tx.send(*t)));
        }
    });
    drop(tx);
    owner
        .join()
        .map_err(|_| anyhow!("the bank's thread panicked"))
}
