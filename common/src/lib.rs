//! The workspace's one shared crate, in the design card's words: "a tiny shared `common` crate
//! provides the timing and fake-server helpers". That, and the command line every crate shares,
//! is all it holds: no lesson lives here (a lesson file must compile without `common`, and
//! `.ci/lessons` checks it), and the workshop's tooling is the `workshop` crate.
//!
//! - [`cli`]: the shared command-line knobs (`--quick`, `--json`, `--seed`, `--count`, `--workers`,
//!   `--server`, `--latency-ms`, `--error-rate`, `--timeline`, `--trace`, `--python`), narration that moves to
//!   stderr under `--json`, and the one-line `error: ...` exit.
//! - [`timing`]: timing a closure, and calibrating a CPU job to a wall time.
//! - [`report`]: the comparison table every demo ends with (or JSON rows under `--json`).
//! - [`spans`] and [`timeline`]: who ran what, when, drawn under a table (`--timeline`) or written
//!   for Perfetto (`--trace FILE`).
//! - [`progress`]: a progress bar that hides itself when nobody is watching.
//! - [`server`] (the default feature `server`): the fake HTTP server every network demo talks to,
//!   embedded or standalone, with [`images`], the photos and flags it encodes.
//! - [`data`]: sample data (the 194 country codes).
//! - [`python`]: `--python`, each demo's Python twin run against the same server, its rows in
//!   the same table (`Python: ...`).

pub mod cli;
pub mod data;
#[cfg(feature = "server")]
pub mod images;
pub mod progress;
pub mod python;
pub mod report;
#[cfg(feature = "server")]
pub mod server;
pub mod spans;
pub mod timeline;
pub mod timing;

pub use cli::CommonArgs;
pub use report::{Outcomes, Row, Table};
#[cfg(feature = "server")]
pub use server::{FakeServer, Faults, Server, ServerConfig};
pub use timing::timed;
