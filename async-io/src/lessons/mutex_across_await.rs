//! # A lock across `.await`: what the compiler refuses, and the two fixes
//!
//! Python: `with threading.Lock():` around `await fetch()` in a coroutine is legal, and a trap:
//! the next coroutine to reach the same `with` blocks the event loop's one thread, so the holder
//! never resumes to release it, and the loop hangs. `async with asyncio.Lock():` is the lock made
//! for it: the others wait at an `await`, for the whole round trip.
//!
//! Rust: a `std::sync::MutexGuard` held across an `.await` is the classic. The guard is not
//! `Send`, so `tokio::spawn` refuses the task at compile time:
//!
//! ```compile_fail
//! use std::sync::{Arc, Mutex};
//!
//! #[tokio::main]
//! async fn main() {
//!     let counter = Arc::new(Mutex::new(0));
//!     tokio::spawn(async move {
//!         let mut guard = counter.lock().unwrap();
//!         tokio::task::yield_now().await; // the guard is still alive across this .await
//!         *guard += 1;
//!     });
//! }
//! ```
//!
//! Two fixes, both run below: end the guard's scope before the `.await`, or, when the lock
//! really must be held across it, use `tokio::sync::Mutex`, whose guard may be held there.
//!
//! Run: `cargo run -p async-io -- blocking`
//!
//! Look for: both mutex fixes counting every increment, under the table.

use std::sync::{Arc, Mutex};

/// Fix 1: a std mutex, with the guard's scope ended before the `.await`.
pub async fn scoped_guard(tasks: usize) -> anyhow::Result<u64> {
    let counter = Arc::new(Mutex::new(0u64));
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let counter = Arc::clone(&counter);
        handles.push(tokio::spawn(async move {
            {
                let mut guard = counter.lock().unwrap_or_else(|e| e.into_inner());
                *guard += 1;
            } // guard dropped here
            tokio::task::yield_now().await;
        }));
    }
    for handle in handles {
        handle.await?;
    }
    Ok(*counter.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Fix 2: `tokio::sync::Mutex`, whose guard may be held across an `.await`.
pub async fn async_mutex(tasks: usize) -> anyhow::Result<u64> {
    let counter = Arc::new(tokio::sync::Mutex::new(0u64));
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let counter = Arc::clone(&counter);
        handles.push(tokio::spawn(async move {
            let mut guard = counter.lock().await;
            tokio::task::yield_now().await; // other tasks run; they wait for the lock
            *guard += 1;
        }));
    }
    for handle in handles {
        handle.await?;
    }
    Ok(*counter.lock().await)
}
