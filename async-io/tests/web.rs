//! Tests of the `web` demo's servers and load generator: every status from both servers, the
//! upstream calls in flight as the fake server counts them, and load counts that add up. No test
//! times anything; the only durations are limits far from what they bound.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

use async_io::lessons::web_async::{self as axum_server, App, Handler};
use async_io::lessons::web_blocking as blocking;
use async_io::tour::web::load;
use common::server::{FakeServer, Faults, Rendezvous, ServerConfig};

fn fake(faults: Faults) -> FakeServer {
    let config = ServerConfig {
        image_variants: 0,
        faults,
        ..ServerConfig::default()
    };
    FakeServer::start(config).unwrap()
}

fn rendezvous(count: u64, timeout_ms: u64) -> Faults {
    Faults {
        rendezvous: Some(Rendezvous { count, timeout_ms }),
        ..Faults::default()
    }
}

/// The blocking server on a thread of its own, for the rest of the test process.
fn start_blocking(
    upstream: &str,
    workers: usize,
    read_timeout: Duration,
    upstream_ms: u64,
) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let options = blocking::Options {
        upstream: upstream.to_string(),
        workers,
        read_timeout,
        upstream_timeout: Duration::from_millis(upstream_ms),
    };
    std::thread::spawn(move || blocking::serve(listener, options));
    url
}

/// Worker threads of the async servers' runtime, whatever the machine.
const RUNTIME_THREADS: usize = 2;

/// An axum server on a thread of its own, with its own runtime.
fn start_async(upstream: &str, handler: Handler, upstream_ms: u64) -> String {
    let timeout = Duration::from_millis(upstream_ms);
    let app = App {
        client: reqwest::Client::builder()
            .no_proxy()
            .timeout(timeout)
            .build()
            .unwrap(),
        agent: ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .proxy(None)
            .build()
            .into(),
        upstream: upstream.to_string(),
    };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(RUNTIME_THREADS)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, axum_server::router(app, handler))
                .await
                .unwrap();
        });
    });
    url
}

/// A client that returns error statuses as answers, with a limit far above any answer here.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .proxy(None)
        .build()
        .into()
}

/// Status and JSON body of one request.
fn call(method: &str, url: &str) -> (u16, serde_json::Value) {
    let agent = agent();
    let answer = match method {
        "GET" => agent.get(url).call(),
        "POST" => agent.post(url).send_empty(),
        "DELETE" => agent.delete(url).call(),
        _ => unreachable!(),
    };
    let mut answer = answer.unwrap();
    let status = answer.status().as_u16();
    let body = answer.body_mut().read_to_string().unwrap();
    let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{url}: {e}: {body:?}"));
    (status, json)
}

fn flag_size(server: &FakeServer, cc: &str) -> u64 {
    let url = format!("{}/flags/{cc}/{cc}.gif", server.url());
    agent()
        .get(&url)
        .call()
        .unwrap()
        .body_mut()
        .read_to_vec()
        .unwrap()
        .len() as u64
}

