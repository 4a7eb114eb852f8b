//! The accept loop and the routes of the fake server.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{ALLOW, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;

use super::{ACCEPT_BACKOFF, Faults, Images, State, lock};
use crate::images::SplitMix;

type Answer = Response<Full<Bytes>>;

/// Binds with an explicit backlog (see [`super::ServerConfig::backlog`]).
pub(super) fn listen(addr: SocketAddr, backlog: u32) -> anyhow::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket
        .bind(addr)
        .map_err(|e| anyhow::anyhow!("cannot bind {addr}: {e}"))?;
    Ok(socket.listen(backlog)?)
}

/// Accepts connections until `shutdown` fires. Accept errors never end the loop: out of file
/// descriptors (EMFILE), it backs off briefly and tries again.
pub(super) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let mut warned = false;
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                if !warned {
                    eprintln!("fake-server: accept failed ({e}); backing off and retrying");
                    warned = true;
                }
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(handle(&state, req).await) }
            });
            // A client that hangs up mid-request is its own business.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Counts a data request in flight until dropped, even if the client hangs up mid-answer, and
/// then adds it to the trace: its end is taken before the count goes down, so the trace never
/// shows more requests at once than `max_in_flight`.
struct InFlight<'a> {
    state: &'a State,
    method: Method,
    path: String,
    status: Option<u16>,
    start: std::time::Instant,
}

impl<'a> InFlight<'a> {
    fn enter(state: &'a State, method: &Method, path: &str) -> Self {
        let c = &state.stats;
        c.requests.fetch_add(1, Ordering::SeqCst);
        let now = c.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        c.max_in_flight.fetch_max(now, Ordering::SeqCst);
        Self {
            state,
            method: method.clone(),
            path: path.to_string(),
            status: None,
            start: std::time::Instant::now(),
        }
    }

