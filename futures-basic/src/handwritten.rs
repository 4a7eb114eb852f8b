//! # A timer future and a tiny executor, written by hand
//!
//! Python: asyncio's event loop keeps a queue of ready callbacks and sleeps in `select()` until
//! something is ready; `asyncio.sleep` parks the coroutine on a future that a timer callback
//! resolves, which puts the coroutine back on the ready queue.
//!
//! Rust has no built-in loop; this file is the whole idea of one. A future's `poll` returns
//! `Pending` after storing the `Waker` from its `Context`; whoever makes progress possible (here
//! a thread that sleeps until the timer's deadline) calls `wake()`. The executor keeps a queue of
//! task ids and polls only tasks that were woken; with nothing to poll it parks its thread, and
//! each wake pushes an id and unparks it. The waker is the only part that crosses threads, so the
//! tasks themselves need not be `Send` (they can share an `Rc`). Every async runtime is this,
//! grown up: a thread per timer keeps this file short, where real ones keep every timer in one
//! place (futures-timer on one thread, tokio in its driver).
//!
//! Run: `cargo run -p futures-basic -- handwritten`
//!
//! Look for: the countdown finishing C, A, D, B on both executors in the same wall time; the
//! busy executor (polling everything with a no-op waker) needing a huge number of polls; the
//! parking one polling each task at most twice (once to start, once when its timer fires).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use common::{CommonArgs, Row, Table, say, timed};

/// A future that completes `duration` after its first poll.
#[derive(Debug)]
pub struct Timer {
    duration: Duration,
    alarm: Option<Alarm>, // set by the first poll
}

/// The deadline, and the slot where the latest poll leaves its waker for the alarm thread.
#[derive(Debug)]
struct Alarm {
    deadline: Instant,
    waker: Arc<Mutex<Option<Waker>>>,
}

impl Alarm {
    /// Starts a thread that sleeps until the deadline, then wakes whoever polled last.
    fn start(duration: Duration) -> Self {
        let deadline = Instant::now() + duration;
        let waker = Arc::new(Mutex::new(None::<Waker>));
        let slot = Arc::clone(&waker);
        thread::spawn(move || {
            thread::sleep(deadline.saturating_duration_since(Instant::now()));
            let waker = slot.lock().unwrap().take();
            if let Some(waker) = waker {
                waker.wake();
            }
        });
        Alarm { deadline, waker }
    }
}

impl Timer {
    pub fn after(duration: Duration) -> Self {
        Timer {
            duration,
            alarm: None,
        }
    }
}

impl Future for Timer {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let duration = self.duration;
        let alarm = self.alarm.get_or_insert_with(|| Alarm::start(duration));
        // Leave the waker *before* reading the clock: if the alarm goes off in between, it
        // finds the waker, and if it went off earlier, the clock says we are done.
        *alarm.waker.lock().unwrap() = Some(cx.waker().clone());
        if Instant::now() >= alarm.deadline {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// The queue of woken task ids, shared by the executor and every waker.
type Queue = Arc<Mutex<VecDeque<usize>>>;

/// Waking a task = queueing its id and unparking the executor's thread.
struct TaskWaker {
    id: usize,
    queue: Queue,
    executor: Thread,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.queue.lock().unwrap().push_back(self.id);
        self.executor.unpark();
    }
}

/// What an executor did: how many times it polled a task, and how often it went to sleep.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub polls: u64,
    pub parks: u64,
}

/// A single-threaded executor: spawn tasks, then `run` them all to completion on this thread.
#[derive(Default)]
pub struct Executor {
    tasks: Vec<Option<Pin<Box<dyn Future<Output = ()>>>>>, // None once finished
    queue: Queue,
}

impl fmt::Debug for Executor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Executor")
            .field("tasks", &self.tasks.len())
            .finish()
    }
}

impl Executor {
    /// Adds a task and queues it for its first poll. Nothing runs until [`Executor::run`].
    pub fn spawn(&mut self, task: impl Future<Output = ()> + 'static) {
        self.queue.lock().unwrap().push_back(self.tasks.len());
        self.tasks.push(Some(Box::pin(task)));
    }