/// Every status of the service, from a server started by `start(upstream, upstream_ms)`.
fn every_status(start: impl Fn(&str, u64) -> String) {
    let fine = fake(Faults::default());
    let url = start(fine.url(), 30_000);
    let (status, body) = call("GET", &format!("{url}/api/flags/br"));
    assert_eq!(status, 200);
    let expected =
        serde_json::json!({"cc": "BR", "country": "Brazil", "bytes": flag_size(&fine, "br")});
    assert_eq!(body, expected);
    for (method, path, want) in [
        ("GET", "/api/flags/zz", 404),
        ("GET", "/api/flags/b1", 400),
        ("GET", "/api/flags/bra", 400),
        ("GET", "/api/nothing", 404),
        ("POST", "/api/flags/br", 405),
        ("DELETE", "/api/flags/br", 405),
    ] {
        let (status, body) = call(method, &format!("{url}{path}"));
        assert_eq!(status, want, "{method} {path}");
        assert_eq!(body["status"], want, "{method} {path}: {body}");
        assert!(body["error"].is_string(), "{method} {path}: {body}");
    }

    let failing = fake(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    let url = start(failing.url(), 30_000);
    let (status, body) = call("GET", &format!("{url}/api/flags/br"));
    assert_eq!(
        (status, body["status"].as_u64()),
        (502, Some(502)),
        "{body}"
    );

    let slow = fake(Faults {
        latency_ms: 30_000,
        ..Faults::default()
    });
    let url = start(slow.url(), 300);
    let (status, body) = call("GET", &format!("{url}/api/flags/br"));
    assert_eq!(
        (status, body["status"].as_u64()),
        (504, Some(504)),
        "{body}"
    );
}

#[test]
fn the_blocking_server_answers_every_status() {
    every_status(|upstream, ms| start_blocking(upstream, 2, Duration::from_secs(30), ms));
}

#[test]
fn the_async_server_answers_every_status() {
    every_status(|upstream, ms| start_async(upstream, Handler::Async, ms));
}

#[test]
fn the_pitfall_handlers_give_the_same_answers() {
    for handler in [Handler::BlockingCall, Handler::SpawnBlocking] {
        let fine = fake(Faults::default());
        let url = start_async(fine.url(), handler, 30_000);
        let (status, body) = call("GET", &format!("{url}/api/flags/jp"));
        assert_eq!(
            (status, body["country"].as_str()),
            (200, Some("Japan")),
            "{handler:?}"
        );
        let (status, _) = call("GET", &format!("{url}/api/flags/zz"));
        assert_eq!(status, 404, "{handler:?}");
    }
}

/// `n` requests at once, each from its own thread; every one must succeed.
fn burst(url: &str, n: usize) {
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let url = format!("{url}/api/flags/de");
            std::thread::spawn(move || call("GET", &url).0)
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
}

#[test]
fn the_async_server_has_more_than_8_upstream_calls_in_flight() {
    // Answers wait until 16 calls are in flight together (or 20 s pass).
    let upstream = fake(rendezvous(16, 20_000));
    let url = start_async(upstream.url(), Handler::Async, 60_000);
    burst(&url, 8); // two calls each: 16 at once if both calls of every request overlap
    let peak = upstream.stats().max_in_flight;
    assert!(peak > 8, "peak upstream in flight {peak}");
}

#[test]
fn the_blocking_server_never_exceeds_its_workers() {
    // Answers wait for a batch of 16 that can never gather (or 1 s): every worker is busy
    // at once, and no more.
    let upstream = fake(rendezvous(16, 1_000));
    let url = start_blocking(upstream.url(), 4, Duration::from_secs(30), 60_000);
    burst(&url, 12);
    assert_eq!(upstream.stats().max_in_flight, 4);
}

#[test]
fn a_silent_client_does_not_stop_the_blocking_server() {
    let upstream = fake(Faults::default());
    // One worker, and two clients that connect and say nothing.
    let url = start_blocking(upstream.url(), 1, Duration::from_millis(300), 30_000);
    let addr = url.trim_start_matches("http://");
    let mut silent: Vec<TcpStream> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();
    let (status, body) = call("GET", &format!("{url}/api/flags/br"));
    assert_eq!((status, body["cc"].as_str()), (200, Some("BR")));
    // The silent ones were told why they were dropped.
    for s in &mut silent {
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    }
}

#[test]
fn the_blocking_server_refuses_malformed_requests() {
    let upstream = fake(Faults::default());
    let url = start_blocking(upstream.url(), 1, Duration::from_secs(30), 30_000);
    let addr = url.trim_start_matches("http://");
    for request in [
        "garbage\r\n\r\n",
        "GET /api/flags/br HTTP/1.1\r\nno colon here\r\n\r\n",
        "GET /api/flags/br HTTP/1.1\r\ncontent-length: lots\r\n\r\n",
    ] {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 400"),
            "{request:?}: {answer:?}"
        );
    }
}

