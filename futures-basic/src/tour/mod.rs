//! The tours: each demo's table, timings and "What was claimed" checks, around its lesson.
pub mod blocking;
pub mod callbacks;
pub mod countdown;
pub mod handwritten;
pub mod lazy;
pub mod thread_pool_executor;
