//! Moves a catalog from one marketplace to another: every product of the catalog exported to
//! a JSON-lines file, then imported into the other marketplace, with a progress line on
//! stderr. Both marketplaces are simulators started in process; the first holds 3,200
//! products in the catalog (32 pages of 100: past page 30 the export goes on by Last ID).
//!
//! ```text
//! cargo run --example move_catalog [-- PRODUCTS]
//! ```

use std::fs::File;
use std::io::{BufReader, BufWriter, IsTerminal, Write};

use ordercloud_examples::catalog_move::{CATALOG, back_office, count, export, import, marketplaces};
use ordercloud_examples::run_example;

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    let products = match std::env::args().nth(1) {
        Some(count) => count.parse().map_err(|_| format!("{count:?} is not a number of products"))?,
        None => 3_200,
    };
    let (first, second) = marketplaces(products).await?;
    let (from, to) = (back_office(&first)?, back_office(&second)?);
    let path = std::env::temp_dir().join(format!("{CATALOG}-{}.jsonl", std::process::id()));
    let progress = Progress::new();

    let file = File::create(&path).map_err(|error| format!("{}: {error}", path.display()))?;
    let exported = export(&from, CATALOG, BufWriter::new(file), |written, total| {
        progress.show(written, || format!("exporting {CATALOG}: {written} of {total} products"));
    })
    .await?;
    progress.done();
    println!("exported {exported} products of {CATALOG}, one JSON object a line");

    let file = File::open(&path).map_err(|error| format!("{}: {error}", path.display()))?;
    let report = import(&to, CATALOG, BufReader::new(file), |step| {
        let done = step.done + step.failed;
        progress.show(done, || {
            format!("importing: {} saved, {} failed, {} to go", step.done, step.failed, exported - done)
        });
    })
    .await?;
    progress.done();
    let _ = std::fs::remove_file(&path);
    println!("imported {} products into the other marketplace, {} failed", report.succeeded.len(), report.failed.len());
    for failure in report.failed.iter().take(5) {
        println!("  line {}: {}", failure.index + 1, failure.error);
    }
    let (before, after) = (count(&from, CATALOG).await?, count(&to, CATALOG).await?);
    println!("{CATALOG}: {before} products in the first marketplace, {after} in the other");
    match report.failed.is_empty() && before == after {
        true => Ok(()),
        false => Err("the catalog was not moved whole".to_owned()),
    }
}

/// A progress line on stderr, rewritten in place on a terminal, every hundredth step
/// elsewhere.
struct Progress {
    terminal: bool,
}

impl Progress {
    fn new() -> Self {
        Self { terminal: std::io::stderr().is_terminal() }
    }

    fn show(&self, step: usize, line: impl FnOnce() -> String) {
        if step % 100 == 0 {
            let mut stderr = std::io::stderr().lock();
            let _ = match self.terminal {
                true => write!(stderr, "\r{}\x1b[K", line()),
                false => writeln!(stderr, "{}", line()),
            };
        }
    }

    fn done(&self) {
        if self.terminal {
            eprintln!();
        }
    }
}
