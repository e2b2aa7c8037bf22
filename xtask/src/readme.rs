//! `cargo xtask readme`: the README's claims, checked against what the code does.
//!
//! - Each text block after a `<!-- output: EXAMPLE -->` line (in `README.md` and `docs/`) is
//!   what `cargo run --example EXAMPLE` prints. `<!-- output: EXAMPLE, simulator ARGS -->`
//!   runs it against the `ordercloud-simulator` program started with `ARGS`, its base URL
//!   in `ORDERCLOUD_BASE_URL`. Ports and the shown parts of secrets (`a866… (24
//!   characters)`) are masked on both sides; every other character must match.
//! - The quick start's `main.rs` block is `examples/quick_start.rs`, its doc comment aside.
//! - No Rust block is `ignore`d: `cargo test` compiles every one as a doc test of the
//!   examples' library.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// How long one example may run before the check gives up on it.
const EXAMPLE_TIMEOUT: Duration = Duration::from_secs(120);

/// The files whose marked blocks are checked.
const DOCUMENTS: &[&str] = &["README.md", "docs/guarantees.md", "docs/local-ordercloud.md", "docs/performance.md"];

/// Builds the examples and the simulator, then checks every claim; the error lists each
/// one that does not hold.
pub(crate) fn check() -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().ok_or("xtask has no parent directory")?.to_owned();
    crate::run(
        "readme: build",
        "cargo",
        &["build", "--package", "ordercloud-examples", "--examples", "--package", "ordercloud-simulator", "--bins"],
        &[],
    )?;
    let target = crate::target_directory()?.join("debug");
    let mut problems = Vec::new();
    let mut checked = 0;
    for document in DOCUMENTS {
        let text = std::fs::read_to_string(root.join(document)).map_err(|error| format!("{document}: {error}"))?;
        for block in marked_blocks(&text) {
            checked += 1;
            let run = run_example(&target, &block).and_then(|printed| compare(&block.expected, &printed));
            if let Err(problem) = run {
                problems.push(format!("{document}:{} ({}): {problem}", block.line, block.marker));
            }
        }
        if text.contains("```rust,ignore") {
            problems.push(format!("{document}: a Rust block is `ignore`d; make it compile (hidden lines allowed)"));
        }
    }
    let readme = std::fs::read_to_string(root.join("README.md")).map_err(|error| format!("README.md: {error}"))?;
    let quick_start = std::fs::read_to_string(root.join("examples/quick_start.rs"))
        .map_err(|error| format!("examples/quick_start.rs: {error}"))?;
    if !readme.contains(&format!("```rust,no_run\n{}```", without_doc_comment(&quick_start))) {
        problems.push("README.md: the quick start's main.rs is not examples/quick_start.rs".to_owned());
    }
    if checked == 0 {
        problems.push("no `<!-- output: ... -->` block found".to_owned());
    }
    if problems.is_empty() {
        eprintln!("readme: {checked} output blocks match what their examples print");
        Ok(())
    } else {
        Err(format!("the README does not match the code:\n  {}", problems.join("\n  ")))
    }
}

/// A text block whose content an example prints.
#[derive(Debug, PartialEq)]
struct Block {
    /// The line of the marker, counted from 1.
    line: usize,
    /// The marker's text: `quick_start, simulator --user ...`.
    marker: String,
    example: String,
    /// The simulator's arguments, when the example runs against the program.
    simulator: Option<Vec<String>>,
    expected: String,
}

/// The blocks marked in `text`.
fn marked_blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(marker) = line.trim().strip_prefix("<!-- output:").and_then(|rest| rest.strip_suffix("-->")) else {
            continue;
        };
        let marker = marker.trim();
        let (example, simulator) = match marker.split_once(',') {
            Some((example, rest)) => {
                let mut words = rest.split_whitespace();
                let simulator = (words.next() == Some("simulator")).then(|| words.map(str::to_owned).collect());
                (example.trim(), simulator)
            }
            None => (marker, None),
        };
        let mut expected = String::new();
        let mut inside = false;
        for block_line in &lines[index + 1..] {
            if !inside {
                if block_line.starts_with("```") {
                    inside = true;
                    continue;
                }
                break;
            }
            if block_line.starts_with("```") {
                break;
            }
            expected.push_str(block_line);
            expected.push('\n');
        }
        blocks.push(Block {
            line: index + 1,
            marker: marker.to_owned(),
            example: example.to_owned(),
            simulator,
            expected,
        });
    }
    blocks
}

/// What the example of `block` prints on stdout, run as a new user would: no `ORDERCLOUD_*`
/// variable but the simulator's base URL.
fn run_example(target: &Path, block: &Block) -> Result<String, String> {
    let _simulator;
    let mut command = crate::command(&target.join("examples").join(&block.example).to_string_lossy());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("ORDERCLOUD_") {
            command.env_remove(name);
        }
    }
    if let Some(args) = &block.simulator {
        let (program, base_url) = Program::start(&target.join("ordercloud-simulator"), args)?;
        _simulator = program;
        command.env("ORDERCLOUD_BASE_URL", base_url);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("could not start the example: {error}"))?;
    // Both pipes are read as the example writes, so neither fills and stops it.
    let stdout = read_all(child.stdout.take().ok_or("no stdout")?);
    let stderr = read_all(child.stderr.take().ok_or("no stderr")?);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|error| error.to_string())? {
            break status;
        }
        if started.elapsed() > EXAMPLE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("did not finish within {}s", EXAMPLE_TIMEOUT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let printed = stdout.join().map_err(|_| "the reader of stdout failed")?;
    if !status.success() {
        let said = stderr.join().unwrap_or_default();
        return Err(format!("the example failed ({status}): {}", said.trim()));
    }
    Ok(printed)
}

