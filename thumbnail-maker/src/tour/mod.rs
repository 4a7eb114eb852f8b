//! The tour: the five variants on the same photos against the same fake server, each one's
//! uploads checked, compared in one table. `cargo run -p thumbnail-maker` runs it.
//!
//! - [`run`] starts the server, reads every photo once to know its shape ([`verify::survey`]),
//!   switches the faults on and runs the variants in the talk's order;
//! - [`variant`] runs one variant from a clean slate and turns what it did into a table row
//!   (its resizes drawn as spans from the `Instant`s its report returns);
//! - [`describe`] says what the batch holds; [`verify`] checks what a variant uploaded;
//! - [`python`] runs the Python twin under `--python` and sets it beside the Rust rows.

pub mod describe;
pub mod python;
pub mod variant;
pub mod verify;

use std::path::PathBuf;
use std::sync::Arc;

use clap::ValueEnum;
use common::server::{Faults, Server, ServerConfig};
use common::{CommonArgs, Table, say};

use crate::lessons::batch::Batch;

/// The five ways, in the talk's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Variant {
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

impl Variant {
    /// Its name on the command line and in the table.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Sequential => "sequential",
            Variant::Threads => "threads",
            Variant::Pipeline => "pipeline",
            Variant::Rayon => "rayon",
            Variant::Async => "async",
        }
    }
}

/// What the command line asks of the tour, beside the shared knobs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The variants to run, in this order.
    pub variants: Vec<Variant>,
    /// How many images (`--images`, else `--count`).
    pub images: Option<usize>,
    pub widths: Vec<u32>,
    pub out: Option<PathBuf>,
    pub images_dir: Option<PathBuf>,
    pub corrupt_rate: Option<f64>,
}

/// The whole tour: every variant asked for, one row each, then the table and the totals.
pub fn run(options: &Options, args: &CommonArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        options.images_dir.is_none() || args.server.is_none(),
        "--images-dir serves a folder from the embedded server; with --server, start the \
         standalone server with it instead"
    );
    let mut widths = options.widths.clone();
    let mut seen = std::collections::HashSet::new();
    widths.retain(|w| seen.insert(*w)); // each width once, in the order given

    // The server starts without faults: first every image is read once, to know its size.
    let (width, height) = args.pick((1920, 1280), (320, 213));
    let config = ServerConfig {
        image_width: width,
        image_height: height,
        image_variants: 4,
        images_dir: options.images_dir.clone(),
        ..ServerConfig::default()
    };
    let calm = Faults {
        seed: args.seed,
        ..Faults::default()
    };
    let server = Server::start_with(args, config, calm)?;
    let wanted = options.images.or(args.count);
    let (names, generated) = describe::image_names(&server, wanted, args.count_or(24, 8))?;
    if let Some(n) = wanted.filter(|&n| n > names.len()) {
        say!(
            "asked for {n} images, the server's folder has {}",
            names.len()
        );
    }
    let io = args.workers_or(16);
    let batch =
        Arc::new(Batch::new(server.url(), names, widths, io).with_out(options.out.clone())?);
    let shapes = verify::survey(&batch)?;
    describe::describe(&batch, &shapes, generated);

    // Now the faults asked for, the same for every variant (they repeat after each reset).
    let mut faults = Faults::from_args(args, 100, 10);
    faults.corrupt_rate = options.corrupt_rate.unwrap_or(0.0);
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
    for &variant in &options.variants {
        let spans = all_spans || matches!(variant, Variant::Pipeline | Variant::Async);
        let (row, (done, skipped, failed)) =
            variant::measure(&server, &batch, &shapes, variant, spans)?;
        totals = (totals.0 + done, totals.1 + skipped, totals.2 + failed);
        table.push(row);
    }
    // With --python: the course's design in Python, the same images against the same server.
    let twin = python::rows(args, &server, &batch)?;
    let python_counts = twin.iter().fold((0, 0, 0), |(d, s, f), row| {
        let o = row.outcomes;
        (
            d + o.ok,
            s + o.skipped.unwrap_or(0),
            f + o.errors.unwrap_or(0),
        )
    });
    let designs = twin.len();
    for row in twin {
        table.push(row);
    }
    say!(
        "\n(resize/img: the time of one image's decode + resizes + encodes on its thread, longer \
         when threads share cores; resize busy: those times summed, as a share of wall time x \
         cores: wall-clock time inside the resize calls, not CPU time)"
    );
    table.print();
    if let Some(line) = python::against_python(&table) {
        say!("{line}");
    }
    let runs = totals.0 + totals.1 + totals.2;
    say!(
        "images: {} succeeded, {} skipped, {} failed ({runs} = {} variant(s) x {} images)",
        totals.0,
        totals.1,
        totals.2,
        runs / batch.names.len() as u64,
        batch.names.len()
    );
    if designs > 0 {
        say!(
            "Python: {} succeeded, {} skipped, {} failed ({designs} design(s) x {} images)",
            python_counts.0,
            python_counts.1,
            python_counts.2,
            batch.names.len()
        );
    }
    Ok(())
}
