//! The server's trace, the timeline drawn from it, and the trace file: lanes match the peak
//! in flight the server counted, and the file holds one complete event per span.

use std::thread;
use std::time::Duration;

use common::server::{FakeServer, Faults, Rendezvous, ServerConfig};
use common::spans::{Kind, Lane, Span};
use common::timeline::{MAX_LANES, assign_lanes, render};
use common::{CommonArgs, Row, Table};
use serde_json::Value;

fn server(trace_limit: usize) -> FakeServer {
    FakeServer::start(ServerConfig {
        image_variants: 0,
        trace_limit,
        ..ServerConfig::default()
    })
    .expect("the fake server starts")
}

/// No proxy: the server is on this machine, and `HTTP_PROXY` would send 127.0.0.1 to the proxy.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn get(url: &str) -> u16 {
    agent().get(url).call().map_or(0, |a| a.status().as_u16())
}

/// `threads` requests held together by the rendezvous, so all are in flight at once.
fn burst(s: &FakeServer, threads: usize) {
    thread::scope(|scope| {
        for i in 0..threads {
            let url = format!(
                "{}/flags/{cc}/{cc}.gif",
                s.url(),
                cc = ["br", "in", "cn"][i % 3]
            );
            scope.spawn(move || assert_eq!(get(&url), 200));
        }
    });
}

#[test]
fn up_to_twelve_the_lanes_drawn_are_the_peak_the_server_saw() {
    let s = server(1000);
    for threads in [1, 3, 7, 12] {
        s.set_faults(Faults {
            latency_ms: 20,
            rendezvous: Some(Rendezvous {
                count: threads as u64,
                timeout_ms: 10_000,
            }),
            ..Faults::default()
        })
        .unwrap();
        s.reset_stats();
        burst(&s, threads);
        burst(&s, threads); // a second wave reuses the same slots
        let peak = s.stats().max_in_flight;
        assert_eq!(peak, threads as u64);
        let spans = s.trace().spans();
        assert_eq!(spans.len(), 2 * threads);
        assert!(spans.iter().all(|sp| sp.kind == Kind::Download));
        assert_eq!(assign_lanes(&spans).names.len(), threads);
        let text = render("burst", &spans, Duration::from_millis(50), 80, false);
        let lanes = text.lines().filter(|l| l.contains("download ")).count();
        assert_eq!(lanes, threads, "{text}");
        assert!(text.contains(&format!("peak {threads}")), "{text}");
    }
}

#[test]
fn the_trace_is_served_reset_with_the_stats_and_capped() {
    let s = server(3);
    s.set_faults(Faults::default()).unwrap();
    for cc in ["br", "in", "cn", "us", "zz"] {
        get(&format!("{}/flags/{cc}/{cc}.gif", s.url()));
    }
    get(&format!("{}/stats", s.url())); // control routes are not traced
    let trace: Value = serde_json::from_str(
        &agent()
            .get(format!("{}/trace", s.url()))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap(),
    )
    .unwrap();
    let requests = trace["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 3, "{trace}");
    assert_eq!(trace["dropped"], 2);
    assert_eq!(requests[2]["path"], "/flags/zz/zz.gif");
    assert_eq!(requests[2]["status"], 404);
    for r in requests {
        assert!(r["end_us"].as_u64() >= r["start_us"].as_u64());
    }
    s.reset_stats();
    assert!(s.trace().requests.is_empty());
    assert_eq!(s.trace().dropped, 0);
}

#[test]
fn a_trace_file_has_one_complete_event_per_span_with_non_negative_durations() {
    let path = std::env::temp_dir().join(format!("trace-test-{}.json", std::process::id()));
    let args = CommonArgs {
        trace: Some(path.clone()),
        json: true, // keep the test's stdout quiet: rows go out as JSON
        ..CommonArgs::default()
    };
    let span = |lane, kind, start_ms: u64, end_ms: u64| Span {
        lane,
        kind,
        label: "job",
        id: start_ms,
        start: Duration::from_millis(start_ms),
        end: Duration::from_millis(end_ms),
    };
    let mut table = Table::new("trace-test", &args);
    let first: Vec<Span> = (0..30)
        .map(|i| span(Lane::Slot, Kind::Download, i, i + 5))
        .collect();
    let second = vec![
        span(Lane::Thread(4), Kind::Resize, 0, 0),
        span(Lane::Worker(1), Kind::Upload, 3, 9),
    ];
    table.push(Row::new("a", 30, Duration::from_millis(40)).spans(first));
    table.push(Row::new("b", 2, Duration::from_millis(10)).spans(second));
    table.print();
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let trace: Value = serde_json::from_str(&text).unwrap();
    let events = trace["traceEvents"].as_array().unwrap();
    let complete: Vec<&Value> = events.iter().filter(|e| e["ph"] == "X").collect();
    assert_eq!(complete.len(), 32);
    assert!(complete.iter().all(|e| e["dur"].as_f64().unwrap() >= 0.0));
    assert!(complete.iter().all(|e| e["ts"].as_f64().unwrap() >= 0.0));
    let pids: std::collections::BTreeSet<u64> = complete
        .iter()
        .map(|e| e["pid"].as_u64().unwrap())
        .collect();
    assert_eq!(pids.len(), 2, "one process per row");
    let names: Vec<&str> = events
        .iter()
        .filter(|e| e["name"] == "process_name")
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["trace-test: a", "trace-test: b"]);
}

#[test]
fn more_lanes_than_twelve_are_summarised() {
    let spans: Vec<Span> = (0..40)
        .map(|i| Span {
            lane: Lane::Slot,
            kind: Kind::Request,
            label: "GET",
            id: i,
            start: Duration::ZERO,
            end: Duration::from_millis(10),
        })
        .collect();
    let text = render("wide", &spans, Duration::from_millis(10), 80, false);
    assert_eq!(
        text.lines().filter(|l| l.contains("request ")).count(),
        MAX_LANES
    );
    assert!(text.contains("+28 more lanes"), "{text}");
    assert!(text.contains("peak 40"), "{text}");
}
