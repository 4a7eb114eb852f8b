//! Tests of the demos: the behaviour each one claims, checked without timing anything.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use sync_primitives::lessons::bank::{self, ACCOUNTS, OPENING_BALANCE, Transfer};
use sync_primitives::lessons::deadlock::{self, Attempt};
use sync_primitives::lessons::rwlock::{Prefer, RwLock};
use sync_primitives::lessons::semaphore::{self, Semaphore};
use sync_primitives::lessons::spinlock::{self, SpinLock};
use sync_primitives::lessons::{
    bank_locks, channels, condvar, mutex, owned_bank, poison_pill, primitives, send_sync,
    starvation,
};

mod support;
use support::sequential;

const TOTAL: i64 = ACCOUNTS as i64 * OPENING_BALANCE;

#[test]
fn the_plan_repeats_from_its_seed_and_never_moves_money_to_the_same_account() {
    let plan = bank::plan(ACCOUNTS, 5, 500, 7);
    assert_eq!(plan, bank::plan(ACCOUNTS, 5, 500, 7));
    assert_ne!(plan, bank::plan(ACCOUNTS, 5, 500, 8));
    assert!(plan.iter().all(|t| t.len() == 500));
    assert!(
        plan.iter()
            .flatten()
            .all(|t| t.from != t.to && t.amount > 0)
    );
}

#[test]
fn the_racy_bank_breaks_on_every_run() {
    // With only the forced first round, the result is exact: every thread read account 0 before
    // any wrote it, so only one withdrawal of 100 counts while all 5 deposits do.
    for _ in 0..20 {
        let plan = bank::plan(ACCOUNTS, 5, 1, 1);
        let racy = bank::racy(ACCOUNTS, &plan);
        assert_eq!(racy.total_after_first, TOTAL + 400);
        assert_eq!(racy.balances.iter().sum::<i64>(), TOTAL + 400);
    }
    // With the random transfers after it, the first round is still broken the same way.
    let plan = bank::plan(ACCOUNTS, 4, 2_000, 3);
    assert_eq!(bank::racy(ACCOUNTS, &plan).total_after_first, TOTAL + 300);
}

#[test]
fn the_locked_banks_end_exactly_where_sequential_transfers_do() {
    for (threads, seed) in [(1, 1), (5, 2), (8, 3)] {
        let plan = bank::plan(ACCOUNTS, threads, 3_000, seed);
        let expected = sequential(&plan);
        assert_eq!(expected.iter().sum::<i64>(), TOTAL);
        assert_eq!(bank_locks::global_lock(ACCOUNTS, &plan), expected);
        assert_eq!(bank_locks::per_account_locks(ACCOUNTS, &plan), Ok(expected));
    }
}

#[test]
fn a_transfer_to_the_same_account_is_refused_before_it_locks_anything() {
    let mut plan = bank::plan(ACCOUNTS, 3, 100, 4);
    plan[1][50] = Transfer {
        from: 2,
        to: 2,
        amount: 10,
    };
    // Locking account 2 twice would never return: run it where a hang fails the test instead.
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(bank_locks::per_account_locks(ACCOUNTS, &plan)));
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(result) => assert_eq!(result, Err(bank_locks::SameAccount(2))),
        Err(e) => panic!("the bank did not finish ({e}): it locked account 2 twice"),
    }
    let lone = [Mutex::new(5)];
    let refused = bank_locks::transfer(
        &lone,
        &Transfer {
            from: 0,
            to: 0,
            amount: 1,
        },
    );
    assert_eq!(
        refused.unwrap_err().to_string(),
        "a transfer from account 0 to account 0 was refused"
    );
    assert_eq!(*lone[0].lock().unwrap(), 5);
}

#[test]
fn opposite_lock_order_is_detected_as_a_deadlock_by_both_threads_within_the_bound() {
    let bound = Duration::from_millis(30);
    let attempts = deadlock::opposite_order(bound).unwrap();
    for attempt in attempts {
        match attempt {
            Attempt::Deadlock { waited } => assert!(waited >= bound),
            Attempt::Locked => panic!("a thread got both locks: {attempts:?}"),
        }
    }
}

#[test]
fn a_global_lock_order_completes_every_transfer() {
    assert_eq!(deadlock::global_order(20_000), (0, 80_000));
}

