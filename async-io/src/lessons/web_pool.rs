//! # A fixed pool of threads serving a queue of connections
//!
//! Python: `socketserver.TCPServer` with a `concurrent.futures.ThreadPoolExecutor(8)` behind it,
//! `pool.submit(handle, conn)` for each accepted connection; a handler that raises leaves its
//! exception in the returned `Future`, unseen unless something asks for it (a done callback
//! that logs it), and the worker takes the next one.
//!
//! Rust: the Rust Book's final-chapter design: a `TcpListener` and threads that take accepted
//! connections from a shared channel. Two things a real pool adds. A handler that panics would
//! end its thread for good and shrink the pool without a word, so each connection runs inside
//! `catch_unwind`: the panic is counted and logged, and the worker goes on. And `accept` can
//! fail (out of file descriptors under a burst): the loop backs off, doubling its pause up to a
//! second, and logs the failures at most every five seconds instead of on every retry.
//!
//! Run: `cargo run -p async-io -- web --serve blocking --port 8080`, then
//! `curl localhost:8080/api/flags/br`
//!
//! Look for: `max in flight` of the blocking rows at most the pool's size (the tests also show
//! a panicking handler leaving the pool whole).

use std::io;
use std::net::{TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// Serves forever: accepts connections and hands each to one of `workers` threads, which runs
/// `handle` on it.
pub fn serve_pool<H>(listener: TcpListener, workers: usize, handle: H) -> io::Result<()>
where
    H: Fn(TcpStream) + Send + Sync + 'static,
{
    // The Book's unbounded channel: every connection is accepted at once and waits here for a
    // worker. (A bounded one would leave them in the kernel's listen queue, which std asks to
    // hold 128: under a burst of connects it overflows, and clients see resets.) std's mpsc has
    // one receiver, hence the Book's `Arc<Mutex<Receiver>>`; crossbeam-channel's receivers
    // clone, and are the idiom where that crate is a dependency (not here: std only).
    let (tx, rx) = mpsc::channel::<TcpStream>();
    let rx = Arc::new(Mutex::new(rx));
    let handle = Arc::new(handle);
    let panics = Arc::new(AtomicU64::new(0));
    for i in 0..workers {
        let (rx, handle, panics) = (Arc::clone(&rx), Arc::clone(&handle), Arc::clone(&panics));
        std::thread::Builder::new()
            .name(format!("worker-{i}"))
            .spawn(move || {
                loop {
                    // The lock is held only while waiting for the next connection.
                    let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(stream) = next else { return };
                    // A panic ends this connection (dropped, so closed), not the worker.
                    if catch_unwind(AssertUnwindSafe(|| handle(stream))).is_err() {
                        let n = panics.fetch_add(1, Ordering::Relaxed) + 1;
                        eprintln!(
                            "worker-{i}: a handler panicked ({n} so far); the worker goes on"
                        );
                    }
                }
            })?;
    }
    let (mut pause, mut failures, mut logged) = (PAUSE, 0u64, None::<Instant>);
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                pause = PAUSE;
                tx.send(stream)
                    .map_err(|_| io::Error::other("every worker died"))?;
            }
            // Out of file descriptors, or a connection reset while queued: wait and carry on.
            Err(e) => {
                failures += 1;
                if logged.is_none_or(|at| at.elapsed() >= LOG_EVERY) {
                    eprintln!(
                        "blocking server: accept failed ({e}; {failures} so far); backing off"
                    );
                    logged = Some(Instant::now());
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(MAX_PAUSE);
            }
        }
    }
    Ok(())
}

/// The first pause after a failed accept, doubled on each failure in a row up to `MAX_PAUSE`.
const PAUSE: Duration = Duration::from_millis(10);
const MAX_PAUSE: Duration = Duration::from_secs(1);
/// At most one log line about failed accepts this often.
const LOG_EVERY: Duration = Duration::from_secs(5);
