//! `cargo xtask bench`: builds the benchmark in release and runs it: the calls, the decode
//! rows, then the simulator's requests per second.

use crate::run;

pub(crate) fn run_bench(args: &[String]) -> Result<(), String> {
    run("build bench", "cargo", &["build", "--release", "--package", "ordercloud-bench"], &[])?;
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_owned());
    let binary = format!("{target}/release/ordercloud-bench");
    let quick: Vec<&str> = args.iter().map(String::as_str).filter(|arg| *arg == "--quick").collect();
    run("bench", &binary, &quick, &[])?;
    // The decode rows: instructions per page under callgrind where valgrind is present.
    run("bench decode", &binary, &["decode"], &[])?;
    // The simulator answering a product GET over 8 connections.
    let mut simulator = vec!["simulator"];
    simulator.extend(&quick);
    run("bench simulator", &binary, &simulator, &[])
}
