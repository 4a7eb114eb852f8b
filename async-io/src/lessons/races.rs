//! # Races: the first to finish (`select!`) and the first to succeed (`select_ok`)
//!
//! Python: `done, pending = await asyncio.wait({primary, mirror}, return_when=FIRST_COMPLETED)`,
//! then `for t in pending: t.cancel()`.
//!
//! Rust: `select!` polls several futures and keeps the first to finish, dropping (so cancelling)
//! the losers, while `futures::future::select_ok` keeps the first to *succeed*: a failure drops
//! out and the other source goes on, so a fast 503 cannot beat a good answer. Every request
//! started ends in exactly one outcome (the `End` of the timeouts lesson), so the counts add up.
//!
//! Run: `cargo run -p async-io -- timeouts`
//!
//! Look for: the select! row showing both sources winning races and every loser cancelled; with
//! `--error-rate 0.3` the select! row counts the primary's fast 503s as its answers while the
//! select_ok row still gets one success per race.

use futures::future::{join_all, select_ok};

use crate::lessons::timeouts::{End, fetch};

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
