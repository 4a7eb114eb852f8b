//! The comparison table every demo ends with, and its JSON form.
//!
//! ```text
//! variant          workers      wall   speedup   items/s   max in flight   ok/err
//! sequential             -    2.03 s      1.0x       9.9               1     20/0   ████████████████████████
//! threads (8)            8   270.0 ms     7.5x      74.1               8     20/0   ███▎
//! (debug build, 2 cores)
//! ```
//!
//! A table says what its rows are. By default they are variants of the same work, so speedup
//! (against the first row) and a bar proportional to wall time compare them. Rows that do
//! different things ([`Table::different_work`]) show neither, since a ratio between them means
//! nothing; [`Table::bar_on`] puts the bar on the column that carries the lesson instead.
//!
//! Rows may carry spans ([`Row::spans`]): with the timeline on ([`Table::timeline`] or
//! `--timeline`) they are drawn under the table (see [`crate::timeline`]), and `--trace FILE`
//! writes them for Perfetto. Under `--json` every row is one JSON object on stdout instead, with
//! the fields listed on [`Table::print`].

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::cli::CommonArgs;
use crate::spans::Span;
use crate::timeline;
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
    /// Who ran what, when, relative to the row's start (empty when the demo records none).
    pub spans: Vec<Span>,
    /// False when this row did less or other work than the first (it cancelled, it stopped
    /// early): it shows no speedup.
    pub same_work: bool,
    /// The row's own throughput, per second, where items over wall time would say something
    /// else (a load test's successful answers per second); `None`: items over wall time.
    pub rate: Option<f64>,
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
            spans: Vec::new(),
            same_work: true,
            rate: None,
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

    /// This row did not do the first row's work (it returned at the first result, cancelled
    /// what was queued): no speedup is shown for it, since one would compare different things.
    pub fn other_work(mut self) -> Self {
        self.same_work = false;
        self
    }

    /// The row's spans, for its timeline and the trace file.
    pub fn spans(mut self, spans: Vec<Span>) -> Self {
        self.spans = spans;
        self
    }

    /// States the row's throughput (the table's items/s, JSON's `items_per_s`) when items over
    /// wall time is not it, e.g. a load test's successful answers per second.
    pub fn rate(mut self, per_s: f64) -> Self {
        self.rate = Some(per_s);
        self
    }

    /// Items per second of wall time, or the rate the row stated with [`Row::rate`].
    pub fn items_per_s(&self) -> f64 {
        self.rate
            .unwrap_or_else(|| self.items as f64 / self.wall.as_secs_f64().max(1e-9))
    }
}

/// The rows of one demo, printed together so they compare at a glance.
#[derive(Debug, Clone)]
pub struct Table {
    demo: String,
    rows: Vec<Row>,
    seed: u64,
    quick: bool,
    same_work: bool,
    bar_on: Option<String>,
    timeline: bool,
    trace: Option<PathBuf>,
}

impl Table {
    /// A table of variants of the same work (speedup and a wall-time bar), with a timeline if
    /// `--timeline` asks for one.
    pub fn new(demo: &str, args: &CommonArgs) -> Self {
        Self {
            demo: demo.to_string(),
            rows: Vec::new(),
            seed: args.seed,
            quick: args.quick,
            same_work: true,
            bar_on: None,
            timeline: args.timeline,
            trace: args.trace.clone(),
        }
    }

    /// The rows do different things (a tour of primitives, say), or each runs for a set time:
    /// no speedup between them, and no wall-time bar (unless [`Table::bar_on`] names a column).
    pub fn different_work(mut self) -> Self {
        self.same_work = false;
        self
    }

    /// Draws the bar on this extra column (a number) instead of on wall time: the column that
    /// carries the lesson, like the longest gap or the money made.
    pub fn bar_on(mut self, column: &str) -> Self {
        self.bar_on = Some(column.to_string());
        self
    }

    /// Draws the rows' spans under the table: on by default in demos where the shape of the run
    /// is the lesson (`--timeline` turns it on everywhere).
    pub fn timeline(mut self) -> Self {
        self.timeline = true;
        self
    }