/// Everything `pipe` gives, read on a thread of its own.
fn read_all(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// The simulator program, stopped when dropped.
struct Program(Child);

impl Program {
    fn start(binary: &Path, args: &[String]) -> Result<(Self, String), String> {
        // As the simulator's own tests start it (tests/program/mod.rs): a free port, the
        // base URL on the first line of stdout.
        let mut child = crate::command(&binary.to_string_lossy())
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("could not start {}: {error}", binary.display()))?;
        let stderr = read_all(child.stderr.take().ok_or("no stderr")?);
        let mut base_url = String::new();
        let read = child.stdout.take().map(|stdout| BufReader::new(stdout).read_line(&mut base_url));
        let mut program = Self(child);
        match read {
            Some(Ok(_)) if base_url.starts_with("http://") => Ok((program, base_url.trim().to_owned())),
            _ => {
                // Exited on a bad argument, most likely; its stderr says why.
                let _ = program.0.kill();
                let _ = program.0.wait();
                Err(format!("the simulator printed no base URL: {}", stderr.join().unwrap_or_default().trim()))
            }
        }
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `expected` against `printed`, masked: the first line that differs.
fn compare(expected: &str, printed: &str) -> Result<(), String> {
    let expected: Vec<String> = expected.lines().map(mask).collect();
    let printed: Vec<String> = printed.lines().map(mask).collect();
    for (number, pair) in expected.iter().zip(&printed).enumerate() {
        if pair.0 != pair.1 {
            return Err(format!("line {} differs:\n    README: {}\n    prints: {}", number + 1, pair.0, pair.1));
        }
    }
    match expected.len().cmp(&printed.len()) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Less => {
            Err(format!("the README lacks line {}: {}", expected.len() + 1, printed[expected.len()]))
        }
        std::cmp::Ordering::Greater => {
            Err(format!("the example no longer prints line {}: {}", printed.len() + 1, expected[printed.len()]))
        }
    }
}

/// `line` with what changes from run to run masked: loopback ports, and a secret's shown
/// part and length (`a866… (24 characters)`).
fn mask(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(after) = ["127.0.0.1:", "0.0.0.0:"].iter().find_map(|host| rest.strip_prefix(host)) {
            let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits > 0 {
                out.push_str("127.0.0.1:<port>");
                rest = &after[digits..];
                continue;
            }
        }
        let at_word_start = !out.chars().last().is_some_and(char::is_alphanumeric);
        if let Some(length) = shown_secret(rest).filter(|_| at_word_start) {
            out.push_str("<secret>");
            rest = &rest[length..];
            continue;
        }
        let next = rest.chars().next().map_or(1, char::len_utf8);
        out.push_str(&rest[..next]);
        rest = &rest[next..];
    }
    out
}

/// The length of a shown secret at the start of `text`: up to four characters, `…`, and
/// ` (N characters)`.
fn shown_secret(text: &str) -> Option<usize> {
    let ellipsis = text.find('…')?;
    let shown = &text[..ellipsis];
    if shown.is_empty() || shown.chars().count() > 4 || shown.contains(char::is_whitespace) {
        return None;
    }
    let after = &text[ellipsis + '…'.len_utf8()..];
    let count = after.strip_prefix(" (")?;
    let digits = count.len() - count.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let tail = count[digits..].strip_prefix(" characters)")?;
    (digits > 0).then(|| text.len() - tail.len())
}

/// `source` without its leading `//!` lines and the blank lines after them.
fn without_doc_comment(source: &str) -> String {
    let body: Vec<&str> = source.lines().skip_while(|line| line.starts_with("//!") || line.is_empty()).collect();
    format!("{}\n", body.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_find_their_blocks_and_simulator_arguments() {
        let text = "a\n<!-- output: flow -->\n```text\none\ntwo\n```\n<!-- output: start, simulator --user a,b,c,d -->\n```text\nx\n```\n";
        let blocks = marked_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            (blocks[0].line, blocks[0].example.as_str(), blocks[0].expected.as_str()),
            (2, "flow", "one\ntwo\n")
        );
        assert_eq!(blocks[0].simulator, None);
        assert_eq!(blocks[1].simulator, Some(vec!["--user".to_owned(), "a,b,c,d".to_owned()]));
    }

    #[test]
    fn ports_and_shown_secrets_are_masked_and_nothing_else() {
        assert_eq!(
            mask("at http://127.0.0.1:41781/v1 and 0.0.0.0:80"),
            "at http://127.0.0.1:<port>/v1 and 127.0.0.1:<port>"
        );
        assert_eq!(mask("code: a866… (24 characters) (valid)"), "code: <secret> (valid)");
        assert_eq!(mask("token eyJ0… (397 characters)."), "token <secret>.");
        assert_eq!(mask("x abcde… (24 characters)"), "x abcde… (24 characters)", "five characters are not shown");
        assert_eq!(mask("code=d474… (24 characters)"), "code=<secret>");
        assert_eq!(mask("127.0.0.1:x"), "127.0.0.1:x");
        assert!(compare("a 127.0.0.1:1\nb\n", "a 127.0.0.1:2\nb\n").is_ok());
        assert!(compare("a\nb\n", "a\nc\n").unwrap_err().contains("line 2"));
        assert!(compare("a\n", "a\nmore\n").unwrap_err().contains("lacks line 2"));
    }

    #[test]
    fn the_quick_start_is_compared_without_its_doc_comment() {
        assert_eq!(without_doc_comment("//! doc\n//!\n\nuse x;\nfn main() {}\n"), "use x;\nfn main() {}\n");
    }
}
