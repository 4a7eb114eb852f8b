//! Where the hand-built primitives take their atomics, locks and cells from: `std` in every
//! normal build, [loom](https://docs.rs/loom)'s checked copies under the crate feature `loom`.
//!
//! loom runs a test body under every interleaving of its threads that the memory model allows,
//! which only works if every atomic and cell the code touches is loom's. So [`SpinLock`],
//! [`Semaphore`] and [`RwLock`] import from here instead of from `std`.
//!
//! The `loom` feature is for `cargo test -p sync-primitives --release --features loom --test loom`
//! only: loom's types panic outside `loom::model`, so the tour must be run without it.
//!
//! [`SpinLock`]: crate::spinlock::SpinLock
//! [`Semaphore`]: crate::semaphore::Semaphore
//! [`RwLock`]: crate::rwlock::RwLock

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
