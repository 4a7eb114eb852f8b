//! Tests of the demos: the behaviour each one claims, checked by counting, never by timing.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use futures_basic::lessons::countdown::{self, Variant};
use futures_basic::lessons::executor::{self, Executor};
use futures_basic::lessons::timer::Timer;
use futures_basic::lessons::{blocking, callbacks, lazy, thread_pool_executor};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The talk's delays with gaps of at least 60 ms, wide enough for a loaded machine.
fn wide_tasks() -> Vec<(&'static str, Duration)> {
    countdown::tasks(0.2)
}

#[test]
fn a_future_runs_only_when_polled() {
    let stages = lazy::stages(ms(20), |_| {}).unwrap();
    assert_eq!(
        stages,
        lazy::Stages {
            after_build: 0,
            after_one_poll: 1,
            after_block_on: 3,
            dropped_unpolled: 0,
        }
    );
}

#[test]
fn the_log_shows_each_step_running_only_after_the_poll_that_runs_it() {
    let lines = RefCell::new(Vec::new());
    lazy::stages(ms(20), |line| lines.borrow_mut().push(line.to_string())).unwrap();
    assert_eq!(
        lines.into_inner(),
        [
            "future built: 0 steps run",
            "  step 1: boil water",
            "one poll returned Pending: 1 step run",
            "  step 2: steep",
            "  step 3: pour",
            "block_on returned \"tea\": 3 steps run",
        ],
        "the dropped future logged a step, or a step ran before its poll"
    );
}

#[test]
fn callbacks_promises_and_async_fn_agree() {
    let words = ["a", "bb", "ccc", "", "eeeee"];
    let expected = vec![1, 2, 3, 0, 5];
    assert_eq!(callbacks::with_callbacks(&words, ms(5)).unwrap(), expected);
    assert_eq!(callbacks::with_promises(&words, ms(5)).unwrap(), expected);
    assert_eq!(callbacks::with_async_fn(&words, ms(5)), expected);
}

#[test]
fn countdown_finishes_in_delay_order_when_concurrent() {
    let tasks = wide_tasks();
    let sequential = countdown::run_variant(Variant::Sequential, &tasks);
    assert_eq!(sequential.finished, ["A", "B", "C", "D"]);
    assert_eq!(sequential.peak_waiting, 1);

    let joined = countdown::run_variant(Variant::JoinAll, &tasks);
    assert_eq!(joined.finished, ["C", "A", "D", "B"]);
    assert_eq!(
        joined.returned,
        ["A", "B", "C", "D"],
        "join_all keeps call order"
    );
    assert_eq!(joined.peak_waiting, 4);

    let unordered = countdown::run_variant(Variant::FuturesUnordered, &tasks);
    assert_eq!(unordered.finished, ["C", "A", "D", "B"]);
    assert_eq!(unordered.returned, ["C", "A", "D", "B"]);
    assert_eq!(unordered.peak_waiting, 4);
}

#[test]
fn select_all_takes_the_first_and_cancels_the_rest() {
    let select = countdown::run_variant(Variant::SelectAll, &wide_tasks());
    assert_eq!(select.returned, ["C"]);
    assert_eq!(select.finished, ["C"], "a cancelled task finished anyway");
}

#[test]
fn handwritten_countdown_finishes_in_delay_order_polling_each_task_at_most_twice() {
    let tasks = wide_tasks();
    let (order, stats) = executor::countdown(&tasks, false);
    assert_eq!(order, ["C", "A", "D", "B"]);
    // Once to start each timer, once when it fires: a busy executor would poll without end.
    assert!(
        (4..=8).contains(&stats.polls),
        "{stats:?}: a poll without a wake"
    );
    // With 60 ms or more between the timers, the executor had time with nothing to poll.
    assert!(stats.parks >= 1, "{stats:?}: never slept");
}

#[test]
fn the_busy_executor_gets_the_same_answer_with_many_more_polls() {
    let tasks = wide_tasks();
    let (order, busy) = executor::countdown(&tasks, true);
    assert_eq!(order, ["C", "A", "D", "B"]);
    assert_eq!(busy.parks, 0);
    assert!(busy.polls > 8, "{busy:?}");
}

#[test]
fn handwritten_executor_runs_every_task() {
    // 100 tasks: some finish at once, some yield to the others, some wait on a timer.
    let done = Rc::new(RefCell::new(Vec::new()));
    let mut executor = Executor::default();
    for id in 0..100u64 {
        let done = Rc::clone(&done);
        executor.spawn(async move {
            match id % 3 {
                0 => {}
                1 => YieldOnce(false).await,
                _ => Timer::after(ms(id % 7)).await,
            }
            done.borrow_mut().push(id);
        });
    }
    let stats = executor.run();
    let mut done = done.take();
    done.sort_unstable();
    assert_eq!(done, (0..100).collect::<Vec<_>>());
    assert!(stats.polls >= 100, "{stats:?}");
}

#[test]
fn handwritten_executor_with_no_tasks_returns_at_once() {
    let stats = Executor::default().run();
    assert_eq!(stats, executor::Stats::default());
}