    /// Polls woken tasks until every task is done, parking the thread whenever none is woken.
    pub fn run(mut self) -> Stats {
        let me = thread::current();
        let wakers: Vec<Waker> = (0..self.tasks.len())
            .map(|id| {
                let (queue, executor) = (Arc::clone(&self.queue), me.clone());
                Waker::from(Arc::new(TaskWaker {
                    id,
                    queue,
                    executor,
                }))
            })
            .collect();
        let mut stats = Stats::default();
        let mut live = self.tasks.len();
        while live > 0 {
            let next = self.queue.lock().unwrap().pop_front();
            let Some(id) = next else {
                stats.parks += 1;
                thread::park(); // until a waker unparks us (or, rarely, for no reason: loop)
                continue;
            };
            let Some(task) = self.tasks[id].as_mut() else {
                continue; // a late wake for a task that already finished
            };
            stats.polls += 1;
            if task
                .as_mut()
                .poll(&mut Context::from_waker(&wakers[id]))
                .is_ready()
            {
                self.tasks[id] = None;
                live -= 1;
            }
        }
        stats
    }

    /// The same tasks without wakers: poll every unfinished one, round and round, until all are
    /// done. It gets the same answers, with millions of polls where a few would do.
    pub fn run_busy(mut self) -> Stats {
        let mut stats = Stats::default();
        let mut cx = Context::from_waker(Waker::noop());
        while self.tasks.iter().any(Option::is_some) {
            for slot in &mut self.tasks {
                if let Some(task) = slot {
                    stats.polls += 1;
                    if task.as_mut().poll(&mut cx).is_ready() {
                        *slot = None;
                    }
                }
            }
        }
        stats
    }
}

/// The countdown on the hand-written executor (parking, or busy if `busy`): the order the
/// tasks finished in, and the executor's stats.
pub fn countdown(tasks: &[(&'static str, Duration)], busy: bool) -> (Vec<&'static str>, Stats) {
    let finished = Rc::new(RefCell::new(Vec::new()));
    let mut executor = Executor::default();
    for &(name, delay) in tasks {
        let finished = Rc::clone(&finished);
        executor.spawn(async move {
            Timer::after(delay).await;
            finished.borrow_mut().push(name);
        });
    }
    let stats = if busy {
        executor.run_busy()
    } else {
        executor.run()
    };
    let order = finished.borrow().clone();
    (order, stats)
}

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    // The countdown demo's tasks and delays, this time on our own Timer and executor.
    let scale = args.pick(0.25, 0.1);
    let tasks: Vec<(&'static str, Duration)> = [("A", 0.7), ("B", 2.0), ("C", 0.3), ("D", 1.0)]
        .into_iter()
        .map(|(name, secs)| (name, Duration::from_secs_f64(secs * scale)))
        .collect();
    say!("the countdown again, with the hand-written Timer (one alarm thread per timer);");
    say!("the tasks share an Rc<RefCell<Vec>> for the finish order: they never leave this thread");

    let mut table = Table::new("handwritten", args);
    let mut runs = Vec::new();
    for (label, busy) in [
        ("busy loop, no-op waker", true),
        ("park until woken", false),
    ] {
        let ((order, stats), wall) = timed(|| countdown(&tasks, busy));
        say!(
            "{label:>22}: finished {}, {} polls, {} parks",
            order.join(" "),
            stats.polls,
            stats.parks
        );
        table.push(
            Row::new(label, tasks.len(), wall)
                .extra("finished", order.join(" "))
                .extra("polls", stats.polls)
                .extra("parks", stats.parks),
        );
        runs.push((order, stats));
    }
    table.print();

    // What was claimed: both finish in delay order; the parking executor polls each task at
    // most twice (once to start, once when woken), the busy one far more.
    let (busy, parked) = (&runs[0], &runs[1]);
    for (order, _) in &runs {
        anyhow::ensure!(order == &["C", "A", "D", "B"], "finished {order:?}");
    }
    let n = tasks.len() as u64;
    anyhow::ensure!(
        parked.1.polls <= 2 * n,
        "parking executor polled {:?}",
        parked.1
    );
    anyhow::ensure!(
        busy.1.polls > parked.1.polls,
        "busy executor polled {:?}",
        busy.1
    );
    Ok(())
}
