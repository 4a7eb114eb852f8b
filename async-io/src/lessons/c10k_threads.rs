//! # c10k with threads: one OS thread per request
//!
//! Python: `ThreadPoolExecutor(max_workers=10_000).map(fetch, urls)` pays for a thread (and its
//! stack) per request, if the machine lets it start that many.
//!
//! Rust: a thread per request costs a kernel thread, a stack and its buffers each. Here each
//! thread runs blocking ureq; the shrunk variant gives every thread a 256 KiB stack and 16 KiB
//! buffers, the other keeps the defaults (2 MiB of stack, 128 KiB each way). When the system
//! refuses a thread, the requests left are skipped, not crashed.
//!
//! Run: `cargo run --release -p async-io -- c10k --tasks 10000 --latency-ms 1000`
//!
//! Look for: `KiB/request` of the trimmed threads two to four times reqwest's tasks, and threads
//! with default stack and buffer sizes several times more.

use std::time::{Duration, Instant};

/// Stack size of each request thread: the default 2 MiB is address space, not memory, but
/// smaller stacks let more threads start.
pub const THREAD_STACK: usize = 256 << 10;
/// ureq's buffers in the shrunk variant (a flag is a few KiB; the default is 128 KiB each way).
pub const BUFFER: usize = 16 << 10;

/// Every request a thread; if the system refuses a thread, the rest are skipped, not crashed.
pub fn threads(
    urls: Vec<String>,
    timeout: Duration,
    shrunk: bool,
) -> (Vec<&'static str>, Duration) {
    let mut config = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .proxy(None); // loopback: a proxy from HTTP_PROXY or ALL_PROXY would misroute it
    if shrunk {
        config = config.input_buffer_size(BUFFER).output_buffer_size(BUFFER);
    }
    let agent: ureq::Agent = config.build().into();
    let watch = Instant::now();
    let (n, mut handles, mut ends) = (urls.len(), Vec::new(), Vec::new());
    for (i, url) in urls.into_iter().enumerate() {
        let agent = agent.clone();
        let mut builder = std::thread::Builder::new();
        if shrunk {
            builder = builder.stack_size(THREAD_STACK);
        }
        let spawned = builder.spawn(move || {
            let answer = agent.get(&url).header("connection", "close").call();
            match answer.and_then(|mut a| a.body_mut().read_to_vec()) {
                Ok(_) => "ok",
                Err(ureq::Error::Timeout(_)) => "timed_out",
                Err(_) => "failed",
            }
        });
        match spawned {
            Ok(handle) => handles.push(handle),
            Err(e) => {
                eprintln!(
                    "could not start thread {} of {n} ({e}); skipping the rest",
                    i + 1
                );
                ends.resize(n - i, "skipped");
                break;
            }
        }
    }
    ends.extend(handles.into_iter().map(|h| h.join().unwrap_or("failed")));
    (ends, watch.elapsed())
}