#[test]
fn the_semaphore_never_admits_more_than_its_permits() {
    for permits in [1, 2, 3] {
        let semaphore = Semaphore::new(permits);
        let (inside, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
        thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..200 {
                        let _permit = semaphore.acquire();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
        let peak = peak.into_inner();
        assert!(
            (1..=permits).contains(&peak),
            "{peak} inside, {permits} permits"
        );
    }
    let demo_peak = semaphore::semaphore_peak(6, 2, Duration::from_millis(2));
    assert!(
        demo_peak <= 2,
        "the demo's semaphore let {demo_peak} in at once"
    );
}

#[test]
fn a_permit_is_returned_when_its_holder_panics() {
    let semaphore = Semaphore::new(1);
    let crashed = thread::scope(|s| {
        s.spawn(|| {
            let _permit = semaphore.acquire();
            panic!("holder fails (on purpose)");
        })
        .join()
    });
    assert!(crashed.is_err());
    drop(semaphore.acquire()); // would wait forever if the permit had been lost
}

#[test]
fn the_rwlock_lets_readers_share_and_writers_exclude_under_both_policies() {
    for prefer in [Prefer::Readers, Prefer::Writers] {
        let lock = RwLock::new(prefer);
        let (readers, writers, seen_together) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        thread::scope(|s| {
            for i in 0..6 {
                let (lock, readers, writers, seen) = (&lock, &readers, &writers, &seen_together);
                s.spawn(move || {
                    for _ in 0..300 {
                        if i % 3 == 0 {
                            let _w = lock.write();
                            let w = writers.fetch_add(1, Ordering::SeqCst);
                            if w > 0 || readers.load(Ordering::SeqCst) > 0 {
                                seen.fetch_add(1, Ordering::SeqCst);
                            }
                            writers.fetch_sub(1, Ordering::SeqCst);
                        } else {
                            let _r = lock.read();
                            readers.fetch_add(1, Ordering::SeqCst);
                            if writers.load(Ordering::SeqCst) > 0 {
                                seen.fetch_add(1, Ordering::SeqCst);
                            }
                            readers.fetch_sub(1, Ordering::SeqCst);
                        }
                    }
                });
            }
        });
        assert_eq!(seen_together.into_inner(), 0, "{prefer:?}");
    }
}

/// A reader holds the lock, a writer waits for it, then a second reader asks: who goes first?
fn second_reader_or_writer(prefer: Prefer) -> Vec<&'static str> {
    let (lock, order) = (RwLock::new(prefer), Mutex::new(Vec::new()));
    let (lock, order_ref) = (&lock, &order);
    let first_reader = lock.read();
    thread::scope(|s| {
        s.spawn(move || {
            let _w = lock.write();
            order_ref.lock().unwrap().push("writer");
        });
        while lock.waiting_writers() == 0 {
            thread::yield_now();
        }
        let (tx, rx) = mpsc::channel();
        s.spawn(move || {
            let _r = lock.read();
            order_ref.lock().unwrap().push("second reader");
            let _ = tx.send(()); // nobody listens any more in the Writers case
        });
        if prefer == Prefer::Writers {
            // The writer is waiting, so the new reader must queue behind it.
            assert_eq!(
                rx.recv_timeout(Duration::from_millis(100)),
                Err(RecvTimeoutError::Timeout)
            );
        } else {
            // Readers first: the new reader gets in at once, while the writer still waits.
            rx.recv_timeout(Duration::from_secs(30)).unwrap();
        }
        drop(first_reader);
    });
    order.into_inner().unwrap()
}

#[test]
fn a_waiting_writer_goes_before_new_readers_only_when_writers_are_preferred() {
    assert_eq!(
        second_reader_or_writer(Prefer::Writers),
        ["writer", "second reader"]
    );
    assert_eq!(
        second_reader_or_writer(Prefer::Readers),
        ["second reader", "writer"]
    );
}

#[test]
fn a_waiting_writer_is_overtaken_by_many_reads_only_when_readers_are_preferred() {
    let (readers, hold, window) = (4, Duration::from_millis(2), Duration::from_millis(300));
    let run = |prefer| starvation::writer_behind_readers(prefer, readers, hold, window);
    let (writers_first, readers_first) = (run(Prefer::Writers), run(Prefer::Readers));
    let readers = readers as u64;
    for report in [&writers_first, &readers_first] {
        assert!(report.reads >= readers, "a reader never read: {report:?}");
        assert!(
            report.reads_while_writer_waited <= report.reads,
            "{report:?}"
        );
    }
    // Writers preferred: no read starts while the writer waits; only the reads already inside
    // when it asked (one per reader at most) can see it waiting.
    assert!(
        writers_first.reads_while_writer_waited <= readers,
        "readers got in ahead of a waiting writer: {writers_first:?}"
    );
    // Readers preferred: the writer waits until the readers stop, and every read in between
    // overtakes it: about window / hold per reader (150) on an idle machine; 4 is the floor.
    assert!(
        readers_first.reads_while_writer_waited > 4 * readers,
        "the writer was not starved behind the readers: {readers_first:?}"
    );
}

#[test]
fn the_spin_lock_and_the_mutex_count_every_increment() {
    assert_eq!(spinlock::spin_count(4, 5_000), 20_000);
    assert_eq!(spinlock::mutex_count(4, 5_000), 20_000);
    let lock = SpinLock::new(vec![1]);
    lock.lock(|v| v.push(2));
    assert_eq!(lock.lock(|v| v.clone()), [1, 2]);
}

#[test]
fn the_spin_lock_is_released_but_not_poisoned_when_the_critical_section_panics() {
    let lock = SpinLock::new((0, 0));
    let crashed = thread::scope(|s| {
        s.spawn(|| {
            lock.lock(|pair| {
                pair.0 = 1;
                panic!("on purpose, half-way through the update");
            })
        })
        .join()
    });
    assert!(crashed.is_err());
    // Would spin forever if still locked; no poison error either: the next holder simply sees
    // the half-done update, where std's Mutex would have answered `Err(PoisonError)`.
    assert_eq!(lock.lock(|pair| *pair), (1, 0));
}

#[test]
fn primitives_do_what_they_promise() {
    assert_eq!(mutex::mutex_counter(4, 1_000), 4_000);
    assert_eq!(mutex::poisoned_then_recovered(), (true, vec![1, 2]));
    let (items, peak) = condvar::bounded_buffer(2_000, 3);
    assert_eq!(items, (0..2_000).collect::<Vec<_>>());
    assert!((1..=3).contains(&peak));
    assert_eq!(primitives::barrier_phases(6), vec![6; 6]);
    assert_eq!(primitives::publish_with_release_acquire(), 42);
    let (runs, values) = primitives::once_lock(8);
    assert_eq!(runs, 1);
    assert!(values.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn channels_deliver_everything_and_bounded_queues_stay_bounded() {
    assert_eq!(channels::mpsc_sum(3, 100), 3 * 5_050);
    let (got, peak) = channels::backlog(100, Some(4), Duration::from_micros(200));
    assert_eq!(got, (0..100).collect::<Vec<_>>());
    assert!(peak <= 4);
    let (got, _) = channels::backlog(100, None, Duration::ZERO);
    assert_eq!(got.len(), 100);
    let (arrived, late) =
        channels::first_before_deadline(4, Duration::from_millis(200), Duration::from_millis(100));
    // Jobs take 0, 400, 800 and 1200 ms; the deadline is 100 ms: only the first can make it.
    assert_eq!(arrived.len() + late as usize, 4);
    assert!(late >= 3, "arrived {arrived:?}");
}

#[test]
fn the_bank_owned_by_one_thread_needs_no_lock() {
    let plan = bank::plan(ACCOUNTS, 5, 2_000, 9);
    assert_eq!(
        owned_bank::owned_bank(ACCOUNTS, &plan).unwrap(),
        sequential(&plan)
    );
}

#[test]
fn every_worker_stops_on_its_own_pill_after_every_job() {
    let (sum, pills) = poison_pill::poison_pill(5, 1_000).unwrap();
    assert_eq!(sum, (1..=1_000u64).map(|n| n * n).sum::<u64>());
    assert_eq!(pills, 5);
}

#[test]
fn an_arc_is_shared_by_threads_and_released_by_all_of_them() {
    assert_eq!(send_sync::arc_across_threads(6).unwrap(), (6, 1));
}
