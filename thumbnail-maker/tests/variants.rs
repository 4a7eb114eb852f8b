//! Tests of the five variants against the embedded fake server: complete and verified uploads,
//! corrupt images skipped, errors retried and accounted for, the pipeline's shutdown, and the
//! download cap as the server saw it. Nothing here times anything.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use common::Server;
use common::server::{FakeServer, Faults, Rendezvous, ServerConfig};
use indicatif::ProgressBar;
use thumbnail_maker::lessons::batch::Batch;
use thumbnail_maker::lessons::outcome::{Outcome, Report};
use thumbnail_maker::lessons::retry::ATTEMPTS;
use thumbnail_maker::lessons::{async_tokio, pipeline, rayon_pool, sequential, threads};
use thumbnail_maker::tour::verify;

const VARIANTS: [&str; 5] = ["sequential", "threads", "pipeline", "rayon", "async"];
const WIDTHS: [u32; 3] = [32, 64, 200];

struct Setup {
    server: Server,
    batch: Arc<Batch>,
    sizes: verify::Survey,
}

/// A server with small photos, `n` images, the sizes surveyed before any fault is switched on.
fn setup(n: usize, io: usize, faults: Faults, out: Option<PathBuf>) -> Setup {
    let server = Server::Embedded(
        FakeServer::start(ServerConfig {
            image_width: 320,
            image_height: 240,
            image_variants: 3,
            ..ServerConfig::default()
        })
        .unwrap(),
    );
    let names = (0..n).map(|i| format!("{i}.jpg")).collect();
    let batch = Batch::new(server.url(), names, WIDTHS.to_vec(), io)
        .with_out(out)
        .unwrap();
    let sizes = verify::survey(&batch).unwrap();
    server.set_faults(&faults).unwrap();
    Setup {
        server,
        batch: Arc::new(batch),
        sizes,
    }
}

/// Runs one variant from a clean slate, as the tour does.
fn run(s: &Setup, variant: &str) -> anyhow::Result<Report> {
    s.server.clear_uploads()?;
    s.server.reset_stats()?;
    s.batch.reset_counters();
    let bar = ProgressBar::hidden();
    let batch = &s.batch;
    match variant {
        "sequential" => sequential::run(batch, &bar),
        "threads" => threads::run(batch, &bar),
        "pipeline" => pipeline::run(batch, &bar, pipeline::Workers::for_batch(batch)),
        "rayon" => rayon_pool::run(batch, &bar),
        "async" => async_tokio::run(Arc::clone(batch), &bar),
        _ => unreachable!(),
    }
}

fn uploaded(s: &Setup) -> BTreeSet<String> {
    s.server
        .uploads()
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect()
}

#[test]
fn every_variant_uploads_every_thumbnail_with_the_right_size() {
    let s = setup(
        6,
        4,
        Faults {
            latency_ms: 2,
            ..Faults::default()
        },
        None,
    );
    let expected: BTreeSet<String> = (0..6)
        .flat_map(|i| WIDTHS.map(|w| format!("{i}_{w}.jpg")))
        .collect();
    for variant in VARIANTS {
        let report = run(&s, variant).unwrap();
        assert_eq!(report.counts(), (6, 0, 0), "{variant}");
        assert_eq!(uploaded(&s), expected, "{variant}");
        // Each thumbnail read back: the right width, the aspect ratio within 1 px.
        assert_eq!(
            verify::uploads(&s.server, &s.batch, &s.sizes, &report).unwrap(),
            18
        );
        let Server::Embedded(server) = &s.server else {
            unreachable!()
        };
        let thumb = server.upload("0_64.jpg").unwrap();
        assert_eq!(thumbnail_codec::thumbs::jpeg_size(&thumb), Some((64, 48)));
    }
}

