//! Tests of the demos: the behaviour each one claims, checked without timing anything.
//! Where time matters at all, the margins are whole seconds against milliseconds, or the test
//! runs on tokio's paused clock (timers only, no real I/O).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_io::lessons::timeouts::End;
use async_io::lessons::{
    anatomy, blocking, flags, mutex_across_await, producer_consumer, races, semaphore, shutdown,
    timeouts,
};
use async_io::tour;
use async_io::tour::c10k;
use common::server::{FakeServer, Faults, RemoteServer, Rendezvous, Server, ServerConfig};

const EXE: &str = env!("CARGO_BIN_EXE_async-io");

fn server(faults: Faults) -> FakeServer {
    let config = ServerConfig {
        image_variants: 0,
        faults,
        ..ServerConfig::default()
    };
    FakeServer::start(config).unwrap()
}

/// Answers held until `count` requests are in flight together (or 20 s pass).
fn rendezvous(count: usize) -> Faults {
    let rendezvous = Rendezvous {
        count: count as u64,
        timeout_ms: 20_000,
    };
    Faults {
        rendezvous: Some(rendezvous),
        ..Faults::default()
    }
}

fn slow(latency_ms: u64) -> Faults {
    Faults {
        latency_ms,
        ..Faults::default()
    }
}

fn flag_urls(server: &FakeServer, n: usize) -> Vec<String> {
    common::data::country_codes(n)
        .iter()
        .map(|cc| {
            format!(
                "{}/flags/{cc}/{cc}.gif",
                server.url(),
                cc = cc.to_lowercase()
            )
        })
        .collect()
}

fn client() -> reqwest::Client {
    flags::client(Duration::from_secs(60)).unwrap()
}

