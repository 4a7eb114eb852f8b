//! The program as a person runs it: on a folder of awkward photos, with `--json`, with bad input.

mod support;

use std::io::Cursor;
use std::path::Path;
use std::process::{Command, Output};

use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};
use jpeg_encoder::{ColorType, Encoder};

fn maker(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thumbnail-maker"))
        .args(args)
        .output()
        .expect("the program starts")
}

fn jpeg(
    width: u16,
    height: u16,
    color: ColorType,
    tune: impl FnOnce(&mut Encoder<&mut Vec<u8>>),
) -> Vec<u8> {
    let channels = if matches!(color, ColorType::Luma) {
        1
    } else {
        3
    };
    let pixels: Vec<u8> = (0..usize::from(width) * usize::from(height) * channels)
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, 85);
    tune(&mut encoder);
    encoder.encode(&pixels, width, height, color).unwrap();
    out
}

/// A `width` x `height` image in `format`, as `image` writes it (WebP: lossless).
fn photo(width: u32, height: u32, alpha: bool, format: ImageFormat) -> Vec<u8> {
    let rgb = RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 128]));
    let image = if alpha {
        let rgba = RgbaImage::from_fn(width, height, |x, y| {
            let [r, g, b] = rgb.get_pixel(x, y).0;
            image::Rgba([r, g, b, (x + y) as u8])
        });
        DynamicImage::from(rgba)
    } else {
        DynamicImage::from(rgb)
    };
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

