//! Exercises for `thumbnail-maker`. Replace each `todo!("exercise N: ...")` with your code, then run
//!
//! ```text
//! cargo test -p thumbnail-maker --features exercises --test exercises
//! cargo workshop                         # how many are solved, and which is next
//! cargo workshop hint thumbnail-maker 1  # the near-answer, when the nudge below is not enough
//! ```
//!
//! Every test fails until you solve its exercise. The answers are in `solutions.rs`; try first.
#![allow(unused_variables)]

/// Exercise 1: download every URL on its own thread, but at most `cap` at once (the course's
/// `Semaphore(4)`), and return the results in the order of `urls`.
///
/// `fetch` does one download; call it from the threads. `cap` is at least 1. The test checks on
/// the fake server that exactly `cap` downloads were in flight at once, never more.
///
/// Nudge: std has no semaphore, but a `Mutex` and a `Condvar` make one (or a bounded channel
/// whose slots are the permits).
pub fn download_capped<F>(urls: &[String], cap: usize, fetch: F) -> Vec<Result<Vec<u8>, String>>
where
    F: Fn(&str) -> Result<Vec<u8>, String> + Sync,
{
    todo!("exercise 1: a thread per URL, at most `cap` downloading")
}

/// Exercise 2: connect two pipeline stages with a bounded channel, and close it correctly.
///
/// On a new thread, call `produce` on each item in order and send each result through a
/// channel of `capacity`; on this thread, receive the results and hand each to `consume`, in
/// order. Return how many were consumed. If `produce` fails, stop producing: `consume` still
/// gets every result made before the failure, and the error is returned. The function must
/// return in every case, and the producer may never run more than `capacity` items ahead.
///
/// Nudge: the receiving loop ends only when the channel closes; who holds the sender?
pub fn two_stages<T, U, E>(
    items: Vec<T>,
    capacity: usize,
    produce: impl Fn(T) -> Result<U, E> + Sync,
    consume: impl FnMut(U),
) -> Result<usize, E>
where
    T: Send,
    U: Send,
    E: Send,
{
    todo!("exercise 2: a producer thread and a bounded channel")
}

/// Exercise 3: make the resize step parallel with rayon: call `resize` on every image on
/// rayon's pool, and return the results in the order of `images`.
///
/// In the program `resize` is `|jpeg| thumbs::make(jpeg, &widths)`; the test also passes one
/// that only finishes when two calls run at the same time.
///
/// Nudge: rayon turns an iterator into a parallel one with one word.
pub fn resize_all<R, F>(images: &[Vec<u8>], resize: F) -> Vec<R>
where
    R: Send,
    F: Fn(&[u8]) -> R + Sync,
{
    todo!("exercise 3: resize on rayon's pool, in order")
}
