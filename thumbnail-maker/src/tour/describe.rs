//! What the batch holds: the images' names (generated or the folder's), and each photo's format
//! and size, and what happens to the awkward ones, said before the variants run.

use anyhow::ensure;
use common::say;
use common::server::Server;

use super::verify::Survey;
use crate::lessons::batch::Batch;

/// The images to work on: `n` generated ones (`0.jpg`, `1.jpg`, ... cycling through the
/// server's photos), or the files the server lists from its folder; and which it was.
pub fn image_names(
    server: &Server,
    wanted: Option<usize>,
    default: usize,
) -> anyhow::Result<(Vec<String>, bool)> {
    let listed: Vec<String> = server.images()?.into_iter().map(|i| i.name).collect();
    let generated = listed
        .iter()
        .enumerate()
        .all(|(i, name)| *name == format!("{i}.jpg"));
    let names: Vec<String> = if generated {
        (0..wanted.unwrap_or(default))
            .map(|i| format!("{i}.jpg"))
            .collect()
    } else {
        listed
            .into_iter()
            .take(wanted.unwrap_or(usize::MAX))
            .collect()
    };
    ensure!(!names.is_empty(), "the server has no images");
    Ok((names, generated))
}

/// Says what the batch holds: each photo's format and size, and what happens to the awkward ones.
pub fn describe(batch: &Batch, shapes: &Survey, generated: bool) {
    let widths: Vec<String> = batch.widths.iter().map(u32::to_string).collect();
    let first = batch
        .names
        .first()
        .and_then(|name| shapes.get(name)?.as_ref().ok());
    if let (true, Some(shape)) = (generated, first) {
        say!(
            "{} generated photos, {} {}x{} (the server's few photos, cycled); thumbnails {} px wide",
            batch.names.len(),
            shape.format,
            shape.width,
            shape.height,
            widths.join(", ")
        );
    } else {
        say!(
            "{} photos from the server's folder; thumbnails {} px wide",
            batch.names.len(),
            widths.join(", ")
        );
    }
    let largest = batch.widths.iter().copied().max().unwrap_or(0);
    for name in &batch.names {
        let shape = match shapes.get(name) {
            Some(Ok(shape)) => shape,
            Some(Err(why)) => {
                say!("  {name}: {why}: it will be skipped");
                continue;
            }
            None => continue, // every name was surveyed
        };
        let mut notes = Vec::new();
        let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
        let named_right = shape.format.eq_ignore_ascii_case(extension)
            || (shape.format == "JPEG" && extension.eq_ignore_ascii_case("jpg"));
        if !named_right {
            notes.push(format!(
                "named .{extension}: read as the {} it is",
                shape.format
            ));
        }
        if shape.height > shape.width {
            notes.push("portrait".to_string());
        }
        if shape.orientation != 1 {
            notes.push(format!(
                "EXIF orientation {}: turned upright first",
                shape.orientation
            ));
        }
        if shape.progressive {
            notes.push("progressive".to_string());
        }
        if shape.grey {
            notes.push("greyscale: stays greyscale".to_string());
        }
        if shape.alpha {
            notes.push("transparent: JPEG has no alpha, the thumbnails drop it".to_string());
        }
        if shape.width < largest {
            notes.push(format!(
                "narrower than {largest} px: never enlarged, its wider thumbnails keep its own size"
            ));
        }
        // Generated photos are all alike: only the folder's are listed one by one.
        if !generated || !notes.is_empty() {
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(", {}", notes.join("; "))
            };
            say!(
                "  {name}: {} {}x{}{notes}",
                shape.format,
                shape.width,
                shape.height
            );
        }
    }
}
