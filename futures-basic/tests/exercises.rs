//! Tests of the exercises. They run against the solutions by default; an attendee runs
//! `cargo test -p futures-basic --features exercises --test exercises` to test their own code.
//! Each test runs under `workshop::guard::exercise`, so an attempt that hangs fails with its
//! exercise's number and the likely mistake instead of waiting forever.

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use futures_basic::under_test::{
    block_on, from_callback, in_completion_order, join2, timeout, yield_now,
};
use workshop::guard::exercise;

const WAKE: &str =
    "does poll return Pending without waking the task first (cx.waker().wake_by_ref())?";
const PARK: &str = "does block_on park with a waker that does not unpark this thread, or busy-wait on a future that never wakes?";
const TIMERS: &str = "does the loop over FuturesUnordered stop when next() gives None?";
const RACE: &str =
    "is the future awaited before the race, instead of raced against the timer with select?";
const JOIN: &str = "did you await one future, then the other?";
const CALLBACK: &str =
    "is a copy of the one-shot sender kept alive, so the receiver never sees the callback dropped?";

/// A waker that counts how often it is woken.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn exercise_1_yield_now_is_pending_once_and_wakes_itself() {
    exercise(1, WAKE, || {
        let counter = Arc::new(CountingWaker::default());
        let waker = Waker::from(Arc::clone(&counter));
        let mut cx = Context::from_waker(&waker);
        let mut future = pin!(yield_now());
        assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
        assert_eq!(
            counter.0.load(Ordering::SeqCst),
            1,
            "Pending without a wake"
        );
        assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(()));
        assert_eq!(counter.0.load(Ordering::SeqCst), 1, "woken after Ready");
    });
}

#[test]
fn exercise_1_yield_now_lets_another_task_run_in_between() {
    exercise(1, WAKE, || {
        // Two tasks on one thread: each yields between its steps, so their steps interleave.
        let log = Mutex::new(Vec::new());
        let task = |name: &'static str| {
            let log = &log;
            async move {
                for step in 0..3 {
                    log.lock().unwrap().push(format!("{name}{step}"));
                    yield_now().await;
                }
            }
        };
        futures::executor::block_on(async { futures::join!(task("a"), task("b")) });
        assert_eq!(
            log.into_inner().unwrap(),
            ["a0", "b0", "a1", "b1", "a2", "b2"]
        );
    });
}

#[test]
fn exercise_2_block_on_returns_a_ready_value() {
    exercise(2, PARK, || {
        assert_eq!(block_on(async { 6 * 7 }), 42);
    });
}

/// A future that is ready once another thread has flipped its flag, counting its polls.
struct Flag {
    state: Arc<Mutex<(bool, Option<Waker>)>>,
    registered: mpsc::Sender<()>,
    polls: usize,
}

impl Future for Flag {
    type Output = usize;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.polls += 1;
        let mut state = self.state.lock().unwrap();
        if state.0 {
            return Poll::Ready(self.polls);
        }
        state.1 = Some(cx.waker().clone());
        drop(state);
        let _ = self.registered.send(());
        Poll::Pending
    }
}

#[test]
fn exercise_2_block_on_sleeps_until_a_wake_from_another_thread() {
    exercise(2, PARK, || {
        let state = Arc::new(Mutex::new((false, None::<Waker>)));
        let (registered, first_poll) = mpsc::channel();
        let setter = {
            let state = Arc::clone(&state);
            thread::spawn(move || {
                // Wait for the first poll, then leave block_on idle a while before waking it.
                first_poll.recv().unwrap();
                thread::sleep(Duration::from_millis(100));
                let waker = {
                    let mut state = state.lock().unwrap();
                    state.0 = true;
                    state.1.take()
                };
                waker.expect("the future stored no waker").wake();
            })
        };
        let polls = block_on(Flag {
            state,
            registered,
            polls: 0,
        });
        setter.join().unwrap();
        // Once to start, once after the wake. `park` may (very rarely) return without a wake, so
        // allow one extra poll; a busy loop would have polled thousands of times in 100 ms.
        assert!(
            (2..=3).contains(&polls),
            "polled {polls} times: busy loop or lost wake?"
        );
    });
}

#[test]
fn exercise_2_block_on_runs_futures_that_wake_themselves() {
    exercise(2, PARK, || {
        let total = block_on(async {
            let mut steps = 0;
            for _ in 0..100 {
                yield_now_for_block_on().await;
                steps += 1;
            }
            steps
        });
        assert_eq!(total, 100);
    });
}

