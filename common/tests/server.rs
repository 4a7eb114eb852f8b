//! The fake server, tested over loopback: routes, JSON shapes, faults, limits, bursts, shutdown.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use common::server::{FakeServer, Faults, Rendezvous, ServerConfig, Stats, Upload};
use serde_json::Value;

fn server(faults: Faults) -> FakeServer {
    FakeServer::start(ServerConfig {
        faults,
        image_width: 320,
        image_height: 200,
        image_variants: 2,
        upload_limit: 10_000,
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

/// (status, body) of a request.
fn call(method: &str, url: &str, body: Option<&[u8]>) -> (u16, Vec<u8>) {
    let agent = agent();
    let mut answer = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        ("POST", None) => agent.post(url).send_empty(),
        ("PUT", Some(b)) => agent.put(url).send(b),
        ("POST", Some(b)) => agent.post(url).send(b),
        _ => unreachable!(),
    }
    .expect("the request completes");
    let status = answer.status().as_u16();
    (status, answer.body_mut().read_to_vec().unwrap())
}

fn get(url: &str) -> (u16, Vec<u8>) {
    call("GET", url, None)
}

fn json(url: &str) -> Value {
    let (status, body) = get(url);
    assert_eq!(status, 200, "{url}");
    serde_json::from_slice(&body).unwrap()
}

#[test]
fn flags_and_metadata_for_all_194_countries() {
    let s = server(Faults::default());
    assert_eq!(common::data::COUNTRIES.len(), 194);
    for (cc, name) in common::data::COUNTRIES {
        let cc = cc.to_lowercase();
        let (status, gif) = get(&format!("{}/flags/{cc}/{cc}.gif", s.url()));
        assert_eq!(status, 200, "{cc}");
        assert!(gif.starts_with(b"GIF89a"), "{cc}");
        let meta = json(&format!("{}/flags/{cc}/metadata.json", s.url()));
        assert_eq!(meta["cc"], cc.to_uppercase());
        assert_eq!(meta["country"], name, "{meta}");
    }
    for missing in ["zz", "aa", "xk", "eu"] {
        let (status, _) = get(&format!("{}/flags/{missing}/{missing}.gif", s.url()));
        assert_eq!(status, 404, "{missing} is not in the set");
        let (status, _) = get(&format!("{}/flags/{missing}/metadata.json", s.url()));
        assert_eq!(status, 404, "{missing} is not in the set");
    }
    assert_eq!(
        get(&format!("{}/flags/BR/BR.gif", s.url())).0,
        404,
        "codes are lower case"
    );
    assert_eq!(get(&format!("{}/flags/br/in.gif", s.url())).0, 404);
}

/// What the Python flags clients do with `-e`: every two-letter code AA..ZZ. Exactly the 194
/// answer, everything else is a 404, as on the site those clients were written for.
#[test]
fn every_two_letter_code_finds_exactly_the_194() {
    let s = server(Faults::default());
    let letters = b'a'..=b'z';
    let found: Vec<String> = letters
        .clone()
        .flat_map(|a| {
            letters
                .clone()
                .map(move |b| String::from_utf8(vec![a, b]).unwrap())
        })
        .filter(
            |cc| match get(&format!("{}/flags/{cc}/{cc}.gif", s.url())).0 {
                200 => true,
                404 => false,
                other => panic!("{cc}: status {other}"),
            },
        )
        .collect();
    let expected: Vec<String> = common::data::COUNTRIES
        .iter()
        .map(|(cc, _)| cc.to_lowercase())
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn images_are_jpegs_cycling_through_the_variants_and_listed() {
    let s = server(Faults::default());
    let (status, a) = get(&format!("{}/images/0.jpg", s.url()));
    assert_eq!(status, 200);
    assert_eq!(&a[..2], &[0xFF, 0xD8]);
    let b = get(&format!("{}/images/1.jpg", s.url())).1;
    assert_ne!(a, b);
    assert_eq!(
        get(&format!("{}/images/2.jpg", s.url())).1,
        a,
        "2 cycles back to 0"
    );
    assert_eq!(get(&format!("{}/images/x.jpg", s.url())).0, 404);
    let list: Vec<Upload> = serde_json::from_value(json(&format!("{}/images", s.url()))).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].name, "0.jpg");
    assert_eq!(list[0].bytes, a.len() as u64);
}

#[test]
fn images_dir_serves_the_folders_photos_by_extension() {
    let dir = std::env::temp_dir().join(format!("fake-server-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jpeg = common::images::photo_jpeg(40, 30, 7);
    std::fs::write(dir.join("holiday.jpg"), &jpeg).unwrap();
    // The server never decodes: a file is served by its extension, whatever its bytes.
    let photos = [
        ("beach.JPEG", "image/jpeg"),
        ("screenshot.png", "image/png"),
        ("phone.webp", "image/webp"),
        ("cat.gif", "image/gif"),
        ("scan.bmp", "image/bmp"),
    ];
    for (name, _) in photos {
        std::fs::write(dir.join(name), name.as_bytes()).unwrap();
    }
    std::fs::write(dir.join("notes.txt"), b"not an image").unwrap();
    std::fs::write(dir.join("raw.tiff"), b"not served either").unwrap();
    let s = FakeServer::start(ServerConfig {
        images_dir: Some(dir.clone()),
        ..ServerConfig::default()
    })
    .unwrap();
    assert_eq!(get(&format!("{}/images/holiday.jpg", s.url())).1, jpeg);
    let content_type = |name: &str| {
        let answer = agent()
            .get(&format!("{}/images/{name}", s.url()))
            .call()
            .unwrap();
        let kind = answer.headers().get("content-type").unwrap();
        kind.to_str().unwrap().to_string()
    };
    assert_eq!(content_type("holiday.jpg"), "image/jpeg");
    for (name, kind) in photos {
        assert_eq!(content_type(name), kind, "{name}");
        assert_eq!(
            get(&format!("{}/images/{name}", s.url())).1,
            name.as_bytes()
        );
    }
    assert_eq!(get(&format!("{}/images/notes.txt", s.url())).0, 404);
    assert_eq!(get(&format!("{}/images/raw.tiff", s.url())).0, 404);
    let list: Vec<Upload> = serde_json::from_value(json(&format!("{}/images", s.url()))).unwrap();
    let names: Vec<&str> = list.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "beach.JPEG",
            "cat.gif",
            "holiday.jpg",
            "phone.webp",
            "scan.bmp",
            "screenshot.png"
        ]
    );
    assert_eq!(list[2].bytes, jpeg.len() as u64);
    std::fs::remove_dir_all(&dir).unwrap();

    let empty = std::env::temp_dir().join(format!("fake-server-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("notes.txt"), b"not an image").unwrap();
    let err = FakeServer::start(ServerConfig {
        images_dir: Some(empty.clone()),
        ..ServerConfig::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("no photos (.jpg"), "{err}");
    std::fs::remove_dir_all(&empty).unwrap();
}

#[test]
fn uploads_are_stored_listed_bounded_and_cleared() {
    let s = server(Faults::default());
    let url = s.url();
    assert_eq!(
        call("PUT", &format!("{url}/uploads/a_32.jpg"), Some(b"abc")).0,
        201
    );
    assert_eq!(
        call("PUT", &format!("{url}/uploads/b.jpg"), Some(&[7; 5000])).0,
        201
    );
    assert_eq!(
        get(&format!("{url}/uploads/a_32.jpg")),
        (200, b"abc".to_vec())
    );
    assert_eq!(get(&format!("{url}/uploads/nope")).0, 404);
    let list = json(&format!("{url}/uploads"));
    assert_eq!(
        list,
        serde_json::json!([{"name": "a_32.jpg", "bytes": 3}, {"name": "b.jpg", "bytes": 5000}])
    );
    // The bound is 10,000 bytes in all: 5,000 more does not fit, replacing b.jpg does.
    assert_eq!(
        call("PUT", &format!("{url}/uploads/c.jpg"), Some(&[1; 5000])).0,
        413
    );
    assert_eq!(
        call("PUT", &format!("{url}/uploads/b.jpg"), Some(&[1; 9000])).0,
        201
    );
    assert_eq!(
        call("PUT", &format!("{url}/uploads/huge"), Some(&[1; 20_000])).0,
        413
    );
    assert_eq!(
        call("PUT", &format!("{url}/uploads/bad%20name"), Some(b"x")).0,
        400
    );
    assert_eq!(call("DELETE", &format!("{url}/uploads"), None).0, 200);
    assert_eq!(json(&format!("{url}/uploads")), serde_json::json!([]));
    // Bodies read are counted, stored or not; the oversized one was cut off unread.
    assert_eq!(s.stats().bytes_in, 3 + 5000 + 5000 + 9000 + 1);
}

#[test]
fn stats_count_data_requests_by_status_and_reset() {
    let s = server(Faults::default());
    let url = s.url();
    get(&format!("{url}/flags/br/br.gif"));
    get(&format!("{url}/flags/zz/zz.gif"));
    get(&format!("{url}/nowhere"));
    let stats: Stats = serde_json::from_value(json(&format!("{url}/stats"))).unwrap();
    assert_eq!(
        stats.requests, 3,
        "control routes are not counted: {stats:?}"
    );
    assert_eq!((stats.status(200), stats.status(404)), (1, 2));
    assert_eq!(stats.in_flight, 0);
    assert_eq!(stats.max_in_flight, 1);
    assert!(stats.bytes_out > 0);
    let raw = json(&format!("{url}/stats"));
    for key in ["requests", "in_flight", "max_in_flight", "by_status"] {
        assert!(raw.get(key).is_some(), "{key} missing from {raw}");
    }
    assert_eq!(call("POST", &format!("{url}/stats/reset"), None).0, 200);
    assert_eq!(s.stats().requests, 0);
    assert!(s.stats().by_status.is_empty());
}

#[test]
fn bad_requests_get_400_404_405() {
    let s = server(Faults::default());
    let url = s.url();
    assert_eq!(get(&format!("{url}/what/is/this")).0, 404);
    assert_eq!(call("POST", &format!("{url}/flags/br/br.gif"), None).0, 405);
    assert_eq!(call("DELETE", &format!("{url}/stats"), None).0, 405);
    assert_eq!(
        call("PUT", &format!("{url}/faults"), Some(b"{not json")).0,
        400
    );
    assert_eq!(
        call(
            "PUT",
            &format!("{url}/faults"),
            Some(br#"{"error_rate": 2}"#)
        )
        .0,
        400
    );
    // Garbage that is not HTTP at all: hyper answers 400 and the server goes on.
    let mut raw = TcpStream::connect(s.addr()).unwrap();
    raw.write_all(b"GARBAGE\r\n\r\n").unwrap();
    let mut answer = String::new();
    raw.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(get(&format!("{url}/flags/br/metadata.json")).0, 200);
}

#[test]
fn faults_are_set_and_read_over_http_with_defaults_for_missing_fields() {
    let s = server(Faults::default());
    let url = s.url();
    let (status, _) = call(
        "PUT",
        &format!("{url}/faults"),
        Some(br#"{"latency_ms": 3, "error_rate": 0.5}"#),
    );
    assert_eq!(status, 200);
    let f = s.faults();
    assert_eq!((f.latency_ms, f.error_rate, f.seed), (3, 0.5, 42));
    assert_eq!(json(&format!("{url}/faults"))["latency_ms"], 3);
}

/// Which of these paths fail, requesting them all at once from `threads` threads.
fn failing_paths(s: &FakeServer, paths: &[String], threads: usize) -> BTreeSet<String> {
    s.reset_stats();
    // Every path once, split among the threads, in an order that depends on `threads`.
    let mut order: Vec<&String> = paths.iter().collect();
    order.rotate_left(threads % paths.len());
    let url = s.url();
    let results: Vec<_> = thread::scope(|scope| {
        order
            .chunks(order.len().div_ceil(threads))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .filter(|p| get(&format!("{url}{p}")).0 == 503)
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    results.into_iter().collect()
}

#[test]
fn errors_depend_on_seed_path_and_attempt_not_arrival_order() {
    let s = server(Faults {
        error_rate: 0.5,
        ..Faults::default()
    });
    let paths: Vec<String> = common::data::country_codes(20)
        .iter()
        .map(|cc| format!("/flags/{0}/{0}.gif", cc.to_lowercase()))
        .collect();
    let one = failing_paths(&s, &paths, 1);
    let many = failing_paths(&s, &paths, 8);
    assert_eq!(one, many, "the same requests fail, whatever the order");
    assert!(
        !one.is_empty() && one.len() < 20,
        "about half fail: {}",
        one.len()
    );
    let stats = s.stats();
    assert_eq!(stats.status(503), one.len() as u64);
    assert_eq!(stats.status(200) + stats.status(503), 20);

    // A retry is a new attempt: of the failed paths, some succeed the second time.
    let retried_ok = one
        .iter()
        .filter(|p| get(&format!("{}{p}", s.url())).0 == 200)
        .count();
    assert!(retried_ok > 0, "no retry succeeded");

    // Another seed fails other paths.
    s.set_faults(Faults {
        error_rate: 0.5,
        seed: 7,
        ..Faults::default()
    })
    .unwrap();
    assert_ne!(failing_paths(&s, &paths, 4), one);
}

#[test]
fn corrupt_images_are_truncated_with_status_200() {
    let s = server(Faults {
        corrupt_rate: 1.0,
        ..Faults::default()
    });
    let (status, body) = get(&format!("{}/images/0.jpg", s.url()));
    assert_eq!(status, 200);
    s.set_faults(Faults::default()).unwrap();
    let whole = get(&format!("{}/images/0.jpg", s.url())).1;
    assert_eq!(body.len(), whole.len() / 2);
    assert_ne!(&whole[whole.len() - 2..], &body[body.len() - 2..]);
}

#[test]
fn latency_holds_every_data_answer_including_404_but_not_control_routes() {
    // Structural, not timed: with a latency far longer than the test, requests for an unknown
    // flag stay in flight, unanswered, while /stats still answers at once.
    let s = server(Faults {
        latency_ms: 600_000,
        ..Faults::default()
    });
    let url = format!("{}/flags/zz/zz.gif", s.url());
    let clients: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            // The server is dropped below, which ends these requests with an error.
            thread::spawn(move || agent().get(&url).call().map(|a| a.status().as_u16()))
        })
        .collect();
    let mut stats = s.stats();
    for _ in 0..1000 {
        if stats.in_flight == 3 {
            break;
        }
        thread::sleep(Duration::from_millis(10));
        stats = s.stats();
    }
    assert_eq!(stats.in_flight, 3, "{stats:?}");
    assert_eq!(stats.status(404), 0, "a 404 went out without its latency");
    let (status, _) = get(&format!("{}/stats", s.url()));
    assert_eq!(status, 200);
    drop(s);
    for client in clients {
        assert!(
            client.join().unwrap().is_err(),
            "answered despite the latency"
        );
    }
}

#[test]
fn rendezvous_holds_answers_until_a_batch_is_in_flight() {
    let s = server(Faults {
        latency_ms: 0,
        rendezvous: Some(Rendezvous {
            count: 6,
            timeout_ms: 30_000,
        }),
        ..Faults::default()
    });
    // 12 requests from 6 threads: two full batches of 6; every batch is in flight at once.
    let url = s.url().to_string();
    thread::scope(|scope| {
        for _ in 0..6 {
            let url = &url;
            scope.spawn(move || {
                for _ in 0..2 {
                    assert_eq!(get(&format!("{url}/flags/br/br.gif")).0, 200);
                }
            });
        }
    });
    let stats = s.stats();
    assert_eq!(stats.requests, 12);
    assert_eq!(stats.max_in_flight, 6);

    // With fewer clients than the batch, the bound releases them: nothing hangs.
    s.set_faults(Faults {
        rendezvous: Some(Rendezvous {
            count: 100,
            timeout_ms: 50,
        }),
        ..Faults::default()
    })
    .unwrap();
    s.reset_stats();
    assert_eq!(get(&format!("{url}/flags/br/br.gif")).0, 200);
    assert_eq!(s.stats().max_in_flight, 1);
}

#[test]
fn a_burst_of_2000_concurrent_connections_is_served_without_error() {
    let s = server(Faults {
        latency_ms: 200,
        ..Faults::default()
    });
    let addr = s.addr();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ok = runtime.block_on(async move {
        let tasks: Vec<_> = (0..2000)
            .map(|_| {
                tokio::spawn(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let mut stream = tokio::net::TcpStream::connect(addr).await?;
                    stream
                        .write_all(b"GET /flags/br/br.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .await?;
                    let mut answer = Vec::new();
                    stream.read_to_end(&mut answer).await?;
                    Ok::<bool, std::io::Error>(answer.starts_with(b"HTTP/1.1 200"))
                })
            })
            .collect();
        let mut ok = 0;
        for task in tasks {
            if task.await.unwrap().unwrap() {
                ok += 1;
            }
        }
        ok
    });
    assert_eq!(ok, 2000);
    let stats = s.stats();
    assert_eq!(stats.status(200), 2000);
    // The latency held them, so many were in flight at once.
    assert!(stats.max_in_flight > 100, "peak {}", stats.max_in_flight);
}

#[test]
fn the_server_stops_when_dropped() {
    let s = server(Faults::default());
    let addr = s.addr();
    assert!(TcpStream::connect(addr).is_ok());
    drop(s);
    assert!(
        TcpStream::connect(addr).is_err(),
        "still accepting after drop"
    );
}

#[test]
fn works_from_inside_a_tokio_runtime() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let s = server(Faults::default());
        let url = format!("{}/flags/br/metadata.json", s.url());
        let body = tokio::task::spawn_blocking(move || get(&url))
            .await
            .unwrap();
        assert_eq!(body.0, 200);
    });
}

#[test]
fn remote_and_embedded_servers_answer_alike() {
    use common::server::{RemoteServer, Server};
    let embedded = server(Faults::default());
    let remote = Server::Remote(RemoteServer::connect(&format!("{}/", embedded.url())).unwrap());
    assert_eq!(remote.url(), embedded.url(), "trailing slash trimmed");
    assert_eq!(remote.images().unwrap(), embedded.images());
    assert_eq!(
        call(
            "PUT",
            &format!("{}/uploads/x.jpg", embedded.url()),
            Some(b"xyz")
        )
        .0,
        201
    );
    assert_eq!(remote.upload("x.jpg").unwrap(), Some(b"xyz".to_vec()));
    assert_eq!(remote.upload("nope.jpg").unwrap(), None);
    assert_eq!(remote.uploads().unwrap(), embedded.uploads());
    let faults = Faults {
        latency_ms: 7,
        seed: 9,
        ..Faults::default()
    };
    remote.set_faults(&faults).unwrap();
    assert_eq!(embedded.faults(), faults);
    remote.clear_uploads().unwrap();
    assert!(embedded.uploads().is_empty());
    remote.reset_stats().unwrap();
    assert_eq!(remote.stats().unwrap(), embedded.stats());

    let err = RemoteServer::connect("127.0.0.1:1").unwrap_err();
    assert!(err.to_string().contains("http://"), "{err}");
}
