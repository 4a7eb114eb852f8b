//! The guard every crate's `tests/exercises.rs` runs its test bodies under, so that no exercise
//! test can hang.
//!
//! A learner's first attempt at a concurrent exercise often waits forever: a thread joined
//! inside the spawning loop while the others wait on a barrier, a channel whose sender is never
//! dropped, a blocking call that freezes the async runtime's only thread. A runtime timeout
//! cannot catch the last one (the timer needs the thread that is blocked), so the guard runs the
//! body on a thread of its own and waits for it on the test's thread with a limit:
//!
//! - the body returns: the test passes;
//! - the body panics (a failed assertion, or a stub's `todo!("exercise 3: ...")`): the panic is
//!   raised again unchanged, so the test fails with the body's own message ("not yet
//!   implemented" included, which `.ci/exercises` looks for);
//! - the limit passes first: the test fails with "exercise N did not finish in S s: " and the
//!   likely mistake. The body's thread is left behind; the test binary ends it when it exits.
//!
//! ```
//! workshop::guard::exercise(1, "is every spawned thread joined?", || {
//!     let handle = std::thread::spawn(|| 6 * 7);
//!     assert_eq!(handle.join().unwrap(), 42);
//! });
//! ```

use std::panic;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// How long an exercise test may run before the guard fails it: generous, because a debug build
/// on a busy 2-core machine running many tests at once is slow. `EXERCISE_TIMEOUT_SECS` overrides it.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(60);

/// Runs `body` (one exercise test) under [`DEFAULT_LIMIT`], or `EXERCISE_TIMEOUT_SECS` when set.
///
/// `exercise` is the exercise's number and `likely_mistake` the question to ask when it does
/// not finish ("are the threads joined inside the spawning loop?").
pub fn exercise<F>(exercise: u32, likely_mistake: &str, body: F)
where
    F: FnOnce() + Send + 'static,
{
    let limit = std::env::var("EXERCISE_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_LIMIT);
    exercise_within(exercise, likely_mistake, limit, body);
}

/// [`exercise`] with an explicit limit.
pub fn exercise_within<F>(exercise: u32, likely_mistake: &str, limit: Duration, body: F)
where
    F: FnOnce() + Send + 'static,
{
    let (done_tx, done_rx) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name(format!("exercise {exercise}"))
        .spawn(move || {
            let outcome = panic::catch_unwind(panic::AssertUnwindSafe(body));
            // The receiver is gone only if the guard already gave up; nothing to tell then.
            let _ = done_tx.send(outcome);
        });
    if let Err(e) = spawned {
        panic!("exercise {exercise}: could not start the test's thread: {e}");
    }
    match done_rx.recv_timeout(limit) {
        Ok(Ok(())) => {}
        // The panic message was already printed by the body's thread; fail with the same payload.
        Ok(Err(payload)) => panic::resume_unwind(payload),
        Err(_) => panic!(
            "exercise {exercise} did not finish in {} s: {likely_mistake}",
            limit.as_secs_f64()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_that_returns_passes() {
        exercise_within(1, "unused", Duration::from_secs(30), || {
            assert_eq!(2 + 2, 4)
        });
    }

    #[test]
    fn a_body_that_never_returns_fails_with_the_exercise_and_the_hint() {
        let got = panic::catch_unwind(|| {
            exercise_within(
                4,
                "are the threads joined inside the spawning loop?",
                Duration::from_millis(100),
                || {
                    let (_tx, rx) = mpsc::channel::<()>();
                    let _ = rx.recv(); // never sent to, never dropped while waiting
                },
            )
        })
        .expect_err("a body that never returns must fail the test");
        let message = got
            .downcast_ref::<String>()
            .expect("the guard panics with a formatted message");
        assert!(
            message.starts_with("exercise 4 did not finish in 0.1 s"),
            "{message}"
        );
        assert!(
            message.contains("joined inside the spawning loop"),
            "{message}"
        );
    }

    #[test]
    fn a_stub_panic_passes_through_unchanged() {
        let got = panic::catch_unwind(|| {
            exercise_within(3, "unused", Duration::from_secs(30), || {
                todo!("exercise 3: run the job with a timeout")
            })
        })
        .expect_err("a stub must fail the test");
        // A message without arguments may arrive as a `&str`, one with arguments as a `String`.
        let message = got
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| got.downcast_ref::<String>().map(String::as_str))
            .expect("todo! panics with a message");
        assert_eq!(
            message,
            "not yet implemented: exercise 3: run the job with a timeout"
        );
    }
}
