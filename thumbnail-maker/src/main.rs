//! `thumbnail-maker`: the talks' case study. Download a batch of photos from a store (I/O),
//! make thumbnails keeping the aspect ratio (CPU), upload them (I/O), in five ways, on the same
//! images against the same fake server, and compare them in one table.
//!
//! `cargo run -p thumbnail-maker` runs every variant; `--variant pipeline` (or just `pipeline`)
//! runs one; `--images-dir DIR` runs them on your own photos; `--help` lists the knobs.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::{Context, ensure};
use clap::{Parser, ValueEnum};
use common::server::{Faults, Server, ServerConfig};
use common::spans::Recording;
use common::{CommonArgs, Outcomes, Row, Table, say};
use thumbnail_maker::batch::{Batch, Outcome, Report};
use thumbnail_maker::thumbs::Shape;
use thumbnail_maker::{async_tokio, pipeline, rayon_pool, sequential, threads, verify};

/// The Thumbnail Maker case study: download, resize, upload, five ways, measured.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// The variant to run, as with --variant NAME
    #[arg(
        value_name = "VARIANT",
        conflicts_with = "variant",
        hide_possible_values = true
    )]
    positional: Option<Variant>,

    /// The variant to run; without one, all of them in the talk's order
    #[arg(long, global = true, value_name = "NAME")]
    variant: Option<Variant>,

    /// Number of images [default: 24, 8 with --quick; every file with --images-dir]
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    images: Option<u32>,

    /// Thumbnail widths in pixels, comma-separated; the aspect ratio is kept
    #[arg(long, global = true, value_name = "W,W,..", value_delimiter = ',', default_value = "32,64,200",
          value_parser = clap::value_parser!(u32).range(1..=8192))]
    widths: Vec<u32>,

    /// Also write the thumbnails into this folder (each through a temporary name and a rename)
    #[arg(long, global = true, value_name = "DIR")]
    out: Option<PathBuf>,

    /// Serve the photos of this folder (JPEG, PNG, WebP, GIF, BMP) instead of generated ones (embedded server only)
    #[arg(long, global = true, value_name = "DIR")]
    images_dir: Option<PathBuf>,

    /// Fraction of image downloads the fake server truncates (status 200, half the bytes)
    #[arg(long, global = true, value_name = "RATE", value_parser = fraction)]
    corrupt_rate: Option<f64>,

    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Variant {
    /// Download, resize, upload, one image at a time
    Sequential,
    /// A thread per download, at most 4 at once (a semaphore), then resize, then upload
    Threads,
    /// Downloaders -> resizers -> uploaders over bounded channels, all overlapping
    Pipeline,
    /// Download on threads, resize with rayon's par_iter on every core, upload on threads
    Rayon,
    /// tokio tasks and reqwest for the I/O, rayon for the resizing
    Async,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    cli.common.init();
    common::cli::exit_code(run(&cli))
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let args = &cli.common;
    ensure!(
        cli.images_dir.is_none() || args.server.is_none(),
        "--images-dir serves a folder from the embedded server; with --server, start the \
         standalone server with it instead"
    );
    let variants: Vec<Variant> = match cli.variant.or(cli.positional) {
        Some(v) => vec![v],
        None => Variant::value_variants().to_vec(),
    };
    let mut widths = cli.widths.clone();
    let mut seen = std::collections::HashSet::new();
    widths.retain(|w| seen.insert(*w)); // each width once, in the order given

    // The server starts without faults: first every image is read once, to know its size.
    let (width, height) = args.pick((1920, 1280), (320, 213));
    let config = ServerConfig {
        image_width: width,
        image_height: height,
        image_variants: 4,
        images_dir: cli.images_dir.clone(),
        ..ServerConfig::default()
    };
    let calm = Faults {
        seed: args.seed,
        ..Faults::default()
    };
    let server = Server::start_with(args, config, calm)?;
    let wanted = cli.images.map(|n| n as usize).or(args.count);
    let (names, generated) = image_names(&server, wanted, args.count_or(24, 8))?;
    if let Some(n) = wanted.filter(|&n| n > names.len()) {
        say!(
            "asked for {n} images, the server's folder has {}",
            names.len()
        );
    }
    let io = args.workers_or(16);
    let batch = Arc::new(Batch::new(server.url(), names, widths, io).with_out(cli.out.clone())?);
    let shapes = verify::survey(&batch)?;
    describe(&batch, &shapes, generated);

    // Now the faults asked for, the same for every variant (they repeat after each reset).
    let mut faults = Faults::from_args(args, 100, 10);
    faults.corrupt_rate = cli.corrupt_rate.unwrap_or(0.0);
    server.set_faults(&faults)?;
    say!(
        "server: {} ms latency, error rate {}, corrupt rate {}; I/O concurrency {io} (--workers), \
         {} cores\n",
        faults.latency_ms,
        faults.error_rate,
        faults.corrupt_rate,
        common::report::cores()
    );

    // The timeline shows the variants whose lesson is the overlap (every row's with --timeline).
    let mut table = Table::new("thumbnail-maker", args).timeline();
    let all_spans = args.timeline || args.trace.is_some();
    let mut totals = (0, 0, 0);
    for variant in variants {
        let name = variant
            .to_possible_value()
            .context("variant without a name")?;
        server.clear_uploads()?;
        server.reset_stats()?;
        batch.reset_counters();
        let progress = common::progress::bar(batch.names.len() as u64, name.get_name());
        let recording = Recording::start(batch.names.len() + 16); // the resizes
        let watch = Instant::now();
        let (report, workers) = match variant {
            Variant::Sequential => (sequential::run(&batch, &progress)?, None),
            Variant::Threads => (threads::run(&batch, &progress)?, Some(threads::CAP)),
            Variant::Pipeline => {
                let workers = pipeline::Workers::for_batch(&batch);
                (pipeline::run(&batch, &progress, workers)?, Some(io))
            }
            Variant::Rayon => (rayon_pool::run(&batch, &progress)?, Some(io)),
            Variant::Async => (async_tokio::run(Arc::clone(&batch), &progress)?, Some(io)),
        };
        let wall = watch.elapsed();
        progress.finish_and_clear();
        // The server saw the downloads and uploads; the resizes recorded themselves.
        let mut spans = recording.finish();
        spans.extend(server.spans()?);
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
            "{}: images lost",
            name.get_name()
        );

        // Every variant checked on its own, before the next one clears the uploads.
        let checked = verify::uploads(&server, &batch, &shapes, &report)?;
        say!(
            "{:<10} {done} done, {skipped} skipped, {failed} failed; {checked} thumbnails verified{}",
            name.get_name(),
            stage_line(&report)
        );
        for (image, outcome) in &report.outcomes {
            match outcome {
                Outcome::Skipped(why) => say!("           skipped {image}: {why}"),
                Outcome::Failed(why) => say!("           failed {image}: {why}"),
                Outcome::Done => {}
            }
        }
        totals = (totals.0 + done, totals.1 + skipped, totals.2 + failed);
        let mut row = Row::new(name.get_name(), batch.names.len(), wall)
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
        row = cpu_columns(row, &batch, &report).extra("verified", checked as u64);
        if let Some(w) = workers {
            row = row.workers(w);
        }
        if all_spans || matches!(variant, Variant::Pipeline | Variant::Async) {
            row = row.spans(spans);
        }
        table.push(row);
    }
    say!(
        "\n(resize/img: the time of one image's decode + resizes + encodes on its thread, longer \
         when threads share cores; cpu use: the share of all cores' time spent on them)"
    );
    table.print();
    let runs = totals.0 + totals.1 + totals.2;
    say!(
        "images: {} succeeded, {} skipped, {} failed ({runs} = {} variant(s) x {} images)",
        totals.0,
        totals.1,
        totals.2,
        runs / batch.names.len() as u64,
        batch.names.len()
    );
    Ok(())
}

