//! The timeline drawn under a table, and the trace file Perfetto opens.
//!
//! ```text
//!   Semaphore::new(5): 20 spans on 5 lanes
//!     request 1 │▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓│ 4
//!     ...
//!     in flight │█████████████████████████████████████████████████████████│ peak 5
//!               0                                                    217.1 ms
//! ```
//!
//! One line per lane: a thread, a numbered worker, or a slot that spans without a thread share
//! greedily (so there are as many slots as spans ever ran at once). Time runs across the
//! terminal's width (80 columns when stdout is not a terminal); a lane shows a block while one
//! of its spans runs, its glyph saying the kind. At most [`MAX_LANES`] lanes are drawn, then
//! "+N more lanes", and a last line plots how many spans were in flight over time. Colours
//! unless `NO_COLOR` is set or stdout is not a terminal.
//!
//! [`trace_events`] writes the same spans in Chrome's trace event format: open the file at
//! <https://ui.perfetto.dev> ("Open trace file") or in `chrome://tracing`.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::io::IsTerminal;
use std::time::Duration;

use serde_json::{Value, json};

use crate::spans::{Kind, Lane, Span};
use crate::timing::fmt_duration;

/// The most lanes drawn for one row; the rest are counted in one line.
pub const MAX_LANES: usize = 12;

/// Drawn where a span starts right after the previous one in its lane, so back-to-back spans
/// read as separate blocks (a staircase, waves) rather than one.
const SEAM: char = '▏';

/// The lanes of one row: their names, and the lane of each span (an index into `names`),
/// numbered in order of their first span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lanes {
    pub names: Vec<String>,
    pub of_span: Vec<usize>,
}

/// Gives every span a lane: its thread's or worker's, or for [`Lane::Slot`] the lowest slot of
/// its kind that is free when it starts (a span that starts as another ends may reuse its slot).
pub fn assign_lanes(spans: &[Span]) -> Lanes {
    #[derive(Clone, Copy, PartialEq, Eq, Hash)]
    enum Key {
        Thread(u32),
        Worker(u32),
        Process(u32),
        Slot(Kind, usize),
    }
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| (spans[i].start, spans[i].end));

    // Per kind: busy slots by end time, and free slot numbers.
    let mut busy: HashMap<Kind, BinaryHeap<Reverse<(Duration, usize)>>> = HashMap::new();
    let mut free: HashMap<Kind, BTreeSet<usize>> = HashMap::new();
    let mut slots: HashMap<Kind, usize> = HashMap::new();
    let mut keys: Vec<Key> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut of_span = vec![0; spans.len()];
    for i in order {
        let s = &spans[i];
        let key = match s.lane {
            Lane::Thread(n) => Key::Thread(n),
            Lane::Worker(n) => Key::Worker(n),
            Lane::Process(pid) => Key::Process(pid),
            Lane::Slot => {
                let busy = busy.entry(s.kind).or_default();
                let free = free.entry(s.kind).or_default();
                while let Some(&Reverse((end, slot))) = busy.peek() {
                    if end > s.start {
                        break;
                    }
                    busy.pop();
                    free.insert(slot);
                }
                let slot = match free.pop_first() {
                    Some(slot) => slot,
                    None => {
                        let n = slots.entry(s.kind).or_default();
                        *n += 1;
                        *n - 1
                    }
                };
                busy.push(Reverse((s.end, slot)));
                Key::Slot(s.kind, slot)
            }
        };
        let next = keys.len();
        let lane = *index.entry(key).or_insert(next);
        if lane == next {
            keys.push(key);
        }
        of_span[i] = lane;
    }

    let (mut threads, mut kinds_seen) = (0, HashMap::new());
    let names = keys
        .iter()
        .map(|key| match key {
            Key::Thread(_) => {
                threads += 1;
                format!("thread {threads}")
            }
            Key::Worker(n) => format!("worker {}", n + 1),
            Key::Process(pid) => format!("pid {pid}"),
            Key::Slot(kind, _) => {
                let n = kinds_seen.entry(*kind).or_insert(0);
                *n += 1;
                format!("{} {n}", kind.name())
            }
        })
        .collect();
    Lanes { names, of_span }
}