    /// Whether this table's rows are variants of the same work (and so show a speedup).
    pub fn same_work(&self) -> bool {
        self.same_work
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

    /// Wall time of the first row divided by this row's (shown only when the rows are variants
    /// of the same work). A Python twin's row (`Python: ...`) is set against the first Python
    /// row instead: the two languages do different amounts of work on the same row.
    pub fn speedup(&self, row: &Row) -> f64 {
        let python = |r: &Row| r.variant.starts_with(crate::python::PREFIX);
        match self.rows.iter().find(|r| python(r) == python(row)) {
            Some(first) => first.wall.as_secs_f64() / row.wall.as_secs_f64().max(1e-9),
            None => 1.0,
        }
    }

    /// Prints the table on stdout, and its timeline if on; or under `--json` one JSON object
    /// per row with the fields `demo, variant, workers, items, wall_s, speedup, items_per_s,
    /// max_in_flight, ok, not_found, errors, skipped, timed_out, cancelled, profile, cores,
    /// quick, seed, extra` (`speedup` is null when the rows do different work), and `spans` when
    /// the timeline is on. With `--trace FILE`, adds the rows' spans to the trace file.
    pub fn print(&self) {
        let text = if crate::cli::json_mode() {
            self.to_json_lines()
        } else {
            let mut text = self.render();
            if self.timeline {
                text.push_str(&self.render_timeline(timeline::width(), timeline::color()));
            }
            text
        };
        let _ = std::io::stdout().write_all(text.as_bytes());
        if let Some(Err(e)) = self.trace.as_ref().map(|path| self.append_trace(path)) {
            let _ = writeln!(std::io::stderr(), "warning: {e:#}");
        }
    }

    /// The timeline of every row that has spans, with a legend.
    pub fn render_timeline(&self, width: usize, color: bool) -> String {
        let with_spans: Vec<&Row> = self.rows.iter().filter(|r| !r.spans.is_empty()).collect();
        if with_spans.is_empty() {
            return String::new();
        }
        let mut out = String::from("\n");
        out.push_str(&timeline::legend(
            with_spans.iter().flat_map(|r| &r.spans),
            color,
        ));
        for row in with_spans {
            out.push_str(&timeline::render(
                &row.variant,
                &row.spans,
                row.wall,
                width,
                color,
            ));
        }
        out
    }

    /// Adds this table's rows to the trace file (one process per row), rewriting it whole so it
    /// is valid JSON after every table of a tour.
    fn append_trace(&self, path: &std::path::Path) -> anyhow::Result<()> {
        use anyhow::Context;
        static EVENTS: Mutex<(u64, Vec<Value>)> = Mutex::new((0, Vec::new()));
        let mut trace = EVENTS.lock().unwrap_or_else(|e| e.into_inner());
        for row in self.rows.iter().filter(|r| !r.spans.is_empty()) {
            trace.0 += 1;
            let process = format!("{}: {}", self.demo, row.variant);
            let events = timeline::trace_events(trace.0, &process, &row.spans);
            trace.1.extend(events);
        }
        let file = json!({"traceEvents": trace.1, "displayTimeUnit": "ms"});
        std::fs::write(path, file.to_string())
            .with_context(|| format!("cannot write the trace file {}", path.display()))
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
                "speedup": (self.same_work && row.same_work).then(|| self.speedup(row)),
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
            let mut value = value;
            if self.timeline && !row.spans.is_empty() {
                value["spans"] = timeline::spans_json(&row.spans);
            }
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
        // Between rows of different work a speedup means nothing.
        let shown: Vec<bool> = (0..header.len())
            .map(|c| c != 3 || self.same_work)
            .collect();

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
                    if row.same_work {
                        format!("{:.1}x", self.speedup(row))
                    } else {
                        "-".to_string()
                    },
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
        // The bar: on wall time for variants of the same work, on the chosen column if any.
        let measure = |row: &Row| -> Option<f64> {
            match &self.bar_on {
                Some(column) => row.extra.get(column).and_then(Value::as_f64).map(f64::abs),
                None if self.same_work => Some(row.wall.as_secs_f64()),
                None => None,
            }
        };
        let longest = self.rows.iter().filter_map(measure).fold(0.0, f64::max);

        let mut out = String::from("\n");
        let fmt_line = |line: &[String]| -> String {
            line.iter()
                .enumerate()
                .filter(|(c, _)| shown[*c])
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
        if let Some(column) = &self.bar_on {
            out.push_str(&format!("   (bar: {column})"));
        }
        out.push('\n');
        for (row, line) in self.rows.iter().zip(&cells) {
            out.push_str(&fmt_line(line));
            let bar = measure(row).map_or_else(String::new, |v| bar(v, longest, 24));
            if !bar.is_empty() {
                out.push_str("   ");
                out.push_str(&bar);
            }
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

/// A bar of block characters, `width` cells for the longest value, eighths for the rest;
/// nothing for zero.
fn bar(value: f64, longest: f64, width: usize) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if value <= 0.0 {
        return String::new();
    }
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
    fn a_stated_rate_is_the_tables_and_the_jsons_throughput() {
        let mut t = table();
        // 100 requests sent in 2 s, of which 30 answered: 15 per second, not 50.
        t.push(Row::new("load", 100, Duration::from_secs(2)).rate(15.0));
        assert_eq!(t.rows()[2].items_per_s(), 15.0);
        assert_eq!(t.rows()[0].items_per_s(), 10.0); // no stated rate: items over wall time
        let json: Vec<Value> = t
            .to_json_lines()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(json[2]["items_per_s"], 15.0);
        assert_eq!(json[0]["items_per_s"], 10.0);
        let load_line = t
            .render()
            .lines()
            .find(|l| l.starts_with("load"))
            .unwrap()
            .to_string();
        assert!(load_line.contains(&fmt_rate(15.0)), "{load_line}");
        assert!(!load_line.contains(&fmt_rate(50.0)), "{load_line}");
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
    fn rows_of_different_work_show_no_speedup_and_a_bar_only_on_the_chosen_column() {
        let args = CommonArgs::default();
        let rows = || {
            [
                Row::new("Mutex counter", 80_000, Duration::from_millis(20)),
                Row::new("Barrier", 8, Duration::from_millis(1)).extra("gap ms", 200),
                Row::new("OnceLock", 8, Duration::from_millis(2)).extra("gap ms", 10),
            ]
        };
        let mut different = Table::new("primitives", &args).different_work();
        let mut lesson = Table::new("blocking", &args).bar_on("gap ms");
        for row in rows() {
            different.push(row.clone());
            lesson.push(row);
        }
        let text = different.render();
        assert!(!text.contains("speedup") && !text.contains('█'), "{text}");
        assert!(!text.lines().any(|l| l.contains("20.0x")), "{text}");
        let json = different.to_json_lines();
        assert!(
            json.lines().all(|l| l.contains(r#""speedup":null"#)),
            "{json}"
        );

        let text = lesson.render();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].contains("speedup") && lines[1].ends_with("(bar: gap ms)"));
        assert!(!lines[2].contains('█'), "no value, no bar: {text}");
        assert!(lines[3].ends_with(&"█".repeat(24)), "{text}");
        assert!(lines[4].ends_with("█▎"), "{text}");
    }

    #[test]
    fn with_the_timeline_on_json_rows_carry_their_spans_and_the_text_draws_them() {
        use crate::spans::{Kind, Lane};
        let span = |start_ms, end_ms| Span {
            lane: Lane::Slot,
            kind: Kind::Download,
            label: "GET",
            id: start_ms,
            start: Duration::from_millis(start_ms),
            end: Duration::from_millis(end_ms),
        };
        let row = Row::new("two at once", 2, Duration::from_millis(12))
            .spans(vec![span(0, 10), span(1, 12)]);
        let mut plain = Table::new("demo", &CommonArgs::default());
        plain.push(row.clone());
        assert!(!plain.to_json_lines().contains("spans"));
        let mut drawn = Table::new("demo", &CommonArgs::default()).timeline();
        drawn.push(row);
        let json: Value = serde_json::from_str(drawn.to_json_lines().trim()).unwrap();
        let spans = json["spans"].as_array().unwrap();
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[1]["lane"], "download 2");
        assert_eq!(spans[1]["end_us"], 12_000);
        let text = drawn.render_timeline(80, false);
        assert!(text.contains("▓ download"), "{text}");
        assert!(text.contains("two at once: 2 spans on 2 lanes"), "{text}");
    }

    #[test]
    fn python_rows_are_set_against_the_first_python_row() {
        let mut t = table();
        t.push(Row::new("Python: sequential", 20, Duration::from_secs(4)));
        t.push(Row::new("Python: threads (8)", 20, Duration::from_secs(1)));
        assert_eq!(t.speedup(&t.rows()[1]), 8.0);
        assert_eq!(t.speedup(&t.rows()[2]), 1.0);
        assert_eq!(t.speedup(&t.rows()[3]), 4.0);
    }

    #[test]
    fn a_row_that_did_other_work_shows_no_speedup() {
        let mut t = table();
        t.push(Row::new("select_all", 20, Duration::from_millis(10)).other_work());
        let text = t.render();
        let last = text.lines().nth(4).unwrap();
        assert!(
            last.starts_with("select_all") && !last.contains("200.0x"),
            "{text}"
        );
        let json = t.to_json_lines();
        assert!(json.lines().nth(2).unwrap().contains(r#""speedup":null"#));
        assert!(json.lines().nth(1).unwrap().contains(r#""speedup":8.0"#));
    }

    #[test]
    #[should_panic(expected = "do not add up")]
    fn a_row_that_loses_items_is_refused() {
        let mut t = Table::new("demo", &CommonArgs::default());
        t.push(Row::new("lossy", 3, Duration::from_secs(1)).outcomes(Outcomes::all_ok(2)));
    }
}
