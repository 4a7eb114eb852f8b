//! # A tiny executor, written by hand
//!
//! Python: asyncio's event loop keeps a queue of ready callbacks and sleeps in `select()` until
//! something is ready; a resolved future puts its coroutine back on that queue.
//!
//! Rust: there is no built-in loop; this file is the whole idea of one. The executor keeps a
//! queue of task ids and polls only tasks that were woken; with nothing to poll it parks its
//! thread, and each wake pushes an id and unparks it. The waker is the only part that crosses
//! threads, so the tasks need not be `Send` (they share an `Rc`). Every async runtime is this,
//! grown up. [`Executor::run_busy`], without wakers, polls everything again and again. The tasks
//! here wait on [`crate::lessons::timer::Timer`].
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
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Wake, Waker};
use std::thread::{self, Thread};
use std::time::Duration;

use crate::lessons::timer::Timer;

/// The queue of woken task ids, shared by the executor and every waker.
type Queue = Arc<Mutex<VecDeque<usize>>>;

/// A waker may be called on any thread and must never panic, so a poisoned queue is used as it
/// is: a push or a pop is never left half-done, so the ids in it are still right.
fn lock(queue: &Queue) -> MutexGuard<'_, VecDeque<usize>> {
    queue.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Waking a task = queueing its id and unparking the executor's thread.
struct TaskWaker {
    id: usize,
    queue: Queue,
    thread: Thread,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        lock(&self.queue).push_back(self.id);
        self.thread.unpark();
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
        write!(f, "Executor({} tasks)", self.tasks.len())
    }
}

impl Executor {
    /// Adds a task and queues it for its first poll. Nothing runs until [`Executor::run`].
    pub fn spawn(&mut self, task: impl Future<Output = ()> + 'static) {
        lock(&self.queue).push_back(self.tasks.len());
        self.tasks.push(Some(Box::pin(task)));
    }

    /// Polls woken tasks until every task is done, parking the thread whenever none is woken.
    pub fn run(mut self) -> Stats {
        let me = thread::current();
        let wakers: Vec<Waker> = (0..self.tasks.len())
            .map(|id| {
                let (queue, thread) = (Arc::clone(&self.queue), me.clone());
                Waker::from(Arc::new(TaskWaker { id, queue, thread }))
            })
            .collect();
        let mut stats = Stats::default();
        let mut live = self.tasks.len();
        while live > 0 {
            let next = lock(&self.queue).pop_front();
            let Some(id) = next else {
                stats.parks += 1;
                thread::park(); // until a waker unparks us (or, rarely, for no reason: loop)
                continue;
            };
            let Some(task) = self.tasks[id].as_mut() else {
                continue; // a late wake for a task that already finished
            };
            stats.polls += 1;
            let mut cx = Context::from_waker(&wakers[id]);
            if task.as_mut().poll(&mut cx).is_ready() {
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
    (finished.take(), stats)
}