/// The most spans in flight at once (a span that starts as another ends does not overlap it).
pub fn peak_in_flight(spans: &[Span]) -> usize {
    let mut events: Vec<(Duration, i32)> = spans
        .iter()
        .flat_map(|s| [(s.start, 1), (s.end, -1)])
        .collect();
    events.sort(); // at equal times, ends (-1) come first
    let (mut now, mut peak) = (0i32, 0i32);
    for (_, delta) in events {
        now += delta;
        peak = peak.max(now);
    }
    peak as usize
}

/// The width to draw in: the terminal's, or 80 columns when stdout is not a terminal.
pub fn width() -> usize {
    if std::io::stdout().is_terminal() {
        console::Term::stdout()
            .size_checked()
            .map_or(80, |(_rows, columns)| usize::from(columns))
            .clamp(40, 240)
    } else {
        80
    }
}

/// Colours only on a terminal, and never under `NO_COLOR` (<https://no-color.org>).
pub fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Draws one row's spans over `total` (the row's wall time, stretched to the last span's end),
/// in `width` columns. At most [`MAX_LANES`] + 4 lines, however many spans.
pub fn render(title: &str, spans: &[Span], total: Duration, width: usize, color: bool) -> String {
    let lanes = assign_lanes(spans);
    let total = spans
        .iter()
        .map(|s| s.end)
        .max()
        .unwrap_or_default()
        .max(total)
        .max(Duration::from_micros(1));
    let mut out = format!(
        "  {title}: {} spans on {} lane{}\n",
        spans.len(),
        lanes.names.len(),
        if lanes.names.len() == 1 { "" } else { "s" }
    );
    if spans.is_empty() {
        return out;
    }
    let label_w = lanes
        .names
        .iter()
        .take(MAX_LANES)
        .map(|n| n.chars().count())
        .chain([11]) // "download 12": rows of one table line up
        .max()
        .unwrap_or(11);
    // "    label │cells│ peak 999": the last column holds a lane's count of spans, or the peak.
    let tail_w = format!("peak {}", spans.len()).len();
    let cells = width.saturating_sub(4 + label_w + 4 + tail_w).max(10);
    let dt = total.as_secs_f64() / cells as f64;
    let cell_range = |s: &Span| {
        let c0 = ((s.start.as_secs_f64() / dt) as usize).min(cells - 1);
        let c1 = ((s.end.as_secs_f64() / dt).ceil() as usize).clamp(c0 + 1, cells);
        c0..c1
    };

    // Per drawn lane and cell: how long each kind covered it.
    let drawn = lanes.names.len().min(MAX_LANES);
    let mut cover = vec![vec![[0f64; Kind::ALL.len()]; cells]; drawn];
    let mut count = vec![0usize; lanes.names.len()];
    // Where a span follows another in its lane without a gap, its first cell shows the seam.
    let mut seams = vec![vec![false; cells]; drawn];
    let mut last_cell = vec![None::<usize>; drawn];
    for (s, &lane) in spans.iter().zip(&lanes.of_span) {
        count[lane] += 1;
        if lane >= drawn {
            continue;
        }
        let (a, b) = (s.start.as_secs_f64(), s.end.as_secs_f64());
        let range = cell_range(s);
        if last_cell[lane].is_some_and(|last| last + 1 >= range.start) && range.len() >= 3 {
            seams[lane][range.start] = true;
        }
        last_cell[lane] = Some(last_cell[lane].map_or(range.end - 1, |c| c.max(range.end - 1)));
        for c in range {
            let (c0, c1) = (c as f64 * dt, (c + 1) as f64 * dt);
            let overlap = (b.min(c1) - a.max(c0)).max(dt * 1e-3); // a short span still shows
            cover[lane][c][s.kind_index()] += overlap;
        }
    }
    let paint = |kind: Option<Kind>, text: &str| match kind {
        Some(k) if color => format!("{}{text}\x1b[0m", k.color()),
        _ => text.to_string(),
    };
    for (lane, row) in cover.iter().enumerate() {
        let mut line = String::new();
        let mut run: (Option<Kind>, String) = (None, String::new());
        for (c, cell) in row.iter().enumerate() {
            let kind = Kind::ALL
                .iter()
                .zip(cell)
                .filter(|(_, t)| **t > 0.0)
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(k, _)| *k);
            if kind != run.0 {
                line.push_str(&paint(run.0, &run.1));
                run = (kind, String::new());
            }
            let glyph = match kind {
                Some(_) if seams[lane][c] => SEAM,
                Some(k) => k.glyph(),
                None => ' ',
            };
            run.1.push(glyph);
        }
        line.push_str(&paint(run.0, &run.1));
        out.push_str(&format!(
            "    {:>label_w$} │{line}│ {}\n",
            lanes.names[lane], count[lane]
        ));
    }
    if lanes.names.len() > drawn {
        let more = lanes.names.len() - drawn;
        let spans_more: usize = count[drawn..].iter().sum();
        out.push_str(&format!(
            "    {:>label_w$}  +{more} more lane{} ({spans_more} spans)\n",
            "",
            if more == 1 { "" } else { "s" }
        ));
    }

    // How many spans were in flight: the most at any moment of each cell.
    let mut events: Vec<(Duration, i32)> = spans
        .iter()
        .flat_map(|s| [(s.start, 1), (s.end, -1)])
        .collect();
    events.sort();
    let mut most = vec![0i32; cells];
    let (mut now, mut e) = (0i32, 0);
    for (c, slot) in most.iter_mut().enumerate() {
        let c_end = Duration::from_secs_f64((c + 1) as f64 * dt);
        let mut m = now;
        while e < events.len() && (events[e].0 < c_end || c + 1 == cells) {
            now += events[e].1;
            m = m.max(now);
            e += 1;
        }
        *slot = m;
    }
    let peak = most.iter().copied().max().unwrap_or(0).max(1);
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let plot: String = most
        .iter()
        .map(|&m| match m {
            0 => ' ',
            m => LEVELS[((m as usize * 8).div_ceil(peak as usize)).clamp(1, 8) - 1],
        })
        .collect();
    out.push_str(&format!(
        "    {:>label_w$} │{plot}│ peak {peak}\n",
        "in flight"
    ));
    let end = fmt_duration(total);
    out.push_str(&format!(
        "    {:>label_w$}  0{}{end}\n",
        "",
        " ".repeat(cells.saturating_sub(end.chars().count()))
    ));
    out
}

