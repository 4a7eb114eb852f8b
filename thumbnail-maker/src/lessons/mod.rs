//! The lessons: the five ways to make thumbnails, and the steps they share.

pub mod async_tokio;
pub mod batch;
pub mod on_rayon;
pub mod outcome;
pub mod pipeline;
pub mod rayon_pool;
pub mod retry;
pub mod save;
pub mod semaphore;
pub mod sequential;
pub mod stages;
pub mod threads;
