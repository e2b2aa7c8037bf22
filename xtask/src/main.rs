//! `cargo xtask ci` runs every check CI runs; `cargo xtask bench` measures throughput and
//! memory; `cargo xtask codegen` generates the API crates; `cargo xtask readme` checks the
//! README against the examples; `cargo xtask spec` reconstructs today's API description
//! from the official SDKs (a maintainer's step, never CI's). Its only dependencies are
//! serde and serde_json, so it builds in seconds on any machine.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

mod bench;
mod codegen;
mod json;
mod readme;
mod sha256;
mod spec;

const USAGE: &str = "usage: cargo xtask ci [--msrv | --install-msrv] | bench [--quick] | codegen [--check] | readme | spec <js-sdk.tgz> <dotnet-sdk-git-dir> [--roles <file>]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => Plan::new(&args[1..], std::env::var("CI").ok().as_deref()).and_then(|plan| ci(&plan)),
        Some("bench") => bench::run_bench(&args[1..]),
        Some("codegen") => codegen::run(&args[1..]),
        Some("readme") => readme::check(),
        Some("spec") => spec::run(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A command for `program` with the environment `cargo xtask` was started in: without the
/// variables `cargo run` set for this process alone.
///
/// A nested cargo compares every variable a build script names in
/// `cargo:rerun-if-env-changed` with its own environment. ring's build script names
/// `CARGO_PKG_NAME`, `CARGO_PKG_VERSION_*`, `CARGO_MANIFEST_DIR` and `CARGO_MANIFEST_LINKS`:
/// seen with xtask's values, they made each switch between `cargo xtask ci` and a plain
/// `cargo test` rebuild ring and everything built on it.
pub(crate) fn command(program: &str) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(set_by_cargo_run) {
            command.env_remove(name);
        }
    }
    if let (Some(cargo), Some(value)) = (std::env::var_os("CARGO"), std::env::var_os(LIBRARY_PATH)) {
        let toolchain = Path::new(&cargo).parent().and_then(Path::parent).map(Path::to_path_buf);
        let output_directory = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf));
        let added = |path: &Path| added_by_cargo_run(path, toolchain.as_deref(), output_directory.as_deref());
        match without(&value, added) {
            Some(kept) => command.env(LIBRARY_PATH, kept),
            None => command.env_remove(LIBRARY_PATH),
        };
    }
    command
}

/// Whether `name` is a variable cargo sets for the program `cargo run` starts (`CARGO`,
/// `CARGO_MANIFEST_*`, `CARGO_PKG_*`: what xtask finds), or for a crate it compiles (the
/// others, should a cargo pass them on at run time too).
fn set_by_cargo_run(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || name.starts_with("CARGO_MANIFEST_")
        || name.starts_with("CARGO_BIN_EXE_")
        || ["CARGO", "CARGO_CRATE_NAME", "CARGO_BIN_NAME", "CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR", "OUT_DIR"]
            .contains(&name)
}

/// The search path `cargo run` puts the toolchain's libraries and its output directory in
/// front of.
const LIBRARY_PATH: &str = if cfg!(windows) {
    "PATH"
} else if cfg!(target_os = "macos") {
    "DYLD_FALLBACK_LIBRARY_PATH"
} else {
    "LD_LIBRARY_PATH"
};

/// Whether `cargo run` added `path` to [`LIBRARY_PATH`]: the `toolchain`'s `lib` (`bin` on
/// Windows) and `lib/rustlib/<host>/lib`, and directories in the `output_directory`
/// (`target/debug`, its `deps`, build script outputs).
fn added_by_cargo_run(path: &Path, toolchain: Option<&Path>, output_directory: Option<&Path>) -> bool {
    output_directory.is_some_and(|directory| path.starts_with(directory))
        || toolchain.is_some_and(|root| {
            path == root.join(if cfg!(windows) { "bin" } else { "lib" })
                || path.starts_with(root.join("lib").join("rustlib"))
        })
}

