//! The tours: each demo's measured story (tables, timelines, the checks) around its lessons.

pub mod cost;
pub mod crash;
pub mod executors;
pub mod pool;
pub mod primes;
pub mod spawn;
