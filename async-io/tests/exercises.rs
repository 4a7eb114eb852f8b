//! Tests of the exercises. They run against the solutions by default; an attendee runs
//! `cargo test -p async-io --features exercises --test exercises` to test their own code.
//! Concurrency is proved by the fake server's rendezvous (answers wait until N requests are in
//! flight together), never by timing.

use std::time::Duration;

use async_io::workshop::{Tally, download_all, download_capped, fetch_with_timeout, pipeline};
use common::server::{FakeServer, Faults, Rendezvous, ServerConfig};

fn server(faults: Faults) -> FakeServer {
    let config = ServerConfig {
        image_variants: 0,
        faults,
        ..ServerConfig::default()
    };
    FakeServer::start(config).unwrap()
}

fn rendezvous(count: u64) -> Faults {
    Faults {
        rendezvous: Some(Rendezvous {
            count,
            timeout_ms: 3_000,
        }),
        ..Faults::default()
    }
}

fn flag_url(server: &FakeServer, cc: &str) -> String {
    format!("{}/flags/{cc}/{cc}.gif", server.url())
}

fn urls(server: &FakeServer, n: usize) -> Vec<String> {
    common::data::country_codes(n)
        .iter()
        .map(|cc| flag_url(server, &cc.to_lowercase()))
        .collect()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The size of each body, fetched one at a time with a blocking client.
fn sizes(urls: &[String]) -> Vec<Option<usize>> {
    urls.iter()
        .map(|url| {
            let mut answer = ureq::get(url).call().ok()?;
            Some(answer.body_mut().read_to_vec().ok()?.len())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn download_all_runs_every_request_at_once() {
    let server = server(rendezvous(6));
    let urls = urls(&server, 6);
    let got = download_all(&client(), &urls).await;
    assert_eq!(got.len(), 6);
    assert!(got.iter().all(|len| len.is_some_and(|n| n > 0)));
    assert_eq!(
        server.stats().max_in_flight,
        6,
        "not all six were in flight at once"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn download_all_keeps_input_order_and_reports_failures() {
    let server = server(Faults::default());
    let mut urls = urls(&server, 5);
    urls.insert(2, flag_url(&server, "zz")); // 404
    let expected = tokio::task::spawn_blocking({
        let urls = urls.clone();
        move || sizes(&urls)
    })
    .await
    .unwrap();
    assert_eq!(expected[2], None);
    assert_eq!(download_all(&client(), &urls).await, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn download_capped_never_exceeds_the_cap_and_reaches_it() {
    for cap in [1, 3] {
        let server = server(rendezvous(cap));
        let urls = urls(&server, 3 * cap as usize);
        let got = download_capped(&client(), &urls, cap as usize).await;
        assert!(got.iter().all(|len| len.is_some_and(|n| n > 0)));
        assert_eq!(server.stats().max_in_flight, cap, "cap {cap}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pipeline_delivers_every_item_once_in_order_and_ends() {
    let got = tokio::time::timeout(Duration::from_secs(60), pipeline(3, 50, 2))
        .await
        .expect("the consumer never saw the end of the stream");
    assert_eq!(got.len(), 150);
    for producer in 0..3 {
        let seqs: Vec<usize> = got
            .iter()
            .filter(|(p, _)| *p == producer)
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(seqs, (0..50).collect::<Vec<_>>(), "producer {producer}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn fetch_with_timeout_counts_each_way_a_request_ends() {
    let fast = server(Faults::default());
    let slow = server(Faults {
        latency_ms: 30_000,
        ..Faults::default()
    });
    let mut all = urls(&fast, 3);
    all.push(flag_url(&fast, "zz")); // 404: failed
    all.extend(urls(&slow, 2)); // far slower than the limit: timed out
    let tally = fetch_with_timeout(&client(), &all, Duration::from_secs(2)).await;
    assert_eq!(
        tally,
        Tally {
            ok: 3,
            failed: 1,
            timed_out: 2
        }
    );
}

fn upstream_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .unwrap()
}

/// The flag's size as the fake server serves it.
fn flag_size(server: &FakeServer, cc: &str) -> u64 {
    let url = flag_url(server, cc);
    ureq::get(&url)
        .call()
        .unwrap()
        .body_mut()
        .read_to_vec()
        .unwrap()
        .len() as u64
}

#[test]
fn exercise_6_answers_the_country_and_the_flags_size() {
    common::guard::exercise(6, "is every upstream call awaited?", || {
        let server = server(Faults::default());
        let got = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(async_io::workshop::flag_info(
                &upstream_client(Duration::from_secs(30)),
                server.url(),
                "BR",
            ));
        let expected = async_io::web::FlagInfo {
            cc: "BR".into(),
            country: "Brazil".into(),
            bytes: flag_size(&server, "br"),
        };
        assert_eq!(got, Ok(expected));
    });
}

#[test]
fn exercise_6_fetches_the_metadata_and_the_flag_at_once() {
    common::guard::exercise(6, "does each call wait for the other?", || {
        let server = server(Faults {
            rendezvous: Some(Rendezvous {
                count: 2,
                timeout_ms: 5_000,
            }),
            ..Faults::default()
        });
        let got = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(async_io::workshop::flag_info(
                &upstream_client(Duration::from_secs(30)),
                server.url(),
                "JP",
            ));
        assert!(got.is_ok(), "{got:?}");
        let peak = server.stats().max_in_flight;
        assert_eq!(
            peak, 2,
            "the two upstream calls were not in flight together"
        );
    });
}

#[test]
fn exercise_6_maps_upstream_failures_to_statuses() {
    common::guard::exercise(6, "does a timeout still end the call?", || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let status = |server: &FakeServer, cc: &str, timeout: Duration| {
            let got = runtime.block_on(async_io::workshop::flag_info(
                &upstream_client(timeout),
                server.url(),
                cc,
            ));
            got.map_err(|e| e.status())
        };
        let fine = server(Faults::default());
        let failing = server(Faults {
            error_rate: 1.0,
            ..Faults::default()
        });
        let slow = server(Faults {
            latency_ms: 20_000,
            ..Faults::default()
        });
        let long = Duration::from_secs(30);
        assert_eq!(status(&fine, "ZZ", long), Err(404), "an unknown code");
        assert_eq!(status(&failing, "BR", long), Err(502), "upstream 503");
        let short = Duration::from_millis(300);
        assert_eq!(status(&slow, "BR", short), Err(504), "upstream too slow");
    });
}

#[test]
fn exercise_7_the_blocking_call_leaves_the_runtime_free() {
    common::guard::exercise(
        7,
        "does the blocking call still run on the runtime's thread?",
        || {
            // Upstream answers wait until 4 calls are in flight (or 1 s passes): on a
            // single-threaded runtime, only calls on other threads can overlap.
            let server = server(Faults {
                rendezvous: Some(Rendezvous {
                    count: 4,
                    timeout_ms: 1_000,
                }),
                ..Faults::default()
            });
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(Duration::from_secs(30)))
                .build()
                .into();
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let codes = ["BR", "JP", "DE", "MX"];
            let got = runtime.block_on(futures::future::join_all(codes.iter().map(|cc| {
                async_io::workshop::flag_info_blocking(
                    agent.clone(),
                    server.url().into(),
                    cc.to_string(),
                )
            })));
            for (cc, got) in codes.iter().zip(&got) {
                let info = got.as_ref().unwrap_or_else(|e| panic!("{cc}: {e}"));
                assert_eq!(info.cc, *cc);
                assert_eq!(info.bytes, flag_size(&server, &cc.to_lowercase()));
            }
            let peak = server.stats().max_in_flight;
            assert_eq!(peak, 4, "the four blocking calls did not overlap");
        },
    );
}
