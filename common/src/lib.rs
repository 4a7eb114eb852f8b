//! What every example crate shares, so that each demo file can stay one idea long.
//!
//! - [`cli`]: the shared command-line knobs (`--quick`, `--json`, `--seed`, `--count`, `--workers`,
//!   `--server`, `--latency-ms`, `--error-rate`), narration that moves to stderr under `--json`,
//!   and the one-line `error: ...` exit.
//! - [`timing`]: a stopwatch and a way to time a closure.
//! - [`report`]: the comparison table every demo ends with (or JSON rows under `--json`).
//! - [`progress`]: a progress bar that hides itself when nobody is watching.
//! - [`data`]: sample data (the country codes of the flags demos).

pub mod cli;
pub mod data;
pub mod progress;
pub mod report;
pub mod timing;

pub use cli::CommonArgs;
pub use report::{Outcomes, Row, Table};
pub use timing::{Stopwatch, timed};
