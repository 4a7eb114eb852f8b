//! The fake server, standalone: for curl, a browser, a Python client, or a whole room.
//!
//! ```text
//! cargo run -p common --bin fake-server -- --port 8000 --latency-ms 100 --error-rate 0.25
//! curl http://127.0.0.1:8000/flags/br/metadata.json
//! cargo run -p thread-pool -- --server http://127.0.0.1:8000
//! ```
//!
//! It binds 127.0.0.1 unless given `--bind`, prints the URL it serves, and runs until Ctrl-C.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use common::server::{FakeServer, Faults, ServerConfig};

/// A fake HTTP server for the workshop: flags, photos, uploads, stats, and injected faults.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    /// Address to listen on (a workshop leader serving a room might use 0.0.0.0)
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port to listen on; 0 picks a free one
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Latency added to every answer, in milliseconds
    #[arg(long, default_value_t = 0, value_name = "MS")]
    latency_ms: u64,
    /// Up to this much extra latency per request, in milliseconds
    #[arg(long, default_value_t = 0, value_name = "MS")]
    jitter_ms: u64,
    /// Fraction of requests answered with 503, from 0 to 1
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    error_rate: f64,
    /// Fraction of images served truncated (with status 200), from 0 to 1
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    corrupt_rate: f64,
    /// Seed of the faults: the same seed fails the same requests
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Serve the photos of this folder (.jpg, .jpeg, .png, .webp, .gif, .bmp) under /images/ instead of generated ones
    #[arg(long, value_name = "DIR")]
    images_dir: Option<PathBuf>,
    /// Size of the generated photos
    #[arg(long, default_value = "1920x1280", value_name = "WxH", value_parser = size)]
    image_size: (u16, u16),
    /// How many different photos to generate
    #[arg(long, default_value_t = 4, value_name = "N")]
    image_variants: usize,
}

fn main() -> ExitCode {
    common::cli::exit_code(run(Cli::parse()))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config = ServerConfig {
        bind: cli.bind,
        port: cli.port,
        faults: Faults {
            latency_ms: cli.latency_ms,
            jitter_ms: cli.jitter_ms,
            error_rate: cli.error_rate,
            corrupt_rate: cli.corrupt_rate,
            seed: cli.seed,
            rendezvous: None,
        },
        image_width: cli.image_size.0,
        image_height: cli.image_size.1,
        image_variants: cli.image_variants,
        images_dir: cli.images_dir,
        ..ServerConfig::default()
    };
    let server = FakeServer::start(config)?;
    println!("fake server listening on {}", server.url());
    println!(
        "try: curl {}/flags/br/metadata.json   (Ctrl-C to stop)",
        server.url()
    );

    // The server runs on its own threads; this one only waits for Ctrl-C.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime
        .block_on(tokio::signal::ctrl_c())
        .context("cannot listen for Ctrl-C")?;
    let stats = server.stats();
    println!(
        "stopping after {} requests (peak {} in flight)",
        stats.requests, stats.max_in_flight
    );
    Ok(())
}

fn size(s: &str) -> Result<(u16, u16), String> {
    let (w, h) = s.split_once('x').ok_or("expected WxH, like 1920x1280")?;
    let parse = |v: &str| match v.parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("{v:?} is not a size from 1 to 65535")),
        Ok(n) => Ok(n),
    };
    Ok((parse(w)?, parse(h)?))
}
