//! The workshop's tooling, kept apart from the lessons and from `common`'s timing and fake server.
//!
//! - [`guard`]: the limit every crate's `tests/exercises.rs` runs its test bodies under, so that
//!   no exercise test can hang.
//! - [`logic`]: what `cargo workshop` knows (where the exercises are, how to run them, how to read
//!   cargo's output into exercises solved); the command itself is this crate's binary.

pub mod guard;
pub mod logic;
