//! What every example crate shares, so that each demo file can stay one idea long.
//!
//! - [`cli`]: the shared command-line knobs (`--quick`, `--json`, `--seed`, `--count`, `--workers`,
//!   `--server`, `--latency-ms`, `--error-rate`, `--timeline`, `--trace`), narration that moves to
//!   stderr under `--json`, and the one-line `error: ...` exit.
//! - [`guard`]: the limit every exercise test runs under, so none can hang (the `workshop`
//!   command, `cargo workshop`, is a binary of this crate: `src/bin/workshop/`).
//! - [`timing`]: a stopwatch and a way to time a closure.
//! - [`report`]: the comparison table every demo ends with (or JSON rows under `--json`).
//! - [`spans`] and [`timeline`]: who ran what, when, drawn under a table (`--timeline`) or written
//!   for Perfetto (`--trace FILE`).
//! - [`progress`]: a progress bar that hides itself when nobody is watching.
//! - [`server`]: the fake HTTP server every network demo talks to, embedded or standalone.
//! - [`data`] and [`images`]: sample data (country codes, photo-like JPEGs, flag GIFs);
//!   [`work`]: sample CPU work (`is_prime`).

pub mod cli;
pub mod data;
pub mod guard;
pub mod images;
pub mod progress;
pub mod report;
pub mod server;
pub mod spans;
pub mod timeline;
pub mod timing;
pub mod work;

pub use cli::CommonArgs;
pub use report::{Outcomes, Row, Table};
pub use server::{FakeServer, Faults, Server, ServerConfig};
pub use timing::{Stopwatch, timed};