// Timers only: on tokio's paused clock, which jumps to the next timer whenever every task
// waits, so the order is decided by the delays alone, however busy the machine.
#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn gather_keeps_spawn_order_and_join_set_gives_finishing_order() {
    let ms = Duration::from_millis;
    // Every job is still waiting when the last one starts, so all three are in flight at once.
    let jobs = [("slow", ms(900)), ("fast", ms(300)), ("middle", ms(600))];
    let in_flight = Arc::new(tour::anatomy::InFlight::default());
    let gathered = anatomy::gather(tour::anatomy::counted(&jobs, &in_flight))
        .await
        .unwrap();
    assert_eq!(gathered, ["slow", "fast", "middle"]);
    assert_eq!(in_flight.peak(), 3);
    let completed = anatomy::as_completed(tour::anatomy::counted(&jobs, &in_flight))
        .await
        .unwrap();
    assert_eq!(completed, ["fast", "middle", "slow"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn flags_concurrent_has_every_request_in_flight_and_sequential_one() {
    let n = 8;
    let server = server(rendezvous(n));
    let urls = flag_urls(&server, n);
    let client = client();

    let concurrent = flags::concurrent(&client, &urls).await;
    assert!(
        concurrent
            .iter()
            .all(|f| matches!(f, flags::Fetched::Ok(len) if *len > 0))
    );
    assert_eq!(server.stats().max_in_flight, n as u64);

    // Rendezvous of 1: each answer goes at once; the sequential client never overlaps.
    server.set_faults(rendezvous(1)).unwrap();
    server.reset_stats();
    let sequential = flags::sequential(&client, &urls).await;
    assert_eq!(sequential, concurrent);
    assert_eq!(server.stats().max_in_flight, 1);

    // A pool of 4 threads: the server sees exactly 4 at once.
    server.set_faults(rendezvous(4)).unwrap();
    server.reset_stats();
    let urls2 = urls.clone();
    let pooled =
        tokio::task::spawn_blocking(move || flags::thread_pool(&urls2, 4, Duration::from_secs(60)))
            .await
            .unwrap();
    assert_eq!(pooled, concurrent);
    assert_eq!(server.stats().max_in_flight, 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn flags_count_not_found_and_errors() {
    let server = server(Faults::default());
    let mut urls = flag_urls(&server, 3);
    urls.push(format!("{}/flags/zz/zz.gif", server.url()));
    let results = flags::concurrent(&client(), &urls).await;
    let tally = tour::flags::tally(&results);
    assert_eq!(
        (tally.ok, tally.not_found, tally.errors),
        (3, Some(1), Some(0))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn semaphore_cap_equals_the_servers_peak() {
    for cap in [1, 3, 5] {
        let server = server(rendezvous(cap));
        let urls = flag_urls(&server, 3 * cap);
        let lengths = semaphore::download_capped(&client(), &urls, cap).await;
        assert_eq!(lengths.len(), urls.len());
        assert!(
            lengths.iter().all(|len| len.is_some_and(|n| n > 0)),
            "cap {cap}: a download failed"
        );
        let stats = server.stats();
        assert_eq!(stats.requests, 3 * cap as u64);
        assert_eq!(stats.max_in_flight, cap as u64, "cap {cap}");
        // The timeline under the demo's table draws one lane per permit: waves of `cap`.
        let spans = server.trace().spans();
        let drawn = common::timeline::render("row", &spans, Duration::ZERO, 80, false);
        let lanes = drawn.lines().filter(|l| l.contains("download ")).count();
        assert_eq!(lanes, cap, "{drawn}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn producer_consumer_delivers_every_item_once_in_order_and_ends() {
    let report = producer_consumer::pipeline(40, 2, Duration::ZERO, Duration::from_millis(5))
        .await
        .unwrap();
    assert_eq!(report.consumed.len(), 80);
    for producer in ["A", "B"] {
        let seqs: Vec<usize> = report
            .consumed
            .iter()
            .filter(|(p, _)| *p == producer)
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(seqs, (0..40).collect::<Vec<_>>(), "producer {producer}");
    }
    assert!(report.queue_lengths.iter().all(|&n| n <= 2));
    // Producers that never sleep against a consumer that does: the queue fills up.
    assert!(report.producer_waits > 0);
}

fn count(ends: &[End], end: End) -> usize {
    ends.iter().filter(|&&e| e == end).count()
}

#[test]
fn a_task_finished_by_the_deadline_counts_as_done_even_if_not_yet_joined() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..20 {
            set.spawn(async { End::Done });
        }
        set.spawn(std::future::pending::<End>());
        // The 20 finish on the workers while this thread is busy past the deadline (seconds
        // for what takes microseconds): none has been joined when it is checked.
        let deadline = tokio::time::Instant::now() + Duration::from_millis(500);
        std::thread::sleep(Duration::from_millis(2_500));
        let ends = timeouts::join_by(set, deadline).await.unwrap();
        assert_eq!(
            (count(&ends, End::Done), count(&ends, End::TimedOut)),
            (20, 1)
        );
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn select_keeps_a_fast_failure_and_select_ok_the_first_success() {
    let failing = Faults {
        error_rate: 1.0,
        ..Faults::default()
    };
    // The mirror answers after 2 s; the primary's 503 comes at once.
    let (primary, mirror) = (server(failing), server(slow(2_000)));
    let (primary_urls, mirror_urls) = (flag_urls(&primary, 5), flag_urls(&mirror, 5));
    let client = client();

    // First to finish: the primary's instant 503 wins every race.
    let (ends, mirror_wins) = races::race(&client, &primary_urls, &mirror_urls).await;
    assert_eq!(mirror_wins, 0);
    assert_eq!(
        (count(&ends, End::Failed), count(&ends, End::Cancelled)),
        (5, 5)
    );

    // First to succeed: the 503 drops out and the mirror's answer wins.
    let (ends, mirror_wins) = races::race_ok(&client, &primary_urls, &mirror_urls).await;
    assert_eq!(mirror_wins, 5);
    assert_eq!((count(&ends, End::Done), count(&ends, End::Failed)), (5, 5));

    // Both fail: both are counted as failed, none is lost.
    let (ends, mirror_wins) = races::race_ok(&client, &primary_urls, &primary_urls).await;
    assert_eq!((mirror_wins, count(&ends, End::Failed)), (0, 10));
}

#[tokio::test(flavor = "multi_thread")]
async fn timeouts_account_for_every_request() {
    let (fast, slow) = (server(Faults::default()), server(slow(20_000)));
    let (fast_urls, slow_urls) = (flag_urls(&fast, 5), flag_urls(&slow, 5));
    let client = client();
    let (short, long) = (Duration::from_millis(300), Duration::from_secs(60));

    let ends = timeouts::per_request(&client, &fast_urls, long).await;
    assert_eq!(count(&ends, End::Done), 5);
    let ends = timeouts::per_request(&client, &slow_urls, short).await;
    assert_eq!(count(&ends, End::TimedOut), 5);

    let ends = timeouts::batch_deadline(&client, &fast_urls, long)
        .await
        .unwrap();
    assert_eq!(count(&ends, End::Done), 5);
    let ends = timeouts::batch_deadline(&client, &slow_urls, short)
        .await
        .unwrap();
    assert_eq!(count(&ends, End::TimedOut), 5);

    // The fast mirror wins every race; every slow request is cancelled, none is lost.
    let (ends, mirror_wins) = races::race(&client, &slow_urls, &fast_urls).await;
    assert_eq!(mirror_wins, 5);
    assert_eq!(
        (count(&ends, End::Done), count(&ends, End::Cancelled)),
        (5, 5)
    );

    let ends = timeouts::cancel_group(&client, &slow_urls, short)
        .await
        .unwrap();
    assert_eq!(count(&ends, End::Cancelled), 5);
    let tally = tour::timeouts::tally(&ends);
    assert_eq!(tally.total(), 5);
}

#[tokio::test(flavor = "current_thread")]
async fn a_blocking_task_stalls_the_ticker_at_least_as_long_as_it_blocks() {
    let block = Duration::from_millis(200);
    let ms = Duration::from_millis;
    let ticks = blocking::measure(blocking::Job::SleepInTask, ms(5), ms(400), block)
        .await
        .unwrap();
    assert!(
        ticks.longest_gap >= block,
        "longest gap {:?}",
        ticks.longest_gap
    );
    assert!(ticks.ticked < ticks.expected);
    let ticks = blocking::measure(blocking::Job::SpinInTask, ms(5), ms(400), block)
        .await
        .unwrap();
    assert!(
        ticks.longest_gap >= block,
        "longest gap {:?}",
        ticks.longest_gap
    );
}

#[tokio::test(flavor = "current_thread")]
async fn both_mutex_fixes_count_every_increment() {
    assert_eq!(mutex_across_await::scoped_guard(50).await.unwrap(), 50);
    assert_eq!(mutex_across_await::async_mutex(50).await.unwrap(), 50);
}

#[test]
fn c10k_completes_every_request_with_the_server_in_its_own_process() {
    let exe = Path::new(EXE);
    let process = c10k::ServerProcess::start(exe).unwrap();
    let server = Server::Remote(RemoteServer::connect(&process.url).unwrap());
    server.set_faults(&slow(200)).unwrap();
    let latency = Duration::from_millis(200);
    for (variant, n) in [
        (c10k::Variant::Tasks, 1_000),
        (c10k::Variant::TasksHyper, 1_000),
        (c10k::Variant::Threads, 200),
    ] {
        server.reset_stats().unwrap();
        let measured = c10k::measure(exe, variant, n, &process.url, latency).unwrap();
        let o = measured.outcomes;
        assert_eq!(o.ok, n as u64, "{variant:?}: {o:?}");
        assert_eq!(
            (o.errors, o.timed_out, o.skipped),
            (Some(0), Some(0), Some(0))
        );
        assert_eq!(server.stats().unwrap().requests, n as u64);
        if cfg!(target_os = "linux") {
            assert!(measured.peak_kib.is_some_and(|p| p > 0));
        }
    }
}

/// The pids of this process's children (running or zombies) whose command name is `name`.
/// Linux only: elsewhere it finds none.
fn our_children_named(name: &str) -> Vec<u32> {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // "pid (name) state ppid ...": the name may hold spaces, so split after its ')'.
            let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            stat.contains(&format!("({name})")) && after.split_whitespace().nth(1) == Some(&me)
        })
        .collect()
}

#[test]
fn a_server_process_that_does_not_start_is_killed_and_reaped() {
    // `yes serve-child` answers with a line that is not a URL, then runs for ever.
    let err = c10k::ServerProcess::start(Path::new("yes")).unwrap_err();
    assert!(err.to_string().contains("did not start"), "{err:#}");
    assert_eq!(our_children_named("yes"), Vec::<u32>::new());
}

/// Started with a soft limit of 256 open files (macOS's default), the tour raises it to the
/// hard limit and runs the full size instead of shrinking it.
#[cfg(unix)]
#[test]
fn a_low_open_file_limit_is_raised_to_the_hard_one() {
    let hard = c10k::open_file_limits().unwrap().1;
    if hard < 1_000 {
        return; // nothing to raise it to here
    }
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            "ulimit -Sn 256 && exec \"$0\" runtimes --quick --count 400",
            EXE,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("raised the open-file limit from 256 to "),
        "{stdout}"
    );
    assert!(!stdout.contains("downloads instead of 400"), "{stdout}");
}

#[test]
fn the_open_file_limit_is_read_on_linux() {
    if cfg!(target_os = "linux") {
        assert!(c10k::open_file_limit().is_some_and(|n| n > 0));
        // Raised to the hard limit where that is a number the kernel takes.
        c10k::raise_open_file_limit();
        let (soft, hard) = c10k::open_file_limits().unwrap();
        assert!(soft == hard || hard == u64::MAX, "soft {soft}, hard {hard}");
        assert!(c10k::peak_memory_kib().is_some_and(|n| n > 0));
    }
}

#[cfg(unix)]
#[test]
fn the_service_finishes_in_flight_work_and_exits_cleanly_on_sigint() {
    let session = tour::shutdown::run_and_interrupt(Path::new(EXE), 300, 2, false, |_| {}).unwrap();
    assert!(session.status.success(), "exit status {}", session.status);
    assert!(session.accepted >= 2);
    assert_eq!(session.finished, session.accepted);
    assert_eq!(session.aborted, 0);
    assert!(
        session
            .lines
            .iter()
            .any(|l| l.starts_with("Ctrl-C: no new work"))
    );
    let finished_lines = session
        .lines
        .iter()
        .filter(|l| l.starts_with("finished job"))
        .count();
    assert_eq!(finished_lines as u64, session.accepted);
}

#[cfg(unix)]
#[test]
fn a_second_sigint_aborts_the_drain_and_exits_non_zero() {
    // Jobs of 3 s: the second SIGINT comes long before any in-flight job could finish.
    let session = tour::shutdown::run_and_interrupt(Path::new(EXE), 3000, 2, true, |_| {}).unwrap();
    assert_eq!(session.status.code(), Some(1), "{:?}", session.lines);
    assert!(session.aborted >= 1, "{:?}", session.lines);
    assert_eq!(session.finished + session.aborted, session.accepted);
    assert!(
        session
            .lines
            .iter()
            .any(|l| l.contains("stopped by a second Ctrl-C"))
    );
}

/// The service's loop on its own, with a channel standing in for Ctrl-C: the test sends the
/// "signals" from the log, and the jobs are timers on tokio's paused clock, which moves only
/// when every task waits: nothing here depends on how busy the machine is.
#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn serve_drains_on_the_first_interrupt_and_aborts_on_the_second() {
    use futures::channel::mpsc;
    for twice in [false, true] {
        let (tx, rx) = mpsc::unbounded();
        let log = |line: &str| {
            let drain = line.starts_with("Ctrl-C: no new work");
            if line == "accepted job 4" || (twice && drain) {
                tx.unbounded_send(()).unwrap();
            }
        };
        let takes = Duration::from_millis(if twice { 300 } else { 90 });
        let s = shutdown::serve(rx, takes, log).await.unwrap();
        assert!(s.accepted >= 4, "{s:?}");
        assert_eq!(s.finished + s.aborted, s.accepted, "{s:?}");
        assert_eq!(s.forced, twice, "{s:?}");
        if twice {
            // Job 4 started at this very moment of the paused clock and takes 300 ms: the
            // second interrupt aborted it at least.
            assert!(s.aborted >= 1, "{s:?}");
        } else {
            assert_eq!(s.aborted, 0, "{s:?}");
        }
    }
}