#[test]
fn corrupt_images_are_counted_skipped_and_the_same_in_every_variant() {
    let faults = Faults {
        corrupt_rate: 0.3,
        seed: 7,
        ..Faults::default()
    };
    let s = setup(12, 4, faults, None);
    let mut skipped_by_variant = Vec::new();
    for variant in VARIANTS {
        let report = run(&s, variant).unwrap();
        let (done, skipped, failed) = report.counts();
        assert_eq!(done + skipped + failed, 12);
        assert_eq!(failed, 0, "{variant}");
        assert!(skipped > 0, "{variant}: the seed truncates some images");
        let skipped: BTreeSet<String> = report
            .outcomes
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Skipped(_)))
            .map(|(name, _)| name.clone())
            .collect();
        // A skipped image uploads nothing; the others are complete.
        for name in &skipped {
            let stem = name.trim_end_matches(".jpg");
            assert!(
                !uploaded(&s)
                    .iter()
                    .any(|u| u.starts_with(&format!("{stem}_"))),
                "{name}"
            );
        }
        verify::uploads(&s.server, &s.batch, &s.sizes, &report).unwrap();
        skipped_by_variant.push(skipped);
    }
    assert!(
        skipped_by_variant.windows(2).all(|w| w[0] == w[1]),
        "{skipped_by_variant:?}"
    );
}

#[test]
fn server_errors_are_retried_and_every_one_accounted_for() {
    let s = setup(
        8,
        4,
        Faults {
            error_rate: 0.3,
            seed: 3,
            ..Faults::default()
        },
        None,
    );
    for variant in VARIANTS {
        let report = run(&s, variant).unwrap();
        let (done, skipped, failed) = report.counts();
        assert_eq!((done + failed, skipped), (8, 0), "{variant}");
        let stats = s.server.stats().unwrap();
        let seen = s.batch.counters.server_errors.load(Ordering::Relaxed);
        let retries = s.batch.counters.retries.load(Ordering::Relaxed);
        assert!(
            stats.status(503) > 0,
            "{variant}: the seed fails some requests"
        );
        assert_eq!(
            seen,
            stats.status(503),
            "{variant}: every 503 the server sent was seen"
        );
        // Each 503 was either retried or ended its request for good, failing its image.
        assert!(
            retries > 0 && retries <= seen,
            "{variant}: {retries} retries for {seen} errors"
        );
        assert_eq!(
            seen > retries,
            failed > 0,
            "{variant}: {seen} errors, {retries} retries"
        );
        verify::uploads(&s.server, &s.batch, &s.sizes, &report).unwrap();
    }
}

#[test]
fn a_server_that_always_fails_gets_a_bounded_number_of_tries_per_image() {
    let s = setup(
        5,
        4,
        Faults {
            error_rate: 1.0,
            ..Faults::default()
        },
        None,
    );
    for variant in VARIANTS {
        let report = run(&s, variant).unwrap();
        assert_eq!(report.counts(), (0, 0, 5), "{variant}");
        let stats = s.server.stats().unwrap();
        assert_eq!(stats.requests, 5 * u64::from(ATTEMPTS), "{variant}");
        assert!(
            report
                .outcomes
                .iter()
                .all(|(_, o)| matches!(o, Outcome::Failed(why) if why.contains("503")))
        );
        assert!(uploaded(&s).is_empty());
    }
}

#[test]
fn the_pipeline_ends_when_its_input_ends_with_any_worker_counts() {
    let s = setup(7, 4, Faults::default(), None);
    for (download, resize, upload) in [(1, 1, 1), (3, 2, 5), (8, 1, 1), (1, 4, 8)] {
        s.server.clear_uploads().unwrap();
        let workers = pipeline::Workers {
            download,
            resize,
            upload,
        };
        let report = pipeline::run(&s.batch, &ProgressBar::hidden(), workers).unwrap();
        assert_eq!(report.counts(), (7, 0, 0));
        assert_eq!(uploaded(&s).len(), 21);
        let stages: Vec<_> = report
            .stages
            .iter()
            .map(|(name, w, _)| (*name, *w))
            .collect();
        assert_eq!(
            stages,
            vec![
                ("download", download),
                ("resize", resize),
                ("upload", upload)
            ]
        );
    }
}

