//! The Python twins (`python/*.py`) under `--python`, run from async code.
//!
//! A twin is a subprocess the tour waits for, and against `--server URL` resetting and reading
//! the server's stats are blocking HTTP calls: either would hold a runtime thread for the whole
//! run, so the call goes through `spawn_blocking`, as [`crate::tour::server_stats`] does.

use std::sync::Arc;

use anyhow::Context;
use common::server::{Server, Stats};
use common::{CommonArgs, Row};

/// [`common::python::twin_rows_on`] for this crate's `script`, on tokio's blocking pool: the
/// twin's rows and the server's stats after it, or `None` (without `--python`, or after the one
/// line on stderr that says why).
pub async fn rows_on(
    args: &CommonArgs,
    server: &Arc<Server>,
    script: &'static str,
    extra: Vec<String>,
) -> anyhow::Result<Option<(Vec<Row>, Stats)>> {
    if !args.python {
        return Ok(None);
    }
    let (args, server) = (args.clone(), Arc::clone(server));
    tokio::task::spawn_blocking(move || {
        common::python::twin_rows_on(&args, &server, env!("CARGO_MANIFEST_DIR"), script, &extra)
    })
    .await
    .context("running the Python twin panicked")
}

/// [`common::python::twin_rows`] (a twin without a server) for this crate's `script`, on
/// tokio's blocking pool; no rows without `--python` or after the one line on stderr.
pub async fn rows(
    args: &CommonArgs,
    script: &'static str,
    extra: Vec<String>,
) -> anyhow::Result<Vec<Row>> {
    if !args.python {
        return Ok(Vec::new());
    }
    let args = args.clone();
    tokio::task::spawn_blocking(move || {
        common::python::twin_rows(&args, env!("CARGO_MANIFEST_DIR"), script, &extra)
    })
    .await
    .context("running the Python twin panicked")
}
