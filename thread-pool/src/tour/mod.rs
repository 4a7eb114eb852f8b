//! The tours: each demo's measured run, with the fake server, the table and the checks of what
//! its lesson claims.

pub mod errors;
pub mod flags;
pub mod handmade;
pub mod race;
pub mod rayon_pools;
pub mod sweep;
