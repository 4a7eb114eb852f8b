//! The comparison table every demo ends with, and its JSON form.
//!
//! ```text
//! variant          workers      wall   speedup   items/s   max in flight   ok/err
//! sequential             -    2.03 s      1.0x       9.9               1     20/0   ████████████████████████
//! threads (8)            8   270.0 ms     7.5x      74.1               8     20/0   ███▎
//! (debug build, 2 cores)
//! ```
//!
//! Speedup is measured against the first row of the same table. Under `--json` every row is one
//! JSON object on stdout instead, with the fields listed on [`Table::print`].

use std::io::Write;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::cli::CommonArgs;
use crate::timing::fmt_duration;

/// How the items of one row ended. Every item ends in exactly one outcome; a `None` field is an
/// outcome that cannot happen in that demo, and the others add up to the row's item count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Outcomes {
    pub ok: u64,
    pub not_found: Option<u64>,
    pub errors: Option<u64>,
    pub skipped: Option<u64>,
    pub timed_out: Option<u64>,
    pub cancelled: Option<u64>,
}

impl Outcomes {
    /// `n` items, all ok, and no other outcome possible.
    pub fn all_ok(n: u64) -> Self {
        Self {
            ok: n,
            ..Self::default()
        }
    }

    /// The number of items accounted for.
    pub fn total(&self) -> u64 {
        self.ok
            + [
                self.not_found,
                self.errors,
                self.skipped,
                self.timed_out,
                self.cancelled,
            ]
            .iter()
            .flatten()
            .sum::<u64>()
    }

    fn columns(&self) -> [(&'static str, Option<u64>); 6] {
        [
            ("ok", Some(self.ok)),
            ("nf", self.not_found),
            ("err", self.errors),
            ("skip", self.skipped),
            ("t/o", self.timed_out),
            ("canc", self.cancelled),
        ]
    }
}

/// One variant of a demo, measured.
#[derive(Debug, Clone)]
pub struct Row {
    pub variant: String,
    /// Pool size or concurrency cap; `None` when the variant has neither.
    pub workers: Option<usize>,
    pub items: u64,
    pub wall: Duration,
    /// The peak number of requests in flight, as the fake server saw it (or the demo counted it).
    pub max_in_flight: Option<u64>,
    pub outcomes: Outcomes,
    /// Demo-specific figures: each key becomes a column of the table and a field of `extra` in JSON.
    pub extra: Map<String, Value>,
}

impl Row {
    /// A row of `items` items that took `wall`, all ok until [`Row::outcomes`] says otherwise.
    pub fn new(variant: impl Into<String>, items: usize, wall: Duration) -> Self {
        let items = items as u64;
        Self {
            variant: variant.into(),
            workers: None,
            items,
            wall,
            max_in_flight: None,
            outcomes: Outcomes::all_ok(items),
            extra: Map::new(),
        }
    }

    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = Some(workers);
        self
    }

    pub fn max_in_flight(mut self, peak: u64) -> Self {
        self.max_in_flight = Some(peak);
        self
    }

    pub fn outcomes(mut self, outcomes: Outcomes) -> Self {
        self.outcomes = outcomes;
        self
    }

    /// Adds a demo-specific column, e.g. `.extra("frames", 12)`.
    pub fn extra(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// Items per second of wall time.
    pub fn items_per_s(&self) -> f64 {
        self.items as f64 / self.wall.as_secs_f64().max(1e-9)
    }
}

/// The rows of one demo, printed together so they compare at a glance.
#[derive(Debug, Clone)]
pub struct Table {
    demo: String,
    rows: Vec<Row>,
    seed: u64,
    quick: bool,
    /// The numeric extra column the bars follow instead of wall time (longer is larger).
    bar_by: Option<String>,
}

impl Table {
    pub fn new(demo: &str, args: &CommonArgs) -> Self {
        Self {
            demo: demo.to_string(),
            rows: Vec::new(),
            seed: args.seed,
            quick: args.quick,
            bar_by: None,
        }
    }

    /// Draws each row's bar in proportion to its numeric extra column `key` (e.g. requests per
    /// second, where every row ran for the same wall time) instead of its wall time.
    pub fn bar_by(mut self, key: &str) -> Self {
        self.bar_by = Some(key.to_string());
        self
    }

