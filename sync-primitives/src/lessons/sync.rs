//! # The loom shim: what makes the hand-built primitives checkable
//!
//! Python: no equivalent; a lock written in Python is tested by running it and hoping the
//! scheduler picks a bad interleaving.
//!
//! Rust: [loom](https://docs.rs/loom) runs a test body under every interleaving of its threads
//! that the memory model allows, which only works if every atomic, lock and cell the code touches
//! is loom's. So [`SpinLock`], [`Semaphore`] and [`RwLock`] import them from this file instead of
//! from `std`: `std`'s in every normal build, loom's checked copies under the crate feature
//! `loom`. It is not a lesson of its own: copy it beside those three (with a `loom` feature and
//! an optional `loom` dependency in your manifest, or delete the loom half). loom's types panic
//! outside `loom::model`, so the tour must be run without the feature.
//!
//! Run: `cargo test -p sync-primitives --release --features loom --test loom`
//!
//! Look for: each real primitive passing, and each deliberately broken variant caught.
//!
//! [`SpinLock`]: crate::lessons::spinlock::SpinLock
//! [`Semaphore`]: crate::lessons::semaphore::Semaphore
//! [`RwLock`]: crate::lessons::rwlock::RwLock

#[cfg(feature = "loom")]
pub use loom::{
    cell::UnsafeCell,
    hint::spin_loop,
    sync::atomic::{AtomicBool, AtomicUsize},
    sync::{Condvar, Mutex, MutexGuard},
};

#[cfg(not(feature = "loom"))]
pub use std::{
    hint::spin_loop,
    sync::atomic::{AtomicBool, AtomicUsize},
    sync::{Condvar, Mutex, MutexGuard},
};

/// `std::cell::UnsafeCell` with the closure-based access of loom's `UnsafeCell`, so one piece
/// of code compiles against either.
#[cfg(not(feature = "loom"))]
#[derive(Debug)]
pub struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(feature = "loom"))]
impl<T> UnsafeCell<T> {
    pub const fn new(value: T) -> Self {
        Self(std::cell::UnsafeCell::new(value))
    }

    /// Calls `f` with a mutable raw pointer to the value; the caller dereferences it.
    pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}
