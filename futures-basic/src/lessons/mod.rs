//! The lessons: one idea per file, each compiling on its own with std, futures and futures-timer.
pub mod blocking;
pub mod callbacks;
pub mod countdown;
pub mod executor;
pub mod lazy;
pub mod thread_pool_executor;
pub mod timer;
