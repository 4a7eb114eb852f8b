//! `--trace FILE`: the spans of a run cover every download, resize and upload it made.

use std::process::Command;

#[test]
fn the_trace_file_covers_every_download_resize_and_upload() {
    for variant in ["pipeline", "async"] {
        let name = format!("tm-trace-{variant}-{}.json", std::process::id());
        let path = std::env::temp_dir().join(name);
        let out = Command::new(env!("CARGO_BIN_EXE_thumbnail-maker"))
            .args([
                variant, "--quick", "--json", "--images", "6", "--widths", "32,64",
            ])
            .arg("--trace")
            .arg(&path)
            .output()
            .expect("the program starts");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let trace = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        // Compact JSON, keys in order: one complete event per span, its kind in "cat".
        assert!(trace.starts_with(r#"{"displayTimeUnit":"ms","traceEvents":["#));
        let count = |s: &str| trace.matches(s).count();
        assert_eq!(count(r#""cat":"download""#), 6, "{variant}");
        assert_eq!(count(r#""cat":"resize""#), 6, "{variant}");
        assert_eq!(count(r#""cat":"upload""#), 12, "{variant}");
        assert_eq!(count(r#""ph":"X""#), 24, "{variant}");
        assert_eq!(count(r#""dur":-"#), 0, "{variant}");
    }
}
