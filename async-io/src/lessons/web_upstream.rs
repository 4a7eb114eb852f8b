//! # The service's two upstream calls, one after the other and both at once
//!
//! Python: a Flask view does `meta = requests.get(meta_url, timeout=2).json()` then
//! `gif = requests.get(gif_url, timeout=2).content`; the async view does both at once with
//! `meta, gif = await asyncio.gather(get_json(session, meta_url), get_bytes(session, gif_url))`.
//!
//! Rust: [`flag_info_blocking`] is the Flask view with ureq (which, like `requests`, has no
//! timeout unless given one, and reports an error status as `Err`); [`flag_info`] is the async
//! one with a shared reqwest client: `tokio::try_join!` runs both calls at once and returns the
//! first error, dropping (so cancelling) the other call. Each failure becomes an `ApiError`.
//!
//! Run: `cargo run -p async-io -- web`
//!
//! Look for: the async rows waiting one upstream latency per request, the blocking ones two.

use axum::http::StatusCode;

use crate::lessons::web::{ApiError, FlagInfo, Metadata};

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

/// One upstream GET with reqwest; a 404 means the code is unknown.
async fn get_bytes(client: &reqwest::Client, url: String, cc: &str) -> Result<Vec<u8>, ApiError> {
    let answer = client.get(url).send().await?;
    match answer.status() {
        StatusCode::NOT_FOUND => Err(ApiError::UnknownCode(cc.to_string())),
        s if !s.is_success() => Err(ApiError::Upstream(format!("upstream answered {s}"))),
        _ => Ok(answer.bytes().await?.to_vec()),
    }
}

/// The service itself: the metadata, then the flag, one after the other, as a Flask view would.
pub fn flag_info_blocking(
    agent: &ureq::Agent,
    upstream: &str,
    cc: &str,
) -> Result<FlagInfo, ApiError> {
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