/// The search path `value` without the directories `drop` picks; `None` when nothing is
/// left.
fn without(value: &OsStr, drop: impl Fn(&Path) -> bool) -> Option<OsString> {
    let kept: Vec<PathBuf> = std::env::split_paths(value).filter(|path| !drop(path)).collect();
    if kept.is_empty() { None } else { std::env::join_paths(kept).ok() }
}

/// Runs `program args..` with `env`, failing with the step's name if it fails.
pub(crate) fn run(name: &str, program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let started = Instant::now();
    eprintln!("==> {name}: {program} {}", args.join(" "));
    let status = command(program)
        .args(args)
        .envs(env.iter().copied())
        .status()
        .map_err(|error| format!("{name}: could not start {program}: {error}"))?;
    eprintln!(
        "<== {name}: {} in {:.1}s",
        if status.success() { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    if status.success() { Ok(()) } else { Err(format!("{name} failed ({status})")) }
}

/// Runs `program args..` and returns its standard output.
pub(crate) fn output(program: &str, args: &[&str]) -> Result<String, String> {
    let out = command(program).args(args).output().map_err(|error| format!("could not start {program}: {error}"))?;
    if !out.status.success() {
        return Err(format!("{program} {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What `cargo xtask ci` does about the minimum supported Rust version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Msrv {
    /// Not asked for: skipped, with a note saying how to run it.
    Skip,
    /// `--msrv`: checks with the Rust 1.85 already at [`MSRV_CARGO`]; installs nothing.
    Check,
    /// `--install-msrv`, or `CI=true`: installs Debian's pinned Rust 1.85 when
    /// [`MSRV_CARGO`] is not that version, then checks.
    Install,
}

/// The optional steps of `cargo xtask ci`, and what asked for them.
#[derive(Debug, PartialEq, Eq)]
struct Plan {
    msrv: Msrv,
    why: &'static str,
}

impl Plan {
    /// From the arguments after `ci` and the value of `CI`. A flag wins over `CI=true`, so
    /// `--msrv` installs nothing on a CI machine either.
    fn new(args: &[String], ci: Option<&str>) -> Result<Plan, String> {
        let mut asked = None;
        for arg in args {
            let (msrv, why) = match arg.as_str() {
                "--msrv" => (Msrv::Check, "--msrv"),
                "--install-msrv" => (Msrv::Install, "--install-msrv"),
                other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
            };
            if asked.is_some_and(|(earlier, _)| earlier != msrv) {
                return Err(format!("--msrv and --install-msrv exclude each other\n{USAGE}"));
            }
            asked = Some((msrv, why));
        }
        let (msrv, why) = match asked {
            Some(asked) => asked,
            None if ci == Some("true") => (Msrv::Install, "CI=true"),
            None => (Msrv::Skip, "not asked"),
        };
        Ok(Plan { msrv, why })
    }

    fn print(&self) {
        eprintln!(
            "ci plan: format, clippy, generated code, test, README outputs, docs, feature sets, dependency policy, package"
        );
        eprintln!(
            "ci plan: before packaging, removes our crates' copies an earlier `cargo package` unpacked into the cargo home, and the builds of them"
        );
        let why = self.why;
        match self.msrv {
            Msrv::Skip => eprintln!("ci plan: msrv: skipped ({why}; `--msrv` or `--install-msrv` runs it)"),
            Msrv::Check => {
                eprintln!("ci plan: msrv: checked with the Rust 1.85 at {MSRV_CARGO}, nothing installed ({why})")
            }
            Msrv::Install => eprintln!(
                "ci plan: msrv: checked with Rust 1.85; if {MSRV_CARGO} is not 1.85, apt-get installs {} {MSRV_DEBIAN_VERSION} first ({why})",
                MSRV_PACKAGES.join(" ")
            ),
        }
    }
}

fn ci(plan: &Plan) -> Result<(), String> {
    let started = Instant::now();
    plan.print();
    run("format", "cargo", &["fmt", "--all", "--", "--check"], &[])?;
    run("clippy", "cargo", &["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"], &[])?;
    // The generated code is what the vendored description generates.
    codegen::run(&["--check".to_owned()])?;
    // The README's test command, exactly as a new user types it; it compiles the README's
    // Rust blocks too.
    run("test", "cargo", &["test"], &[])?;
    // What the README says the examples print, they print.
    readme::check()?;
    run("docs", "cargo", &["doc", "--workspace", "--no-deps", "--all-features"], &[("RUSTDOCFLAGS", "-D warnings")])?;
    // As docs.rs and a user's `cargo doc` see them: no link to what a default feature lacks.
    run("docs, default features", "cargo", &["doc", "--workspace", "--no-deps"], &[("RUSTDOCFLAGS", "-D warnings")])?;
    for (name, args) in FEATURE_SETS {
        run(name, "cargo", args, &[])?;
    }
    dependency_policy()?;
    clear_packaged_sources()?;
    run("package", "cargo", PACKAGE, &[])?;
    msrv(plan)?;
    let skipped = if plan.msrv == Msrv::Skip { "; msrv skipped, not asked" } else { "" };
    eprintln!("ci: all steps passed in {:.0}s{skipped}", started.elapsed().as_secs_f64());
    Ok(())
}

/// The crates that make calls: without their default features none may pull in an HTTP or
/// TLS stack.
fn library_crates() -> impl Iterator<Item = &'static str> {
    PUBLISHED.iter().copied().filter(|package| !["ordercloud-models", "ordercloud-simulator"].contains(package))
}

/// Each feature set a user can pick, built alone.
const FEATURE_SETS: &[(&str, &[&str])] = &[
    ("models with resources", &["check", "--package", "ordercloud-models", "--features", "resources"]),
    (
        "a section crate without default features",
        &["check", "--package", "ordercloud-catalogs", "--no-default-features"],
    ),
    (
        "a section crate with mock only",
        &["check", "--package", "ordercloud-orders", "--no-default-features", "--features", "mock"],
    ),
    ("the facade without default features", &["check", "--package", "ordercloud", "--no-default-features"]),
    (
        "the facade with one section",
        &["check", "--package", "ordercloud", "--no-default-features", "--features", "hyper,catalogs"],
    ),
    ("models alone", &["check", "--package", "ordercloud-models", "--all-targets"]),
    ("models with verify", &["check", "--package", "ordercloud-models", "--features", "verify"]),
    ("models with rust_decimal", &["check", "--package", "ordercloud-models", "--features", "resources,rust_decimal"]),
    ("transport without default features", &["check", "--package", "ordercloud-transport", "--no-default-features"]),
    (
        "transport with mock only",
        &["check", "--package", "ordercloud-transport", "--no-default-features", "--features", "mock"],
    ),
    (
        "transport with native roots",
        &["check", "--package", "ordercloud-transport", "--no-default-features", "--features", "native-roots"],
    ),
    (
        "password-reset without default features",
        &["check", "--package", "ordercloud-password-reset", "--no-default-features"],
    ),
    ("auth without default features", &["check", "--package", "ordercloud-auth", "--no-default-features"]),
    ("middleware without default features", &["check", "--package", "ordercloud-middleware", "--no-default-features"]),
    (
        "middleware with axum only",
        &["check", "--package", "ordercloud-middleware", "--no-default-features", "--features", "axum"],
    ),
];

/// Packages (and verifies by building) every publishable crate; examples, xtask and the
/// benchmark are not published.
const PACKAGE: &[&str] = &[
    "package",
    "--workspace",
    "--allow-dirty",
    "--exclude",
    "ordercloud-examples",
    "--exclude",
    "xtask",
    "--exclude",
    "ordercloud-bench",
];

/// Removes the copies of this workspace's crates that `cargo package` unpacked from its
/// local overlay registry, and built, on an earlier run.
///
/// `cargo package` verifies each crate in this workspace's target directory, against the
/// other crates as unpacked from a local registry into the cargo home. Cargo takes a
/// registry crate of a given name and version to be immutable: it neither unpacks it again
/// over an old copy, nor looks at the sources of a copy it has built. So after a change to
/// one crate, the next `cargo package` would verify the others against the old build and
/// fail (or pass) for the wrong reason. Removing the unpacked copies alone does not help:
/// cargo unpacks the new sources, then links the old build. So this removes our crates'
/// unpacked copies (in every registry but crates.io's) and the builds made from a registry
/// copy of them; the workspace's own builds of them stay, and nothing is rebuilt for
/// `cargo test`.
fn clear_packaged_sources() -> Result<(), String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let sources = home.join("registry").join("src");
    let remove = |path: &Path| {
        eprintln!("    removing {}", path.display());
        std::fs::remove_dir_all(path).map_err(|error| format!("could not remove {}: {error}", path.display()))
    };
    let registry_roots: Vec<String> = [Some(sources.clone()), sources.canonicalize().ok()]
        .into_iter()
        .flatten()
        .map(|root| root.to_string_lossy().into_owned())
        .collect();
    let build = build_directory()?.join("debug");
    for entry in std::fs::read_dir(build.join("deps")).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(unit) = name.strip_suffix(".d") else { continue };
        let Some((crate_name, hash)) = unit.rsplit_once('-') else { continue };
        let Some(package) = PUBLISHED.iter().find(|package| package.replace('-', "_") == crate_name) else { continue };
        // rustc lists the sources it read: a registry copy's lie under the cargo home.
        let built_from_registry = std::fs::read_to_string(entry.path())
            .is_ok_and(|listed| registry_roots.iter().any(|root| listed.contains(root.as_str())));
        let fingerprint = build.join(".fingerprint").join(format!("{package}-{hash}"));
        if built_from_registry && fingerprint.exists() {
            remove(&fingerprint)?;
        }
    }
    for registry in std::fs::read_dir(&sources).into_iter().flatten().flatten() {
        if registry.file_name().to_string_lossy().starts_with("index.crates.io-") {
            continue;
        }
        for unpacked in std::fs::read_dir(registry.path()).into_iter().flatten().flatten() {
            if is_published_copy(&unpacked.file_name().to_string_lossy()) {
                remove(&unpacked.path())?;
            }
        }
    }
    Ok(())
}

/// Whether `directory` is the name of an unpacked copy of one of our crates:
/// `<crate>-<major>.<minor>.<patch>`, with any pre-release or build suffix.
fn is_published_copy(directory: &str) -> bool {
    PUBLISHED.iter().any(|package| {
        directory.strip_prefix(package).and_then(|rest| rest.strip_prefix('-')).is_some_and(|version| {
            let release = version.split(['-', '+']).next().unwrap_or_default();
            let numbers: Vec<&str> = release.split('.').collect();
            numbers.len() == 3
                && numbers.iter().all(|number| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        })
    })
}

/// The directory cargo builds this workspace in (`build.build-dir`, by default the target
/// directory), as `cargo metadata` says.
fn build_directory() -> Result<PathBuf, String> {
    metadata_directory(&["build_directory", "target_directory"])
}

/// The directory cargo puts what it builds in (`target/` unless configured), as
/// `cargo metadata` says.
pub(crate) fn target_directory() -> Result<PathBuf, String> {
    metadata_directory(&["target_directory"])
}

/// The first of `keys` that `cargo metadata` gives, as a path.
fn metadata_directory(keys: &[&str]) -> Result<PathBuf, String> {
    let metadata = output("cargo", &["metadata", "--no-deps", "--format-version", "1"])?;
    let metadata: serde_json::Value =
        serde_json::from_str(&metadata).map_err(|error| format!("cargo metadata is not JSON: {error}"))?;
    keys.iter()
        .find_map(|key| metadata[*key].as_str())
        .map(PathBuf::from)
        .ok_or_else(|| format!("cargo metadata names no {}", keys.join(" or ")))
}

/// The crates `cargo package` packages.
const PUBLISHED: &[&str] = &[
    "ordercloud-models",
    "ordercloud-transport",
    "ordercloud-password-reset",
    "ordercloud-auth",
    "ordercloud-simulator",
    "ordercloud-security",
    "ordercloud-seller",
    "ordercloud-buyers",
    "ordercloud-suppliers",
    "ordercloud-catalogs",
    "ordercloud-orders",
    "ordercloud-me",
    "ordercloud-integrations",
    "ordercloud",
    "ordercloud-middleware",
];

/// The declared minimum Rust version, checked with Debian's packaged toolchain of exactly
/// that version. Debian's `cargo-web`/`rustc-web` install `/usr/bin/cargo` and
/// `/usr/bin/rustc`, beside rustup's.
const MSRV_PACKAGES: &[&str] = &["rustc-web", "cargo-web", "libstd-rust-web-dev", "libstd-rust-web-1.85"];
const MSRV_DEBIAN_VERSION: &str = "1.85.0+dfsg3-1~deb12u3";
const MSRV_CARGO: &str = "/usr/bin/cargo";

/// `cargo check --all-features` of the library crates on Rust 1.85, as `plan` says: skipped
/// with a note when not asked for; when asked for and impossible, a failure.
fn msrv(plan: &Plan) -> Result<(), String> {
    let installed = || match output(MSRV_CARGO, &["--version"]) {
        Ok(version) if version.starts_with("cargo 1.85.") => Ok(()),
        Ok(version) => Err(format!("{MSRV_CARGO} is {}", version.trim())),
        Err(_) => Err(format!("there is no {MSRV_CARGO}")),
    };
    let why = plan.why;
    match plan.msrv {
        Msrv::Skip => {
            eprintln!(
                "<== msrv: skipped ({why}): `cargo xtask ci --msrv` checks with Rust 1.85 at {MSRV_CARGO}, `--install-msrv` installs it first (apt-get, as root)"
            );
            return Ok(());
        }
        Msrv::Check => installed().map_err(|error| {
            format!("msrv ({why}): cannot check with Rust 1.85: {error}; install it with `cargo xtask ci --install-msrv` (Debian, as root)")
        })?,
        Msrv::Install => {
            if installed().is_err() {
                install_msrv().and_then(|()| installed()).map_err(|error| {
                    format!("msrv ({why}): cannot install Rust 1.85 (Debian's {} {MSRV_DEBIAN_VERSION}): {error}", MSRV_PACKAGES.join(" "))
                })?;
            }
        }
    }
    let mut check = vec!["check", "--locked", "--all-features", "--target-dir", "target/msrv"];
    for crate_name in PUBLISHED {
        check.extend(["--package", crate_name]);
    }
    run("msrv: cargo 1.85 check", MSRV_CARGO, &check, &[("RUSTC", "/usr/bin/rustc"), ("RUSTDOC", "/usr/bin/rustdoc")])
}

/// Installs Debian's Rust 1.85 packages, pinned, with apt-get.
fn install_msrv() -> Result<(), String> {
    if command("apt-get").arg("--version").output().is_err() {
        return Err("there is no apt-get here".into());
    }
    if output("id", &["-u"]).map_or(true, |uid| uid.trim() != "0") {
        return Err("apt-get needs root".into());
    }
    let pinned: Vec<String> = MSRV_PACKAGES.iter().map(|name| format!("{name}={MSRV_DEBIAN_VERSION}")).collect();
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend(pinned.iter().map(String::as_str));
    run("msrv toolchain: apt-get update", "apt-get", &["update", "-qq"], &[])?;
    run("msrv toolchain: apt-get install", "apt-get", &install, &[("DEBIAN_FRONTEND", "noninteractive")])
}

/// Licences a dependency may carry (an SPDX expression must be satisfiable with these).
const ALLOWED_LICENSES: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "ISC",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "Unicode-3.0",
    "Unlicense",
    "CDLA-Permissive-2.0",
    "Zlib",
];

/// What each crate may pull in: models stays serde-only; without the hyper feature there is
/// no hyper, rustls or ring; no crate ever brings aws-lc or OpenSSL.
fn dependency_policy() -> Result<(), String> {
    eprintln!("==> dependency policy");
    let models = tree(&["--package", "ordercloud-models"])?;
    const SERDE_ONLY: &[&str] = &[
        "ordercloud-models",
        "serde",
        "serde_core",
        "serde_derive",
        "serde_json",
        "itoa",
        "memchr",
        "ryu",
        "zmij",
        "proc-macro2",
        "quote",
        "syn",
        "unicode-ident",
    ];
    let extra: Vec<&String> = models.iter().filter(|name| !SERDE_ONLY.contains(&name.as_str())).collect();
    if !extra.is_empty() {
        return Err(format!("ordercloud-models must depend on serde and serde_json only, but pulls in {extra:?}"));
    }
    // A message-sender receiver verifies calls without any HTTP client.
    let receiver = tree(&["--package", "ordercloud-models", "--features", "verify"])?;
    let heavy: Vec<&String> = receiver.iter().filter(|name| is_tls_or_http_stack(name)).collect();
    if !heavy.is_empty() {
        return Err(format!("ordercloud-models with verify must not pull in {heavy:?}"));
    }
    let resources = tree(&["--package", "ordercloud-models", "--features", "resources"])?;
    let extra: Vec<&String> = resources.iter().filter(|name| !SERDE_ONLY.contains(&name.as_str())).collect();
    if !extra.is_empty() {
        return Err(format!("ordercloud-models with resources must stay serde-only, but pulls in {extra:?}"));
    }
    for package in library_crates() {
        let lean = tree(&["--package", package, "--no-default-features"])?;
        // ring is the middleware's cryptography (RSA signatures of tokens), not a TLS stack.
        let crypto: &[&str] = if package == "ordercloud-middleware" { &["ring"] } else { &[] };
        let heavy: Vec<&String> =
            lean.iter().filter(|name| is_tls_or_http_stack(name) && !crypto.contains(&name.as_str())).collect();
        if !heavy.is_empty() {
            return Err(format!("{package} without default features must not pull in {heavy:?}"));
        }
    }
    let everything = tree(&["--workspace", "--all-features"])?;
    let banned: Vec<&String> = everything
        .iter()
        // openssl-probe only finds certificate files for rustls-native-certs; it links nothing.
        .filter(|name| name.starts_with("aws-lc") || ["openssl", "openssl-sys", "native-tls"].contains(&name.as_str()))
        .collect();
    if !banned.is_empty() {
        return Err(format!("banned crates in the dependency tree: {banned:?}"));
    }
    licenses()?;
    let duplicates = output("cargo", &["tree", "--workspace", "--all-features", "--edges", "normal", "--duplicates"])?;
    let duplicated: Vec<&str> =
        duplicates.lines().filter(|line| !line.is_empty() && !line.starts_with([' ', '│', '├', '└'])).collect();
    if !duplicated.is_empty() {
        return Err(format!("crates present in more than one version: {duplicated:?}"));
    }
    eprintln!("<== dependency policy: ok");
    Ok(())
}

/// Every normal dependency's licence expression is satisfiable with [`ALLOWED_LICENSES`].
fn licenses() -> Result<(), String> {
    let text = output(
        "cargo",
        &["tree", "--workspace", "--all-features", "--edges", "normal", "--prefix", "none", "--format", "{p}|{l}"],
    )?;
    let mut refused = Vec::new();
    for line in text.lines() {
        let Some((package, license)) = line.split_once('|') else { continue };
        let license = license.trim_end_matches(" (*)").trim();
        if package.starts_with("ordercloud-") || package.starts_with("xtask") {
            continue;
        }
        if license.is_empty() || !spdx_allows(license, ALLOWED_LICENSES) {
            refused.push(format!("{package}: {license:?}"));
        }
    }
    refused.sort();
    refused.dedup();
    if refused.is_empty() { Ok(()) } else { Err(format!("licences outside the allowed set: {refused:?}")) }
}

/// Whether the SPDX `expression` (`OR`, `AND`, `WITH`, parentheses; `/` as an old `OR`)
/// can be satisfied using only `allowed` licences. A malformed expression is refused.
fn spdx_allows(expression: &str, allowed: &[&str]) -> bool {
    let spaced = expression.replace('(', " ( ").replace(')', " ) ").replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut position = 0;
    let result = or_expression(&tokens, &mut position, allowed);
    result == Some(true) && position == tokens.len()
}

fn or_expression(tokens: &[&str], position: &mut usize, allowed: &[&str]) -> Option<bool> {
    let mut any = and_expression(tokens, position, allowed)?;
    while tokens.get(*position) == Some(&"OR") {
        *position += 1;
        any |= and_expression(tokens, position, allowed)?;
    }
    Some(any)
}

fn and_expression(tokens: &[&str], position: &mut usize, allowed: &[&str]) -> Option<bool> {
    let mut all = atom(tokens, position, allowed)?;
    while tokens.get(*position) == Some(&"AND") {
        *position += 1;
        all &= atom(tokens, position, allowed)?;
    }
    Some(all)
}

fn atom(tokens: &[&str], position: &mut usize, allowed: &[&str]) -> Option<bool> {
    let token = *tokens.get(*position)?;
    *position += 1;
    let value = match token {
        "(" => {
            let inner = or_expression(tokens, position, allowed)?;
            (tokens.get(*position) == Some(&")")).then_some(())?;
            *position += 1;
            inner
        }
        ")" | "AND" | "OR" | "WITH" => return None,
        name => allowed.contains(&name.trim_end_matches('+')),
    };
    // An exception (`WITH LLVM-exception`) only adds permissions.
    if tokens.get(*position) == Some(&"WITH") {
        tokens.get(*position + 1)?;
        *position += 2;
    }
    Some(value)
}

fn is_tls_or_http_stack(name: &str) -> bool {
    ["hyper", "hyper-util", "hyper-rustls", "rustls", "ring", "tokio-rustls", "webpki-roots"].contains(&name)
}

/// The names of the normal (non-dev, non-build) dependencies, the package included.
fn tree(selection: &[&str]) -> Result<Vec<String>, String> {
    let mut args = vec!["tree", "--edges", "normal", "--prefix", "none", "--format", "{p}"];
    args.extend_from_slice(selection);
    let text = output("cargo", &args)?;
    let mut names: Vec<String> =
        text.lines().filter_map(|line| line.split_whitespace().next()).map(str::to_owned).collect();
    names.sort();
    names.dedup();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::{Msrv, Plan, added_by_cargo_run, is_published_copy, set_by_cargo_run, spdx_allows, without};
    use std::path::Path;

    fn plan(args: &[&str], ci: Option<&str>) -> Result<Msrv, String> {
        let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        Plan::new(&args, ci).map(|plan| plan.msrv)
    }

    #[test]
    fn msrv_runs_only_when_asked() {
        assert_eq!(plan(&[], None), Ok(Msrv::Skip));
        assert_eq!(plan(&[], Some("false")), Ok(Msrv::Skip));
        assert_eq!(plan(&[], Some("true")), Ok(Msrv::Install));
        assert_eq!(plan(&["--install-msrv"], None), Ok(Msrv::Install));
        assert_eq!(plan(&["--msrv"], None), Ok(Msrv::Check));
        // A flag wins over the environment: `--msrv` never installs.
        assert_eq!(plan(&["--msrv"], Some("true")), Ok(Msrv::Check));
        assert_eq!(plan(&["--msrv", "--msrv"], None), Ok(Msrv::Check));
        assert!(plan(&["--msrv", "--install-msrv"], None).is_err());
        assert!(plan(&["--quick"], None).is_err());
    }

    #[test]
    fn only_what_cargo_run_sets_is_removed() {
        for name in ["CARGO", "CARGO_PKG_NAME", "CARGO_PKG_VERSION_PRE", "CARGO_MANIFEST_DIR", "CARGO_MANIFEST_PATH"] {
            assert!(set_by_cargo_run(name), "{name}");
        }
        for name in ["CARGO_HOME", "CARGO_TARGET_DIR", "CARGO_BUILD_JOBS", "CARGO_PROFILE_DEV_DEBUG", "RUSTFLAGS", "CI"]
        {
            assert!(!set_by_cargo_run(name), "{name}");
        }
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn library_path_loses_only_what_cargo_added() {
        let toolchain = Path::new("/rustup/toolchains/stable");
        let output = Path::new("/work/target/debug");
        let added = |path: &Path| added_by_cargo_run(path, Some(toolchain), Some(output));
        let joined = |paths: &[&str]| std::env::join_paths(paths).unwrap();
        // What `cargo run` gives xtask, in front of what it was started with.
        let value = joined(&[
            "/work/target/debug",
            "/work/target/debug/deps",
            "/rustup/toolchains/stable/lib/rustlib/x86_64-unknown-linux-gnu/lib",
            "/rustup/toolchains/stable/lib",
            "/opt/lib",
            "/rustup/toolchains/stable/lib/other",
        ]);
        assert_eq!(without(&value, added), Some(joined(&["/opt/lib", "/rustup/toolchains/stable/lib/other"])));
        assert_eq!(without(&joined(&["/work/target/debug/deps", "/rustup/toolchains/stable/lib"]), added), None);
        // Debian's cargo lives in /usr/bin: only /usr/lib and /usr/lib/rustlib are its own.
        let debian = |path: &Path| added_by_cargo_run(path, Some(Path::new("/usr")), None);
        let value = joined(&["/usr/lib", "/usr/lib/rustlib/x86_64-unknown-linux-gnu/lib", "/usr/lib/x86_64-linux-gnu"]);
        assert_eq!(without(&value, debian), Some(joined(&["/usr/lib/x86_64-linux-gnu"])));
    }

    #[test]
    fn unpacked_copies_of_our_crates() {
        assert!(is_published_copy("ordercloud-models-0.1.0"));
        assert!(is_published_copy("ordercloud-password-reset-1.20.3-beta.1"));
        assert!(!is_published_copy("ordercloud-models-derive-0.1.0"));
        assert!(!is_published_copy("ordercloud-models-2-0.1.0"));
        assert!(!is_published_copy("ordercloud-models"));
        assert!(!is_published_copy("serde-1.0.229"));
    }

    #[test]
    fn spdx_expressions() {
        let allowed = &["MIT", "Apache-2.0", "ISC", "Unicode-3.0"];
        assert!(spdx_allows("MIT", allowed));
        assert!(spdx_allows("MIT OR Apache-2.0", allowed));
        assert!(spdx_allows("MIT/Apache-2.0", allowed));
        assert!(spdx_allows("(MIT OR Apache-2.0) AND Unicode-3.0", allowed));
        assert!(spdx_allows("Apache-2.0 WITH LLVM-exception OR GPL-3.0", allowed));
        assert!(spdx_allows("GPL-3.0 OR ISC", allowed));
        assert!(!spdx_allows("GPL-3.0", allowed));
        assert!(!spdx_allows("MIT AND GPL-3.0", allowed));
        assert!(!spdx_allows("", allowed));
        assert!(!spdx_allows("MIT OR", allowed));
    }
}