/// Pending once (after waking itself), then ready.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Ready once another thread has set the flag; tells that thread when it has stored a waker.
struct Remote {
    state: Arc<Mutex<(bool, Option<Waker>)>>,
    registered: mpsc::Sender<()>,
}

impl Future for Remote {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.state.lock().unwrap();
        if state.0 {
            return Poll::Ready(());
        }
        state.1 = Some(cx.waker().clone());
        let _ = self.registered.send(());
        Poll::Pending
    }
}

#[test]
fn a_future_woken_from_another_thread_completes_after_exactly_two_polls() {
    let state = Arc::new(Mutex::new((false, None::<Waker>)));
    let (registered, first_poll) = mpsc::channel();
    let waker_thread = {
        let state = Arc::clone(&state);
        thread::spawn(move || {
            first_poll.recv().unwrap();
            thread::sleep(ms(50)); // the executor has nothing to do meanwhile
            let waker = {
                let mut state = state.lock().unwrap();
                state.0 = true;
                state.1.take()
            };
            waker.expect("no waker stored").wake();
        })
    };
    let finished = Rc::new(Cell::new(false));
    let mut executor = Executor::default();
    let flag = Rc::clone(&finished);
    executor.spawn(async move {
        Remote { state, registered }.await;
        flag.set(true);
    });
    let stats = executor.run();
    waker_thread.join().unwrap();
    assert!(finished.get());
    // The executor polls only woken tasks: once to start, once after the remote wake. Parks
    // are not counted exactly (park may return spuriously, and the wake may beat it).
    assert_eq!(stats.polls, 2, "{stats:?}");
}

#[test]
fn thread_pool_keeps_many_futures_waiting_on_few_threads() {
    let report = thread_pool_executor::on_thread_pool(50, ms(200), 2).unwrap();
    assert_eq!(report.results, (0..50).map(|i| i * 2).collect::<Vec<_>>());
    assert!(report.threads.len() <= 2, "{:?}", report.threads);
    assert!(report.threads.iter().all(|t| t.starts_with("pool-")));
    // 200 ms of waiting leaves room for all 50 to start before any finish; more than the pool's
    // two threads is the claim.
    assert!(report.peak_waiting > 2, "peak {}", report.peak_waiting);
}

#[test]
fn local_pool_runs_everything_on_the_calling_thread() {
    let me = thread::current().name().map(str::to_string);
    let report = thread_pool_executor::on_local_pool(50, ms(50)).unwrap();
    assert_eq!(report.results, (0..50).map(|i| i * 2).collect::<Vec<_>>());
    assert_eq!(report.threads.len(), 1);
    assert_eq!(Some(report.threads[0].clone()), me);
    assert!(
        report.peak_waiting > 1,
        "one thread, yet many jobs wait at once"
    );
}

#[test]
fn a_blocking_sleep_freezes_the_spinner_and_a_timer_does_not() {
    let blocked = blocking::spin_beside_job(ms(200), ms(10), true, false);
    let yielding = blocking::spin_beside_job(ms(200), ms(10), false, false);
    assert_eq!(blocked, 1, "the spinner moved while its thread slept");
    assert!(
        yielding > blocked,
        "yielding {yielding} vs blocked {blocked}"
    );
}

/// A waker whose own `Drop` panics: user code can, and it poisons the lock it is dropped under.
struct PanicsWhenDropped;

impl Wake for PanicsWhenDropped {
    fn wake(self: Arc<Self>) {}
}

impl Drop for PanicsWhenDropped {
    fn drop(&mut self) {
        panic!("a waker that panics when dropped (on purpose)");
    }
}

/// Tells a channel that it was woken.
struct Notify(mpsc::Sender<()>);

impl Wake for Notify {
    fn wake(self: Arc<Self>) {
        let _ = self.0.send(());
    }
}

#[test]
fn a_timer_whose_waker_slot_was_poisoned_still_polls_and_wakes() {
    let mut timer = Timer::after(ms(300));
    // 1. The first poll stores a waker that panics when dropped; ours is its only other owner.
    let bad = Waker::from(Arc::new(PanicsWhenDropped));
    assert!(
        Pin::new(&mut timer)
            .poll(&mut Context::from_waker(&bad))
            .is_pending()
    );
    drop(bad);
    // 2. The second poll replaces it, so it is dropped under the slot's lock: the lock is poisoned.
    let replaced = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = Pin::new(&mut timer).poll(&mut Context::from_waker(Waker::noop()));
    }));
    assert!(replaced.is_err(), "the waker's Drop should have panicked");
    // 3. The timer still works: this poll stores our waker, and the alarm thread (which takes
    //    the waker out of the same poisoned slot) wakes it instead of panicking.
    let (tx, woken) = mpsc::channel();
    let waker = Waker::from(Arc::new(Notify(tx)));
    let mut cx = Context::from_waker(&waker);
    if Pin::new(&mut timer).poll(&mut cx).is_pending() {
        woken
            .recv_timeout(Duration::from_secs(10))
            .expect("the alarm thread never woke the timer");
    }
    assert!(Pin::new(&mut timer).poll(&mut cx).is_ready());
}