/// The images to work on: `n` generated ones (`0.jpg`, `1.jpg`, ... cycling through the
/// server's photos), or the files the server lists from its folder; and which it was.
fn image_names(
    server: &Server,
    wanted: Option<usize>,
    default: usize,
) -> anyhow::Result<(Vec<String>, bool)> {
    let listed: Vec<String> = server.images()?.into_iter().map(|i| i.name).collect();
    let generated = listed
        .iter()
        .enumerate()
        .all(|(i, name)| *name == format!("{i}.jpg"));
    let names: Vec<String> = if generated {
        (0..wanted.unwrap_or(default))
            .map(|i| format!("{i}.jpg"))
            .collect()
    } else {
        listed
            .into_iter()
            .take(wanted.unwrap_or(usize::MAX))
            .collect()
    };
    ensure!(!names.is_empty(), "the server has no images");
    Ok((names, generated))
}

/// Says what the batch holds: each photo's format and size, and what happens to the awkward ones.
fn describe(batch: &Batch, shapes: &HashMap<String, Shape>, generated: bool) {
    let widths: Vec<String> = batch.widths.iter().map(u32::to_string).collect();
    let first = batch.names.first().and_then(|name| shapes.get(name));
    if let (true, Some(shape)) = (generated, first) {
        say!(
            "{} generated photos, {} {}x{} (the server's few photos, cycled); thumbnails {} px wide",
            batch.names.len(),
            shape.format,
            shape.width,
            shape.height,
            widths.join(", ")
        );
    } else {
        say!(
            "{} photos from the server's folder; thumbnails {} px wide",
            batch.names.len(),
            widths.join(", ")
        );
    }
    let largest = batch.widths.iter().copied().max().unwrap_or(0);
    for name in &batch.names {
        let Some(shape) = shapes.get(name) else {
            say!(
                "  {name}: not a JPEG, PNG, WebP, GIF or BMP image we can read: it will be skipped"
            );
            continue;
        };
        let mut notes = Vec::new();
        let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
        let named_right = shape.format.eq_ignore_ascii_case(extension)
            || (shape.format == "JPEG" && extension.eq_ignore_ascii_case("jpg"));
        if !named_right {
            notes.push(format!(
                "named .{extension}: read as the {} it is",
                shape.format
            ));
        }
        if shape.height > shape.width {
            notes.push("portrait".to_string());
        }
        if shape.orientation != 1 {
            notes.push(format!(
                "EXIF orientation {}: turned upright first",
                shape.orientation
            ));
        }
        if shape.progressive {
            notes.push("progressive".to_string());
        }
        if shape.grey {
            notes.push("greyscale: stays greyscale".to_string());
        }
        if shape.alpha {
            notes.push("transparent: JPEG has no alpha, the thumbnails drop it".to_string());
        }
        if shape.width < largest {
            notes.push(format!(
                "narrower than {largest} px: never enlarged, its wider thumbnails keep its own size"
            ));
        }
        // Generated photos are all alike: only the folder's are listed one by one.
        if !generated || !notes.is_empty() {
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(", {}", notes.join("; "))
            };
            say!(
                "  {name}: {} {}x{}{notes}",
                shape.format,
                shape.width,
                shape.height
            );
        }
    }
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

/// The CPU figures of a row: the time per resize call, the share of all cores' time spent
/// resizing, and the pipeline's busy time per stage.
fn cpu_columns(row: Row, batch: &Batch, report: &Report) -> Row {
    let resized = batch.counters.resized.load(Ordering::Relaxed).max(1);
    let resize_s = batch.counters.resize_nanos.load(Ordering::Relaxed) as f64 / 1e9;
    let cores = common::report::cores() as f64;
    let cpu_use = 100.0 * resize_s / row.wall.as_secs_f64().max(1e-9) / cores;
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
    .extra("cpu use", format!("{cpu_use:.0}%"))
    .extra("busy dl/rs/up", busy)
}

fn fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        Ok(_) => Err("must be between 0 and 1".into()),
        Err(e) => Err(e.to_string()),
    }
}
