//! One variant from a clean slate, measured: the server's uploads cleared and its stats reset,
//! the batch's counters zeroed, the variant run under a progress bar, its claims checked (the
//! server's errors all seen, every image accounted for, every upload verified), then its row.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::ensure;
use common::server::Server;
use common::spans::{Kind, Lane, Span};
use common::{Outcomes, Row, say};
use indicatif::ProgressBar;

use super::{Variant, verify};
use crate::lessons::batch::Batch;
use crate::lessons::outcome::{Outcome, Report};
use crate::lessons::{async_tokio, pipeline, rayon_pool, sequential, threads};

/// Runs one variant's lesson on the batch.
pub fn run(batch: &Arc<Batch>, variant: Variant, progress: &ProgressBar) -> anyhow::Result<Report> {
    match variant {
        Variant::Sequential => sequential::run(batch, progress),
        Variant::Threads => threads::run(batch, progress),
        Variant::Pipeline => pipeline::run(batch, progress, pipeline::Workers::for_batch(batch)),
        Variant::Rayon => rayon_pool::run(batch, progress),
        Variant::Async => async_tokio::run(Arc::clone(batch), progress),
    }
}

/// The workers column: the cap on threads or requests in flight, where there is one.
fn workers(batch: &Batch, variant: Variant) -> Option<usize> {
    match variant {
        Variant::Sequential => None,
        Variant::Threads => Some(threads::CAP),
        Variant::Pipeline | Variant::Rayon | Variant::Async => Some(batch.io),
    }
}

/// Runs `variant` from a clean slate and checks it; returns its row (with its spans if `spans`)
/// and its (done, skipped, failed).
pub fn measure(
    server: &Server,
    batch: &Arc<Batch>,
    shapes: &verify::Survey,
    variant: Variant,
    spans: bool,
) -> anyhow::Result<(Row, (u64, u64, u64))> {
    let name = variant.name();
    server.clear_uploads()?;
    server.reset_stats()?;
    batch.reset_counters();
    let progress = common::progress::bar(batch.names.len() as u64, name);
    let started = Instant::now();
    let report = run(batch, variant, &progress)?;
    let wall = started.elapsed();
    progress.finish_and_clear();
    let stats = server.stats()?;
    let retries = batch.counters.retries.load(Ordering::Relaxed);
    let server_errors = batch.counters.server_errors.load(Ordering::Relaxed);
    ensure!(
        stats.status(503) == server_errors,
        "the server sent {} errors, the client saw {server_errors}",
        stats.status(503)
    );
    let (done, skipped, failed) = report.counts();
    ensure!(
        done + skipped + failed == batch.names.len() as u64,
        "{name}: images lost"
    );

    // Every variant checked on its own, before the next one clears the uploads.
    let checked = verify::uploads(server, batch, shapes, &report)?;
    say!(
        "{name:<10} {done} done, {skipped} skipped, {failed} failed; {checked} thumbnails verified{}",
        stage_line(&report)
    );
    for (image, outcome) in &report.outcomes {
        match outcome {
            Outcome::Skipped(why) => say!("           skipped {image}: {why}"),
            Outcome::Failed(why) => say!("           failed {image}: {why}"),
            Outcome::Done => {}
        }
    }
    let mut row = Row::new(name, batch.names.len(), wall)
        .max_in_flight(stats.max_in_flight)
        .outcomes(Outcomes {
            ok: done,
            skipped: Some(skipped),
            errors: Some(failed),
            ..Outcomes::default()
        })
        .extra("MB down", stats.bytes_out as f64 / 1e6)
        .extra("MB up", stats.bytes_in as f64 / 1e6)
        .extra("retries", retries);
    row = cpu_columns(row, &report).extra("verified", checked as u64);
    if let Some(w) = workers(batch, variant) {
        row = row.workers(w);
    }
    if spans {
        // The server saw the downloads and uploads; the resizes come from the report.
        let mut spans = resize_spans(&report, started);
        spans.extend(server.spans()?);
        row = row.spans(spans);
    }
    Ok((row, (done, skipped, failed)))
}

/// The report's resizes as spans on the row's time scale (`epoch`: the row's start), in the
/// order they started; each takes a free slot, so the lanes show how many ran at once.
pub fn resize_spans(report: &Report, epoch: Instant) -> Vec<Span> {
    let mut times: Vec<(Instant, Instant)> = report.resizes.iter().map(|r| (r.1, r.2)).collect();
    times.sort();
    times
        .into_iter()
        .enumerate()
        .map(|(i, (start, end))| Span {
            lane: Lane::Slot,
            kind: Kind::Resize,
            label: "resize",
            id: i as u64,
            start: start.saturating_duration_since(epoch),
            end: end.saturating_duration_since(epoch),
        })
        .collect()
}

fn stage_line(report: &Report) -> String {
    let stages: Vec<String> = report
        .stages
        .iter()
        .map(|(stage, workers, busy)| {
            format!("{stage} {workers} workers busy {:.2} s", busy.as_secs_f64())
        })
        .collect();
    if stages.is_empty() {
        String::new()
    } else {
        format!(" ({})", stages.join(", "))
    }
}

/// The CPU figures of a row: the time per resize call, the share of the cores' time that resize
/// calls were running ("resize busy": wall time inside them, summed, over wall x cores; a
/// thread waiting for a core counts, so it is not CPU time), and the pipeline's busy time per
/// stage.
fn cpu_columns(row: Row, report: &Report) -> Row {
    let resized = report.resizes.len().max(1);
    let resize: Duration = report.resizes.iter().map(|r| r.2 - r.1).sum();
    let resize_s = resize.as_secs_f64();
    let cores = common::report::cores() as f64;
    let resize_busy = 100.0 * resize_s / row.wall.as_secs_f64().max(1e-9) / cores;
    let busy = if report.stages.is_empty() {
        "-".to_string()
    } else {
        let secs: Vec<String> = report
            .stages
            .iter()
            .map(|s| format!("{:.2}", s.2.as_secs_f64()))
            .collect();
        format!("{} s", secs.join("/"))
    };
    row.extra(
        "resize/img",
        format!("{:.1} ms", resize_s * 1e3 / resized as f64),
    )
    .extra("resize busy", format!("{resize_busy:.0}%"))
    .extra("busy dl/rs/up", busy)
}