/// The one-line legend for the kinds these spans use.
pub fn legend<'a>(spans: impl IntoIterator<Item = &'a Span>, color: bool) -> String {
    let mut used = [false; Kind::ALL.len()];
    for s in spans {
        used[s.kind_index()] = true;
    }
    let keys: Vec<String> = Kind::ALL
        .iter()
        .zip(used)
        .filter(|(_, u)| *u)
        .map(|(k, _)| {
            let glyph = k.glyph().to_string();
            let glyph = if color {
                format!("{}{glyph}\x1b[0m", k.color())
            } else {
                glyph
            };
            format!("{glyph} {}", k.name())
        })
        .collect();
    format!(
        "  timeline: {}  {SEAM} next one starts; each row on its own time scale\n",
        keys.join("  ")
    )
}

/// A span as a JSON object, with its lane resolved: `{"lane": "request 2", "kind": "request",
/// "label": "GET", "id": 7, "start_us": 12, "end_us": 50210}`.
pub fn spans_json(spans: &[Span]) -> Value {
    let lanes = assign_lanes(spans);
    Value::Array(
        spans
            .iter()
            .zip(&lanes.of_span)
            .map(|(s, &lane)| {
                json!({
                    "lane": lanes.names[lane],
                    "kind": s.kind.name(),
                    "label": s.label,
                    "id": s.id,
                    "start_us": s.start.as_micros() as u64,
                    "end_us": s.end.as_micros() as u64,
                })
            })
            .collect(),
    )
}

