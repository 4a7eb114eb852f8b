//! The fake server: a real HTTP/1.1 server on 127.0.0.1, so no demo ever touches a real site.
//!
//! A room full of attendees downloading flags from a real site at once looks like a
//! denial-of-service attack; this server is the site instead. It runs in-process ([`FakeServer`],
//! one call to start, stopped on drop) or standalone
//! (`cargo run -p common --bin fake-server -- --help`), and every crate reaches either through
//! [`Server`], so `--latency-ms` means the same in both modes.
//!
//! # Routes
//!
//! Data routes (counted in `/stats`, delayed by the latency, subject to injected faults):
//!
//! | route | answer |
//! |---|---|
//! | `GET /flags/{cc}/{cc}.gif` | a small GIF for each of the 194 countries of the classic flags set, [`crate::data::COUNTRIES`] (code in lower case); 404 for any other code |
//! | `GET /flags/{cc}/metadata.json` | `{"cc": "BR", "country": "Brazil"}` |
//! | `GET /images/{n}.jpg` | a photo-like JPEG (default 1920x1280); `n` is any non-negative integer, and `n` cycles through the generated variants |
//! | `GET /images/{file}` | with `images_dir`: that folder's photos instead of generated ones, chosen and typed by extension (`.jpg`, `.jpeg`, `.png`, `.webp`, `.gif`, `.bmp`), never decoded |
//! | `PUT /uploads/{name}` | stores the body (`201`); `413` when the stored total would exceed the bound; names are `[A-Za-z0-9._-]+` |
//! | `GET /uploads/{name}` | the stored body, or 404 |
//!
//! Control routes (answered at once, never delayed, faulted or counted):
//!
//! | route | answer |
//! |---|---|
//! | `GET /stats` | `{"requests": 20, "in_flight": 0, "max_in_flight": 8, "by_status": {"200": 18, "503": 2}, "bytes_in": 0, "bytes_out": 51234}` |
//! | `POST /stats/reset` | zeroes the stats and the per-path attempt counts (so faults repeat), and empties the trace |
//! | `GET /trace` | every data request since the reset (the last 100,000), see [`Trace`]: `{"requests": [{"method": "GET", "path": "/flags/br/br.gif", "status": 200, "start_us": 35, "end_us": 100412}], "dropped": 0}` |
//! | `GET /faults`, `PUT /faults` | the fault knobs as JSON, see [`Faults`]; a missing field takes its default |
//! | `GET /images` | `[{"name": "0.jpg", "bytes": 412345}, ...]` |
//! | `GET /uploads`, `DELETE /uploads` | `[{"name": "a_32.jpg", "bytes": 1234}, ...]`; delete clears them all |
//!
//! Anything else: `404`; a known path with the wrong method: `405` with an `Allow` header; a
//! request hyper cannot parse: `400`. Nothing panics.
//!
//! # Faults, reproducible
//!
//! Latency and jitter apply to every data answer, errors and 404s included. Whether a request
//! fails (503), is corrupted (an image truncated, with status 200) and how much jitter it gets
//! depends only on the seed, the path and the attempt number (how many times that path was
//! requested since the last reset), never on arrival order: runs repeat exactly under
//! concurrency, and a retry can succeed. The rendezvous knob holds answers until a batch of
//! `count` requests has arrived (or `timeout_ms` passes), so a test can prove that W requests
//! were in flight at once without timing anything.

mod remote;
mod routes;
mod trace;

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, bail};
use hyper::body::Bytes;
use serde::{Deserialize, Serialize};
use tokio::sync::{oneshot, watch};

pub use remote::RemoteServer;
pub use trace::{Trace, TracedRequest};

use crate::cli::CommonArgs;

/// The fault knobs, settable at start and at run time (`PUT /faults`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added to every data answer.
    pub latency_ms: u64,
    /// Up to this much more, chosen per (seed, path, attempt).
    pub jitter_ms: u64,
    /// Fraction of data requests answered `503 Service Unavailable`.
    pub error_rate: f64,
    /// Fraction of image answers truncated (status 200, half the bytes).
    pub corrupt_rate: f64,
    pub seed: u64,
    /// Hold answers until `count` requests have arrived, for tests of concurrency.
    pub rendezvous: Option<Rendezvous>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            latency_ms: 0,
            jitter_ms: 0,
            error_rate: 0.0,
            corrupt_rate: 0.0,
            seed: 42,
            rendezvous: None,
        }
    }
}

