//! Behind a proxy: with every proxy variable set to a dead proxy and no `NO_PROXY`, as on many
//! company and university laptops, the network tours still reach the fake server on 127.0.0.1
//! directly, and no download fails.

mod support;
use support::demo_rows_behind_a_dead_proxy;

#[test]
fn flags_downloads_every_flag_past_a_dead_proxy() {
    let rows = demo_rows_behind_a_dead_proxy(&["flags", "--count", "6"]);
    assert_eq!(rows.len(), 3, "{rows:?}");
    for row in &rows {
        assert_eq!(
            (row["ok"].as_u64(), row["errors"].as_u64()),
            (Some(6), Some(0)),
            "{row}"
        );
        assert!(
            row["max_in_flight"].as_u64() >= Some(1),
            "the server saw nothing: {row}"
        );
    }
}

#[test]
fn errors_counts_only_the_servers_answers_past_a_dead_proxy() {
    // No injected 503s: every error left would be the proxy's, but for a timeout on a busy
    // machine (the demo's timeouts are short on purpose), which the row counts apart.
    let rows = demo_rows_behind_a_dead_proxy(&["errors", "--count", "6", "--error-rate", "0"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    for row in &rows {
        let errors = row["errors"].as_u64().unwrap();
        assert_eq!(Some(errors), row["extra"]["timeouts"].as_u64(), "{row}");
        assert!(row["ok"].as_u64() >= Some(1), "{row}");
        assert!(
            row["max_in_flight"].as_u64() >= Some(1),
            "the server saw nothing: {row}"
        );
    }
}
