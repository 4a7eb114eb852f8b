//! The guides point at files that exist: every relative link in `PYTHON.md` and `README.md`,
//! and a file to show every row of `PYTHON.md`'s table.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("common sits in the workspace root")
        .to_path_buf()
}

fn read(name: &str) -> String {
    std::fs::read_to_string(root().join(name)).unwrap_or_else(|e| panic!("cannot read {name}: {e}"))
}

/// The targets of the Markdown links `[text](target)` in `text`.
fn links(text: &str) -> Vec<&str> {
    text.match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            rest.find(')').map(|end| &rest[..end])
        })
        .collect()
}

/// The links that name a file of this repository (no scheme, no bare `#anchor`), anchors cut.
fn relative_links(text: &str) -> Vec<&str> {
    links(text)
        .into_iter()
        .filter(|l| !l.contains("://") && !l.starts_with('#') && !l.starts_with("mailto:"))
        .map(|l| l.split('#').next().unwrap_or(l))
        .collect()
}

fn missing(name: &str) -> Vec<String> {
    relative_links(&read(name))
        .into_iter()
        .filter(|l| !root().join(l).exists())
        .map(String::from)
        .collect()
}

#[test]
fn every_file_python_md_links_to_exists() {
    let text = read("PYTHON.md");
    assert!(relative_links(&text).len() > 30, "PYTHON.md lost its links");
    assert_eq!(
        missing("PYTHON.md"),
        Vec::<String>::new(),
        "missing in PYTHON.md"
    );
}

#[test]
fn every_row_of_python_md_shows_a_file() {
    let text = read("PYTHON.md");
    // The cheatsheet: the table before the page's first section (the errata and the timeline).
    let cheatsheet = text.split("\n## ").next().unwrap_or("");
    let rows: Vec<&str> = cheatsheet
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| Python"))
        .collect();
    assert!(rows.len() >= 25, "only {} rows", rows.len());
    for row in rows {
        // A row is four cells; the last one links to the files that show it.
        let last = row.trim_end_matches('|').rsplit(" | ").next().unwrap_or("");
        assert!(
            !relative_links(last).is_empty(),
            "a row without a file: {row}"
        );
    }
}

#[test]
fn every_erratum_names_its_talk_line_and_a_demo() {
    let text = read("PYTHON.md");
    let errata = text
        .split("\n## Where the talks are wrong or dated\n")
        .nth(1)
        .expect("PYTHON.md has its errata")
        .split("\n## ")
        .next()
        .unwrap_or("");
    let rows: Vec<&str> = errata.lines().filter(|l| l.starts_with("| `")).collect();
    assert!(rows.len() >= 10, "only {} errata", rows.len());
    for row in rows {
        assert!(row.contains(".txt:"), "an erratum without its line: {row}");
        let shown = row.trim_end_matches('|').rsplit(" | ").next().unwrap_or("");
        assert!(
            shown.contains("cargo run") || !relative_links(shown).is_empty() || shown.contains('`'),
            "an erratum without a demo: {row}"
        );
    }
    assert!(
        text.contains("\n## A timeline\n"),
        "PYTHON.md has no timeline"
    );
}

#[test]
fn every_file_the_readme_links_to_exists() {
    let text = read("README.md");
    assert!(
        relative_links(&text).contains(&"PYTHON.md"),
        "README.md does not link PYTHON.md"
    );
    assert_eq!(
        missing("README.md"),
        Vec::<String>::new(),
        "missing in README.md"
    );
}

#[test]
fn the_link_reader_finds_what_it_should() {
    let text = "see [a](x/y.rs), [b](https://e.org/z), [c](#top) and [d](PYTHON.md#gil).";
    assert_eq!(relative_links(text), ["x/y.rs", "PYTHON.md"]);
}

/// Each crate's `python/_twin.py` is the same file, so that one folder can be copied alone: a
/// change to one copy must go to every copy.
#[test]
fn every_python_folder_holds_the_same_twin_helper() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut copies = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let helper = entry.unwrap().path().join("python/_twin.py");
        if let Ok(text) = std::fs::read_to_string(&helper) {
            copies.push((helper, text));
        }
    }
    assert!(
        copies.len() >= 2,
        "found {} copies of _twin.py",
        copies.len()
    );
    let (first, text) = &copies[0];
    for (path, other) in &copies[1..] {
        assert!(
            other == text,
            "{} differs from {}: copy the changed one over the others",
            path.display(),
            first.display()
        );
    }
}