    /// Records the answer in the stats.
    fn finish(&mut self, answer: Answer) -> Answer {
        self.status = Some(answer.status().as_u16());
        finish(self.state, answer)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let end = std::time::Instant::now();
        let path = std::mem::take(&mut self.path);
        (self.state.trace).record(self.method.as_str(), path, self.status, self.start, end);
        self.state.stats.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn handle(state: &State, req: Request<Incoming>) -> Answer {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match control(state, &method, &segments, req).await {
        Ok(answer) => answer,
        Err(req) => data(state, &method, &segments, req).await,
    }
}

/// Answers a control route at once (not counted, not faulted), or gives the request back.
async fn control(
    state: &State,
    method: &Method,
    segments: &[&str],
    req: Request<Incoming>,
) -> Result<Answer, Request<Incoming>> {
    Ok(match (segments, method) {
        (["stats"], &Method::GET) => json(StatusCode::OK, &state.stats()),
        (["stats"], _) => not_allowed("GET"),
        (["stats", "reset"], &Method::POST) => {
            state.reset_stats();
            json(StatusCode::OK, &state.stats())
        }
        (["stats", "reset"], _) => not_allowed("POST"),
        (["trace"], &Method::GET) => json(StatusCode::OK, &state.trace.snapshot()),
        (["trace"], _) => not_allowed("GET"),
        (["faults"], &Method::GET) => json(StatusCode::OK, &state.faults()),
        (["faults"], &Method::PUT) => set_faults(state, req).await,
        (["faults"], _) => not_allowed("GET, PUT"),
        (["images"], &Method::GET) => json(StatusCode::OK, &image_list(state)),
        (["images"], _) => not_allowed("GET"),
        (["uploads"], &Method::GET) => json(StatusCode::OK, &state.uploads()),
        (["uploads"], &Method::DELETE) => {
            let removed = state.uploads();
            lock(&state.uploads).clear();
            json(StatusCode::OK, &removed)
        }
        (["uploads"], _) => not_allowed("GET, DELETE"),
        ([""], &Method::GET) => text(StatusCode::OK, INDEX),
        _ => return Err(req),
    })
}

async fn set_faults(state: &State, req: Request<Incoming>) -> Answer {
    let body = match read_body(req, 1 << 16).await {
        Ok(body) => body,
        Err(answer) => return answer,
    };
    let faults = match serde_json::from_slice::<Faults>(&body) {
        Ok(faults) => faults,
        Err(e) => return text(StatusCode::BAD_REQUEST, &format!("bad faults JSON: {e}")),
    };
    if let Err(e) = faults.validate() {
        return text(StatusCode::BAD_REQUEST, &e.to_string());
    }
    state.set_faults(faults);
    json(StatusCode::OK, &state.faults())
}

const INDEX: &str = "fake server for the Rust concurrency workshop\n\
GET /flags/{cc}/{cc}.gif, GET /flags/{cc}/metadata.json, GET /images/{n}.jpg, GET /images,\n\
PUT|GET /uploads/{name}, GET|DELETE /uploads, GET /stats, POST /stats/reset, GET /trace,\n\
GET|PUT /faults\n";

/// A data route: counted, delayed, and subject to the injected faults.
async fn data(state: &State, method: &Method, segments: &[&str], req: Request<Incoming>) -> Answer {
    let path = format!("/{}", segments.join("/"));
    let mut in_flight = InFlight::enter(state, method, &path);
    let faults = state.faults();
    let attempt = {
        let mut attempts = lock(&state.attempts);
        let n = attempts.entry(path.clone()).or_insert(0);
        *n += 1;
        *n - 1
    };

    // An upload's body is read first, as it arrives with the request.
    let body = if method == Method::PUT {
        match read_body(req, state.upload_limit).await {
            Ok(body) => {
                state
                    .stats
                    .bytes_in
                    .fetch_add(body.len() as u64, Ordering::SeqCst);
                Some(body)
            }
            Err(answer) => return in_flight.finish(answer),
        }
    } else {
        None
    };

    if let Some(rendezvous) = faults.rendezvous {
        let index = state.arrival_counter.fetch_add(1, Ordering::SeqCst);
        let batch_full = (index / rendezvous.count + 1) * rendezvous.count;
        let mut arrivals = state.arrivals.subscribe();
        state.arrivals.send_modify(|n| *n = (*n).max(index + 1));
        let _ = tokio::time::timeout(
            Duration::from_millis(rendezvous.timeout_ms),
            arrivals.wait_for(|n| *n >= batch_full),
        )
        .await;
    }

    // Latency is a timer, never a sleeping thread: thousands of requests can wait at once.
    let jitter = if faults.jitter_ms > 0 {
        roll(&faults, &path, attempt, 1) % (faults.jitter_ms + 1)
    } else {
        0
    };
    let delay = Duration::from_millis(faults.latency_ms + jitter);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let fails = chance(roll(&faults, &path, attempt, 2)) < faults.error_rate;
    let answer = if fails {
        text(StatusCode::SERVICE_UNAVAILABLE, "injected fault: try again")
    } else {
        let corrupt = chance(roll(&faults, &path, attempt, 3)) < faults.corrupt_rate;
        route(state, method, segments, body, corrupt)
    };
    in_flight.finish(answer)
}

fn route(
    state: &State,
    method: &Method,
    segments: &[&str],
    body: Option<Bytes>,
    corrupt: bool,
) -> Answer {
    match (segments, method) {
        (["flags", cc, file], &Method::GET) => {
            let Some(gif) = state.flags.get(*cc) else {
                return text(StatusCode::NOT_FOUND, "unknown country code");
            };
            if *file == format!("{cc}.gif") {
                bytes(gif.clone(), "image/gif")
            } else if *file == "metadata.json" {
                let name = crate::data::country_name(cc).unwrap_or("");
                let meta = serde_json::json!({"cc": cc.to_ascii_uppercase(), "country": name});
                json(StatusCode::OK, &meta)
            } else {
                text(StatusCode::NOT_FOUND, "no such file")
            }
        }
        (["images", file], &Method::GET) => {
            // Generated photos are `.jpg`; a folder's files were chosen by these extensions.
            let kind = photo_type(file).unwrap_or("application/octet-stream");
            match find_image(state, file) {
                None => text(StatusCode::NOT_FOUND, "no such image"),
                Some(photo) if corrupt => bytes(photo.slice(..photo.len() / 2), kind),
                Some(photo) => bytes(photo, kind),
            }
        }
        (["uploads", name], &Method::PUT) => {
            if !valid_name(name) {
                return text(StatusCode::BAD_REQUEST, "upload names are [A-Za-z0-9._-]+");
            }
            let body = body.unwrap_or_default();
            let mut uploads = lock(&state.uploads);
            let stored: usize = uploads
                .iter()
                .filter(|(k, _)| k.as_str() != *name)
                .map(|(_, v)| v.len())
                .sum();
            if stored + body.len() > state.upload_limit {
                return text(StatusCode::PAYLOAD_TOO_LARGE, "upload store is full");
            }
            uploads.insert(name.to_string(), body);
            text(StatusCode::CREATED, "stored")
        }
        (["uploads", name], &Method::GET) => match lock(&state.uploads).get(*name) {
            Some(body) => bytes(body.clone(), "application/octet-stream"),
            None => text(StatusCode::NOT_FOUND, "no such upload"),
        },
        (["flags", _, _], _) | (["images", _], _) => not_allowed("GET"),
        (["uploads", _], _) => not_allowed("GET, PUT"),
        _ => text(StatusCode::NOT_FOUND, "no such route"),
    }
}

fn find_image(state: &State, file: &str) -> Option<Bytes> {
    match &state.images {
        Images::Generated(variants) => {
            let n: u64 = file.strip_suffix(".jpg")?.parse().ok()?;
            let len = variants.len() as u64;
            (len > 0).then(|| variants[(n % len) as usize].clone())
        }
        Images::Folder(files) => files.get(file).cloned(),
    }
}

pub(super) fn image_list(state: &State) -> Vec<super::Upload> {
    let entry = |name: String, b: &Bytes| super::Upload {
        name,
        bytes: b.len() as u64,
    };
    match &state.images {
        Images::Generated(variants) => variants
            .iter()
            .enumerate()
            .map(|(i, b)| entry(format!("{i}.jpg"), b))
            .collect(),
        Images::Folder(files) => files.iter().map(|(n, b)| entry(n.clone(), b)).collect(),
    }
}

/// The `Content-Type` of a photo file, from its extension (any case); `None` for other files.
/// The server never decodes a photo: a broken one is served as it is.
pub(crate) fn photo_type(name: &str) -> Option<&'static str> {
    let (_, extension) = name.rsplit_once('.')?;
    let kind = match extension.to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        _ => return None,
    };
    Some(kind)
}

