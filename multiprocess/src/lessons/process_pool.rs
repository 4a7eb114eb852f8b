//! # A process pool over pipes: `apply_async`, `map`, `close` + `join`, crash isolation
//!
//! Python: `with Pool(processes=3) as pool: r = pool.apply_async(f, (x,)); r.get()`, or
//! `pool.map(f, xs)` for results in order; `close()` then `join()` to wait for the workers.
//!
//! Rust: there is no `fork` here. Each worker is a fresh process running the worker executable
//! (normally this same program, from `std::env::current_exe()`, with the hidden argument
//! `worker`); jobs and results travel over its stdin and stdout as JSON lines (see
//! [`crate::lessons::worker`]). One supervisor thread per worker takes jobs from one shared
//! queue, a crossbeam-channel `unbounded` queue whose `Receiver` clones (one per supervisor, no
//! `Mutex` around it, as std's `mpsc::Receiver` would need), sends each job to its process and
//! waits for the reply, so a process runs one job at a time. When a process dies in the middle
//! of a job, or overruns the job timeout and is killed, the supervisor reaps it, fails that job
//! only, and starts a replacement. (Python's `multiprocessing.Pool` replaces a dead worker too,
//! but never answers the job it was running, so `get()` without a timeout waits forever,
//! bpo-22393; see [`crate::lessons::crash`].) [`Pool::join`] sends
//! every worker the `Stop` sentinel, waits for all of them and reports how each one exited.
//! Each finished job says which worker ran it and when it was sent and answered.
//!
//! Python's `with Pool() as pool:` calls `pool.terminate()` on the way out, not `close()` and
//! `join()`: outstanding work is abandoned and the workers are stopped at once. Dropping a
//! [`Pool`] without `join` does the same: every queued or running job ends as
//! [`JobError::Terminated`], and every worker process is killed and waited for. Whatever path
//! leaves a worker behind (an error, a panic in a supervisor), the [`Reaped`] guard that holds
//! it kills and reaps it when dropped, so the pool never leaves a running process or a zombie.
//!
//! Run: `cargo run -p multiprocess -- pool` (and `primes`, `crash`, `cost`, `executors`)
//!
//! Look for: three worker pids, every worker stopped with status 0 at `join`; in `crash`, the
//! job whose worker died failed alone and one more worker started than the pool has.
//!
//! This lesson is a small library, longer than the others: the crate's other lessons (`pool`,
//! `primes`, `crash`, `cost`, `executors`) use it, and [`crate::lessons::worker`] is its other
//! half, the worker's side of the pipes.

use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::lessons::child::Reaped;
use crate::lessons::worker::{Answer, Message, Request, Task};

/// The hidden command-line argument that turns this program into a pool worker.
pub const WORKER_ARG: &str = "worker";

/// How long a new worker may take to say it is ready before it is killed.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// A job that finished: its answer, the pid of the worker process that computed it, and when the
/// parent sent it and had its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub answer: Answer,
    pub pid: u32,
    pub started: Instant,
    pub ended: Instant,
}

/// Why a job has no answer. Each job ends in exactly one of these or in a [`Finished`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// The job ran and reported an error; its worker is fine and goes on.
    Failed(String),
    /// The worker process died while running the job (a panic, an abort, a kill from outside).
    WorkerDied { pid: u32, status: String },
    /// The job overran the pool's timeout, so its worker was killed.
    TimedOut { pid: u32, after: Duration },
    /// No worker process could be started to run the job.
    NoWorker(String),
    /// The pool was dropped without [`Pool::join`] before the job finished (Python's
    /// `terminate()`): the job was abandoned, and its worker killed if it was running it.
    Terminated,
    /// The pool went away without answering (it only happens if a supervisor thread panicked).
    Lost,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Failed(why) => write!(f, "the job failed: {why}"),
            JobError::WorkerDied { pid, status } => write!(f, "worker {pid} died ({status})"),
            JobError::TimedOut { pid, after } => {
                write!(f, "timed out after {after:?}; worker {pid} was killed")
            }
            JobError::NoWorker(why) => write!(f, "no worker could start: {why}"),
            JobError::Terminated => write!(f, "the pool was terminated before the job finished"),
            JobError::Lost => write!(f, "the pool dropped the job"),
        }
    }
}

impl std::error::Error for JobError {}

/// The `apply_async` result: wait for it with [`JobHandle::get`].
#[derive(Debug)]
pub struct JobHandle {
    id: u64,
    result: Receiver<Result<Finished, JobError>>,
}

