//! `--python`: the course's design in Python (`python/course_design.py`, Pillow) against the
//! same fake server, on the same images, widths and cap on requests in flight, its two rows
//! (`Python: the course's design`, `Python: Pillow's draft mode`) added to the Rust table.

use common::server::Server;
use common::timing::fmt_duration;
use common::{CommonArgs, Row, Table};

use crate::lessons::batch::Batch;

/// The twin's rows, after the Rust variants (the server's faults as they set them, its uploads
/// and stats the twin's own to reset), or none: without `--python`, or after the one line on
/// stderr when there is no Python 3.11+ with Pillow. Checks what the twin claims: every image
/// counted once, never more requests in flight than the cap.
pub fn rows(args: &CommonArgs, server: &Server, batch: &Batch) -> anyhow::Result<Vec<Row>> {
    let widths: Vec<String> = batch.widths.iter().map(u32::to_string).collect();
    let mut extra = vec![
        "--images".to_string(),
        batch.names.len().to_string(),
        "--widths".to_string(),
        widths.join(","),
        // One run per design, as every Rust row is one run.
        "--runs".to_string(),
        "1".to_string(),
    ];
    // The cap the Rust rows had: `--workers` requests in flight, both directions together.
    extra.extend(common::python::sizes(args, None, Some(batch.io)));
    let dir = env!("CARGO_MANIFEST_DIR");
    let Some((rows, _)) =
        common::python::twin_rows_on(args, server, dir, "course_design.py", &extra)
    else {
        return Ok(Vec::new());
    };
    for row in &rows {
        anyhow::ensure!(
            row.items == batch.names.len() as u64,
            "{}: {} images, not the {} the Rust rows had",
            row.variant,
            row.items,
            batch.names.len()
        );
        let peak = row.max_in_flight.unwrap_or(0);
        anyhow::ensure!(
            peak as usize <= batch.io,
            "{}: {peak} requests in flight, over the cap of {}",
            row.variant,
            batch.io
        );
    }
    Ok(rows)
}

/// The sentence under the table when the twin's rows are there: each language's fastest row,
/// its speedup over that language's own first row, and the two set against each other by wall
/// time (the same images, the same server, the same cap on requests in flight).
pub fn against_python(table: &Table) -> Option<String> {
    let is_python = |r: &&Row| r.variant.starts_with(common::python::PREFIX);
    let rows = table.rows();
    let rust: Vec<&Row> = rows.iter().filter(|r| !is_python(r)).collect();
    let python: Vec<&Row> = rows.iter().filter(is_python).collect();
    let (rust_best, py_best) = (fastest(&rust)?, fastest(&python)?);
    let best = |language: &str, rows: &[&Row], best: &Row| {
        let name = |r: &Row| {
            r.variant
                .trim_start_matches(common::python::PREFIX)
                .to_string()
        };
        if rows.len() == 1 {
            return format!("{language}'s {}, {}", name(best), fmt_duration(best.wall));
        }
        format!(
            "{language}'s fastest, {}, {} ({:.1}x over {})",
            name(best),
            fmt_duration(best.wall),
            table.speedup(best),
            name(rows[0])
        )
    };
    Some(format!(
        "The same {} images: {}; {}; Python's fastest took {:.1}x as long as Rust's",
        rust_best.items,
        best("Rust", &rust, rust_best),
        best("Python", &python, py_best),
        py_best.wall.as_secs_f64() / rust_best.wall.as_secs_f64().max(1e-9),
    ))
}

/// The row with the shortest wall time.
fn fastest<'a>(rows: &[&'a Row]) -> Option<&'a Row> {
    rows.iter().copied().min_by_key(|r| r.wall)
}
