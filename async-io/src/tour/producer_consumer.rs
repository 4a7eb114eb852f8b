//! The producer/consumer tour: a fast and a slow consumer over the same queue; with `--python`,
//! the twin's `asyncio.Queue(maxsize=4)` rows (`python/producer_consumer.py`) in the same table.

use std::time::{Duration, Instant};

use common::python::PREFIX;
use common::{CommonArgs, Row, Table, say};

use crate::lessons::producer_consumer::pipeline;
use crate::tour::twin;

#[tokio::main]
pub async fn run(args: &CommonArgs) -> anyhow::Result<()> {
    let items_each = args.count_or(12, 8);
    let capacity = 4;
    let every = Duration::from_millis(args.pick(10, 2));
    let ms = |n: u64| Duration::from_millis(args.pick(n, n / 5));
    say!(
        "producers A and B make {items_each} items each, one every {} ms; queue of {capacity}",
        every.as_millis()
    );

    // The consumers differ, so no speedup: the lesson is how often the producers had to wait.
    let mut table = Table::new("producer-consumer", args)
        .different_work()
        .bar_on("producer waits");
    for (label, consume) in [("fast consumer", ms(5)), ("slow consumer", ms(20))] {
        let watch = Instant::now();
        let report = pipeline(items_each, capacity, every, consume).await?;
        let wall = watch.elapsed();
        let lengths: Vec<String> = report.queue_lengths.iter().map(|n| n.to_string()).collect();
        say!(
            "  {label}: items waiting after each take: {}",
            lengths.join(" ")
        );

        let variant = format!("{label} ({} ms/item)", consume.as_millis());
        let max_queue = report.queue_lengths.iter().copied().max().unwrap_or(0);
        let row = Row::new(variant, report.consumed.len(), wall)
            .extra("producer waits", report.producer_waits as u64)
            .extra("max queue", max_queue as u64)
            .extra("max age ms", report.max_age.as_millis() as u64);
        table.push(row);

        // What was claimed: every item exactly once, in order per producer, and the queue
        // never longer than its capacity.
        for producer in ["A", "B"] {
            let seqs: Vec<usize> = report
                .consumed
                .iter()
                .filter(|(p, _)| *p == producer)
                .map(|(_, seq)| *seq)
                .collect();
            anyhow::ensure!(
                seqs == (0..items_each).collect::<Vec<_>>(),
                "producer {producer}'s items arrived as {seqs:?}"
            );
        }
        anyhow::ensure!(max_queue <= capacity, "the queue outgrew its capacity");
    }
    // With --python: the twin's asyncio.Queue(maxsize=4) with the same producers and consumers.
    let extra = common::python::sizes(args, Some(items_each), None);
    for row in twin::rows(args, "producer_consumer.py", extra).await? {
        table.push(row);
    }
    table.print();
    if let Some(line) = against_python(&table, capacity) {
        say!("{line}");
    }
    Ok(())
}

/// The one sentence under the table when the twin's rows are there: how often each language's
/// producers waited on the full queue, fast consumer then slow, and the longest queue seen.
fn against_python(table: &Table, capacity: usize) -> Option<String> {
    let rows = table.rows();
    let (python, rust): (Vec<&Row>, Vec<&Row>) =
        rows.iter().partition(|r| r.variant.starts_with(PREFIX));
    let cell = |r: &&Row, key: &str| r.extra.get(key).and_then(|v| v.as_u64());
    let waits = |rows: &[&Row]| -> Option<String> {
        let each: Option<Vec<String>> = rows
            .iter()
            .map(|r| cell(r, "producer waits").map(|n| n.to_string()))
            .collect();
        Some(each?.join(" then "))
    };
    let longest = rows.iter().filter_map(|r| cell(&r, "max queue")).max()?;
    if python.is_empty() {
        return None;
    }
    Some(format!(
        "Producer waits on a full queue, fast consumer then slow: Rust {}, CPython {}; no queue \
         held more than {longest} of its {capacity}",
        waits(&rust)?,
        waits(&python)?,
    ))
}
