//! # The async server: axum on tokio, one shared reqwest client upstream
//!
//! Python: the same view in an async framework (aiohttp.web, Quart, FastAPI), one
//! `aiohttp.ClientSession` for the whole app, and both upstream calls at once:
//! `meta, flag = await asyncio.gather(get_json(s, meta_url), get_bytes(s, flag_url))`.
//!
//! Rust: a handler is an `async fn`; while it waits on the upstream service its task gives the thread
//! back, so a few runtime threads hold thousands of requests in progress. `tokio::try_join!`
//! (in `web_upstream.rs`) runs both upstream calls at once, and `?` turns each failure into an
//! `ApiError`, whose `IntoResponse` gives it a status and a JSON body. axum's own answers
//! (no such route, wrong method, a path it cannot decode) are routed to the same JSON shape.
//!
//! The two pitfall handlers call the blocking service instead. Called inside the `async fn`, it
//! holds a runtime thread for the whole round trip: the server serves only as many requests at
//! once as the runtime has threads. Moved into `spawn_blocking`, it runs on tokio's blocking
//! pool (up to 512 threads), which is a thread pool again, just a large one.
//!
//! Run: `cargo run -p async-io -- web --serve async --port 8080` (or `async-blocking-call`,
//! `async-spawn-blocking`), then `curl localhost:8080/api/flags/br`
//!
//! Look for, in the tour's table: async near connections / one latency at 200 connections; the
//! blocking call inside `async fn` down to runtime threads / two latencies; `spawn_blocking`
//! back up to its pool's size.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header::ALLOW;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::lessons::web::{ApiError, FlagInfo, country_code};
use crate::lessons::web_upstream::{flag_info, flag_info_blocking};

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

/// The pitfall: a blocking call inside `async fn` holds this runtime thread for its whole wait.
async fn flag_blocking_call(
    State(app): State<App>,
    cc: Result<Path<String>, PathRejection>,
) -> Result<Json<FlagInfo>, ApiError> {
    let cc = country_code(&cc?.0)?;
    Ok(Json(flag_info_blocking(&app.agent, &app.upstream, &cc)?))
}

/// The fix when the call must block: tokio's blocking pool waits instead of a runtime thread.
async fn flag_spawn_blocking(
    State(app): State<App>,
    cc: Result<Path<String>, PathRejection>,
) -> Result<Json<FlagInfo>, ApiError> {
    let cc = country_code(&cc?.0)?;
    let info =
        tokio::task::spawn_blocking(move || flag_info_blocking(&app.agent, &app.upstream, &cc))
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
