//! # The async server: axum on tokio, one shared reqwest client upstream
//!
//! Python: the same view in an async framework (aiohttp.web, Quart, FastAPI), one
//! `aiohttp.ClientSession` for the whole app, and both upstream calls at once:
//! `meta, flag = await asyncio.gather(get_json(s, meta_url), get_bytes(s, flag_url))`.
//!
//! A handler is an `async fn`; while it waits on the upstream service its task gives the thread
//! back, so a few runtime threads hold thousands of requests in progress. `tokio::try_join!`
//! runs both upstream calls at once and returns the first error, and `?` turns each failure into
//! an [`ApiError`], whose `IntoResponse` gives it a status and a JSON body. axum's own answers
//! (no such route, wrong method, a path it cannot decode) are routed to the same JSON shape.
//!
//! The two pitfall handlers call the blocking service instead. Called inside the `async fn`, it
//! holds a runtime thread for the whole round trip: the server serves only as many requests at
//! once as the runtime has threads. Moved into `spawn_blocking`, it runs on tokio's blocking
//! pool (up to 512 threads), which is a thread pool again, just a large one.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{ALLOW, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::{ApiError, FlagInfo, Metadata, country_code};

/// What every handler shares: cloned into each request, so it holds only cheap handles.
#[derive(Debug, Clone)]
pub struct App {
    pub client: reqwest::Client,
    /// The blocking client the pitfall handlers use.
    pub agent: ureq::Agent,
    pub upstream: String,
}

/// Which handler serves `/api/flags/{cc}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handler {
    /// `async fn`, the reqwest client, both upstream calls at once.
    Async,
    /// The pitfall: the blocking ureq service called inside the `async fn`.
    BlockingCall,
    /// The fix for a call that must block: `spawn_blocking`.
    SpawnBlocking,
}

/// The routes, with every error in the same JSON shape.
pub fn router(app: App, handler: Handler) -> Router {
    let flag = match handler {
        Handler::Async => get(flag),
        Handler::BlockingCall => get(flag_blocking_call),
        Handler::SpawnBlocking => get(flag_spawn_blocking),
    };
    Router::new()
        .route("/api/flags/{cc}", flag.fallback(wrong_method))
        .fallback(no_route)
        .with_state(app)
}

async fn flag(
    State(app): State<App>,
    cc: Result<Path<String>, PathRejection>,
) -> Result<Json<FlagInfo>, ApiError> {
    let cc = country_code(&cc?.0)?;
    Ok(Json(flag_info(&app.client, &app.upstream, &cc).await?))
}

/// Both upstream calls at once; the first error wins and drops the other call.
pub async fn flag_info(
    client: &reqwest::Client,
    upstream: &str,
    cc: &str,
) -> Result<FlagInfo, ApiError> {
    let lower = cc.to_ascii_lowercase();
    let (metadata, flag) = tokio::try_join!(
        get_bytes(
            client,
            format!("{upstream}/flags/{lower}/metadata.json"),
            cc
        ),
        get_bytes(client, format!("{upstream}/flags/{lower}/{lower}.gif"), cc),
    )?;
    let metadata: Metadata = serde_json::from_slice(&metadata)
        .map_err(|e| ApiError::Upstream(format!("bad metadata: {e}")))?;
    Ok(FlagInfo {
        cc: cc.to_string(),
        country: metadata.country,
        bytes: flag.len() as u64,
    })
}

async fn get_bytes(client: &reqwest::Client, url: String, cc: &str) -> Result<Vec<u8>, ApiError> {
    let answer = client.get(url).send().await?;
    match answer.status() {
        StatusCode::NOT_FOUND => Err(ApiError::UnknownCode(cc.to_string())),
        s if !s.is_success() => Err(ApiError::Upstream(format!("upstream answered {s}"))),
        _ => Ok(answer.bytes().await?.to_vec()),
    }
}

/// The pitfall: a blocking call inside `async fn` holds this runtime thread for its whole wait.
async fn flag_blocking_call(
    State(app): State<App>,
    cc: Result<Path<String>, PathRejection>,
) -> Result<Json<FlagInfo>, ApiError> {
    let cc = country_code(&cc?.0)?;
    Ok(Json(super::blocking::flag_info(
        &app.agent,
        &app.upstream,
        &cc,
    )?))
}

/// The fix when the call must block: tokio's blocking pool waits instead of a runtime thread.
async fn flag_spawn_blocking(
    State(app): State<App>,
    cc: Result<Path<String>, PathRejection>,
) -> Result<Json<FlagInfo>, ApiError> {
    let cc = country_code(&cc?.0)?;
    let info = tokio::task::spawn_blocking(move || {
        super::blocking::flag_info(&app.agent, &app.upstream, &cc)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    Ok(Json(info))
}

async fn wrong_method() -> Response {
    ([(ALLOW, "GET,HEAD")], ApiError::WrongMethod).into_response()
}

async fn no_route() -> ApiError {
    ApiError::NoRoute
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
