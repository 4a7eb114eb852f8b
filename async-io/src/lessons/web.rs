//! # The web service's contract: its answer, its errors, the country code
//!
//! Python: a Flask view returns `jsonify(cc=cc, country=name, bytes=n)`, or `abort(404)` with an
//! error handler that answers `{"error": ..., "status": 404}`.
//!
//! Rust: the answer is a `serde` struct and every way a request can fail is one variant of an
//! enum, each with its status, so a handler returns `Result<FlagInfo, ApiError>` and `?` does
//! the rest. The service: `GET /api/flags/{cc}` answers `{"cc":"BR","country":"Brazil",
//! "bytes":1234}` from the fake server's `/flags/{cc}/metadata.json` and `/flags/{cc}/{cc}.gif`.
//! Errors are JSON too: unknown code 404, malformed code 400, no such route 404, wrong method
//! 405, upstream error 502, upstream timeout 504. Both servers (`web_blocking.rs`,
//! `web_async.rs`) answer with these; axum's `IntoResponse` for them is here too.
//!
//! Run: `cargo run -p async-io -- web`, or alone `cargo run -p async-io -- web --serve async`
//! and `curl localhost:8080/api/flags/br`
//!
//! Look for: the same statuses and JSON bodies from every server (the tests call each one).

use axum::extract::rejection::PathRejection;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The service's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagInfo {
    pub cc: String,
    pub country: String,
    pub bytes: u64,
}

/// What the fake server's `metadata.json` holds.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    pub country: String,
}

/// Every way a request can fail, each with its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 400: a malformed request, or a country code that is not two letters.
    BadRequest(String),
    /// 404: the upstream service knows no such country.
    UnknownCode(String),
    /// 404: no route for this path.
    NoRoute,
    /// 405: the route exists, but only for GET.
    WrongMethod,
    /// 408: the client did not send its request in time (blocking server).
    RequestTimeout,
    /// 500: a bug of ours (a panicked task).
    Internal(String),
    /// 502: the upstream service failed or answered an error.
    Upstream(String),
    /// 504: the upstream service did not answer in time.
    UpstreamTimeout,
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadRequest(_) => 400,
            ApiError::UnknownCode(_) | ApiError::NoRoute => 404,
            ApiError::WrongMethod => 405,
            ApiError::RequestTimeout => 408,
            ApiError::Internal(_) => 500,
            ApiError::Upstream(_) => 502,
            ApiError::UpstreamTimeout => 504,
        }
    }

    /// The JSON body: `{"error": "...", "status": 404}`.
    pub fn body(&self) -> String {
        serde_json::json!({"error": self.to_string(), "status": self.status()}).to_string()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::BadRequest(why) => write!(f, "bad request: {why}"),
            ApiError::UnknownCode(cc) => write!(f, "unknown country code {cc}"),
            ApiError::NoRoute => write!(f, "no such route: try GET /api/flags/{{cc}}"),
            ApiError::WrongMethod => write!(f, "method not allowed: use GET"),
            ApiError::RequestTimeout => write!(f, "the request did not arrive in time"),
            ApiError::Internal(why) => write!(f, "internal error: {why}"),
            ApiError::Upstream(why) => write!(f, "upstream error: {why}"),
            ApiError::UpstreamTimeout => write!(f, "upstream timed out"),
        }
    }
}

impl std::error::Error for ApiError {}

/// A country code from the path: two ASCII letters, answered in upper case.
pub fn country_code(cc: &str) -> Result<String, ApiError> {
    if cc.len() == 2 && cc.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(cc.to_ascii_uppercase())
    } else {
        Err(ApiError::BadRequest(format!(
            "a country code is two letters, not {cc:?}"
        )))
    }
}

/// The reason phrase of a status, `Not Found` for 404.
pub fn reason(status: u16) -> &'static str {
    axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::BAD_GATEWAY);
        (status, [(CONTENT_TYPE, "application/json")], self.body()).into_response()
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::BadRequest(rejection.body_text())
    }
}

impl From<reqwest::Error> for ApiError {
    fn from(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            ApiError::UpstreamTimeout
        } else {
            ApiError::Upstream(e.to_string())
        }
    }
}
