//! The lessons: the code to copy, each file on its own (`cargo run -p threads-basic -- <demo>`
//! runs its tour).

pub mod concurrency_vs_parallelism;
pub mod cpu;
pub mod daemon;
pub mod join_all;
pub mod names;
pub mod scoped;
pub mod spawn;
pub mod spinner;
pub mod worker;
