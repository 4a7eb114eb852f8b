//! # The bank: a race condition in safe Rust, then two ways to lock it away
//!
//! Python: 5 threads each make 10,000 random transfers between accounts; `balance -= amount`
//! and `balance += amount` are read-modify-write steps, threads interleave between the read and
//! the write, and the bank's total drifts. `with lock:` around each transfer fixes it.
//!
//! Rust refuses to compile a *data* race, so the racy bank has to use atomics: every balance is
//! an `AtomicI64`, but a transfer loads both balances and stores them back in separate steps.
//! No undefined behaviour, yet updates are lost: a *race condition*, which no compiler prevents.
//! The first transfer of every thread is made to read before any thread writes (a `Barrier` in
//! the window between load and store), so the total breaks on every run, not only on unlucky
//! ones. Then the same transfers under one global `Mutex`, and under one `Mutex` per account,
//! always taken lowest account first so two transfers can never wait for each other in a circle.
//!
//! Run: `cargo run -p sync-primitives -- bank --threads 5 --transfers 10000`
//!
//! Look for: the racy bank already wrong after the forced first round (+400 with 5 threads, on
//! every run), its final "money made" changing from run to run as more races pile up, both
//! locked rows keeping the total exactly, and what the locks cost in wall time.

use std::sync::atomic::{AtomicI64, Ordering::Relaxed};
use std::sync::{Barrier, Mutex, PoisonError};
use std::thread;

use common::{CommonArgs, Row, Table, say, timed};

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

pub fn run(args: &CommonArgs, threads: usize, transfers: usize) -> anyhow::Result<()> {
    let plan = plan(ACCOUNTS, threads, transfers, args.seed);
    let expected = ACCOUNTS as i64 * OPENING_BALANCE;
    say!("{ACCOUNTS} accounts of {OPENING_BALANCE}, {threads} threads x {transfers} transfers");
    say!("the bank's total must stay {expected}");

    let mut table = Table::new("bank", args).bar_on("money made");
    let row = |name: &str, balances: &[i64], wall| {
        let total: i64 = balances.iter().sum();
        say!("{name:<31} total {total:>6}  ({:+} made)", total - expected);
        Row::new(name, threads * transfers, wall)
            .workers(threads)
            .extra("total", total)
            .extra("money made", total - expected)
    };

    let (racy, wall) = timed(|| racy(ACCOUNTS, &plan));
    table.push(row("racy (atomic load, then store)", &racy.balances, wall));
    let (global, wall) = timed(|| global_lock(ACCOUNTS, &plan));
    table.push(row("one global Mutex", &global, wall));
    let (ordered, wall) = timed(|| per_account_locks(ACCOUNTS, &plan));
    let ordered = ordered?;
    table.push(row("a Mutex per account, in order", &ordered, wall));
    table.print();

    // What was claimed: the forced first round breaks the racy total whenever two threads race
    // (later races add or take away more, at random); the locked banks keep it exactly.
    let forced = racy.total_after_first - expected;
    say!("the racy bank was already {forced:+} after the forced first round");
    if threads < 2 {
        say!("with one thread there is nobody to race with: the racy bank is right by luck");
    }
    anyhow::ensure!(threads < 2 || forced != 0, "the racy bank kept its total");
    for balances in [&global, &ordered] {
        let total: i64 = balances.iter().sum();
        anyhow::ensure!(total == expected, "a locked bank ended with {total}");
    }
    Ok(())
}