fn adds_up(r: &load::LoadReport) {
    let total = r.ok + r.status_4xx + r.status_5xx + r.timed_out + r.connection_errors;
    assert_eq!(total, r.sent, "{r:?}");
    // Every request sent is in the percentiles: ended ones in the histogram, cut ones by age.
    assert_eq!(
        r.latencies.total() + r.cut_ages.len() as u64,
        r.sent,
        "{r:?}"
    );
    assert_eq!(r.cut_ages.len() as u64, r.timed_out, "{r:?}");
    assert!(
        r.timed_out <= r.connections as u64,
        "at most one cut per connection: {r:?}"
    );
}

#[test]
fn the_load_generators_counts_add_up() {
    let upstream = fake(Faults {
        latency_ms: 5,
        ..Faults::default()
    });
    let keep_alive = start_async(upstream.url(), Handler::Async, 30_000);
    let closing = start_blocking(upstream.url(), 2, Duration::from_secs(30), 30_000);
    let dead = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap()) // closed when `l` drops here
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let run = |url: String| {
        runtime
            .block_on(load::load(&url, 4, Duration::from_millis(500)))
            .unwrap()
    };

    let ok = run(format!("{keep_alive}/api/flags/br"));
    adds_up(&ok);
    assert!(
        ok.ok > 0 && ok.status_4xx == 0 && ok.connection_errors == 0,
        "{ok:?}"
    );

    let reconnecting = run(format!("{closing}/api/flags/br"));
    adds_up(&reconnecting);
    assert!(
        reconnecting.ok > 4,
        "reconnected after each close: {reconnecting:?}"
    );
    assert_eq!(reconnecting.connection_errors, 0, "{reconnecting:?}");

    let unknown = run(format!("{keep_alive}/api/flags/zz"));
    adds_up(&unknown);
    assert!(unknown.status_4xx > 0 && unknown.ok == 0, "{unknown:?}");

    let refused = run(format!("{dead}/api/flags/br"));
    adds_up(&refused);
    assert!(
        refused.connection_errors > 0 && refused.ok == 0,
        "{refused:?}"
    );
}

#[test]
fn a_blocking_call_inside_async_holds_a_runtime_thread_and_spawn_blocking_does_not() {
    // Answers wait for a batch of 16 that never gathers (or 1 s), so every request the server
    // serves at once is in flight upstream at once.
    let upstream = fake(rendezvous(16, 1_000));
    let url = start_async(upstream.url(), Handler::BlockingCall, 60_000);
    burst(&url, 8);
    let peak = upstream.stats().max_in_flight;
    let threads = RUNTIME_THREADS as u64;
    assert!(
        peak <= threads,
        "{peak} in flight on {threads} runtime threads"
    );

    let upstream = fake(rendezvous(16, 1_000));
    let url = start_async(upstream.url(), Handler::SpawnBlocking, 60_000);
    burst(&url, 8);
    assert_eq!(
        upstream.stats().max_in_flight,
        8,
        "every request on its own blocking thread"
    );
}

