//! placeholder
use std::path::Path;
#[derive(Debug)]
pub enum Crash {
    Panic,
    Abort,
}
pub fn run(_args: &common::CommonArgs, _exe: &Path) -> anyhow::Result<()> {
    Ok(())
}
pub fn thread_pool_child(_args: &common::CommonArgs, _c: Crash) -> anyhow::Result<()> {
    Ok(())
}
