//! `cargo xtask bench`: not yet measured.

pub(crate) fn run(_args: &[String]) -> Result<(), String> {
    Err("the benchmark is not built yet".into())
}
