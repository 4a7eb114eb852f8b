//! The lessons: each file is a snippet to copy (with `worker` and `process_pool`, its pool).

pub mod abort;
pub mod child;
pub mod cost;
pub mod crash;
pub mod executors;
pub mod pool;
pub mod primes;
pub mod process_pool;
pub mod spawn;
pub mod worker;
