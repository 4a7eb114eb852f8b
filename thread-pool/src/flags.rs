//! # Download flags: one at a time, then with a pool of threads, two ways
//!
//! Python: `with ThreadPoolExecutor(max_workers=20) as ex: ex.map(get_flag, ccs)` gives results
//! in input order; `fs = [ex.submit(get_flag, cc) for cc in ccs]` then `for f in as_completed(fs)`
//! gives them in the order they finish.
//!
//! Rust: the pool is W scoped threads taking item numbers from one crossbeam channel (a queue
//! any worker may receive from) and sending `(index, result)` back on another, so the caller
//! sees results as they complete. Map style is the same pool with each result put back in its
//! input slot. A blocking download is fine on a plain thread, in both languages: CPython
//! releases the GIL while a thread waits on the network, which is why the talks' thread pools
//! overlap downloads; Rust has no GIL at all.
//!
//! Run: `cargo run -p thread-pool -- flags --count 20 --workers 20 --latency-ms 100`
//!
//! Look for: the pool rows at about one round trip (`round trips` column) against N round trips
//! for sequential (all measured after one untimed round that opens the keep-alive connections);
//! map style listing the codes in input order and as-completed in the order they arrived; the
//! server's peak in flight equal to the number of workers. The timeline under the table shows
//! the server's view: the downloads back to back on one lane, then side by side on one lane each.

use std::thread;
use std::time::Duration;

use common::data::country_codes;
use common::server::{Faults, Server};
use common::{CommonArgs, Outcomes, Row, Table, say, timed};
use crossbeam_channel::unbounded;

/// A client shared by every thread of the pool (it is `Clone + Send + Sync`), with a timeout on
/// every request, because a pool of threads waiting forever is a hung program, and room to keep
/// one idle keep-alive connection per worker, like a Python `Session` with `pool_maxsize=W`.
pub fn agent(timeout: Duration, connections: usize) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_idle_connections(connections.max(1))
        .max_idle_connections_per_host(connections.max(1))
        .build()
        .into()
}

/// Downloads one flag: its bytes, or the error (`StatusCode(404)` for an unknown code).
pub fn get_flag(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>, ureq::Error> {
    agent.get(url).call()?.body_mut().read_to_vec()
}

/// One flag's download: its code and its size in bytes, or what went wrong.
#[derive(Debug)]
pub struct Download {
    pub cc: String,
    pub result: Result<usize, ureq::Error>,
}

fn download(agent: &ureq::Agent, server: &Server, cc: &str) -> Download {
    let result = get_flag(agent, &server.flag_url(cc)).map(|body| body.len());
    Download {
        cc: cc.to_string(),
        result,
    }
}

/// Runs `job` on every item with `workers` threads and calls `on_result(index, result)` on the
/// calling thread as each one finishes, in completion order. Returns once every item is done.
pub fn run_pool<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    job: impl Fn(&T) -> R + Sync,
    mut on_result: impl FnMut(usize, R),
) -> std::io::Result<()> {
    // The job queue: every index, then closed, so each worker stops once it finds it empty.
    let (queue_tx, queue_rx) = unbounded();
    for index in 0..items.len() {
        queue_tx.send(index).expect("we hold a receiver");
    }
    drop(queue_tx);

    // The results channel: the scope's thread reads it while the workers fill it.
    let (done_tx, done_rx) = unbounded();
    thread::scope(|s| {
        for w in 0..workers.clamp(1, items.len().max(1)) {
            let (queue_rx, done_tx, job) = (queue_rx.clone(), done_tx.clone(), &job);
            thread::Builder::new()
                .name(format!("pool-{w}"))
                .spawn_scoped(s, move || {
                    for index in queue_rx {
                        if done_tx.send((index, job(&items[index]))).is_err() {
                            break; // nobody is collecting any more
                        }
                    }
                })?;
        }
        drop(done_tx); // now the results channel closes when the last worker ends
        for (index, result) in done_rx {
            on_result(index, result);
        }
        Ok(())
    })
}

/// One flag after another on this thread.
pub fn download_sequential(agent: &ureq::Agent, server: &Server, codes: &[&str]) -> Vec<Download> {
    codes.iter().map(|cc| download(agent, server, cc)).collect()
}

/// `executor.map`: a pool of `workers` threads, results in input order.
pub fn download_map(
    agent: &ureq::Agent,
    server: &Server,
    codes: &[&str],
    workers: usize,
) -> std::io::Result<Vec<Download>> {
    let mut slots: Vec<Option<Download>> = codes.iter().map(|_| None).collect();
    run_pool(
        codes,
        workers,
        |cc| download(agent, server, cc),
        |i, d| slots[i] = Some(d),
    )?;
    Ok(slots.into_iter().flatten().collect())
}