impl Faults {
    /// The faults the shared command line asks for: `--latency-ms` (or the demo's default,
    /// `quick_ms` under `--quick`), `--error-rate`, `--seed`.
    pub fn from_args(args: &CommonArgs, latency_ms: u64, quick_ms: u64) -> Self {
        Self {
            latency_ms: args.latency_or(latency_ms, quick_ms).as_millis() as u64,
            error_rate: args.error_rate.unwrap_or(0.0),
            seed: args.seed,
            ..Self::default()
        }
    }

    fn validate(&self) -> anyhow::Result<()> {
        for (name, rate) in [
            ("error_rate", self.error_rate),
            ("corrupt_rate", self.corrupt_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                bail!("{name} must be between 0 and 1, not {rate}");
            }
        }
        if self.rendezvous.is_some_and(|r| r.count == 0) {
            bail!("rendezvous count must be at least 1");
        }
        Ok(())
    }
}

/// Hold each answer until `count` requests have arrived in its batch, or `timeout_ms` passes.
/// Arrivals are grouped in batches of `count`: the 1st to `count`-th wait for each other, then
/// the next `count`, and so on, so each full batch is in flight at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendezvous {
    pub count: u64,
    pub timeout_ms: u64,
}

/// What the server has seen since the last reset (`GET /stats`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub requests: u64,
    pub in_flight: u64,
    pub max_in_flight: u64,
    /// Answers by status code, e.g. `{"200": 18, "503": 2}`.
    pub by_status: BTreeMap<String, u64>,
    pub bytes_in: u64,
    pub bytes_out: u64,
}

impl Stats {
    /// How many answers had this status.
    pub fn status(&self, code: u16) -> u64 {
        self.by_status.get(&code.to_string()).copied().unwrap_or(0)
    }
}

/// One stored upload (`GET /uploads`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    pub name: String,
    pub bytes: u64,
}

/// How to start a [`FakeServer`].
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to bind; 127.0.0.1 unless a person asks otherwise.
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub faults: Faults,
    /// Size of the generated photos.
    pub image_width: u16,
    pub image_height: u16,
    /// How many different photos to generate (`/images/{n}.jpg` cycles through them); each
    /// costs tens of milliseconds at start-up, so demos that need none ask for 0.
    pub image_variants: usize,
    /// Serve the photo files of this folder under `/images/` instead of generated photos: by
    /// extension (`.jpg`, `.jpeg`, `.png`, `.webp`, `.gif`, `.bmp`), with its `Content-Type`.
    pub images_dir: Option<PathBuf>,
    /// The most upload bytes stored at once; beyond it `PUT` answers 413.
    pub upload_limit: usize,
    /// The listen backlog: `bind()`'s default of 128 overflows under a burst of connects, and
    /// the kernel's dropped SYNs cost each client a one-second retry.
    pub backlog: u32,
    /// How many requests `/trace` remembers (the most recent); 0 records none.
    pub trace_limit: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            faults: Faults::default(),
            image_width: 1920,
            image_height: 1280,
            image_variants: 4,
            images_dir: None,
            upload_limit: 256 << 20,
            backlog: 4096,
            trace_limit: 100_000,
        }
    }
}

/// The server's shared state, read and updated by every request.
struct State {
    faults: RwLock<Faults>,
    stats: Counters,
    /// Requests per path since the last reset: the "attempt number" of fault injection.
    attempts: Mutex<HashMap<String, u64>>,
    /// Arrivals counted for the rendezvous, reset with the stats and whenever faults change.
    arrivals: watch::Sender<u64>,
    arrival_counter: AtomicU64,
    flags: HashMap<String, Bytes>,
    images: Images,
    uploads: Mutex<BTreeMap<String, Bytes>>,
    upload_limit: usize,
    trace: trace::TraceLog,
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
    by_status: Mutex<BTreeMap<u16, u64>>,
}

/// Photos to serve: generated variants, or the files of a folder by name.
enum Images {
    Generated(Vec<Bytes>),
    Folder(BTreeMap<String, Bytes>),
}

impl State {
    fn stats(&self) -> Stats {
        let c = &self.stats;
        Stats {
            requests: c.requests.load(Ordering::SeqCst),
            in_flight: c.in_flight.load(Ordering::SeqCst),
            max_in_flight: c.max_in_flight.load(Ordering::SeqCst),
            by_status: lock(&c.by_status)
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
            bytes_in: c.bytes_in.load(Ordering::SeqCst),
            bytes_out: c.bytes_out.load(Ordering::SeqCst),
        }
    }