impl JobHandle {
    /// The job's number in submission order, starting at 1.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Blocks until the job has an outcome (Python's `AsyncResult.get()`).
    pub fn get(self) -> Result<Finished, JobError> {
        self.result.recv().unwrap_or(Err(JobError::Lost))
    }
}

/// How one worker process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerExit {
    pub pid: u32,
    /// `exit status: 0`, `exit status: 101`, `signal: 9 (SIGKILL)`, ...
    pub status: String,
    /// True when it exited with status 0 after the sentinel.
    pub clean: bool,
}

/// What [`Pool::join`] found: every process the pool started, and how each one ended.
#[derive(Debug, Clone, Default)]
pub struct PoolReport {
    /// The pids of every worker started, replacements included, in start order.
    pub started: Vec<u32>,
    /// One entry per process that was waited for (reaped).
    pub exits: Vec<WorkerExit>,
}

impl PoolReport {
    /// The workers that did not exit cleanly.
    pub fn bad_exits(&self) -> Vec<&WorkerExit> {
        self.exits.iter().filter(|e| !e.clean).collect()
    }
}

struct Job {
    id: u64,
    task: Task,
    reply: Sender<Result<Finished, JobError>>,
}

/// A pool of worker processes. Dropping it without [`Pool::join`] terminates it, like the end
/// of Python's `with Pool() as pool:` block.
#[derive(Debug)]
pub struct Pool {
    queue: Option<crossbeam_channel::Sender<Job>>,
    terminating: Arc<AtomicBool>,
    supervisors: Vec<JoinHandle<Vec<WorkerExit>>>,
    started: Arc<Mutex<Vec<u32>>>,
    next_id: AtomicU64,
}

impl Pool {
    /// Starts `workers` processes of `exe` (which must understand the hidden `worker` argument)
    /// and waits until each says it is ready. Jobs never time out.
    pub fn new(exe: &Path, workers: usize) -> anyhow::Result<Pool> {
        Pool::with_timeout(exe, workers, None)
    }

