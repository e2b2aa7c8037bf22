//! Measures `PasswordResetApi::send_verification_code` against the raw hyper-util client
//! sending the same request bytes, both against one loopback server answering 204 with
//! keep-alive (a child process, so the numbers are the client's alone). Two more rows send
//! the same call with a token: from a plain client with a fixed token, and through an
//! `ordercloud-auth` `Session` holding a valid token, so the session's own cost per call is
//! the difference between those two.
//!
//! The list rows fetch a fixed page of 100 generated `Product`s (every field set, nested
//! `Inventory`, `xp`, the `Meta` with facets) from the same server: raw hyper-util decoding
//! the body with serde_json into `ListPageWithFacets<Product>`, the runtime by hand
//! (`request(GET, "/products").send_json`), and the generated `ProductsApi::list`, all
//! answering that same struct.
//!
//! The walk rows fetch every product of a catalog of 10,000 from the same server, which
//! answers those pages after 40 ms: `ProductsApi::list().pages().all_items()` one page at a
//! time and with the default concurrency, against the ideal (pages / concurrency x latency).
//!
//! `ordercloud-bench [--quick]` prints a markdown table: calls per second (median of the
//! rounds, the rounds of a group of rows alternating), the ratio to the group's raw row,
//! p50/p99 latency, client CPU per call, TCP connections opened, and peak memory after 10k
//! and 100k SDK calls.
//!
//! `ordercloud-bench sessions [N]` prints the resident memory per shopper's session, for N
//! sessions (10,000 by default) restored from snapshots.
//!
//! `ordercloud-bench simulator [--quick]` prints how many product GETs a second the
//! simulator answers over 8 connections.

mod callgrind;
mod decode;
mod measure;
mod server;
mod sessions;
mod simulator;
mod walk;

use std::process::{Command, ExitCode, Stdio};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("serve") => server::serve(),
        Some("memory") => measure::memory(&args[1..]),
        Some("sessions") => sessions::run(&args[1..]),
        Some("decode") => decode::run(),
        Some("decode-run") => decode::run_child(&args[1..]),
        Some("walk") => walk::only(args.iter().any(|arg| arg == "--quick")),
        Some("simulator") => simulator::run(args.iter().any(|arg| arg == "--quick")),
        Some("simulator-serve") => simulator::serve(),
        _ => measure::run(args.iter().any(|arg| arg == "--quick")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A serving child of this program (`serve`, `simulator-serve`): it prints its port, and
/// stops when our stdin closes ([`exit_when_stdin_closes`]).
pub(crate) struct ServerProcess {
    child: std::process::Child,
    pub(crate) port: u16,
}

impl ServerProcess {
    /// The loopback server (`serve`).
    pub(crate) fn start() -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        Self::spawn(Command::new(exe).arg("serve"), "the server")
    }

    /// Runs `command`, a serving subcommand of this program that `what` names in errors,
    /// and reads the port it prints.
    pub(crate) fn spawn(command: &mut Command, what: &str) -> Result<Self, String> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {what}: {e}"))?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or_else(|| format!("no stdout from {what}"))?;
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).map_err(|e| e.to_string())?;
        let port = line.trim().parse().map_err(|_| format!("{what} printed {line:?}, not a port"))?;
        Ok(Self { child, port })
    }

    /// Stops the child and returns what it wrote to stderr, when that was piped.
    pub(crate) fn stop(mut self) -> Result<String, String> {
        drop(self.child.stdin.take());
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            std::io::Read::read_to_string(&mut pipe, &mut stderr).map_err(|e| e.to_string())?;
        }
        let _ = self.child.wait();
        Ok(stderr)
    }
}

/// In a serving child: exits the process when the parent closes our stdin (or dies).
pub(crate) fn exit_when_stdin_closes() {
    std::thread::spawn(|| {
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
        std::process::exit(0);
    });
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}
