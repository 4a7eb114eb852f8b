//! `thumbnail-maker`: the talks' case study. Download a batch of photos from a store (I/O),
//! make thumbnails keeping the aspect ratio (CPU), upload them (I/O), in five ways, on the same
//! images against the same fake server, and compare them in one table.
//!
//! `cargo run -p thumbnail-maker` runs every variant; `--variant pipeline` (or just `pipeline`)
//! runs one; `--images-dir DIR` runs them on your own photos; `--python` adds the course's design
//! in Python (`python/course_design.py`, Pillow) to the same table; `--help` lists the knobs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use common::CommonArgs;
use common::cli::fraction;
use thumbnail_maker::tour::{self, Options, Variant};

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

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(err) = cli.common.init() {
        return common::cli::usage_error(err);
    }
    let options = Options {
        variants: match cli.variant.or(cli.positional) {
            Some(v) => vec![v],
            None => Variant::value_variants().to_vec(),
        },
        images: cli.images.map(|n| n as usize),
        widths: cli.widths,
        out: cli.out,
        images_dir: cli.images_dir,
        corrupt_rate: cli.corrupt_rate,
    };
    common::cli::exit_code(tour::run(&options, &cli.common))
}