    /// Like [`Pool::new`]; a job still running after `timeout` has its worker killed.
    pub fn with_timeout(
        exe: &Path,
        workers: usize,
        timeout: Option<Duration>,
    ) -> anyhow::Result<Pool> {
        anyhow::ensure!(workers > 0, "a pool needs at least one worker");
        // One queue, many consumers: each supervisor holds a clone of the receiving end.
        let (queue, jobs) = crossbeam_channel::unbounded::<Job>();
        let started = Arc::new(Mutex::new(Vec::new()));
        let terminating = Arc::new(AtomicBool::new(false));
        // Start every process first, so that a missing executable fails here, not in a thread.
        let mut processes = Vec::new();
        for _ in 0..workers {
            match Process::start(exe) {
                Ok(process) => {
                    lock(&started).push(process.pid);
                    processes.push(process);
                }
                Err(e) => {
                    // Stop and reap the ones already running before giving up.
                    processes.into_iter().for_each(|p| drop(p.finish(false)));
                    return Err(e);
                }
            }
        }
        let supervisors = processes
            .into_iter()
            .enumerate()
            .map(|(i, process)| {
                let supervisor = Supervisor {
                    exe: exe.to_path_buf(),
                    jobs: jobs.clone(),
                    started: Arc::clone(&started),
                    terminating: Arc::clone(&terminating),
                    timeout,
                };
                thread::Builder::new()
                    .name(format!("supervisor-{i}"))
                    .spawn(move || supervisor.run(process))
                    .context("cannot start a supervisor thread")
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Pool {
            queue: Some(queue),
            terminating,
            supervisors,
            started,
            next_id: AtomicU64::new(1),
        })
    }

    /// Queues one job and returns at once with a handle to its result.
    pub fn apply_async(&self, task: Task) -> JobHandle {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (reply, result) = mpsc::channel();
        let job = Job { id, task, reply };
        // The queue lives as long as `self`; if every supervisor is gone, the handle says Lost.
        if let Some(queue) = &self.queue {
            let _ = queue.send(job);
        }
        JobHandle { id, result }
    }

    /// Runs every task and returns the outcomes in the order of `tasks` (Python's `pool.map`).
    pub fn map(&self, tasks: impl IntoIterator<Item = Task>) -> Vec<Result<Finished, JobError>> {
        // Submit everything first, so all the workers are busy, then collect in order.
        let handles: Vec<JobHandle> = tasks.into_iter().map(|t| self.apply_async(t)).collect();
        handles.into_iter().map(JobHandle::get).collect()
    }

    /// The pids of every worker started so far, replacements included.
    pub fn pids(&self) -> Vec<u32> {
        lock(&self.started).clone()
    }

    /// Python's `close()` then `join()`: the queued jobs still run, then every worker gets the
    /// sentinel and is waited for.
    pub fn join(mut self) -> PoolReport {
        self.shutdown()
    }

    fn shutdown(&mut self) -> PoolReport {
        // Closing the queue is what tells the supervisors that no more jobs are coming.
        drop(self.queue.take());
        let mut exits = Vec::new();
        for supervisor in self.supervisors.drain(..) {
            if let Ok(mut ended) = supervisor.join() {
                exits.append(&mut ended);
            }
        }
        PoolReport {
            started: self.pids(),
            exits,
        }
    }
}

impl Drop for Pool {
    /// Python's `terminate()`, which `with Pool()` calls on exit: queued and running jobs end as
    /// [`JobError::Terminated`]; each worker is killed and waited for.
    fn drop(&mut self) {
        if !self.supervisors.is_empty() {
            // A stop flag publishes no data (jobs and replies travel over channels): Relaxed.
            self.terminating.store(true, Ordering::Relaxed);
            self.shutdown();
        }
    }
}

/// One thread per worker slot: it owns the current process and replaces it when it dies.
struct Supervisor {
    exe: PathBuf,
    jobs: crossbeam_channel::Receiver<Job>,
    started: Arc<Mutex<Vec<u32>>>,
    terminating: Arc<AtomicBool>,
    timeout: Option<Duration>,
}

impl Supervisor {
    fn run(self, first: Process) -> Vec<WorkerExit> {
        let mut exits = Vec::new();
        let mut current = Some(first);
        while let Some(job) = self.next_job() {
            if self.terminating.load(Ordering::Relaxed) {
                let _ = job.reply.send(Err(JobError::Terminated));
                continue;
            }
            let mut process = match current.take() {
                Some(process) => process,
                None => match self.start() {
                    Ok(process) => process,
                    Err(e) => {
                        let _ = job.reply.send(Err(JobError::NoWorker(format!("{e:#}"))));
                        continue;
                    }
                },
            };
            match process.run(job.id, job.task, self.timeout, &self.terminating) {
                Ok(finished) => {
                    current = Some(process);
                    let _ = job.reply.send(Ok(finished));
                }
                Err(Fate::Failed(why)) => {
                    current = Some(process);
                    let _ = job.reply.send(Err(JobError::Failed(why)));
                }
                Err(Fate::Terminated) => {
                    exits.push(process.finish(true));
                    let _ = job.reply.send(Err(JobError::Terminated));
                }
                Err(fate) => {
                    // The process is dead or must die: reap it, fail this job, replace it.
                    let pid = process.pid;
                    let exit = process.finish(true);
                    let error = match fate {
                        Fate::Hung(after) => JobError::TimedOut { pid, after },
                        _ => JobError::WorkerDied {
                            pid,
                            status: exit.status.clone(),
                        },
                    };
                    exits.push(exit);
                    let _ = job.reply.send(Err(error));
                    current = self.start().ok();
                }
            }
        }
        // The queue is closed and empty: stop the worker with the sentinel, or kill it if the
        // pool is being terminated.
        let kill = self.terminating.load(Ordering::Relaxed);
        exits.extend(current.map(|p| p.finish(kill)));
        exits
    }

    /// The next job, or `None` once the queue is closed and empty. Whichever idle supervisor
    /// asks first gets it: crossbeam's receivers are `Clone` and `Sync`, so no lock is needed.
    fn next_job(&self) -> Option<Job> {
        self.jobs.recv().ok()
    }

