//! The program as a person runs it: on a folder of awkward photos, with `--json`, with bad input.

use std::path::Path;
use std::process::{Command, Output};

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

#[test]
fn a_folder_of_real_world_shapes_is_handled_and_verified() {
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
    let exif = thumbnail_maker::exif::block_with_orientation(6);
    write(
        "rotated.jpg",
        jpeg(400, 200, ColorType::Rgb, |e| {
            e.add_exif_metadata(&exif).unwrap()
        }),
    );
    write("broken.jpg", b"\xff\xd8\xff not really".to_vec());

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
    assert!(
        stdout.contains("tiny.jpg: 40x30, narrower than 200 px: never enlarged"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rotated.jpg: 200x400, portrait; EXIF orientation 6"),
        "{stdout}"
    );
    assert!(
        stdout.contains("progressive.jpg: 400x300, progressive"),
        "{stdout}"
    );
    assert!(stdout.contains("grey.jpg: 320x240, greyscale"), "{stdout}");
    assert!(stdout.contains("skipped broken.jpg"), "{stdout}");
    // Six photos done and verified (18 thumbnails), the broken one skipped.
    assert!(
        stdout.contains("6 done, 1 skipped, 0 failed; 18 thumbnails verified"),
        "{stdout}"
    );
    assert!(
        stdout.contains("images: 6 succeeded, 1 skipped, 0 failed"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
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

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}
