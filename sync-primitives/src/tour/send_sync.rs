//! The tour of [`crate::lessons::send_sync`].

use anyhow::ensure;
use common::{CommonArgs, say};

use crate::lessons::send_sync::{arc_across_threads, checked_at_compile_time, rc_on_one_thread};

pub fn run(args: &CommonArgs) -> anyhow::Result<()> {
    checked_at_compile_time();
    say!("compile-time: Arc<Mutex<T>> is Send + Sync; RefCell is Send but not Sync");
    say!("compile-time: Rc is neither (see the compile_fail doctests in send_sync.rs)");

    let (local, count) = rc_on_one_thread();
    say!("Rc<RefCell<_>> on one thread: {local:?}, count {count}");

    let threads = args.workers_or(8);
    let (count, refs) = arc_across_threads(threads)?;
    say!("Arc<AtomicU64> shared by {threads} threads: count {count}, {refs} reference left");
    ensure!(
        count == threads as u64 && refs == 1,
        "count {count}, refs {refs}"
    );
    Ok(())
}