#[test]
fn a_folder_of_real_world_shapes_and_formats_is_handled_and_verified() {
    let dir = std::env::temp_dir().join(format!("thumbnail-maker-photos-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: Vec<u8>| std::fs::write(dir.join(name), bytes).unwrap();
    write("landscape.jpg", jpeg(640, 480, ColorType::Rgb, |_| {}));
    write("portrait.jpg", jpeg(300, 500, ColorType::Rgb, |_| {}));
    write("tiny.jpg", jpeg(40, 30, ColorType::Rgb, |_| {}));
    write("grey.jpg", jpeg(320, 240, ColorType::Luma, |_| {}));
    write(
        "progressive.jpg",
        jpeg(400, 300, ColorType::Rgb, |e| e.set_progressive(true)),
    );
    let exif = support::exif_with_orientation(6);
    write(
        "rotated.jpg",
        jpeg(400, 200, ColorType::Rgb, |e| {
            e.add_exif_metadata(&exif).unwrap()
        }),
    );
    write("screenshot.png", photo(640, 400, false, ImageFormat::Png));
    write("alpha.png", photo(300, 200, true, ImageFormat::Png));
    write("phone.webp", photo(300, 400, false, ImageFormat::WebP));
    write("cat.gif", photo(120, 90, false, ImageFormat::Gif));
    write("scan.bmp", photo(500, 300, false, ImageFormat::Bmp));
    write("renamed.jpg", photo(320, 200, false, ImageFormat::Png));
    // Beside landscape.jpg, in another shape: were its thumbnails named alike, one would be lost.
    write("landscape.png", photo(300, 100, false, ImageFormat::Png));
    write("broken.jpg", b"\xff\xd8\xff not really".to_vec());
    let png = photo(400, 300, false, ImageFormat::Png);
    write("truncated.png", png[..png.len() / 2].to_vec());
    write(
        "notes.txt",
        b"not a photo: the server does not list it".to_vec(),
    );

    let out = maker(&[
        "--images-dir",
        path(&dir),
        "--latency-ms",
        "0",
        "--variant",
        "async",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}"); // seen with --nocapture
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Before the run, every file is described by what its bytes are.
    for line in [
        "landscape.jpg: JPEG 640x480\n",
        "tiny.jpg: JPEG 40x30, narrower than 200 px: never enlarged",
        "rotated.jpg: JPEG 200x400, portrait; EXIF orientation 6",
        "progressive.jpg: JPEG 400x300, progressive",
        "grey.jpg: JPEG 320x240, greyscale",
        "screenshot.png: PNG 640x400\n",
        "alpha.png: PNG 300x200, transparent",
        "phone.webp: WebP 300x400, portrait\n",
        "cat.gif: GIF 120x90, narrower than 200 px",
        "scan.bmp: BMP 500x300\n",
        "renamed.jpg: PNG 320x200, named .jpg: read as the PNG it is\n",
        "broken.jpg: not a JPEG, PNG, WebP, GIF or BMP image we can read: it will be skipped",
        "truncated.png: PNG 400x300\n",
    ] {
        assert!(stdout.contains(line), "{line:?} in\n{stdout}");
    }
    assert!(!stdout.contains("notes.txt"), "{stdout}");
    assert!(stdout.contains("skipped broken.jpg: "), "{stdout}");
    assert!(stdout.contains("skipped truncated.png: "), "{stdout}");
    // Thirteen photos done and verified (39 thumbnails), the two broken ones skipped.
    assert!(
        stdout.contains("13 done, 2 skipped, 0 failed; 39 thumbnails verified"),
        "{stdout}"
    );
    assert!(
        stdout.contains("images: 13 succeeded, 2 skipped, 0 failed"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_decompression_bomb_among_good_photos_is_skipped_and_the_run_goes_on() {
    let dir = std::env::temp_dir().join(format!("thumbnail-maker-bomb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: Vec<u8>| std::fs::write(dir.join(name), bytes).unwrap();
    write("good.jpg", jpeg(320, 240, ColorType::Rgb, |_| {}));
    write("also-good.png", photo(200, 100, false, ImageFormat::Png));
    // A tiny valid JPEG whose header claims 65500 x 65500 pixels (4.3 gigapixels).
    write(
        "bomb.jpg",
        support::claiming_size(jpeg(16, 16, ColorType::Rgb, |_| {}), 65500, 65500),
    );

    let out = maker(&[
        "--quick",
        "--json",
        "--images-dir",
        path(&dir),
        "--latency-ms",
        "0",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 5, "one row per variant: {stdout}");
    for row in stdout.lines() {
        for field in [r#""ok":2"#, r#""skipped":1"#, r#""errors":0"#] {
            assert!(row.contains(field), "{field} in {row}\n{stderr}");
        }
    }
    assert!(
        stderr.contains("bomb.jpg: 65500x65500 pixels, over the 178956970 a photo may have"),
        "{stderr}"
    );
    assert!(
        stderr.contains("skipped bomb.jpg: 65500x65500 pixels"),
        "{stderr}"
    );
}

#[test]
fn json_puts_only_json_rows_on_stdout() {
    let out = maker(&["--quick", "--images", "3", "--latency-ms", "0", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    for line in lines {
        assert!(line.starts_with('{') && line.ends_with('}'), "{line}");
        assert!(
            line.contains(r#""demo":"thumbnail-maker""#) && line.contains(r#""ok":3"#),
            "{line}"
        );
        // The share of wall time x cores spent inside resize calls, named for what it is.
        assert!(
            line.contains(r#""resize busy":""#) && !line.contains("cpu use"),
            "{line}"
        );
    }
}

#[test]
fn bad_input_is_one_line_of_error_not_a_panic() {
    let out = maker(&["--images-dir", "/no/such/folder", "--quick"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.lines().count() == 1,
        "{stderr}"
    );

    let out = maker(&["--widths", "0,64"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses a width of 0");
    let out = maker(&["--variant", "fork"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_proxy_in_the_environment_is_not_used_for_the_fake_server() {
    // As on a laptop behind a company proxy, but the proxy is a closed port: a client that
    // sent its loopback requests there would fail every download.
    let dead = "http://127.0.0.1:9";
    let out = Command::new(env!("CARGO_BIN_EXE_thumbnail-maker"))
        .args(["--quick", "--json", "--images", "4", "--latency-ms", "0"])
        .envs(["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"].map(|v| (v, dead)))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .expect("the program starts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), 5, "one row per variant: {stdout}");
    for row in rows {
        // Every photo done: no download or upload failed, none skipped.
        for field in [r#""ok":4"#, r#""errors":0"#, r#""skipped":0"#] {
            assert!(row.contains(field), "{field} in {row}\n{stderr}");
        }
    }
    assert!(
        stderr.contains("images: 20 succeeded, 0 skipped, 0 failed"),
        "{stderr}"
    );
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}
