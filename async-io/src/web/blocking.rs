//! # The blocking server: `std::net`, a fixed pool of threads, a blocking client upstream
//!
//! Python: Flask under a sync WSGI server, such as gunicorn's sync workers (`gunicorn
//! --workers 8 app:app`): each of eight workers takes one connection, calls the other services
//! one after the other with `requests.get(url, timeout=2)`, answers, closes the connection, and
//! only then takes the next.
//!
//! Here the workers are threads: the Rust Book's final-chapter design, a `TcpListener` and
//! threads that take accepted connections from a shared channel. Each worker holds its
//! connection for the whole request, so the pool's size is the number of requests served at
//! once, and everyone else waits in the channel. The answer says `Connection: close`, as sync WSGI
//! workers do: a kept-alive idle connection would pin a worker. A deadline on reading the
//! request (5 s by default) keeps a client that connects and says nothing, or trickles a byte at
//! a time, from holding a worker forever. ureq, like `requests`, has no timeout unless given one.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{ApiError, FlagInfo, Metadata};

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

/// Serves forever: accepts connections and hands each to a worker of the pool.
pub fn serve(listener: TcpListener, options: Options) -> io::Result<()> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.upstream_timeout))
        .proxy(None)
        .build()
        .into();
    // The Book's unbounded channel: every connection is accepted at once and waits here for a
    // worker. (A bounded one would leave them in the kernel's listen queue, which std asks to
    // hold 128: under a burst of connects it overflows, and clients see resets.)
    let (tx, rx) = mpsc::channel::<TcpStream>();
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..options.workers {
        let (rx, agent, options) = (Arc::clone(&rx), agent.clone(), options.clone());
        std::thread::Builder::new()
            .name(format!("worker-{i}"))
            .spawn(move || {
                loop {
                    // The lock is held only while waiting for the next connection.
                    let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(stream) = next else { return };
                    // A client that hangs up before its answer is its own business.
                    let _ = handle(stream, &agent, &options);
                }
            })?;
    }
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => tx
                .send(stream)
                .map_err(|_| io::Error::other("every worker died"))?,
            // Out of file descriptors, or a connection reset while queued: wait and carry on.
            Err(e) => {
                eprintln!("blocking server: accept failed ({e}); retrying");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    Ok(())
}

/// One connection: read one request, answer it, close.
fn handle(stream: TcpStream, agent: &ureq::Agent, options: &Options) -> io::Result<()> {
    let deadline = Instant::now() + options.read_timeout;
    let mut reader = BufReader::new(Deadline {
        stream: &stream,
        deadline,
    });
    let answer = match read_request(&mut reader) {
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
        super::reason(status),
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

/// Reads the request line and the headers, and skips a body of `Content-Length` bytes.
/// `None` if the client closed the connection before sending anything.
fn read_request(reader: &mut impl BufRead) -> io::Result<Option<(String, String)>> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
    let mut line = String::new();
    if reader.by_ref().take(8192).read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_ascii_whitespace();
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(bad("only HTTP/1.x is spoken here"));
    }
    let mut content_length = 0u64;
    for _ in 0..100 {
        let mut header = String::new();
        if reader.by_ref().take(8192).read_line(&mut header)? == 0 || !header.ends_with('\n') {
            return Err(bad("the headers ended early"));
        }
        let header = header.trim_end();
        if header.is_empty() {
            io::copy(&mut reader.by_ref().take(content_length), &mut io::sink())?;
            let path = target.split('?').next().unwrap_or_default();
            return Ok(Some((method.to_string(), path.to_string())));
        }
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| bad("malformed header"))?;
        if name.eq_ignore_ascii_case("content-length") {
            content_length = value
                .trim()
                .parse()
                .map_err(|_| bad("bad Content-Length"))?;
            if content_length > 1 << 16 {
                return Err(bad("the body is too large"));
            }
        }
    }
    Err(bad("too many headers"))
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
    flag_info(agent, upstream, &super::country_code(cc)?)
}

/// The service itself: the metadata, then the flag, one after the other, as a Flask view would.
pub fn flag_info(agent: &ureq::Agent, upstream: &str, cc: &str) -> Result<FlagInfo, ApiError> {
    let lower = cc.to_ascii_lowercase();
    let metadata = get(
        agent,
        &format!("{upstream}/flags/{lower}/metadata.json"),
        cc,
    )?;
    let flag = get(agent, &format!("{upstream}/flags/{lower}/{lower}.gif"), cc)?;
    let metadata: Metadata = serde_json::from_slice(&metadata)
        .map_err(|e| ApiError::Upstream(format!("bad metadata: {e}")))?;
    Ok(FlagInfo {
        cc: cc.to_string(),
        country: metadata.country,
        bytes: flag.len() as u64,
    })
}

/// One upstream GET; ureq 3 returns an error status as `Err`.
fn get(agent: &ureq::Agent, url: &str, cc: &str) -> Result<Vec<u8>, ApiError> {
    let answer = agent
        .get(url)
        .call()
        .and_then(|mut a| a.body_mut().read_to_vec());
    answer.map_err(|e| match e {
        ureq::Error::StatusCode(404) => ApiError::UnknownCode(cc.to_string()),
        ureq::Error::StatusCode(status) => {
            ApiError::Upstream(format!("upstream answered {status}"))
        }
        ureq::Error::Timeout(_) => ApiError::UpstreamTimeout,
        other => ApiError::Upstream(other.to_string()),
    })
}

/// A reader that gives up at a deadline: each read may wait only for the time that is left.
struct Deadline<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.read(buf)
    }
}
