//! Checks what a variant uploaded, on its own: for every image it reports done, every
//! `<name>_<width>.jpg` must be listed by `GET /uploads`, be a JPEG, have the expected width
//! (the requested one, or the image's own when it is narrower: nothing is enlarged) and the
//! image's aspect ratio, the height within 1 pixel.

use std::collections::{BTreeSet, HashMap};
use std::thread;

use anyhow::{Context, ensure};
use common::Server;
use thumbnail_codec::thumbs::{self, BadImage, Shape, target_size};

use crate::lessons::batch::Batch;
use crate::lessons::outcome::{Outcome, Report};

/// What the survey read of each image: its [`Shape`], or why it will be skipped.
pub type Survey = HashMap<String, Result<Shape, BadImage>>;

/// The [`Shape`] of every image, read from its header once before the variants run.
pub fn survey(batch: &Batch) -> anyhow::Result<Survey> {
    let sizes = fetch_all(batch, &batch.names, |name| {
        batch.download(name).map_err(|e| e.0)
    })?;
    Ok(batch
        .names
        .iter()
        .zip(sizes)
        .map(|(name, photo)| (name.clone(), thumbs::shape(&photo)))
        .collect())
}

/// Verifies the uploads of one variant; returns how many thumbnails were checked.
pub fn uploads(
    server: &Server,
    batch: &Batch,
    shapes: &Survey,
    report: &Report,
) -> anyhow::Result<usize> {
    let listed: BTreeSet<String> = server.uploads()?.into_iter().map(|u| u.name).collect();
    let mut expected = Vec::new();
    for (image, outcome) in &report.outcomes {
        if *outcome != Outcome::Done {
            continue;
        }
        let shape = shapes
            .get(image)
            .and_then(|shape| shape.as_ref().ok())
            .with_context(|| format!("{image} was done but unreadable before"))?;
        for &width in &batch.widths {
            let name = Batch::thumb_name(image, width);
            ensure!(listed.contains(&name), "{name} is missing from the uploads");
            expected.push((name, target_size(shape.width, shape.height, width)));
        }
    }
    let names: Vec<String> = expected.iter().map(|(name, _)| name.clone()).collect();
    let stored = fetch_all(batch, &names, |name| match server.upload(name) {
        Ok(Some(jpeg)) => Ok(jpeg),
        Ok(None) => Err(format!("{name} is listed but not stored")),
        Err(e) => Err(format!("{e:#}")),
    })?;
    for ((name, (want_w, want_h)), jpeg) in expected.iter().zip(stored) {
        let (w, h) = thumbs::jpeg_size(&jpeg).with_context(|| format!("{name} is not a JPEG"))?;
        ensure!(w == *want_w, "{name} is {w} px wide, expected {want_w}");
        ensure!(
            h.abs_diff(*want_h) <= 1,
            "{name} is {w}x{h}, expected {want_w}x{want_h} (±1)"
        );
    }
    Ok(expected.len())
}

/// `fetch` on every name, `batch.io` at a time, results in order; the first failure fails all.
fn fetch_all(
    batch: &Batch,
    names: &[String],
    fetch: impl Fn(&str) -> Result<Vec<u8>, String> + Sync,
) -> anyhow::Result<Vec<Vec<u8>>> {
    let chunk = names.len().div_ceil(batch.io).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = names
            .chunks(chunk)
            .map(|part| s.spawn(|| part.iter().map(|n| fetch(n)).collect::<Vec<_>>()))
            .collect();
        let mut all = Vec::with_capacity(names.len());
        for handle in handles {
            for result in handle.join().expect("a fetch thread panicked") {
                all.push(result.map_err(anyhow::Error::msg)?);
            }
        }
        Ok(all)
    })
}
