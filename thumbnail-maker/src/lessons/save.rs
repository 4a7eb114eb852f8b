//! # Writing a file so that nobody ever sees half of it
//!
//! Python: `tmp = path.with_name(f".{path.name}.tmp"); tmp.write_bytes(jpeg); tmp.replace(path)`.
//!
//! Rust: the same two calls, `fs::write` to a temporary name in the same folder, then
//! `fs::rename`, which replaces the target in one step on the same file system: an interrupted
//! run leaves a stray temporary file at worst, never a truncated thumbnail. A failure here is
//! fatal, not retried: the disk will not get better on a second try, so the variant stops.
//!
//! Run: `cargo run -p thumbnail-maker -- --out /tmp/thumbs`
//!
//! Look for: every `<name>_<width>.jpg` in the folder, and no `.tmp` file left behind.

use std::path::PathBuf;

use anyhow::Context;
use thumbnail_codec::thumbs::Thumb;

use crate::lessons::batch::Batch;

impl Batch {
    /// Writes the thumbnails into `dir` as well (created if missing).
    pub fn with_out(mut self, dir: Option<PathBuf>) -> anyhow::Result<Self> {
        if let Some(dir) = &dir {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the folder {}", dir.display()))?;
        }
        self.out = dir;
        Ok(self)
    }

    /// Writes one thumbnail under `--out`, if given: to a temporary name, then renamed.
    pub fn save(&self, image: &str, thumb: &Thumb) -> anyhow::Result<()> {
        let Some(dir) = &self.out else { return Ok(()) };
        let name = Self::thumb_name(image, thumb.requested);
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, &thumb.jpeg)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        let path = dir.join(&name);
        std::fs::rename(&tmp, &path)
            .with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))
    }
}
