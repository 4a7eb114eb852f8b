//! # Start them all, then join them all
//!
//! Python: `for t in threads: t.start()` and then `for t in threads: t.join()`. The classic
//! mistake is `t.start(); t.join()` inside one loop: each thread is waited for before the next
//! one starts, so the "threaded" program downloads one flag at a time.
//!
//! Rust: the same trap: `thread::spawn(..).join()` in a loop is sequential code with extra
//! steps. Collect the `JoinHandle`s first, join them afterwards. Here every thread downloads one
//! flag (with ureq, blocking) from the course's fake server, whose own count of requests in
//! flight shows how many threads really worked at once.
//!
//! Run: `cargo run -p threads-basic -- join-all --count 20 --latency-ms 100`
//!
//! Look for: the join-in-the-loop row as slow as the sequential one (count x latency) with the
//! server never seeing more than 1 request in flight, and the start-all row taking about one
//! latency with all of them in flight at once. The timeline under the table draws the server's
//! view: one lane of downloads back to back (a staircase folded onto one line) for the loop,
//! one block, a lane per download, for start-all.

use std::thread;
use std::time::Duration;

use anyhow::{Context, anyhow};

/// One agent (a connection pool) for every thread: it is `Clone + Send + Sync`, and a clone
/// shares the pool. Every request gets a timeout, because a thread waiting forever is a hung
/// program. No proxy: the server is on this machine, and `HTTP_PROXY` (set on many company
/// laptops) would send even requests for 127.0.0.1 to the proxy.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .proxy(None)
        .build()
        .into()
}

/// Downloads one flag and returns its size in bytes.
pub fn download(agent: &ureq::Agent, url: &str) -> anyhow::Result<usize> {
    let mut answer = agent
        .get(url)
        .call()
        .with_context(|| format!("GET {url}"))?;
    let body = answer.body_mut().read_to_vec()?;
    Ok(body.len())
}

/// The mistake: spawn and join inside the same loop.
pub fn join_in_loop(agent: &ureq::Agent, urls: &[String]) -> anyhow::Result<Vec<usize>> {
    let mut sizes = Vec::new();
    for url in urls {
        let (agent, url) = (agent.clone(), url.clone());
        let handle = thread::spawn(move || download(&agent, &url));
        // Waiting right here means the next thread has not even started yet.
        let size = handle
            .join()
            .map_err(|_| anyhow!("a download thread panicked"))??;
        sizes.push(size);
    }
    Ok(sizes)
}

/// The fix: start every thread, keep the handles, then join them in order.
pub fn start_all_then_join(agent: &ureq::Agent, urls: &[String]) -> anyhow::Result<Vec<usize>> {
    let handles: Vec<_> = urls
        .iter()
        .map(|url| {
            let (agent, url) = (agent.clone(), url.clone());
            thread::spawn(move || download(&agent, &url))
        })
        .collect();
    handles
        .into_iter()
        .map(|h| {
            h.join()
                .map_err(|_| anyhow!("a download thread panicked"))?
        })
        .collect()
}
