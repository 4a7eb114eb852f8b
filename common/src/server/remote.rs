//! A fake server already running elsewhere on this machine (`--server URL`), controlled
//! through its routes.

use anyhow::{Context, bail};

use super::{Faults, Stats, Trace, Upload};

/// A standalone fake server, reached over HTTP (`cargo run -p common --bin fake-server`).
#[derive(Debug)]
pub struct RemoteServer {
    url: String,
    agent: ureq::Agent,
}

impl RemoteServer {
    /// Checks that `url` answers like a fake server (`GET /stats`).
    pub fn connect(url: &str) -> anyhow::Result<Self> {
        let url = url.trim_end_matches('/').to_string();
        if !url.starts_with("http://") {
            bail!("--server must be an http:// URL, like http://127.0.0.1:8000 (got {url:?})");
        }
        // No proxy: the server is on this machine, and HTTP_PROXY would send it to the proxy.
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_secs(10)))
            .proxy(None)
            .build()
            .into();
        let server = Self { url, agent };
        server
            .stats()
            .with_context(|| format!("no fake server answers at {}", server.url))?;
        Ok(server)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn stats(&self) -> anyhow::Result<Stats> {
        self.get_json("/stats")
    }

    pub fn trace(&self) -> anyhow::Result<Trace> {
        self.get_json("/trace")
    }

    pub fn reset_stats(&self) -> anyhow::Result<()> {
        self.agent
            .post(format!("{}/stats/reset", self.url))
            .send_empty()
            .context("POST /stats/reset")?;
        Ok(())
    }

    pub fn faults(&self) -> anyhow::Result<Faults> {
        self.get_json("/faults")
    }

    pub fn set_faults(&self, faults: &Faults) -> anyhow::Result<()> {
        let body = serde_json::to_vec(faults)?;
        self.agent
            .put(format!("{}/faults", self.url))
            .header("content-type", "application/json")
            .send(&body[..])
            .context("PUT /faults")?;
        Ok(())
    }

    pub fn uploads(&self) -> anyhow::Result<Vec<Upload>> {
        self.get_json("/uploads")
    }

    pub fn clear_uploads(&self) -> anyhow::Result<()> {
        self.agent
            .delete(format!("{}/uploads", self.url))
            .call()
            .context("DELETE /uploads")?;
        Ok(())
    }

    pub fn images(&self) -> anyhow::Result<Vec<Upload>> {
        self.get_json("/images")
    }

    /// The stored bytes of one upload (`GET /uploads/{name}`), `None` on 404.
    pub fn upload(&self, name: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let answer = self
            .agent
            .get(format!("{}/uploads/{name}", self.url))
            .call();
        match answer {
            Ok(mut answer) => Ok(Some(answer.body_mut().read_to_vec()?)),
            Err(ureq::Error::StatusCode(404)) => Ok(None),
            Err(e) => Err(e).with_context(|| format!("GET /uploads/{name}")),
        }
    }

    fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let mut answer = self
            .agent
            .get(format!("{}{path}", self.url))
            .call()
            .with_context(|| format!("GET {path}"))?;
        let body = answer.body_mut().read_to_vec()?;
        serde_json::from_slice(&body).with_context(|| format!("GET {path}: unexpected JSON"))
    }
}