    fn start(&self) -> anyhow::Result<Process> {
        let process = Process::start(&self.exe)?;
        lock(&self.started).push(process.pid);
        Ok(process)
    }
}

/// Why a job did not finish.
enum Fate {
    Failed(String),
    Hung(Duration),
    Terminated,
    Died,
    Confused,
}

/// How often a supervisor waiting for a reply checks whether the pool is being terminated.
const TERMINATE_CHECK: Duration = Duration::from_millis(20);

/// One worker process, its stdin, and a thread that turns its stdout into messages. Ended with
/// [`Process::finish`]; dropped without it (an early return, a panic), its [`Reaped`] guard
/// kills the process and waits for it.
struct Process {
    pid: u32,
    child: Reaped,
    stdin: Option<ChildStdin>,
    messages: Receiver<Message>,
    reader: Option<JoinHandle<()>>,
}

impl Process {
    fn start(exe: &Path) -> anyhow::Result<Process> {
        let mut command = Command::new(exe);
        command
            .arg(WORKER_ARG)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        let mut child = Reaped::spawn(&mut command)
            .with_context(|| format!("cannot start worker process {}", exe.display()))?;
        let stdin = child.stdin.take().context("the worker has no stdin")?;
        let stdout = child.stdout.take().context("the worker has no stdout")?;
        // The reader ends, closing the channel, at end of output or at a line it cannot parse.
        let (tx, messages) = mpsc::channel();
        let reader = thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(message) = line
                    .map_err(|_| ())
                    .and_then(|l| serde_json::from_str::<Message>(&l).map_err(|_| ()))
                else {
                    break;
                };
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let process = Process {
            pid: child.id(),
            child,
            stdin: Some(stdin),
            messages,
            reader: Some(reader),
        };
        match process.messages.recv_timeout(STARTUP_TIMEOUT) {
            Ok(Message::Ready { .. }) => Ok(process),
            _ => {
                let exit = process.finish(true);
                bail!(
                    "{} is not a pool worker: it did not say it was ready ({})",
                    exe.display(),
                    exit.status
                )
            }
        }
    }

    /// Sends one job and waits for its reply, at most `timeout`, and only until `terminating`.
    fn run(
        &mut self,
        id: u64,
        task: Task,
        timeout: Option<Duration>,
        terminating: &AtomicBool,
    ) -> Result<Finished, Fate> {
        let started = Instant::now();
        let mut line =
            serde_json::to_vec(&Request::Job { id, task }).map_err(|_| Fate::Confused)?;
        line.push(b'\n');
        let stdin = self.stdin.as_mut().ok_or(Fate::Died)?;
        // A write fails with a broken pipe if the process has already exited.
        stdin.write_all(&line).map_err(|_| Fate::Died)?;
        let deadline = timeout.map(|limit| (Instant::now() + limit, limit));
        let message = loop {
            if terminating.load(Ordering::Relaxed) {
                return Err(Fate::Terminated);
            }
            let wait = deadline.map_or(TERMINATE_CHECK, |(at, _)| {
                TERMINATE_CHECK.min(at.saturating_duration_since(Instant::now()))
            });
            match self.messages.recv_timeout(wait) {
                Ok(message) => break message,
                Err(RecvTimeoutError::Disconnected) => return Err(Fate::Died),
                Err(RecvTimeoutError::Timeout) => match deadline {
                    Some((at, limit)) if Instant::now() >= at => return Err(Fate::Hung(limit)),
                    _ => {}
                },
            }
        };
        match message {
            Message::Done(reply) if reply.id == id => match reply.result {
                Ok(answer) => Ok(Finished {
                    answer,
                    pid: reply.pid,
                    started,
                    ended: Instant::now(),
                }),
                Err(why) => Err(Fate::Failed(why)),
            },
            _ => Err(Fate::Confused),
        }
    }

    /// Ends the process and waits for it, so no zombie is left: with the sentinel and a closed
    /// stdin normally, with SIGKILL when `kill` is set. Killing a process that has already
    /// exited changes nothing: `wait` still returns how it really ended.
    fn finish(mut self, kill: bool) -> WorkerExit {
        if kill {
            let _ = self.child.kill();
        } else if let (Some(stdin), Ok(mut line)) =
            (self.stdin.as_mut(), serde_json::to_vec(&Request::Stop))
        {
            // The sentinel; if the process is already gone the write fails, which is fine.
            line.push(b'\n');
            let _ = stdin.write_all(&line);
        }
        // Closing stdin is the second way to stop a worker: it reads end of input and exits.
        drop(self.stdin.take());
        let status = self.child.wait();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        match status {
            Ok(status) => WorkerExit {
                pid: self.pid,
                status: status.to_string(),
                clean: status.success(),
            },
            Err(e) => WorkerExit {
                pid: self.pid,
                status: format!("could not be waited for: {e}"),
                clean: false,
            },
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The data behind these locks stays consistent even if a holder panicked.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
