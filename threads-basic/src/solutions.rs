//! Solutions to the exercises in `exercises.rs` (same signatures, solved).

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Exercise 1: sum `data` using `threads` scoped threads.
pub fn parallel_sum(data: &[u64], threads: usize) -> u64 {
    let size = data.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = data
            .chunks(size)
            .map(|chunk| s.spawn(move || chunk.iter().sum::<u64>()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

/// Exercise 2: one named thread per name, each reporting the name it really has.
pub fn greetings(names: &[&str]) -> std::io::Result<Vec<String>> {
    let handles = names
        .iter()
        .map(|name| {
            thread::Builder::new().name(name.to_string()).spawn(|| {
                let me = thread::current();
                format!("hello from {}", me.name().unwrap_or("<unnamed>"))
            })
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    Ok(handles
        .into_iter()
        .map(|h| h.join().expect("a greeting thread panicked"))
        .collect())
}

/// Exercise 3: run `job` on a thread; wait at most `timeout` for its result.
pub fn run_with_timeout<T, F>(job: F, timeout: Duration) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        // If we already gave up, nobody is listening: ignore the send error.
        let _ = tx.send(job());
    });
    rx.recv_timeout(timeout).ok()
}

/// Exercise 4: start every job, then join them all, in order; a panic becomes `None`.
pub fn run_all<T: Send + 'static>(jobs: Vec<Box<dyn FnOnce() -> T + Send>>) -> Vec<Option<T>> {
    let handles: Vec<_> = jobs.into_iter().map(thread::spawn).collect();
    handles.into_iter().map(|h| h.join().ok()).collect()
}
