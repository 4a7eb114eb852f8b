//! The lessons: the code to copy, each file on its own (`cargo run -p thread-pool -- <demo>` runs
//! its tour). `flags` holds the download and the small scoped pool the other download lessons
//! reuse; `handmade` and `job_handle` are a reusable pool with a handle per job.

pub mod errors;
pub mod flags;
pub mod handmade;
pub mod job_handle;
pub mod race;
pub mod rayon_pools;
pub mod sweep;