/// A self-waking future that does not depend on exercise 1 (so this test checks `block_on` only).
async fn yield_now_for_block_on() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

#[test]
fn exercise_2_block_on_gets_a_value_sent_from_another_thread() {
    exercise(2, PARK, || {
        let (tx, rx) = futures::channel::oneshot::channel();
        let sender = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            tx.send("hello").unwrap();
        });
        assert_eq!(block_on(rx), Ok("hello"));
        sender.join().unwrap();
    });
}

#[test]
fn exercise_3_completion_order_follows_the_delays() {
    exercise(3, TIMERS, || {
        let ms = Duration::from_millis;
        let jobs = vec![
            ("A", ms(140)),
            ("B", ms(400)),
            ("C", ms(60)),
            ("D", ms(200)),
        ];
        let order = futures::executor::block_on(in_completion_order(jobs));
        assert_eq!(order, ["C", "A", "D", "B"]);
    });
}

#[test]
fn exercise_3_completion_order_keeps_every_job() {
    exercise(3, TIMERS, || {
        let jobs: Vec<(&'static str, Duration)> = ["x"; 50]
            .iter()
            .map(|&name| (name, Duration::from_millis(1)))
            .collect();
        let order = futures::executor::block_on(in_completion_order(jobs));
        assert_eq!(order.len(), 50);
        assert!(futures::executor::block_on(in_completion_order(Vec::new())).is_empty());
    });
}

#[test]
fn exercise_4_timeout_returns_a_result_that_comes_in_time() {
    exercise(4, RACE, || {
        let got = futures::executor::block_on(timeout(Duration::from_secs(10), async { 7 }));
        assert_eq!(got, Some(7));
    });
}

#[test]
fn exercise_4_timeout_gives_up_and_drops_a_slow_future() {
    exercise(4, RACE, || {
        /// Notes when it is dropped, so we can see that the loser was cancelled.
        struct Guard(Arc<AtomicUsize>);
        impl Drop for Guard {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicUsize::new(0));
        let guard = Guard(Arc::clone(&dropped));
        let never = async move {
            let _guard = guard;
            futures::future::pending::<u8>().await
        };
        let got = futures::executor::block_on(timeout(Duration::from_millis(30), never));
        assert_eq!(got, None);
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            1,
            "the slow future was not dropped"
        );
    });
}

#[test]
fn exercise_5_join2_returns_both_outputs() {
    exercise(5, JOIN, || {
        let got = futures::executor::block_on(join2(async { 1 }, async { "two" }));
        assert_eq!(got, (1, "two"));
    });
}

#[test]
fn exercise_5_join2_runs_both_at_once() {
    exercise(5, JOIN, || {
        // Each side needs the other to move first: only a real join finishes.
        let (to_b, from_a) = futures::channel::oneshot::channel();
        let (to_a, from_b) = futures::channel::oneshot::channel();
        let a = async move {
            to_b.send("ping").unwrap();
            from_b.await.unwrap()
        };
        let b = async move {
            let got = from_a.await.unwrap();
            to_a.send("pong").unwrap();
            got
        };
        assert_eq!(futures::executor::block_on(join2(a, b)), ("pong", "ping"));
    });
}

#[test]
fn exercise_5_join2_never_polls_a_finished_future_again() {
    exercise(5, JOIN, || {
        // `a` is done at once; `b` needs several polls. An async block panics if polled after it
        // completed, so re-polling `a` would fail this test.
        let b = async {
            for _ in 0..5 {
                yield_now_for_block_on().await;
            }
            'b'
        };
        assert_eq!(
            futures::executor::block_on(join2(async { 'a' }, b)),
            ('a', 'b')
        );
    });
}

#[test]
fn exercise_6_from_callback_waits_for_a_callback_from_another_thread() {
    exercise(6, CALLBACK, || {
        let got =
            futures::executor::block_on(from_callback(|done: Box<dyn FnOnce(usize) + Send>| {
                futures_basic::lessons::callbacks::lookup_with_callback(
                    "future",
                    Duration::from_millis(20),
                    done,
                );
            }));
        assert_eq!(got, Some(6));
    });
}

#[test]
fn exercise_6_from_callback_reports_a_callback_that_is_never_called() {
    exercise(6, CALLBACK, || {
        let got: Option<u8> = futures::executor::block_on(from_callback(drop));
        assert_eq!(got, None);
    });
}
