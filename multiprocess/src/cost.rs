//! placeholder
use std::path::Path;
pub fn run(_args: &common::CommonArgs, _exe: &Path) -> anyhow::Result<()> {
    Ok(())
}
