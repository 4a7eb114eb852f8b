//! # rayon: pools for CPU work, and why blocking I/O does not belong on them
//!
//! Python: `ProcessPoolExecutor` for CPU work (the GIL), `ThreadPoolExecutor` for I/O, and the
//! advice to size each for its job.
//!
//! Rust: rayon's `par_iter` runs CPU work on its global pool (one thread per core), or on a
//! `ThreadPoolBuilder` pool of the size you choose (`pool.install(|| ...)`), with the same code.
//! But rayon assumes its jobs compute: a job blocked on the network holds its thread, so on the
//! global pool at most one request per core is in flight. Blocking I/O wants a pool sized for
//! I/O (here a rayon pool with a thread per item; any thread pool would do).
//!
//! Run: `cargo run -p thread-pool -- rayon --workers 1` (`--workers` sizes the built CPU pool;
//! `--count` and `--latency-ms` shape the I/O part; `--release` for real CPU numbers)
//!
//! Look for: the same prime count on every CPU row, the global pool up to `cores` times faster
//! than sequential and the built pool (half the cores by default, leaving the rest to other
//! work) in proportion to its size, on an idle machine (programs busy on the same cores eat the
//! gain); in the I/O table, the global pool's peak in flight equal to its thread count and its
//! wall time about `count / threads` download-plus-upload round trips, against about one for
//! the pool sized for I/O.

use rayon::prelude::{IntoParallelIterator, IntoParallelRefIterator, ParallelIterator};

use crate::lessons::flags::get_flag;

/// Whether `n` is prime, by trial division with odd divisors: plain CPU work on purpose (no
/// cache, no sieve), so it scales with cores and nothing else.
pub fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n.is_multiple_of(2) {
        return false;
    }
    let mut d = 3;
    while d * d <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// Counts the primes below `limit` with rayon, on whatever pool this runs in.
pub fn count_primes(limit: u64) -> usize {
    (0..limit).into_par_iter().filter(|&n| is_prime(n)).count()
}

/// One item of the I/O job: where to download a flag from, and where to upload it again.
#[derive(Debug, Clone)]
pub struct Transfer {
    pub download: String,
    pub upload: String,
}

/// Downloads one flag, then uploads it again. Blocking, like `requests`.
pub fn transfer(agent: &ureq::Agent, item: &Transfer) -> Result<(), ureq::Error> {
    let flag = get_flag(agent, &item.download)?;
    agent.put(&item.upload).send(&flag[..])?;
    Ok(())
}

/// The I/O job on whatever rayon pool this runs in; the number of items that failed.
pub fn transfer_all(agent: &ureq::Agent, items: &[Transfer]) -> u64 {
    items
        .par_iter()
        .filter(|item| transfer(agent, item).is_err())
        .count() as u64
}
