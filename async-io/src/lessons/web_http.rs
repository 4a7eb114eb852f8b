//! # Reading an HTTP/1.1 request by hand, with a deadline
//!
//! Python: `http.server.BaseHTTPRequestHandler` parses the request line and headers for you,
//! and `socket.settimeout(5)` bounds each read (not the whole request).
//!
//! Rust: std has no HTTP, so the blocking server reads its request with a `BufReader`: the
//! request line, at most 100 headers of at most 8 KiB each, and a body of `Content-Length`
//! bytes, skipped. A read timeout on the socket bounds each read, as Python's does; the
//! [`Deadline`] reader bounds the whole request, so a client that trickles a byte at a time
//! cannot hold a worker forever. And [`client_hung_up`] tells a request whose client has
//! already gone from one still waiting, so the server need not serve it.
//!
//! Run: `cargo run -p async-io -- web --serve blocking --port 8080`, then
//! `curl localhost:8080/api/flags/br`
//!
//! Look for: 400 for a malformed request and 408 for a silent client (the tests send both).

use std::io::{self, BufRead, Read};
use std::net::TcpStream;
use std::time::Instant;

/// Reads the request line and the headers, and skips a body of `Content-Length` bytes.
/// `None` if the client closed the connection before sending anything.
pub fn read_request(reader: &mut impl BufRead) -> io::Result<Option<(String, String)>> {
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

/// A reader that gives up at a deadline: each read may wait only for the time that is left.
#[derive(Debug)]
pub struct Deadline<'a> {
    pub stream: &'a TcpStream,
    pub deadline: Instant,
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

/// True if the client has closed its side: the request it sent is all that will ever come, and
/// nobody waits for the answer. (A peek that would block means it is still there, waiting.)
pub fn client_hung_up(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let closed = matches!(stream.peek(&mut [0u8; 1]), Ok(0));
    let _ = stream.set_nonblocking(false);
    closed
}
