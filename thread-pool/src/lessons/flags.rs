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

use crossbeam_channel::unbounded;

/// A client shared by every thread of the pool (it is `Clone + Send + Sync`), with a timeout on
/// every request, because a pool of threads waiting forever is a hung program, and room to keep
/// one idle keep-alive connection per worker. In Python's requests that is
/// `session.mount("http://", HTTPAdapter(pool_maxsize=W))` (a `Session` takes no such argument),
/// and requests does not promise that one `Session` is safe to share between threads.
/// No proxy: the server is on this machine, and `HTTP_PROXY` (set on many company laptops)
/// would send even requests for 127.0.0.1 to the proxy.
pub fn agent(timeout: Duration, connections: usize) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .proxy(None)
        .max_idle_connections(connections.max(1))
        .max_idle_connections_per_host(connections.max(1))
        .build()
        .into()
}

/// Downloads one flag: its bytes, or the error (`StatusCode(404)` for an unknown code).
pub fn get_flag(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>, ureq::Error> {
    agent.get(url).call()?.body_mut().read_to_vec()
}

/// One flag's download: its URL and its size in bytes, or what went wrong.
#[derive(Debug)]
pub struct Download {
    pub url: String,
    pub result: Result<usize, ureq::Error>,
}

/// Downloads one flag into a [`Download`].
pub fn download(agent: &ureq::Agent, url: &str) -> Download {
    let result = get_flag(agent, url).map(|body| body.len());
    Download {
        url: url.to_string(),
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
pub fn download_sequential(agent: &ureq::Agent, urls: &[String]) -> Vec<Download> {
    urls.iter().map(|url| download(agent, url)).collect()
}

/// `executor.map`: a pool of `workers` threads, results in input order.
pub fn download_map(
    agent: &ureq::Agent,
    urls: &[String],
    workers: usize,
) -> std::io::Result<Vec<Download>> {
    let mut slots: Vec<Option<Download>> = urls.iter().map(|_| None).collect();
    run_pool(
        urls,
        workers,
        |url| download(agent, url),
        |i, d| slots[i] = Some(d),
    )?;
    Ok(slots.into_iter().flatten().collect())
}

/// `submit` + `as_completed`: a pool of `workers` threads, results in completion order.
pub fn download_as_completed(
    agent: &ureq::Agent,
    urls: &[String],
    workers: usize,
) -> std::io::Result<Vec<Download>> {
    let mut arrived = Vec::with_capacity(urls.len());
    run_pool(
        urls,
        workers,
        |url| download(agent, url),
        |_, d| arrived.push(d),
    )?;
    Ok(arrived)
}
