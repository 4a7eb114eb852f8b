//! todo
pub fn run(_a: &common::CommonArgs) -> anyhow::Result<()> {
    Ok(())
}
