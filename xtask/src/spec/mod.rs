//! `cargo xtask spec <ordercloud-javascript-sdk-12.0.0.tgz> <ordercloud-dotnet-sdk git dir>
//! [--roles <table>]`: today's OrderCloud API description, reconstructed from the official
//! SDKs and pinned. It reads the JS SDK's npm package (its SHA-256 checked), the .NET SDK's
//! generated code at a pinned commit, the 2022 description (`spec/ordercloud-openapi.json`,
//! its SHA-256 checked) and the roles table (`spec/roles.json` when present), and writes
//! `spec/ordercloud-today.json`, the two SDKs' licence notices, and the counts and
//! disagreements in `spec/README.md`. The same inputs give the same bytes.
//!
//! A maintainer runs it when OrderCloud releases; CI never does (it needs the two SDKs).

mod describe;
mod dotnet;
mod js;
mod report;
mod roles;
mod schemas;
mod text;
mod write;

use std::path::{Path, PathBuf};

use crate::json::{self, Json};

/// The JS SDK package: name, version, the SHA-256 of `npm pack`'s tarball, and npm's
/// integrity for it (recorded; the SHA-256 is what is checked).
const JS_PACKAGE: &str = "ordercloud-javascript-sdk";
const JS_VERSION: &str = "12.0.0";
const JS_SHA256: &str = "541ac1b294f830830889e9b0ed83243df503996edf38d7871889af8f346ae5ac";
const JS_INTEGRITY: &str =
    "sha512-kKt+sI8PHfFYD83AEwSypCywWlzW46BbzCY25zhHVHgC1g/3e5GAMf38bBQPjkVATx6XtJe5eOiV42QBh25GeQ==";

/// The .NET SDK: its repository, the commit read and the package version it declares.
const DOTNET_REPOSITORY: &str = "https://github.com/ordercloud-api/ordercloud-dotnet-sdk";
const DOTNET_COMMIT: &str = "63c81d1cd70068c70ac96f82227ddc6e71b1af6e";
const DOTNET_VERSION: &str = "0.18.13";
const DOTNET_GENERATED: &str = "src/OrderCloud.SDK/Generated";

/// The 2022 description and its SHA-256.
const OLD: &str = "spec/ordercloud-openapi.json";
const OLD_SHA256: &str = "e0cc51a9e4fd08a2b14cae001a4bca47c69d1bdf77d8981d6d921d2e7eb08e31";

const ROLES: &str = "spec/roles.json";
const OUTPUT: &str = "spec/ordercloud-today.json";
const README: &str = "spec/README.md";
const JS_LICENSE: &str = "spec/ordercloud-javascript-sdk.LICENSE";
const DOTNET_LICENSE: &str = "spec/ordercloud-dotnet-sdk.LICENSE";

const USAGE: &str = "usage: cargo xtask spec <ordercloud-javascript-sdk-12.0.0.tgz> <ordercloud-dotnet-sdk git directory> [--roles <roles.json>]
  the package: `npm pack ordercloud-javascript-sdk@12.0.0` (in a scratch directory)
  the .NET SDK: `git clone https://github.com/ordercloud-api/ordercloud-dotnet-sdk` (a bare clone will do)";

