//! The answer key itself (`solutions.rs`, what attendees compare their code with) on its error
//! paths: whatever goes wrong, no child it started is left running or unreaped.

#![cfg(unix)]

use std::path::Path;
use std::time::Duration;

use multiprocess::solutions::map_in_processes;

mod support;
use support::{is_alive, pids_written, script, within};

#[test]
fn map_in_processes_reaps_every_worker_when_one_is_not_a_worker() {
    // Each "worker" prints a line that is not a message, then would sleep for ten minutes.
    let (liar, pids) = script("liar", "echo hello\nexec sleep 600");
    let numbers: Vec<u64> = (0..40).collect();
    let err = within(Duration::from_secs(60), move || {
        map_in_processes(&liar, &numbers, 2).unwrap_err()
    });
    // The first worker wrote its pid before its line; the second may have been killed before
    // it got that far. Either way, every worker has been killed and waited for by now.
    let pids = pids_written(&pids, 1);
    assert!(!pids.is_empty(), "{err:#}");
    for pid in pids {
        assert!(!is_alive(pid), "worker {pid} left behind after: {err:#}");
    }
}

#[test]
fn map_in_processes_reports_a_write_that_failed() {
    // The "worker" exits at once without reading: the jobs written to it meet a broken pipe.
    let (quitter, _) = script("quitter-4", "exit 0");
    let numbers: Vec<u64> = (0..5_000).collect();
    let err = within(Duration::from_secs(60), move || {
        map_in_processes(Path::new(&quitter), &numbers, 1).unwrap_err()
    });
    assert!(format!("{err:#}").contains("Broken pipe"), "{err:#}");
}