/// One row's spans in Chrome's trace event format: the row is process `pid` (named `process`),
/// each lane a thread, each span a complete event (`"ph": "X"`) with `ts` and `dur` in µs.
pub fn trace_events(pid: u64, process: &str, spans: &[Span]) -> Vec<Value> {
    let lanes = assign_lanes(spans);
    let mut events = vec![
        json!({"ph": "M", "name": "process_name", "pid": pid, "tid": 0, "args": {"name": process}}),
        json!({"ph": "M", "name": "process_sort_index", "pid": pid, "tid": 0, "args": {"sort_index": pid}}),
    ];
    for (tid, name) in lanes.names.iter().enumerate() {
        events.push(json!({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid + 1, "args": {"name": name}}));
        events.push(json!({"ph": "M", "name": "thread_sort_index", "pid": pid, "tid": tid + 1, "args": {"sort_index": tid + 1}}));
    }
    for (s, &lane) in spans.iter().zip(&lanes.of_span) {
        events.push(json!({
            "ph": "X",
            "name": s.label,
            "cat": s.kind.name(),
            "pid": pid,
            "tid": lane + 1,
            "ts": s.start.as_nanos() as f64 / 1e3,
            "dur": s.duration().as_nanos() as f64 / 1e3,
            "args": {"id": s.id},
        }));
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lane: Lane, kind: Kind, start_ms: u64, end_ms: u64) -> Span {
        Span {
            lane,
            kind,
            label: "x",
            id: 0,
            start: Duration::from_millis(start_ms),
            end: Duration::from_millis(end_ms),
        }
    }

    #[test]
    fn slots_are_as_many_as_the_peak_and_threads_keep_their_own() {
        // A staircase reuses one slot; overlapping spans need one slot each.
        let stairs: Vec<Span> = (0..5)
            .map(|i| at(Lane::Slot, Kind::Request, i * 10, i * 10 + 10))
            .collect();
        assert_eq!(assign_lanes(&stairs).names, ["request 1"]);
        let waves: Vec<Span> = (0..12)
            .map(|i| at(Lane::Slot, Kind::Request, (i / 4) * 10, (i / 4) * 10 + 10))
            .collect();
        assert_eq!(assign_lanes(&waves).names.len(), 4);
        assert_eq!(peak_in_flight(&waves), 4);
        let threads = [
            at(Lane::Thread(7), Kind::Work, 0, 5),
            at(Lane::Thread(3), Kind::Work, 1, 2),
            at(Lane::Thread(7), Kind::Work, 6, 9),
            at(Lane::Slot, Kind::Download, 0, 9),
        ];
        let lanes = assign_lanes(&threads);
        assert_eq!(lanes.names, ["thread 1", "download 1", "thread 2"]);
        assert_eq!(lanes.of_span, [0, 2, 0, 1]);
    }

    #[test]
    fn a_row_of_ten_thousand_spans_draws_in_bounded_width_and_height() {
        let spans: Vec<Span> = (0..10_000)
            .map(|i| at(Lane::Slot, Kind::Request, i % 97, i % 97 + 200))
            .collect();
        let text = render("c10k", &spans, Duration::from_millis(300), 80, false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() <= MAX_LANES + 4, "{} lines", lines.len());
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{text}");
        assert!(text.contains("more lanes"), "{text}");
        assert!(
            text.contains(&format!("peak {}", peak_in_flight(&spans))),
            "{text}"
        );
    }

    #[test]
    fn lanes_draw_blocks_while_their_spans_run() {
        let spans = [
            at(Lane::Slot, Kind::Download, 0, 50),
            at(Lane::Slot, Kind::Upload, 50, 100),
        ];
        let text = render("row", &spans, Duration::from_millis(100), 60, false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("2 spans on 2 lanes"), "{text}");
        let cells = |l: &str| l.split('│').nth(1).unwrap().to_string();
        let down = cells(lines[1]);
        let up = cells(lines[2]);
        let half = down.chars().count() / 2;
        assert!(down.chars().take(half - 1).all(|c| c == '▓'), "{text}");
        assert!(down.chars().skip(half + 1).all(|c| c == ' '), "{text}");
        assert!(up.chars().skip(half + 1).all(|c| c == '▒'), "{text}");
        assert!(!text.contains('\x1b'));
        assert!(legend(&spans, false).contains("▓ download  ▒ upload"));
    }

    #[test]
    fn trace_events_are_complete_events_in_microseconds() {
        let spans = [
            at(Lane::Slot, Kind::Request, 0, 5),
            at(Lane::Slot, Kind::Request, 1, 3),
        ];
        let events = trace_events(3, "demo: row", &spans);
        let complete: Vec<&Value> = events.iter().filter(|e| e["ph"] == "X").collect();
        assert_eq!(complete.len(), 2);
        assert_eq!(complete[0]["dur"], 5000.0);
        assert_eq!(complete[1]["ts"], 1000.0);
        assert_eq!(complete[1]["tid"], 2);
        assert!(complete.iter().all(|e| e["pid"] == 3));
    }
}
