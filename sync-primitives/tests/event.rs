//! The `Event` of the primitives demo: Python's `threading.Event` as `Mutex<bool>` + `Condvar`.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use sync_primitives::lessons::condvar::{self, Event};

#[test]
fn one_set_wakes_every_waiter() {
    // Run in a thread with a deadline, so an Event that loses a wake-up fails instead of hanging.
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(condvar::event_wakes_every_waiter(6)));
    let (early, woken) = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("a waiter was never woken");
    assert!(!early, "wait_timeout returned true before set");
    assert_eq!(woken, 6);
}

#[test]
fn the_flag_stays_set_until_cleared() {
    let event = Event::default();
    assert!(!event.is_set());
    assert!(!event.wait_timeout(Duration::from_millis(10)));
    event.set();
    event.wait(); // returns at once: the flag is set
    assert!(event.is_set() && event.wait_timeout(Duration::ZERO));
    event.clear();
    assert!(!event.is_set() && !event.wait_timeout(Duration::from_millis(10)));
}
