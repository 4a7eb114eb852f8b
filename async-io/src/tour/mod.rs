//! The measured story: one `run` per demo, calling the lessons inside its table and spans.

pub mod anatomy;
pub mod blocking;
pub mod c10k;
pub mod flags;
pub mod producer_consumer;
pub mod runtimes;
pub mod semaphore;
pub mod server_stats;
pub mod shutdown;
pub mod structured;
pub mod timeouts;
pub mod twin;
pub mod web;