/// `submit` + `as_completed`: a pool of `workers` threads, results in completion order.
pub fn download_as_completed(
    agent: &ureq::Agent,
    server: &Server,
    codes: &[&str],
    workers: usize,
) -> std::io::Result<Vec<Download>> {
    let mut arrived = Vec::with_capacity(codes.len());
    run_pool(
        codes,
        workers,
        |cc| download(agent, server, cc),
        |_, d| arrived.push(d),
    )?;
    Ok(arrived)
}

/// A table row for one variant: ok and error counts, and wall time in round trips.
pub fn row(label: String, downloads: &[Download], wall: Duration, latency: Duration) -> Row {
    let errors = downloads.iter().filter(|d| d.result.is_err()).count() as u64;
    let outcomes = Outcomes {
        ok: downloads.len() as u64 - errors,
        errors: Some(errors),
        ..Outcomes::default()
    };
    let row = Row::new(label, downloads.len(), wall).outcomes(outcomes);
    if latency.is_zero() {
        row
    } else {
        row.extra("round trips", wall.as_secs_f64() / latency.as_secs_f64())
    }
}

fn codes_of(downloads: &[Download]) -> Vec<&str> {
    downloads.iter().map(|d| d.cc.as_str()).collect()
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let count = args.count_or(20, 8);
    let workers = args.workers_or(count);
    let latency = args.latency_or(100, 10);
    let server = Server::start(args, Faults::from_args(args, 100, 10))?;
    let agent = agent(latency * 2 + Duration::from_secs(5), workers);
    let codes = country_codes(count);
    say!(
        "{count} flags from {}, {} ms per request; pools of {workers} threads",
        server.url(),
        latency.as_millis()
    );

    // Step 0, untimed: open the pool's keep-alive connections once, as a long-running client
    // would have them, so the rows measure downloads rather than TCP handshakes.
    download_as_completed(&agent, &server, &codes, workers)?;

    // Step 1: every variant against the same server, its stats reset before each.
    let mut table = Table::new("flags", args).timeline();
    server.reset_stats()?;
    let (sequential, wall) = timed(|| download_sequential(&agent, &server, &codes));
    let seq_peak = server.stats()?.max_in_flight;
    let seq_row = row("sequential".into(), &sequential, wall, latency).spans(server.spans()?);
    table.push(seq_row.max_in_flight(seq_peak));

    server.reset_stats()?;
    let (mapped, wall) = timed(|| download_map(&agent, &server, &codes, workers));
    let (mapped, map_peak) = (mapped?, server.stats()?.max_in_flight);
    let label = format!("map style ({workers})");
    let map_row = row(label, &mapped, wall, latency).workers(workers);
    let map_row = map_row.spans(server.spans()?);
    table.push(map_row.max_in_flight(map_peak));

    server.reset_stats()?;
    let (arrived, wall) = timed(|| download_as_completed(&agent, &server, &codes, workers));
    let (arrived, done_peak) = (arrived?, server.stats()?.max_in_flight);
    let label = format!("as completed ({workers})");
    let done_row = row(label, &arrived, wall, latency).workers(workers);
    let done_row = done_row.spans(server.spans()?);
    table.push(done_row.max_in_flight(done_peak));

    // Step 2: the same codes, in two different orders.
    let moved = codes_of(&arrived)
        .iter()
        .zip(&codes)
        .filter(|(a, b)| a != b)
        .count();
    say!("input order:               {}", codes.join(" "));
    say!("map style gives back:      {}", codes_of(&mapped).join(" "));
    say!(
        "as completed gives back:   {}",
        codes_of(&arrived).join(" ")
    );
    say!("({moved} of {count} arrived in a different place than their input order)");
    table.print();

    // What was claimed: map keeps input order, as-completed loses none, the pool never
    // has more than its workers in flight, sequential never more than one.
    anyhow::ensure!(codes_of(&mapped) == codes, "map style changed the order");
    let (mut sorted, mut expected) = (codes_of(&arrived), codes.clone());
    sorted.sort_unstable();
    expected.sort_unstable();
    anyhow::ensure!(sorted == expected, "as-completed lost or repeated a flag");
    anyhow::ensure!(
        seq_peak <= 1,
        "sequential had {seq_peak} requests in flight"
    );
    let cap = workers.min(count) as u64;
    anyhow::ensure!(
        map_peak <= cap && done_peak <= cap,
        "a pool of {cap} had {map_peak} / {done_peak} in flight"
    );
    Ok(())
}
