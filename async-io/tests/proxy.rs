//! Behind a proxy: with `HTTP_PROXY`, `http_proxy`, `HTTPS_PROXY` and `ALL_PROXY` pointing at a
//! closed port and no `NO_PROXY`, as on many company and university laptops, every client in
//! the tour still reaches the loopback servers directly: no download fails.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use support::{EXE, agent, behind_dead_proxy, json_rows};

/// Every row of a network demo, run behind the dead proxy, has all its items ok.
fn no_download_errors(demo: &str) {
    let rows = json_rows(behind_dead_proxy(Command::new(EXE).args([demo, "--quick"])));
    assert!(!rows.is_empty(), "{demo} printed no rows");
    for row in &rows {
        let items = row["items"].as_u64();
        assert_eq!(row["ok"].as_u64(), items, "{demo}: {row}");
        for column in ["errors", "timed_out", "not_found"] {
            assert!(row[column].as_u64().unwrap_or(0) == 0, "{demo}: {row}");
        }
    }
}

#[test]
fn the_flags_demo_ignores_the_proxy_variables() {
    no_download_errors("flags");
}

#[test]
fn the_runtimes_demo_ignores_the_proxy_variables() {
    no_download_errors("runtimes");
}

/// Each web server, started behind the dead proxy with its own fake server, answers 200: its
/// upstream client (reqwest or ureq) went straight to loopback.
#[test]
fn the_web_servers_upstream_clients_ignore_the_proxy_variables() {
    for kind in [
        "blocking",
        "async",
        "async-blocking-call",
        "async-spawn-blocking",
    ] {
        let mut child = behind_dead_proxy(Command::new(EXE).args([
            "web-child",
            "--serve",
            kind,
            "--port",
            "0",
            "--parent-pipe",
            "--quick",
        ]))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
        let mut url = String::new();
        let stdout = child.stdout.take().unwrap();
        BufReader::new(stdout).read_line(&mut url).unwrap();
        let answer = agent()
            .get(format!("{}/api/flags/br", url.trim()))
            .call()
            .map(|mut a| a.body_mut().read_to_string().unwrap_or_default());
        drop(child.stdin.take()); // the server stops at the end of its input
        let _ = child.kill();
        let _ = child.wait();
        let body = answer.unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(body.contains("\"country\":\"Brazil\""), "{kind}: {body}");
    }
}

/// The whole tour behind the dead proxy: no row has an error but the structured demo's one
/// planned 404 (a refused download would add more, on its gather row at least). c10k and web
/// reach their fake-server child through the shared crate's `RemoteServer` agent, which ignores
/// the proxy too.
#[test]
fn the_whole_tour_ignores_the_proxy_variables() {
    let rows = json_rows(behind_dead_proxy(Command::new(EXE).arg("--quick")));
    for row in &rows {
        let planned = u64::from(row["demo"] == "structured");
        assert_eq!(row["errors"].as_u64().unwrap_or(0), planned, "{row}");
        assert_eq!(row["not_found"].as_u64().unwrap_or(0), 0, "{row}");
    }
}
