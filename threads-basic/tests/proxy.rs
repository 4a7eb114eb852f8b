//! Behind a proxy: with every proxy variable set to a dead proxy and no `NO_PROXY`, as on many
//! company and university laptops, the network tours still reach the fake server on 127.0.0.1
//! directly, and every download succeeds.

use common::server::{FakeServer, ServerConfig};

mod support;
use support::demo_rows_behind_a_dead_proxy;

#[test]
fn concurrency_vs_parallelism_downloads_past_a_dead_proxy() {
    let rows = demo_rows_behind_a_dead_proxy(&["concurrency-vs-parallelism", "--count", "4"]);
    let io: Vec<_> = rows
        .iter()
        .filter(|r| r["variant"].as_str().unwrap().starts_with("I/O"))
        .collect();
    assert!(!io.is_empty(), "{rows:?}");
    for row in io {
        assert_eq!(
            (row["ok"].as_u64(), row["errors"].as_u64()),
            (Some(4), Some(0)),
            "{row}"
        );
        assert!(
            row["max_in_flight"].as_u64() >= Some(1),
            "the server saw nothing: {row}"
        );
    }
}

#[test]
fn join_all_downloads_past_a_dead_proxy() {
    // The tour fails on any download error; here every row must also have reached the server.
    let rows = demo_rows_behind_a_dead_proxy(&["join-all", "--count", "4"]);
    assert_eq!(rows.len(), 3, "{rows:?}");
    for row in &rows {
        assert_eq!(row["ok"].as_u64(), Some(4), "{row}");
        assert!(
            row["max_in_flight"].as_u64() >= Some(1),
            "the server saw nothing: {row}"
        );
        assert!(row["extra"]["bytes"].as_u64() > Some(0), "{row}");
    }
}

#[test]
fn the_shared_server_client_reaches_a_server_of_its_own_past_a_dead_proxy() {
    // `--server URL` drives a fake server already running (here, this test's) through its
    // routes: its stats client must ignore the proxy too.
    let server = FakeServer::start(ServerConfig {
        image_variants: 0,
        ..ServerConfig::default()
    })
    .unwrap();
    let rows =
        demo_rows_behind_a_dead_proxy(&["join-all", "--count", "3", "--server", server.url()]);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|r| r["ok"].as_u64() == Some(3)), "{rows:?}");
    // The tour resets the stats before each row: the last row's three downloads, seen here.
    assert_eq!(server.stats().requests, 3);
}
