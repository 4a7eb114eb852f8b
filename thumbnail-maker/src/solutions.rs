//! Solutions to the exercises in `exercises.rs` (being written).
