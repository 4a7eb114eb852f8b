//! # Errors, unknown codes and timeouts, counted like flags2
//!
//! Python (flags2): each download ends `OK`, `NOT_FOUND` or `ERROR`. A 404 is a fact about the
//! code, not a failure; a 503 or a timeout is an error. A `Counter` of the statuses prints
//! `N flags downloaded.`, `N not found.`, `N errors.`, `Elapsed time: ...`, under a tqdm bar.
//!
//! Rust: the status is an enum and a `match` on ureq's error sorts every answer into exactly
//! one case; the client's `timeout_global` bounds each request, so a slow answer becomes an
//! error instead of a worker stuck forever. indicatif draws the bar (on a terminal only).
//!
//! Run: `cargo run -p thread-pool -- errors --error-rate 0.25 --workers 8`
//!
//! Look for: the same codes answered 503 on every row (the server's faults depend on the seed,
//! the path and the attempt, not on timing; a timeout close to the limit may differ), unknown
//! codes counted as not found unless a fault or a timeout got them first, timeouts counted
//! among the errors, and ok + not found + errors = every code on every row.

use std::time::Duration;

use common::data::country_codes;
use common::server::{Faults, Server};
use common::{CommonArgs, Outcomes, Row, Table, say, timed};

use crate::flags::{agent, get_flag, run_pool};

/// Codes the server does not know: each should end as "not found".
pub const UNKNOWN: [&str; 3] = ["XX", "EU", "ZZ"];

/// How one download ended: exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Ok,
    NotFound,
    /// Anything else, with a short reason: `503`, `timeout`, ...
    Error(String),
}

/// Downloads one flag and sorts the answer into a [`Status`].
pub fn fetch(agent: &ureq::Agent, url: &str) -> Status {
    match get_flag(agent, url) {
        Ok(_) => Status::Ok,
        Err(ureq::Error::StatusCode(404)) => Status::NotFound,
        Err(ureq::Error::StatusCode(code)) => Status::Error(code.to_string()),
        Err(ureq::Error::Timeout(_)) => Status::Error("timeout".into()),
        Err(other) => Status::Error(other.to_string()),
    }
}

/// The flags2 counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub ok: u64,
    pub not_found: u64,
    pub errors: u64,
    /// The errors that were timeouts (already counted in `errors`).
    pub timeouts: u64,
}

impl Summary {
    pub fn of(statuses: &[Status]) -> Self {
        let mut s = Summary::default();
        for status in statuses {
            match status {
                Status::Ok => s.ok += 1,
                Status::NotFound => s.not_found += 1,
                Status::Error(why) => {
                    s.errors += 1;
                    s.timeouts += u64::from(why == "timeout");
                }
            }
        }
        s
    }

    pub fn outcomes(&self) -> Outcomes {
        Outcomes {
            ok: self.ok,
            not_found: Some(self.not_found),
            errors: Some(self.errors),
            ..Outcomes::default()
        }
    }
}

/// Downloads every code on a pool of `workers` threads, with a progress bar; returns each
/// code's status in input order.
pub fn download_all(
    agent: &ureq::Agent,
    server: &Server,
    codes: &[&str],
    workers: usize,
) -> std::io::Result<Vec<Status>> {
    let bar = common::progress::bar(codes.len() as u64, &format!("{workers} workers"));
    let mut statuses = vec![None; codes.len()];
    run_pool(
        codes,
        workers,
        |cc| fetch(agent, &server.flag_url(cc)),
        |i, status| {
            statuses[i] = Some(status);
            bar.inc(1);
        },
    )?;
    bar.finish_and_clear();
    // run_pool calls back once per item, so every slot is filled.
    Ok(statuses.into_iter().flatten().collect())
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

    let mut table = Table::new("errors", args);
    for w in [1, workers] {
        server.reset_stats()?; // also restarts the faults: every row sees the same ones
        let (statuses, wall) = timed(|| download_all(&agent, &server, &codes, w));
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
            .outcomes(s.outcomes())
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
    table.print();
    Ok(())
}
