//! The tours: each demo's table, timings and "What was claimed" checks, around its lessons.
pub mod bank;
pub mod channels;
pub mod deadlock;
pub mod primitives;
pub mod send_sync;
pub mod spinlock;
pub mod starvation;
