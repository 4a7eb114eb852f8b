//! # The blocking server: `std::net`, a fixed pool of threads, a blocking client upstream
//!
//! Python: Flask under a sync WSGI server, such as gunicorn's sync workers (`gunicorn
//! --workers 8 app:app`): each of eight workers takes one connection, calls the other services
//! one after the other with `requests.get(url, timeout=2)`, answers, closes the connection, and
//! only then takes the next.
//!
//! Rust: here the workers are threads, the pool of `web_pool.rs`. Each worker holds its
//! connection for the whole request, so the pool's size is the number of requests served at
//! once, and everyone else waits in the channel. The answer says `Connection: close`, as sync WSGI
//! workers do: a kept-alive idle connection would pin a worker. A deadline on reading the
//! request (5 s by default) keeps a client that connects and says nothing, or trickles a byte at
//! a time, from holding a worker forever. ureq, like `requests`, has no timeout unless given one.
//!
//! Run: `cargo run -p async-io -- web --serve blocking --port 8080`, then
//! `curl localhost:8080/api/flags/br`
//!
//! Look for, in the tour's table: blocking at its ceiling of workers / two latencies while most
//! of its requests wait, and `max in flight` at most the workers.

use std::io::{self, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use crate::lessons::web::{ApiError, FlagInfo, country_code, reason};
use crate::lessons::web_http::{Deadline, client_hung_up, read_request};
use crate::lessons::web_pool::serve_pool;
use crate::lessons::web_upstream::flag_info_blocking;

/// How the blocking server runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The fake server's base URL, e.g. `http://127.0.0.1:8000`.
    pub upstream: String,
    /// Threads in the pool: the most requests served at once.
    pub workers: usize,
    /// How long a client may take to send its whole request.
    pub read_timeout: Duration,
    /// Bounds every upstream call.
    pub upstream_timeout: Duration,
}

/// Serves forever: a pool of `options.workers` threads (`web_pool.rs`), each connection
/// answered by [`handle`].
pub fn serve(listener: TcpListener, options: Options) -> io::Result<()> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.upstream_timeout))
        .proxy(None) // upstream is on loopback: HTTP_PROXY or ALL_PROXY would misroute it
        .build()
        .into();
    let workers = options.workers;
    serve_pool(listener, workers, move |stream| {
        // A client that hangs up before its answer is its own business.
        let _ = handle(stream, &agent, &options);
    })
}

/// One connection: read one request, answer it, close. A client that hung up while its
/// request waited in the queue (the load generator at its deadline, a browser closed) is
/// dropped before any upstream call: nobody would read the answer. (A client that only
/// half-closes after its request, as `nc -N` does, looks the same; HTTP clients do not.)
pub fn handle(stream: TcpStream, agent: &ureq::Agent, options: &Options) -> io::Result<()> {
    let deadline = Instant::now() + options.read_timeout;
    let mut reader = BufReader::new(Deadline {
        stream: &stream,
        deadline,
    });
    let answer = match read_request(&mut reader) {
        Ok(Some(_)) if client_hung_up(&stream) => return Ok(()),
        Ok(Some((method, path))) => route(&method, &path, agent, &options.upstream),
        Ok(None) => return Ok(()), // the client closed without a word
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            Err(ApiError::BadRequest(e.to_string()))
        }
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            Err(ApiError::RequestTimeout)
        }
        Err(e) => return Err(e),
    };
    let (status, body) = match answer {
        Ok(info) => (200, serde_json::to_string(&info).unwrap_or_default()),
        Err(e) => (e.status(), e.body()),
    };
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        reason(status),
        body.len()
    );
    if status == 405 {
        head.push_str("allow: GET\r\n");
    }
    let mut stream = &stream;
    stream.set_write_timeout(Some(options.read_timeout))?;
    stream.write_all(format!("{head}\r\n{body}").as_bytes())?;
    stream.flush()
}

/// `GET /api/flags/{cc}`; 405 for another method on that path, 404 for any other path.
fn route(
    method: &str,
    path: &str,
    agent: &ureq::Agent,
    upstream: &str,
) -> Result<FlagInfo, ApiError> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let ["api", "flags", cc] = segments[..] else {
        return Err(ApiError::NoRoute);
    };
    if cc.is_empty() {
        return Err(ApiError::NoRoute);
    }
    if method != "GET" {
        return Err(ApiError::WrongMethod);
    }
    flag_info_blocking(agent, upstream, &country_code(cc)?)
}
