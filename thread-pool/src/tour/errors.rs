//! The tour of [`crate::lessons::errors`]: the same codes, some unknown, against a server that
//! answers some of them 503 and some late, on one worker and on a pool; flags2's summary per row.

use std::time::Duration;

use common::data::country_codes;
use common::server::{Faults, Server};
use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::lessons::errors::{Status, Summary, download_all};
use crate::lessons::flags::agent;

/// Codes the server does not know: each should end as "not found".
pub const UNKNOWN: [&str; 3] = ["XX", "EU", "ZZ"];

/// The flags2 counts as the table's outcomes.
pub fn outcomes(s: &Summary) -> Outcomes {
    Outcomes {
        ok: s.ok,
        not_found: Some(s.not_found),
        errors: Some(s.errors),
        ..Outcomes::default()
    }
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 8);
    let workers = args.workers_or(8);
    let latency = args.latency_or(50, 10);
    let faults = Faults {
        jitter_ms: latency.as_millis() as u64, // each answer takes 1x to 2x the latency
        error_rate: args.error_rate.unwrap_or(0.25),
        ..Faults::from_args(args, 50, 10)
    };
    let timeout = (latency * 19 / 10).max(Duration::from_millis(50));
    let server = Server::start(args, faults.clone())?;
    let agent = agent(timeout, workers);
    let mut codes = country_codes(count);
    codes.extend(UNKNOWN);
    say!(
        "{} codes ({} unknown to the server), {}-{} ms per answer, {:.0}% answered 503, \
         timeout {} ms per request",
        codes.len(),
        UNKNOWN.len(),
        faults.latency_ms,
        faults.latency_ms + faults.jitter_ms,
        faults.error_rate * 100.0,
        timeout.as_millis()
    );

    let urls: Vec<String> = codes.iter().map(|cc| server.flag_url(cc)).collect();

    let mut table = Table::new("errors", args);
    for w in [1, workers] {
        server.reset_stats()?; // also restarts the faults: every row sees the same ones
        let bar = common::progress::bar(urls.len() as u64, &format!("{w} workers"));
        let (statuses, wall) = timed(|| download_all(&agent, &urls, w, &bar));
        let statuses = statuses?;
        let stats = server.stats()?;
        let s = Summary::of(&statuses);
        let failed: Vec<String> = codes
            .iter()
            .zip(&statuses)
            .filter_map(|(cc, st)| match st {
                Status::Error(why) => Some(format!("{cc} ({why})")),
                _ => None,
            })
            .collect();
        say!("\n{w} worker{}:", if w == 1 { "" } else { "s" });
        say!("{} flags downloaded.", s.ok);
        say!("{} not found.", s.not_found);
        say!(
            "{} errors.{}",
            s.errors,
            if failed.is_empty() {
                String::new()
            } else {
                format!(" ({})", failed.join(", "))
            }
        );
        say!("Elapsed time: {:.2}s", wall.as_secs_f64());
        table.push(
            Row::new(
                format!("{w} worker{}", if w == 1 { "" } else { "s" }),
                codes.len(),
                wall,
            )
            .workers(w)
            .max_in_flight(stats.max_in_flight)
            .outcomes(outcomes(&s))
            .extra("timeouts", s.timeouts),
        );

        // What was claimed: every code ended exactly one way, and none more often than the
        // server answered that way.
        anyhow::ensure!(statuses.len() == codes.len(), "lost a code");
        anyhow::ensure!(
            s.ok + s.not_found + s.errors == codes.len() as u64,
            "counts do not add up"
        );
        anyhow::ensure!(
            s.ok <= stats.status(200) && s.not_found <= stats.status(404),
            "more outcomes than answers: {s:?} vs {stats:?}"
        );
    }

    // With --python: flags2's counts from the twin, against the same server and its faults.
    let extra = common::python::sizes(args, Some(count), Some(workers));
    let dir = env!("CARGO_MANIFEST_DIR");
    let twin = common::python::twin_rows_on(args, &server, dir, "errors.py", &extra);
    for row in twin.map(|(rows, _)| rows).unwrap_or_default() {
        table.push(row);
    }
    table.print();
    if let Some(line) = against_python(&table, workers) {
        say!("{line}");
    }
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: each language's
/// ok / not found / error on the pool, and the pool over its own one worker.
fn against_python(table: &Table, workers: usize) -> Option<String> {
    let label = format!("{workers} worker{}", if workers == 1 { "" } else { "s" });
    let find = |label: &str| table.rows().iter().find(|r| r.variant == label);
    let rust = find(&label)?;
    let python = find(&format!("Python: {label}"))?;
    let counts = |r: &Row| {
        let o = &r.outcomes;
        let n = |v: Option<u64>| v.unwrap_or(0);
        format!("{}/{}/{}", o.ok, n(o.not_found), n(o.errors))
    };
    Some(format!(
        "On {label}, ok/not found/error: Rust {} at {:.1}x its one worker, CPython {} at {:.1}x \
         (the same faults per code; timeouts may differ)",
        counts(rust),
        table.speedup(rust),
        counts(python),
        table.speedup(python),
    ))
}