#[test]
fn a_failing_stage_stops_every_variant_without_a_hang() {
    // The output folder disappears after the start: the first save fails, which is fatal.
    let dir = std::env::temp_dir().join(format!("thumbnail-maker-gone-{}", std::process::id()));
    let s = setup(
        12,
        4,
        Faults {
            latency_ms: 2,
            ..Faults::default()
        },
        Some(dir.clone()),
    );
    std::fs::remove_dir_all(&dir).unwrap();
    for variant in VARIANTS {
        let err = run(&s, variant).expect_err(variant);
        assert!(
            format!("{err:#}").contains("cannot write"),
            "{variant}: {err:#}"
        );
    }
}

#[test]
fn out_writes_every_thumbnail_and_no_temporary_file() {
    let dir = std::env::temp_dir().join(format!("thumbnail-maker-out-{}", std::process::id()));
    let s = setup(3, 4, Faults::default(), Some(dir.clone()));
    run(&s, "async").unwrap();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let expected: BTreeSet<String> = (0..3)
        .flat_map(|i| WIDTHS.map(|w| format!("{i}_{w}.jpg")))
        .collect();
    assert_eq!(files.into_iter().collect::<BTreeSet<_>>(), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_threads_variant_keeps_exactly_four_downloads_in_flight() {
    // The server holds answers until 4 requests are in flight: the peak is exactly the cap.
    let faults = Faults {
        rendezvous: Some(Rendezvous {
            count: threads::CAP as u64,
            timeout_ms: 5_000,
        }),
        ..Faults::default()
    };
    let s = setup(8, 16, faults, None);
    let report = run(&s, "threads").unwrap();
    assert_eq!(report.counts(), (8, 0, 0));
    assert_eq!(s.server.stats().unwrap().max_in_flight, threads::CAP as u64);
}

#[test]
fn the_concurrent_variants_never_exceed_their_io_cap() {
    let s = setup(
        10,
        3,
        Faults {
            latency_ms: 20,
            ..Faults::default()
        },
        None,
    );
    for variant in ["pipeline", "rayon", "async"] {
        run(&s, variant).unwrap();
        let peak = s.server.stats().unwrap().max_in_flight;
        assert!(
            (2..=3).contains(&peak),
            "{variant}: peak {peak} with a cap of 3"
        );
    }
}

/// The most downloads (`GET /images/..`) the server had in flight at once since its last reset.
fn peak_downloads(server: &Server) -> usize {
    let trace = server.trace().unwrap();
    let mut edges: Vec<(u64, i32)> = trace
        .requests
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/images/"))
        .flat_map(|r| [(r.start_us, 1), (r.end_us, -1)])
        .collect();
    edges.sort(); // at equal times an end (-1) sorts before a start (+1)
    let mut now = 0;
    let mut peak = 0;
    for (_, step) in edges {
        now += step;
        peak = peak.max(now);
    }
    peak as usize
}

#[test]
fn the_async_variant_holds_no_more_photos_than_it_is_allowed() {
    let s = setup(
        6,
        8,
        Faults {
            latency_ms: 20,
            ..Faults::default()
        },
        None,
    );
    // Free to hold every photo, it downloads all six at once (up to the cap of 8).
    run(&s, "async").unwrap();
    let peak = peak_downloads(&s.server);
    assert_eq!(peak, 6, "downloads at once without a bound");
    // Allowed one photo at a time, the next download waits until the previous photo is resized.
    s.server.clear_uploads().unwrap();
    s.server.reset_stats().unwrap();
    s.batch.reset_counters();
    let report = async_tokio::run_holding(Arc::clone(&s.batch), &ProgressBar::hidden(), 1).unwrap();
    assert_eq!(report.counts(), (6, 0, 0));
    assert_eq!(
        peak_downloads(&s.server),
        1,
        "downloads at once holding one photo"
    );
}