    /// Adds a row. Panics if its outcomes do not add up to its items: that is a bug in the demo,
    /// and a table that loses items must never be printed.
    pub fn push(&mut self, row: Row) {
        assert_eq!(
            row.outcomes.total(),
            row.items,
            "row {:?}: outcomes {:?} do not add up to {} items",
            row.variant,
            row.outcomes,
            row.items
        );
        self.rows.push(row);
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Wall time of the first row divided by this row's.
    pub fn speedup(&self, row: &Row) -> f64 {
        match self.rows.first() {
            Some(first) => first.wall.as_secs_f64() / row.wall.as_secs_f64().max(1e-9),
            None => 1.0,
        }
    }

    /// Prints the table on stdout, or under `--json` one JSON object per row with the fields
    /// `demo, variant, workers, items, wall_s, speedup, items_per_s, max_in_flight, ok, not_found,
    /// errors, skipped, timed_out, cancelled, profile, cores, quick, seed, extra`.
    pub fn print(&self) {
        let text = if crate::cli::json_mode() {
            self.to_json_lines()
        } else {
            self.render()
        };
        let _ = std::io::stdout().write_all(text.as_bytes());
    }

    /// The JSON rows, one per line.
    pub fn to_json_lines(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            let o = &row.outcomes;
            let value = json!({
                "demo": self.demo,
                "variant": row.variant,
                "workers": row.workers,
                "items": row.items,
                "wall_s": row.wall.as_secs_f64(),
                "speedup": self.speedup(row),
                "items_per_s": row.items_per_s(),
                "max_in_flight": row.max_in_flight,
                "ok": o.ok,
                "not_found": o.not_found,
                "errors": o.errors,
                "skipped": o.skipped,
                "timed_out": o.timed_out,
                "cancelled": o.cancelled,
                "profile": profile(),
                "cores": cores(),
                "quick": self.quick,
                "seed": self.seed,
                "extra": row.extra,
            });
            out.push_str(&value.to_string());
            out.push('\n');
        }
        out
    }

    /// The human table, with a bar per row proportional to its wall time.
    pub fn render(&self) -> String {
        // Which outcome columns and extra columns any row uses.
        let mut used = [false; 6];
        let mut extra_keys: Vec<&str> = Vec::new();
        for row in &self.rows {
            for (i, (_, v)) in row.outcomes.columns().iter().enumerate() {
                used[i] |= v.is_some();
            }
            for key in row.extra.keys() {
                if !extra_keys.contains(&key.as_str()) {
                    extra_keys.push(key);
                }
            }
        }
        let outcome_header: Vec<&str> = Outcomes::default()
            .columns()
            .iter()
            .zip(used)
            .filter(|(_, u)| *u)
            .map(|((name, _), _)| *name)
            .collect();

        let mut header = vec![
            "variant".to_string(),
            "workers".into(),
            "wall".into(),
            "speedup".into(),
            "items/s".into(),
            "max in flight".into(),
            outcome_header.join("/"),
        ];
        header.extend(extra_keys.iter().map(|k| k.to_string()));

        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| {
                let outcomes: Vec<String> = row
                    .outcomes
                    .columns()
                    .iter()
                    .zip(used)
                    .filter(|(_, u)| *u)
                    .map(|((_, v), _)| v.unwrap_or(0).to_string())
                    .collect();
                let mut line = vec![
                    row.variant.clone(),
                    opt(row.workers),
                    fmt_duration(row.wall),
                    format!("{:.1}x", self.speedup(row)),
                    fmt_rate(row.items_per_s()),
                    opt(row.max_in_flight),
                    outcomes.join("/"),
                ];
                line.extend(
                    extra_keys
                        .iter()
                        .map(|k| row.extra.get(*k).map_or_else(|| "-".to_string(), fmt_value)),
                );
                line
            })
            .collect();

