//! Instruction counts from callgrind, where valgrind is present: a measure the machine's
//! load does not move.

use std::process::Command;

/// Whether valgrind can be run.
pub(crate) fn present() -> bool {
    Command::new("valgrind").arg("--version").output().is_ok_and(|out| out.status.success())
}

/// A command that runs this program under callgrind, its profile thrown away; the count is
/// in what valgrind writes to stderr ([`collected`]).
pub(crate) fn command() -> Result<Command, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = Command::new("valgrind");
    command.args(["--tool=callgrind", "--callgrind-out-file=/dev/null"]).arg(exe);
    Ok(command)
}

/// The instructions callgrind counted in all, from what it wrote to stderr.
pub(crate) fn collected(stderr: &str) -> Result<f64, String> {
    stderr
        .lines()
        .find_map(|line| line.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse::<f64>().ok())
        .ok_or_else(|| format!("callgrind printed no instruction count: {stderr}"))
}
