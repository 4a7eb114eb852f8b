//! # Timeouts, deadlines, races and cancellation
//!
//! Python: `await asyncio.wait_for(get_flag(cc), timeout=0.15)` per request;
//! `done, pending = await asyncio.wait(tasks, timeout=0.2)` for a whole batch, then
//! `task.cancel()` for the pending ones; `asyncio.wait(.., return_when=FIRST_COMPLETED)` to race.
//!
//! In Rust, cancelling a future is dropping it: it simply is never polled again, and whatever
//! it owned (here, the HTTP connection) is closed. `tokio::time::timeout` wraps any future;
//! `select!` polls several and keeps the first to finish, dropping the losers, while
//! `futures::future::select_ok` keeps the first to *succeed* (a failure drops out); a `JoinSet`
//! aborts its tasks when told to (or when dropped), and a task that had already finished still
//! hands over its result; and a `CancellationToken` (tokio-util) is the way to tell a whole
//! group of tasks to stop, each deciding where it may stop. Every request started here ends in
//! exactly one outcome: done (ok or error), timed out, or cancelled, and the counts add up.
//!
//! Run: `cargo run -p async-io -- timeouts`
//!
//! Look for: answers take 50 to 250 ms (latency plus reproducible jitter), so a 150 ms timeout
//! times out some of them; the select! row shows both sources winning races and every loser
//! cancelled; with `--error-rate 0.3` the select! row counts the primary's fast 503s as its
//! answers while the select_ok row still gets one success per race; the token row cancels
//! whatever was still in flight.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use common::server::{FakeServer, Faults, Server, ServerConfig};
use common::{CommonArgs, Outcomes, Row, Table, say};
use futures::future::{join_all, select_ok};
use tokio::task::JoinSet;
use tokio::time::{Instant, timeout, timeout_at};
use tokio_util::sync::CancellationToken;

use crate::server_stats;

/// How one request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Done,
    Failed,
    TimedOut,
    Cancelled,
}

/// Counts how a batch ended; every request is in exactly one column.
pub fn tally(ends: &[End]) -> Outcomes {
    let count = |e: End| Some(ends.iter().filter(|&&x| x == e).count() as u64);
    Outcomes {
        ok: count(End::Done).unwrap_or(0),
        errors: count(End::Failed),
        timed_out: count(End::TimedOut),
        cancelled: count(End::Cancelled),
        ..Outcomes::default()
    }
}

async fn fetch(client: &reqwest::Client, url: &str) -> End {
    let answer = client
        .get(url)
        .send()
        .await
        .and_then(|a| a.error_for_status());
    match answer {
        Ok(answer) => match answer.bytes().await {
            Ok(_) => End::Done,
            Err(_) => End::Failed,
        },
        Err(_) => End::Failed,
    }
}

/// `timeout` around each request.
pub async fn per_request(client: &reqwest::Client, urls: &[String], limit: Duration) -> Vec<End> {
    join_all(urls.iter().map(|url| async move {
        timeout(limit, fetch(client, url))
            .await
            .unwrap_or(End::TimedOut)
    }))
    .await
}

/// One deadline for the batch: what has not finished by then is aborted and counts as timed out.
pub async fn batch_deadline(
    client: &reqwest::Client,
    urls: &[String],
    deadline: Duration,
) -> anyhow::Result<Vec<End>> {
    let deadline = Instant::now() + deadline;
    let mut set = JoinSet::new();
    for url in urls {
        let (client, url) = (client.clone(), url.clone());
        set.spawn(async move { fetch(&client, &url).await });
    }
    join_by(set, deadline).await
}