        let widths: Vec<usize> = (0..header.len())
            .map(|c| {
                cells
                    .iter()
                    .map(|r| r[c].chars().count())
                    .chain([header[c].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let measure = |row: &Row| match &self.bar_by {
            Some(key) => row.extra.get(key).and_then(Value::as_f64).unwrap_or(0.0),
            None => row.wall.as_secs_f64(),
        };
        let longest = self.rows.iter().map(measure).fold(0.0, f64::max);

        let mut out = String::from("\n");
        let fmt_line = |line: &[String]| -> String {
            line.iter()
                .enumerate()
                .map(|(c, cell)| {
                    if c == 0 {
                        format!("{cell:<w$}", w = widths[c])
                    } else {
                        format!("{cell:>w$}", w = widths[c])
                    }
                })
                .collect::<Vec<_>>()
                .join("   ")
        };
        out.push_str(&fmt_line(&header));
        out.push('\n');
        for (row, line) in self.rows.iter().zip(&cells) {
            out.push_str(&fmt_line(line));
            out.push_str("   ");
            out.push_str(&bar(measure(row), longest, 24));
            out.push('\n');
        }
        out.push_str(&format!(
            "({} build, {} cores{})\n",
            profile(),
            cores(),
            if self.quick { ", --quick" } else { "" }
        ));
        out
    }
}

/// `debug` or `release`: tables always say which build produced them.
pub fn profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

/// The number of cores the tables were measured on.
pub fn cores() -> usize {
    num_cpus::get()
}

fn fmt_rate(rate: f64) -> String {
    if rate >= 100.0 {
        format!("{rate:.0}")
    } else {
        format!("{rate:.1}")
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn fmt_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => format!("{f:.2}"),
            _ => n.to_string(),
        },
        Value::Null => "-".to_string(),
        other => other.to_string(),
    }
}

/// A bar of block characters, `width` cells for the longest row, eighths for the rest.
fn bar(value: f64, longest: f64, width: usize) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let fraction = value / longest.max(1e-9);
    let eighths = ((fraction * width as f64 * 8.0).round() as usize).max(1);
    let mut s = "█".repeat(eighths / 8);
    let rest = eighths % 8;
    if rest > 0 {
        s.push(EIGHTHS[rest]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new("demo", &CommonArgs::default());
        t.push(Row::new("sequential", 20, Duration::from_secs(2)).max_in_flight(1));
        t.push(
            Row::new("threads (8)", 20, Duration::from_millis(250))
                .workers(8)
                .max_in_flight(8)
                .outcomes(Outcomes {
                    ok: 18,
                    errors: Some(2),
                    ..Outcomes::default()
                })
                .extra("frames", 12),
        );
        t
    }

    #[test]
    fn speedup_is_against_the_first_row() {
        let t = table();
        assert_eq!(t.speedup(&t.rows()[0]), 1.0);
        assert_eq!(t.speedup(&t.rows()[1]), 8.0);
    }

    #[test]
    fn render_shows_every_column_and_a_bar_per_row() {
        let text = table().render();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].starts_with("variant"));
        assert!(lines[1].contains("ok/err") && lines[1].contains("frames"));
        assert!(lines[2].contains("20/0") && lines[2].ends_with(&"█".repeat(24)));
        assert!(lines[3].contains("18/2") && lines[3].contains("8.0x"));
        assert!(lines[3].trim_end().ends_with("███"));
        assert!(lines[4].contains("build"));
    }

    #[test]
    fn json_rows_carry_every_field() {
        let text = table().to_json_lines();
        let rows: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(rows.len(), 2);
        let r = &rows[1];
        for key in [
            "demo",
            "variant",
            "workers",
            "items",
            "wall_s",
            "speedup",
            "items_per_s",
            "max_in_flight",
            "ok",
            "not_found",
            "errors",
            "skipped",
            "timed_out",
            "cancelled",
            "profile",
            "cores",
            "quick",
            "seed",
            "extra",
        ] {
            assert!(r.get(key).is_some(), "missing {key}");
        }
        assert_eq!(r["errors"], 2);
        assert_eq!(r["not_found"], Value::Null);
        assert_eq!(r["workers"], 8);
        assert_eq!(rows[0]["workers"], Value::Null);
        assert_eq!(r["extra"]["frames"], 12);
    }

    #[test]
    fn bars_can_follow_an_extra_column() {
        let mut t = Table::new("demo", &CommonArgs::default()).bar_by("req/s");
        t.push(Row::new("slow", 10, Duration::from_secs(1)).extra("req/s", 40.0));
        t.push(Row::new("fast", 10, Duration::from_secs(1)).extra("req/s", 4000.0));
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            !lines[2].contains('█'),
            "a hundredth of the bar: {}",
            lines[2]
        );
        assert!(lines[3].ends_with(&"█".repeat(24)));
    }

    #[test]
    #[should_panic(expected = "do not add up")]
    fn a_row_that_loses_items_is_refused() {
        let mut t = Table::new("demo", &CommonArgs::default());
        t.push(Row::new("lossy", 3, Duration::from_secs(1)).outcomes(Outcomes::all_ok(2)));
    }
}
