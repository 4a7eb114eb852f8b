//! The lessons: one idea per file, each compiling on its own with std and crossbeam-channel.
pub mod bank;
pub mod bank_locks;
pub mod channels;
pub mod condvar;
pub mod deadlock;
pub mod primitives;
pub mod rwlock;
pub mod semaphore;
pub mod send_sync;
pub mod spinlock;
pub mod starvation;
pub mod sync;
