//! # CPU-bound work scales with threads in Rust
//!
//! Python: splitting a CPU loop across `Thread`s does not make it faster: the GIL lets one thread
//! run Python code at a time, so the talks reach for processes instead. Free-threaded CPython
//! (PEP 703: experimental as `python3.13t`, supported but optional since 3.14) removes the GIL
//! and lets such threads scale, but the default build still has it.
//!
//! Rust: there is no GIL. Threads run on every core at once, so N threads on N cores finish the
//! same computation about N times faster, with no processes and no copying of data.
//!
//! Run: `cargo run -p threads-basic -- cpu` (add `--release` for real numbers; `--workers N`
//! changes the thread count)
//!
//! Look for: the speedup column approaching the number of cores, and the same prime count on
//! every row.

use std::thread;

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

/// Counts the primes below `limit` with `threads` threads. The numbers are dealt out in blocks
/// of 1,000, round robin, so every thread gets its share of the expensive large numbers.
pub fn count_primes(limit: u64, threads: usize) -> u64 {
    const BLOCK: u64 = 1_000;
    let threads = threads.max(1) as u64;
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let blocks = (t * BLOCK..limit).step_by((threads * BLOCK) as usize);
                    blocks
                        .flat_map(|start| start..(start + BLOCK).min(limit))
                        .filter(|&n| is_prime(n))
                        .count() as u64
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