/// Names that are safe as one path segment: letters, digits, `.`, `_`, `-`.
pub(super) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// Records the answer in the stats.
fn finish(state: &State, answer: Answer) -> Answer {
    use hyper::body::Body;
    let size = answer.body().size_hint().exact().unwrap_or(0);
    state.stats.bytes_out.fetch_add(size, Ordering::SeqCst);
    *lock(&state.stats.by_status)
        .entry(answer.status().as_u16())
        .or_insert(0) += 1;
    answer
}

/// A number from (seed, path, attempt, purpose): the same inputs always give the same roll.
fn roll(faults: &Faults, path: &str, attempt: u64, purpose: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325; // FNV-1a over the path
    for b in path.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    SplitMix(h ^ faults.seed.rotate_left(17) ^ attempt.rotate_left(41) ^ purpose).next()
}

/// A roll as a fraction in [0, 1).
fn chance(roll: u64) -> f64 {
    (roll >> 11) as f64 / (1u64 << 53) as f64
}

async fn read_body(req: Request<Incoming>, limit: usize) -> Result<Bytes, Answer> {
    match Limited::new(req.into_body(), limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => {
            Err(text(StatusCode::PAYLOAD_TOO_LARGE, "body too large"))
        }
        Err(e) => Err(text(StatusCode::BAD_REQUEST, &format!("bad body: {e}"))),
    }
}

fn bytes(body: Bytes, content_type: &'static str) -> Answer {
    let mut answer = Response::new(Full::new(body));
    answer
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    answer
}

fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Answer {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut answer = bytes(Bytes::from(body), "application/json");
    *answer.status_mut() = status;
    answer
}

fn text(status: StatusCode, message: &str) -> Answer {
    let mut answer = bytes(
        Bytes::from(format!("{message}\n")),
        "text/plain; charset=utf-8",
    );
    *answer.status_mut() = status;
    answer
}

fn not_allowed(allow: &'static str) -> Answer {
    let mut answer = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    answer
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    answer
}
