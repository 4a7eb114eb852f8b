//! # The bank: a race condition in safe Rust, then two ways to lock it away
//!
//! Python: 5 threads each make 10,000 random transfers between accounts; `balance -= amount`
//! and `balance += amount` are read-modify-write steps, and a thread switched out between the
//! read and the write loses the other's update. On CPython 3.10 and later (with the GIL) that
//! race rarely shows: the interpreter hands the GIL over only at calls and backward jumps, not
//! inside `balance -= amount`, so the talk's bank usually keeps its total unless a switch is
//! forced there (`time.sleep(0)` between the read and the write breaks it on every run); a
//! free-threaded build (3.13t, 3.14t) loses updates readily. `with lock:` around each transfer
//! keeps the total on every build.
//!
//! Rust: the compiler refuses a *data* race, so the racy bank has to use atomics: every balance is
//! an `AtomicI64`, but a transfer loads both balances and stores them back in separate steps.
//! No undefined behaviour, yet updates are lost: a *race condition*, which no compiler prevents.
//! The first transfer of every thread is made to read before any thread writes (a `Barrier` in
//! the window between load and store), so the total breaks on every run, not only on unlucky
//! ones. [`crate::lessons::bank_locks`] then makes the same transfers under locks.
//!
//! Run: `cargo run -p sync-primitives -- bank --threads 5 --transfers 10000`
//!
//! Look for: the racy bank already wrong after the forced first round (+400 with 5 threads, on
//! every run), and its final "money made" changing from run to run as more races pile up.

use std::sync::Barrier;
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
use std::thread;

/// Accounts in the bank and what each holds at the start.
pub const ACCOUNTS: usize = 10;
pub const OPENING_BALANCE: i64 = 1_000;

/// Moves `amount` from account `from` to account `to` (never the same account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    pub from: usize,
    pub to: usize,
    pub amount: i64,
}

/// The transfers each thread will make: `threads` lists of `per_thread`, from a seed. The first
/// transfer of thread `t` moves 100 from account 0 to account `1 + t % (accounts - 1)`: all
/// threads start on the same account, which is what the racy bank's barrier exploits.
pub fn plan(accounts: usize, threads: usize, per_thread: usize, seed: u64) -> Vec<Vec<Transfer>> {
    assert!(accounts >= 3, "the plan needs at least 3 accounts");
    let mut rng = seed;
    (0..threads)
        .map(|t| {
            let first = Transfer {
                from: 0,
                to: 1 + t % (accounts - 1),
                amount: 100,
            };
            let random = (1..per_thread).map(|_| {
                let from = next(&mut rng) as usize % accounts;
                let to = (from + 1 + next(&mut rng) as usize % (accounts - 1)) % accounts;
                let amount = 1 + (next(&mut rng) % 100) as i64;
                Transfer { from, to, amount }
            });
            std::iter::once(first)
                .chain(random)
                .take(per_thread)
                .collect()
        })
        .collect()
}

/// splitmix64: a tiny, good-enough random number generator, so the plan repeats from a seed.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What the racy bank ends with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RacyOutcome {
    /// The bank's total right after every thread's first (forced) transfer.
    pub total_after_first: i64,
    pub balances: Vec<i64>,
}

/// No lock: load both balances, then store both.
pub fn racy(accounts: usize, plan: &[Vec<Transfer>]) -> RacyOutcome {
    let balances: &Vec<AtomicI64> = &(0..accounts)
        .map(|_| AtomicI64::new(OPENING_BALANCE))
        .collect();
    let total = || balances.iter().map(|b| b.load(Relaxed)).sum::<i64>();
    let everyone_has_read = &Barrier::new(plan.len());
    let everyone_has_written = &Barrier::new(plan.len());
    let total_after_first = &AtomicI64::new(0);
    thread::scope(|s| {
        for transfers in plan {
            s.spawn(move || {
                for (i, t) in transfers.iter().enumerate() {
                    let from = balances[t.from].load(Relaxed);
                    let to = balances[t.to].load(Relaxed);
                    // Another thread may read the same old balances here. For the first
                    // transfer we make sure they all do, so the race shows on every run.
                    if i == 0 {
                        everyone_has_read.wait();
                    }
                    balances[t.from].store(from - t.amount, Relaxed);
                    balances[t.to].store(to + t.amount, Relaxed);
                    // After the first round, one thread takes the total while the others wait.
                    if i == 0 {
                        if everyone_has_written.wait().is_leader() {
                            total_after_first.store(total(), Relaxed);
                        }
                        everyone_has_written.wait();
                    }
                }
            });
        }
    });
    RacyOutcome {
        total_after_first: total_after_first.load(Relaxed),
        balances: balances.iter().map(|b| b.load(Relaxed)).collect(),
    }
}