#[test]
fn a_client_that_hung_up_in_the_queue_is_dropped_not_served() {
    // One worker, and upstream calls of 1 s each: request A holds the worker for 2 s.
    let upstream = fake(Faults {
        latency_ms: 1_000,
        ..Faults::default()
    });
    let url = start_blocking(upstream.url(), 1, Duration::from_secs(30), 30_000);
    let a = {
        let url = format!("{url}/api/flags/br");
        std::thread::spawn(move || call("GET", &url).0)
    };
    let waited = std::time::Instant::now();
    while upstream.stats().in_flight == 0 {
        assert!(
            waited.elapsed() < Duration::from_secs(20),
            "A never reached upstream"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // B sends its request while A is served, then hangs up before its turn.
    let mut b = TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    b.write_all(b"GET /api/flags/de HTTP/1.1\r\nhost: x\r\n\r\n")
        .unwrap();
    drop(b);
    // C waits behind both and is served.
    let (status, body) = call("GET", &format!("{url}/api/flags/fr"));
    assert_eq!((status, body["cc"].as_str()), (200, Some("FR")));
    assert_eq!(a.join().unwrap(), 200);
    // Two upstream calls for A and two for C: none for B.
    assert_eq!(upstream.stats().requests, 4, "{:?}", upstream.stats());
}

#[test]
fn a_panicking_handler_does_not_shrink_the_pool() {
    use async_io::lessons::web_pool::serve_pool;
    use std::io::{BufRead, BufReader};
    use std::sync::atomic::{AtomicUsize, Ordering};

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Two workers. `/panic` panics; `/pair` answers 200 only once both workers hold a `/pair`
    // at the same time (or 500 after 20 s), so it needs the whole pool.
    let in_pair = std::sync::Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        serve_pool(listener, 2, move |mut stream| {
            let mut line = String::new();
            BufReader::new(&stream).read_line(&mut line).unwrap();
            assert!(!line.contains("/panic"), "the handler's bug");
            in_pair.fetch_add(1, Ordering::SeqCst);
            let waited = std::time::Instant::now();
            while in_pair.load(Ordering::SeqCst) < 2 && waited.elapsed() < Duration::from_secs(20) {
                std::thread::sleep(Duration::from_millis(5));
            }
            let status = if in_pair.load(Ordering::SeqCst) >= 2 {
                200
            } else {
                500
            };
            let answer = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}"
            );
            let _ = stream.write_all(answer.as_bytes());
        })
    });
    for _ in 0..4 {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(b"GET /panic HTTP/1.1\r\n\r\n").unwrap();
        let _ = s.read_to_end(&mut Vec::new()); // closed when the handler panics
    }
    let pair: Vec<_> = (0..2)
        .map(|_| std::thread::spawn(move || call("GET", &format!("http://{addr}/pair")).0))
        .collect();
    for p in pair {
        assert_eq!(p.join().unwrap(), 200, "both workers still serve");
    }
}

#[test]
fn the_web_rows_state_one_rate_successful_answers_per_second() {
    let rows = support::json_rows(Command::new(support::EXE).args(["web", "--quick"]));
    assert_eq!(rows.len(), 4, "{rows:?}");
    for row in &rows {
        let wall = row["wall_s"].as_f64().unwrap();
        let ok = row["ok"].as_f64().unwrap();
        let rate = row["items_per_s"].as_f64().unwrap();
        assert!((rate - ok / wall).abs() < 1e-6, "{row}");
        assert_eq!(row["extra"]["requests_per_s"].as_f64(), Some(rate), "{row}");
        assert_eq!(row["extra"]["unanswered"], row["timed_out"], "{row}");
        assert!(row["extra"]["p99_ms"].is_number(), "{row}");
        assert!(row["extra"]["p99_at_least"].is_boolean(), "{row}");
    }
}

/// A server under a parent process (`--parent-pipe`) returns from main, exit code 0, once the
/// parent closes its stdin: no `process::exit` from a helper thread.
#[test]
fn a_child_server_exits_cleanly_when_its_parent_closes_the_pipe() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    for kind in ["blocking", "async"] {
        let mut child = Command::new(support::EXE)
            .args([
                "web-child",
                "--serve",
                kind,
                "--port",
                "0",
                "--parent-pipe",
                "--quick",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut url = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut url)
            .unwrap();
        assert!(url.starts_with("http://"), "{kind}: {url:?}");
        drop(child.stdin.take());
        let waited = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if waited.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{kind}: still running 30 s after its stdin closed");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "{kind}: {status}");
    }
}