    fn reset_stats(&self) {
        let c = &self.stats;
        c.requests.store(0, Ordering::SeqCst);
        // Requests still in flight keep counting down; the peak restarts from them.
        c.max_in_flight
            .store(c.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
        c.bytes_in.store(0, Ordering::SeqCst);
        c.bytes_out.store(0, Ordering::SeqCst);
        lock(&c.by_status).clear();
        lock(&self.attempts).clear();
        self.trace.reset();
        self.reset_rendezvous();
    }

    fn reset_rendezvous(&self) {
        self.arrival_counter.store(0, Ordering::SeqCst);
        self.arrivals.send_replace(0);
    }

    fn faults(&self) -> Faults {
        self.faults
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_faults(&self, faults: Faults) {
        *self.faults.write().unwrap_or_else(|e| e.into_inner()) = faults;
        self.reset_rendezvous();
    }

    fn uploads(&self) -> Vec<Upload> {
        lock(&self.uploads)
            .iter()
            .map(|(name, body)| Upload {
                name: name.clone(),
                bytes: body.len() as u64,
            })
            .collect()
    }
}

/// A mutex poisoned by a panicking request is still usable: the data are plain counters.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The fake server running in this process, on its own thread with its own tokio runtime, so
/// it works the same from sync code and from inside another runtime. Dropping it stops it.
pub struct FakeServer {
    addr: SocketAddr,
    url: String,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("url", &self.url)
            .finish()
    }
}

impl FakeServer {
    /// Generates the images, binds, and starts serving; returns once the server accepts.
    pub fn start(config: ServerConfig) -> anyhow::Result<Self> {
        config.faults.validate()?;
        let images = load_images(&config)?;
        let flags = crate::data::COUNTRIES
            .iter()
            .map(|(cc, _)| {
                let cc = cc.to_ascii_lowercase();
                let gif = Bytes::from(crate::images::flag_gif(&cc));
                (cc, gif)
            })
            .collect();
        let state = Arc::new(State {
            faults: RwLock::new(config.faults.clone()),
            stats: Counters::default(),
            attempts: Mutex::new(HashMap::new()),
            arrivals: watch::Sender::new(0),
            arrival_counter: AtomicU64::new(0),
            flags,
            images,
            uploads: Mutex::new(BTreeMap::new()),
            upload_limit: config.upload_limit,
            trace: trace::TraceLog::new(config.trace_limit),
        });

        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, shutdown_rx) = oneshot::channel();
        let thread_state = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name("fake-server".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .thread_name("fake-server-worker")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(anyhow::Error::new(e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let addr = SocketAddr::new(config.bind, config.port);
                    match routes::listen(addr, config.backlog) {
                        Ok(listener) => {
                            let local = listener.local_addr().map_err(anyhow::Error::new);
                            let _ = ready_tx.send(local);
                            routes::serve(listener, thread_state, shutdown_rx).await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
                // Dropping the runtime here cancels every connection still open.
            })
            .context("could not start the fake server's thread")?;

        let addr = ready_rx
            .recv()
            .context("the fake server's thread died while starting")??;
        Ok(Self {
            url: format!("http://{addr}"),
            addr,
            state,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    pub fn reset_stats(&self) {
        self.state.reset_stats();
    }

    /// Every data request since the last reset, with its arrival and the end of its answer.
    pub fn trace(&self) -> Trace {
        self.state.trace.snapshot()
    }

    pub fn faults(&self) -> Faults {
        self.state.faults()
    }

    pub fn set_faults(&self, faults: Faults) -> anyhow::Result<()> {
        faults.validate()?;
        self.state.set_faults(faults);
        Ok(())
    }

    pub fn uploads(&self) -> Vec<Upload> {
        self.state.uploads()
    }

    /// The stored bytes of one upload.
    pub fn upload(&self, name: &str) -> Option<Bytes> {
        lock(&self.state.uploads).get(name).cloned()
    }

    pub fn clear_uploads(&self) {
        lock(&self.state.uploads).clear();
    }

    /// The photos it serves (`GET /images`): generated `0.jpg`, `1.jpg`, ... or a folder's files.
    pub fn images(&self) -> Vec<Upload> {
        routes::image_list(&self.state)
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn load_images(config: &ServerConfig) -> anyhow::Result<Images> {
    let Some(dir) = &config.images_dir else {
        // One thread per photo: start-up is part of every embedded server's first run.
        let variants = std::thread::scope(|s| {
            let photos: Vec<_> = (0..config.image_variants)
                .map(|i| {
                    s.spawn(move || {
                        let (w, h) = (config.image_width, config.image_height);
                        Bytes::from(crate::images::photo_jpeg(w, h, i as u64))
                    })
                })
                .collect();
            photos
                .into_iter()
                .map(|p| p.join().expect("photo generation does not panic"))
                .collect()
        });
        return Ok(Images::Generated(variants));
    };
    let mut files = BTreeMap::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read folder {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string);
        let is_photo = name.as_deref().and_then(routes::photo_type).is_some();
        if let (true, Some(name)) = (is_photo && path.is_file(), name) {
            if !routes::valid_name(&name) {
                continue; // a name that cannot appear in a URL path segment as-is
            }
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            files.insert(name, Bytes::from(bytes));
        }
    }
    if files.is_empty() {
        bail!(
            "no photos (.jpg, .jpeg, .png, .webp, .gif, .bmp) in {}",
            dir.display()
        );
    }
    Ok(Images::Folder(files))
}

/// The fake server a demo talks to: the embedded one, or one already running (`--server URL`).
/// Both are controlled the same way, so a demo never cares which it has.
#[derive(Debug)]
pub enum Server {
    Embedded(FakeServer),
    Remote(RemoteServer),
}

impl Server {
    /// Connects to `--server URL` if given, else starts an embedded server with no photos
    /// (`image_variants = 0`); either way sets `faults` and resets the stats.
    pub fn start(args: &CommonArgs, faults: Faults) -> anyhow::Result<Self> {
        Self::start_with(
            args,
            ServerConfig {
                image_variants: 0,
                ..ServerConfig::default()
            },
            faults,
        )
    }

    /// Like [`Server::start`], with a config for the embedded server (photo size and count).
    pub fn start_with(
        args: &CommonArgs,
        config: ServerConfig,
        faults: Faults,
    ) -> anyhow::Result<Self> {
        let server = match &args.server {
            Some(url) => Server::Remote(RemoteServer::connect(url)?),
            None => Server::Embedded(FakeServer::start(config)?),
        };
        server.set_faults(&faults)?;
        server.reset_stats()?;
        Ok(server)
    }

    /// The base URL, without a trailing slash.
    pub fn url(&self) -> &str {
        match self {
            Server::Embedded(s) => s.url(),
            Server::Remote(s) => s.url(),
        }
    }

    /// `{url}/flags/{cc}/{cc}.gif` with the code in lower case.
    pub fn flag_url(&self, cc: &str) -> String {
        let cc = cc.to_ascii_lowercase();
        format!("{}/flags/{cc}/{cc}.gif", self.url())
    }

    pub fn stats(&self) -> anyhow::Result<Stats> {
        match self {
            Server::Embedded(s) => Ok(s.stats()),
            Server::Remote(s) => s.stats(),
        }
    }

    /// The server's view since the last reset: every request's arrival and end (`GET /trace`).
    pub fn trace(&self) -> anyhow::Result<Trace> {
        match self {
            Server::Embedded(s) => Ok(s.trace()),
            Server::Remote(s) => s.trace(),
        }
    }

    /// The requests since the last reset as spans for a row's timeline: call it right after the
    /// row, having reset the stats right before it.
    pub fn spans(&self) -> anyhow::Result<Vec<crate::spans::Span>> {
        Ok(self.trace()?.spans())
    }

    /// Zeroes the stats and the attempt counts, so the next variant sees the same faults.
    pub fn reset_stats(&self) -> anyhow::Result<()> {
        match self {
            Server::Embedded(s) => {
                s.reset_stats();
                Ok(())
            }
            Server::Remote(s) => s.reset_stats(),
        }
    }

    pub fn set_faults(&self, faults: &Faults) -> anyhow::Result<()> {
        match self {
            Server::Embedded(s) => s.set_faults(faults.clone()),
            Server::Remote(s) => s.set_faults(faults),
        }
    }

    pub fn faults(&self) -> anyhow::Result<Faults> {
        match self {
            Server::Embedded(s) => Ok(s.faults()),
            Server::Remote(s) => s.faults(),
        }
    }

    pub fn uploads(&self) -> anyhow::Result<Vec<Upload>> {
        match self {
            Server::Embedded(s) => Ok(s.uploads()),
            Server::Remote(s) => s.uploads(),
        }
    }

    pub fn clear_uploads(&self) -> anyhow::Result<()> {
        match self {
            Server::Embedded(s) => {
                s.clear_uploads();
                Ok(())
            }
            Server::Remote(s) => s.clear_uploads(),
        }
    }

    /// The stored bytes of one upload, `None` if there is none by that name.
    pub fn upload(&self, name: &str) -> anyhow::Result<Option<Vec<u8>>> {
        match self {
            Server::Embedded(s) => Ok(s.upload(name).map(|b| b.to_vec())),
            Server::Remote(s) => s.upload(name),
        }
    }

    /// The photos the server serves under `/images/` (`GET /images`).
    pub fn images(&self) -> anyhow::Result<Vec<Upload>> {
        match self {
            Server::Embedded(s) => Ok(s.images()),
            Server::Remote(s) => s.images(),
        }
    }
}

/// Waits this long between accept attempts when the process is out of file descriptors.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(20);