/// Joins the tasks of `set` until `deadline`, then aborts the rest, which count as timed out.
/// A task that finished by the deadline but was not joined yet (the runtime had not got round
/// to it) still counts as done: aborting a finished task changes nothing, and draining
/// `join_next` after `abort_all` hands over its result.
pub async fn join_by(mut set: JoinSet<End>, deadline: Instant) -> anyhow::Result<Vec<End>> {
    let mut joined = Vec::new();
    // `join_next` is cancel-safe: when the deadline drops this loop, no result is lost.
    let _ = timeout_at(deadline, async {
        while let Some(done) = set.join_next().await {
            joined.push(done);
        }
    })
    .await;
    set.abort_all();
    while let Some(done) = set.join_next().await {
        joined.push(done);
    }
    joined
        .into_iter()
        .map(|done| match done {
            Ok(end) => Ok(end),
            Err(e) if e.is_cancelled() => Ok(End::TimedOut),
            Err(e) => Err(e).context("a request task panicked"),
        })
        .collect()
}

/// Races each request on two sources and keeps the first to *finish*, success or not; the
/// loser's future is dropped, which cancels it. Returns the ends of all `2 x n` requests and
/// how many races the mirror won.
pub async fn race(
    client: &reqwest::Client,
    primary: &[String],
    mirror: &[String],
) -> (Vec<End>, usize) {
    let races = primary.iter().zip(mirror).map(|(p, m)| async move {
        tokio::select! {
            end = fetch(client, p) => ([end, End::Cancelled], false),
            end = fetch(client, m) => ([End::Cancelled, end], true),
        }
    });
    let results = join_all(races).await;
    let mirror_wins = results.iter().filter(|(_, mirror)| *mirror).count();
    (
        results.into_iter().flat_map(|(ends, _)| ends).collect(),
        mirror_wins,
    )
}

/// One request as a `Result`, so `select_ok` can tell a success (`Ok(source)`) from a failure.
async fn succeed(client: &reqwest::Client, url: &str, source: usize) -> Result<usize, End> {
    match fetch(client, url).await {
        End::Done => Ok(source),
        end => Err(end),
    }
}

/// Races each request on two sources and keeps the first to *succeed* (`select_ok`): a source
/// that fails drops out and the other one goes on, so a fast 503 cannot beat a good answer.
/// Returns the same as [`race`].
pub async fn race_ok(
    client: &reqwest::Client,
    primary: &[String],
    mirror: &[String],
) -> (Vec<End>, usize) {
    let races = primary.iter().zip(mirror).map(|(p, m)| async move {
        let sources = [
            Box::pin(succeed(client, p, 0)),
            Box::pin(succeed(client, m, 1)),
        ];
        match select_ok(sources).await {
            // `rest` holds the source still running (now dropped, so cancelled); if it is
            // empty, the other source had already failed.
            Ok((winner, rest)) => {
                let loser = if rest.is_empty() {
                    End::Failed
                } else {
                    End::Cancelled
                };
                let mut ends = [loser; 2];
                ends[winner] = End::Done;
                (ends, winner == 1)
            }
            Err(_) => ([End::Failed; 2], false),
        }
    });
    let results = join_all(races).await;
    let mirror_wins = results.iter().filter(|(_, mirror)| *mirror).count();
    (
        results.into_iter().flat_map(|(ends, _)| ends).collect(),
        mirror_wins,
    )
}

/// Starts every request as a task; after `after`, one `cancel()` stops the whole group.
pub async fn cancel_group(
    client: &reqwest::Client,
    urls: &[String],
    after: Duration,
) -> anyhow::Result<Vec<End>> {
    let token = CancellationToken::new();
    let mut set = JoinSet::new();
    for url in urls {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        set.spawn(async move {
            tokio::select! {
                _ = token.cancelled() => End::Cancelled,
                end = fetch(&client, &url) => end,
            }
        });
    }
    tokio::time::sleep(after).await;
    token.cancel();
    let mut ends = Vec::new();
    while let Some(end) = set.join_next().await {
        ends.push(end.context("a request task panicked")?);
    }
    Ok(ends)
}