/// `cargo xtask spec ..`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let (package, dotnet_git, roles_path) = match args {
        [package, git] => (package, git, PathBuf::from(ROLES)),
        [package, git, flag, roles] if flag == "--roles" => (package, git, PathBuf::from(roles)),
        _ => return Err(USAGE.to_owned()),
    };
    let (js_root, js_license) = unpack(Path::new(package))?;
    let js = js::read(&js_root)?;
    if js.version != JS_VERSION {
        return Err(format!("the package is version {}, not the pinned {JS_VERSION}", js.version));
    }
    let show = |path: &str| git_show(dotnet_git, path);
    let csproj = show("src/OrderCloud.SDK/OrderCloud.SDK.csproj")?;
    if !csproj.contains(&format!("<Version>{DOTNET_VERSION}</Version>")) {
        return Err(format!("the .NET SDK at {DOTNET_COMMIT} does not declare version {DOTNET_VERSION}"));
    }
    let dotnet = dotnet::read(
        &show(&format!("{DOTNET_GENERATED}/Resources.cs"))?,
        &show(&format!("{DOTNET_GENERATED}/Models.cs"))?,
    )?;
    let dotnet_license = show("LICENSE")?;
    let old_bytes = std::fs::read(OLD).map_err(|error| format!("could not read {OLD}: {error}"))?;
    if crate::sha256::hex(&old_bytes) != OLD_SHA256 {
        return Err(format!("{OLD} is not the pinned 2022 description (SHA-256 {OLD_SHA256})"));
    }
    let old = json::parse(&String::from_utf8_lossy(&old_bytes))?;
    let (roles, roles_sha256) = match std::fs::read_to_string(&roles_path) {
        Ok(text) => {
            let table = json::parse(&text).map_err(|error| format!("{}: {error}", roles_path.display()))?;
            (roles::Roles::parse(&table)?, crate::sha256::hex(text.as_bytes()))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => (roles::Roles::default(), String::new()),
        Err(error) => return Err(format!("could not read {}: {error}", roles_path.display())),
    };
    let old_version = old.get("info").map(|info| info.text("version")).unwrap_or("").to_owned();
    let pins = object(vec![
        (
            "js",
            object(vec![
                ("package", text(JS_PACKAGE)),
                ("version", text(JS_VERSION)),
                ("sha256", text(JS_SHA256)),
                ("integrity", text(JS_INTEGRITY)),
            ]),
        ),
        (
            "dotnet",
            object(vec![
                ("repository", text(DOTNET_REPOSITORY)),
                ("commit", text(DOTNET_COMMIT)),
                ("version", text(DOTNET_VERSION)),
            ]),
        ),
        ("2022", object(vec![("file", text(OLD)), ("version", text(&old_version)), ("sha256", text(OLD_SHA256))])),
        (
            "roles",
            object(vec![
                ("file", text(ROLES)),
                ("present", Json::Bool(roles.present)),
                ("operations", Json::Number(roles.operations.len() as f64)),
                ("sha256", text(&roles_sha256)),
            ]),
        ),
    ]);
    let inputs = describe::Inputs {
        js: &js,
        dotnet: &dotnet,
        old: &old,
        roles: &roles,
        version: format!("js-{JS_VERSION}+dotnet-{DOTNET_VERSION}"),
        pins,
    };
    let (description, report) = describe::describe(&inputs)?;
    write_file(OUTPUT, &write::pretty(&description))?;
    write_file(
        JS_LICENSE,
        &format!(
            "Licence of the {JS_PACKAGE} package, version {JS_VERSION} (npm, SHA-256 {JS_SHA256}),\nwhich spec/ordercloud-today.json is partly derived from. The package's LICENSE file reads:\n\n{}",
            js_license.trim_end().to_owned() + "\n"
        ),
    )?;
    write_file(
        DOTNET_LICENSE,
        &format!(
            "Licence of the OrderCloud .NET SDK ({DOTNET_REPOSITORY}, commit {DOTNET_COMMIT},\nversion {DOTNET_VERSION}), which spec/ordercloud-today.json is partly derived from. The repository's\nLICENSE file reads:\n\n{}",
            text::normalized(&dotnet_license).trim_end().to_owned() + "\n"
        ),
    )?;
    let readme = std::fs::read_to_string(README).map_err(|error| format!("could not read {README}: {error}"))?;
    write_file(README, &report::replace_block(&readme, &report.markdown())?)?;
    eprintln!("spec: wrote {OUTPUT}: {}", report.summary());
    Ok(())
}

/// Checks the package's SHA-256 and unpacks it under `target/spec/`; the unpacked root and
/// the package's licence text.
fn unpack(package: &Path) -> Result<(PathBuf, String), String> {
    let bytes = std::fs::read(package).map_err(|error| format!("could not read {}: {error}", package.display()))?;
    let digest = crate::sha256::hex(&bytes);
    if digest != JS_SHA256 {
        return Err(format!(
            "{} has SHA-256 {digest}, not the pinned {JS_PACKAGE}@{JS_VERSION}'s {JS_SHA256}",
            package.display()
        ));
    }
    let scratch = PathBuf::from("target/spec/js");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch).map_err(|error| format!("could not clear {}: {error}", scratch.display()))?;
    }
    std::fs::create_dir_all(&scratch).map_err(|error| format!("could not create {}: {error}", scratch.display()))?;
    let package = std::fs::canonicalize(package).map_err(|error| format!("{}: {error}", package.display()))?;
    let package = package.to_string_lossy();
    let scratch_text = scratch.to_string_lossy();
    crate::output("tar", &["-xzf", &package, "-C", &scratch_text])?;
    let root = scratch.join("package");
    let license =
        std::fs::read_to_string(root.join("LICENSE")).map_err(|error| format!("the package's LICENSE: {error}"))?;
    Ok((root, text::normalized(&license)))
}

/// The file `path` of the .NET SDK at the pinned commit.
fn git_show(git_dir: &str, path: &str) -> Result<String, String> {
    crate::output("git", &["-C", git_dir, "cat-file", "-e", &format!("{DOTNET_COMMIT}^{{commit}}")])
        .map_err(|_| format!("{git_dir} lacks the pinned .NET SDK commit {DOTNET_COMMIT}: fetch it first"))?;
    crate::output("git", &["-C", git_dir, "show", &format!("{DOTNET_COMMIT}:{path}")])
}

fn write_file(path: &str, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|error| format!("could not write {path}: {error}"))
}

/// A JSON object of `members`, in order.
pub(crate) fn object(members: Vec<(&str, Json)>) -> Json {
    Json::Object(members.into_iter().map(|(key, value)| (key.to_owned(), value)).collect())
}

/// A JSON string.
pub(crate) fn text(value: &str) -> Json {
    Json::String(value.to_owned())
}

/// A JSON array.
pub(crate) fn array(items: impl IntoIterator<Item = Json>) -> Json {
    Json::Array(items.into_iter().collect())
}
