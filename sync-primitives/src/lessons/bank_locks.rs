//! # The bank, locked: one global `Mutex`, or one per account taken in order
//!
//! Python: `with bank_lock:` around each transfer keeps the total; a lock per account lets
//! transfers between different accounts run at once, but two threads taking `a` then `b` and `b`
//! then `a` can wait for each other forever, so every thread takes the lower account first.
//!
//! Rust: the same transfers as the racy bank of [`crate::lessons::bank`], under one `Mutex`
//! around every balance, then under one `Mutex` per account, always locked lowest account first
//! so two transfers can never wait for each other in a circle. A `Mutex` owns its balance, so
//! no code can touch a balance without its lock. A transfer never panics half-way, so a lock
//! poisoned by some other panic still guards a consistent balance, and it is used as it is.
//!
//! Run: `cargo run -p sync-primitives -- bank --threads 5 --transfers 10000`
//!
//! Look for: both locked rows keeping the total exactly, and what the locks cost in wall time
//! beside the racy row.

use std::sync::{Mutex, PoisonError};
use std::thread;

use crate::lessons::bank::{OPENING_BALANCE, Transfer};

/// One `Mutex` around the whole bank: every transfer waits for every other.
pub fn global_lock(accounts: usize, plan: &[Vec<Transfer>]) -> Vec<i64> {
    let bank = Mutex::new(vec![OPENING_BALANCE; accounts]);
    thread::scope(|s| {
        for transfers in plan {
            let bank = &bank;
            s.spawn(move || {
                for t in transfers {
                    // A transfer never panics mid-way, so a poisoned bank is still consistent.
                    let mut balances = bank.lock().unwrap_or_else(PoisonError::into_inner);
                    balances[t.from] -= t.amount;
                    balances[t.to] += t.amount;
                }
            });
        }
    });
    bank.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// A transfer refused because it names the same account twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SameAccount(pub usize);

impl std::fmt::Display for SameAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a transfer from account {0} to account {0} was refused",
            self.0
        )
    }
}

impl std::error::Error for SameAccount {}

/// Makes one transfer between accounts that each have their own `Mutex`, the lower-numbered
/// account always locked first, so no two transfers can wait for each other in a circle. A
/// transfer from an account to itself is refused before anything is locked: locking the same
/// `Mutex` twice on one thread never returns (std's docs: it may deadlock or panic).
pub fn transfer(balances: &[Mutex<i64>], t: &Transfer) -> Result<(), SameAccount> {
    if t.from == t.to {
        return Err(SameAccount(t.from));
    }
    let lock = |i: usize| balances[i].lock().unwrap_or_else(PoisonError::into_inner);
    let (mut from, mut to) = if t.from < t.to {
        let from = lock(t.from);
        (from, lock(t.to))
    } else {
        let to = lock(t.to);
        (lock(t.from), to)
    };
    *from -= t.amount;
    *to += t.amount;
    Ok(())
}

/// One `Mutex` per account, each [`transfer`] locking its two in order: transfers between
/// different accounts run in parallel. A refused transfer stops its thread and is the error.
pub fn per_account_locks(accounts: usize, plan: &[Vec<Transfer>]) -> Result<Vec<i64>, SameAccount> {
    let balances: Vec<Mutex<i64>> = (0..accounts).map(|_| Mutex::new(OPENING_BALANCE)).collect();
    thread::scope(|s| {
        let workers: Vec<_> = plan
            .iter()
            .map(|transfers| {
                let balances = &balances;
                s.spawn(move || transfers.iter().try_for_each(|t| transfer(balances, t)))
            })
            .collect();
        // A worker that panicked re-raises its panic here, unchanged.
        workers
            .into_iter()
            .try_for_each(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    })?;
    Ok(balances
        .into_iter()
        .map(|m| m.into_inner().unwrap_or_else(PoisonError::into_inner))
        .collect())
}
