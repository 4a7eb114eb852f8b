//! The snippets to copy: each file compiles on its own with the crate's dependencies it names.

pub mod anatomy;
pub mod blocking;
pub mod c10k;
pub mod c10k_threads;
pub mod cpu_jobs;
pub mod flags;
pub mod mutex_across_await;
pub mod producer_consumer;
pub mod races;
pub mod runtimes;
pub mod semaphore;
pub mod shutdown;
pub mod structured;
pub mod timeouts;
pub mod web;
pub mod web_async;
pub mod web_blocking;
pub mod web_http;
pub mod web_pool;
pub mod web_upstream;
