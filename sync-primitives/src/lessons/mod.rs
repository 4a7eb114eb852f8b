//! The lessons: one idea per file, each compiling on its own with std and crossbeam-channel.
pub mod bank;
pub mod bank_locks;
pub mod channels;
pub mod condvar;
pub mod deadlock;
pub mod mutex;
pub mod owned_bank;
pub mod poison_pill;
pub mod primitives;
pub mod rwlock;
pub mod semaphore;
pub mod send_sync;
pub mod spinlock;
pub mod starvation;
pub mod sync;