#[tokio::main]
pub async fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 20);
    let base = args.latency_or(50, 10).as_millis() as u64;
    let faults = Faults {
        jitter_ms: 4 * base,
        ..Faults::from_args(args, 50, 10)
    };
    let server = Arc::new(Server::start(args, faults)?);
    let mirror_faults = Faults {
        latency_ms: base * 12 / 5,
        ..Faults::default()
    };
    let mirror = FakeServer::start(ServerConfig {
        image_variants: 0,
        faults: mirror_faults,
        ..ServerConfig::default()
    })?;
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()?;
    let codes = common::data::country_codes(count);
    let urls: Vec<String> = codes.iter().map(|cc| server.flag_url(cc)).collect();
    let mirror_urls: Vec<String> = codes
        .iter()
        .map(|cc| {
            format!(
                "{}/flags/{cc}/{cc}.gif",
                mirror.url(),
                cc = cc.to_lowercase()
            )
        })
        .collect();
    say!(
        "{count} flags; answers take {base} to {} ms; the mirror always takes {} ms",
        5 * base,
        base * 12 / 5
    );

    let mut table = Table::new("timeouts", args).different_work(); // four different policies
    let mut push = |variant: String, ends: &[End], wall, peak| {
        table.push(
            Row::new(variant, ends.len(), wall)
                .max_in_flight(peak)
                .outcomes(tally(ends)),
        );
    };
    // Scaled to the latency: 150, 200 and 120 ms at the default 50 ms.
    let ms = |n: u64| Duration::from_millis(n);
    let (limit, deadline, cancel_at) = (ms(3 * base), ms(4 * base), ms(base * 12 / 5));

    server_stats::reset_stats(&server).await?;
    let watch = Instant::now();
    let ends = per_request(&client, &urls, limit).await;
    push(
        format!("timeout({} ms) per request", limit.as_millis()),
        &ends,
        watch.elapsed(),
        server_stats::stats(&server).await?.max_in_flight,
    );

    server_stats::reset_stats(&server).await?;
    let watch = Instant::now();
    let ends = batch_deadline(&client, &urls, deadline).await?;
    push(
        format!("batch deadline {} ms", deadline.as_millis()),
        &ends,
        watch.elapsed(),
        server_stats::stats(&server).await?.max_in_flight,
    );

    server_stats::reset_stats(&server).await?;
    let watch = Instant::now();
    let (ends, mirror_wins) = race(&client, &urls, &mirror_urls).await;
    push(
        "select! first to finish".into(),
        &ends,
        watch.elapsed(),
        server_stats::stats(&server).await?.max_in_flight,
    );
    say!(
        "  select!: races won: primary {}, mirror {mirror_wins}",
        count - mirror_wins
    );

    server_stats::reset_stats(&server).await?;
    let watch = Instant::now();
    let (ends, mirror_wins) = race_ok(&client, &urls, &mirror_urls).await;
    let failed = ends.iter().filter(|&&e| e == End::Failed).count();
    push(
        "select_ok first to succeed".into(),
        &ends,
        watch.elapsed(),
        server_stats::stats(&server).await?.max_in_flight,
    );
    say!(
        "  select_ok: races won: primary {}, mirror {mirror_wins}; {failed} failures dropped out",
        count - mirror_wins
    );
    if args.error_rate.unwrap_or(0.0) == 0.0 {
        say!(
            "  (try --error-rate 0.3: select! then returns the primary's fast 503s, select_ok never)"
        );
    }

    server_stats::reset_stats(&server).await?;
    let watch = Instant::now();
    let ends = cancel_group(&client, &urls, cancel_at).await?;
    push(
        format!("CancellationToken at {} ms", cancel_at.as_millis()),
        &ends,
        watch.elapsed(),
        server_stats::stats(&server).await?.max_in_flight,
    );
    table.print();

    // What was claimed: every started request is accounted for (Table::push checks that the
    // counts add up), each select! race has exactly one cancelled loser, and select_ok wins
    // every race with a success (the mirror never fails).
    let rows = table.rows();
    anyhow::ensure!(
        rows[2].outcomes.cancelled == Some(count as u64),
        "a race lost count"
    );
    anyhow::ensure!(
        rows[3].outcomes.ok == count as u64,
        "select_ok returned {} successes for {count} races",
        rows[3].outcomes.ok
    );
    Ok(())
}
