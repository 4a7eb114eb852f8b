//! The tours: each demo's measured run, with the fake server, the table and the checks of what
//! its lesson claims.

pub mod concurrency_vs_parallelism;
pub mod cpu;
pub mod daemon;
pub mod join_all;
pub mod names;
pub mod scoped;
pub mod spawn;
pub mod spinner;
pub mod worker;
