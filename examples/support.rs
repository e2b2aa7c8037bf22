//! What the examples share: reading settings from the environment, and showing secrets
//! safely; the backend of the `storefront_backend` example, [`storefront`]; the
//! storefront's journey of the `storefront_journey` example, [`journey`]; the middleware of
//! the `checkout_middleware` example with its journey, [`checkout`]; and the export and
//! import of the `move_catalog` example, [`catalog_move`].

pub mod catalog_move;
pub mod checkout;
pub mod journey;
pub mod storefront;

pub use journey::{reset_and_seed, step};

/// The README's Rust snippets, compiled (and those not marked `no_run`, run) by `cargo test`
/// as doc tests of this crate, so none can drift from the API.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeSnippets;

use ordercloud_password_reset::{Error, ErrorExt};
use ordercloud_simulator::Simulator;
use ordercloud_transport::ApiClient;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// With `ORDERCLOUD_TRACE` set, prints each OrderCloud call's span to stderr when it
/// closes: operation, method, route template, status, attempts and elapsed time (and any
/// retry). Only the SDK's own spans and events are shown; none holds a secret.
fn init_tracing() {
    if optional("ORDERCLOUD_TRACE").is_none() {
        return;
    }
    let only_the_sdk =
        tracing_subscriber::filter::Targets::new().with_target("ordercloud_transport", tracing::Level::DEBUG);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(false)
                .with_span_events(FmtSpan::CLOSE),
        )
        .with(only_the_sdk)
        .try_init();
}

/// The value of the environment variable `name`, or an error that says what to set.
pub fn required(name: &str, meaning: &str) -> Result<String, String> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value),
        _ => Err(format!("{name} is not set: set it to {meaning}")),
    }
}

/// The value of the environment variable `name`, if set and not empty.
pub fn optional(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.trim().is_empty())
}

/// The API client ID from `ORDERCLOUD_CLIENT_ID`.
pub fn client_id_from_env() -> Result<String, String> {
    required("ORDERCLOUD_CLIENT_ID", "the ID of your storefront's API client")
}

/// The user named by `ORDERCLOUD_USERNAME` and/or `ORDERCLOUD_EMAIL`, as
/// `(username, email)`; an error when neither is set.
pub fn user_from_env() -> Result<(Option<String>, Option<String>), String> {
    match (optional("ORDERCLOUD_USERNAME"), optional("ORDERCLOUD_EMAIL")) {
        (None, None) => Err("neither ORDERCLOUD_USERNAME nor ORDERCLOUD_EMAIL is set: set one to name the user".into()),
        user => Ok(user),
    }
}

/// The error's one line, followed, for an insecure password, by what the marketplace
/// requires.
pub fn explain(error: &Error) -> String {
    match error.password_requirements() {
        Some(requirements) => format!("{error}\n   the marketplace requires: {}", requirements.describe().join(", ")),
        None => error.to_string(),
    }
}

/// A client for a real OrderCloud: `ORDERCLOUD_BASE_URL` (default `https://api.ordercloud.io`).
pub fn client_from_env() -> Result<ApiClient, String> {
    let mut builder = ApiClient::builder().application_name("ordercloud-rs-examples");
    if let Some(base_url) = optional("ORDERCLOUD_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    builder.build().map_err(|error| error.to_string())
}

/// At most a quarter (and at most four) of a secret's first characters, so output tells
/// secrets apart without giving one away: `3f2a… (24 characters)`.
pub fn masked(secret: &str) -> String {
    let count = secret.chars().count();
    let shown: String = secret.chars().take((count / 4).min(4)).collect();
    format!("{shown}… ({count} characters)")
}

/// Runs an example's body: turns on tracing if `ORDERCLOUD_TRACE` is set, runs `body` on
/// a tokio runtime, and turns an error into a message on stderr and exit code 1.
pub fn run_example(body: impl std::future::Future<Output = Result<(), String>>) -> std::process::ExitCode {
    init_tracing();
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("could not start the tokio runtime: {error}"))
        .and_then(|runtime| runtime.block_on(body));
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// How long a token is valid, from what is `left` of its lifetime, for a person:
/// `600 minutes`, or why it is not known.
pub fn validity(left: Option<std::time::Duration>) -> String {
    match left {
        Some(left) => format!("{} minutes", left.as_secs() / 60),
        None => "until it is refused (no expires_in)".to_owned(),
    }
}

/// The OrderCloud an example plays against: `ORDERCLOUD_BASE_URL` when set, else a
/// simulator started here (kept running while the second value lives).
pub async fn base_url_or_simulator() -> Result<(String, Option<Simulator>), String> {
    match optional("ORDERCLOUD_BASE_URL") {
        Some(base_url) => Ok((base_url, None)),
        None => {
            let simulator =
                Simulator::start().await.map_err(|error| format!("could not start the simulator: {error}"))?;
            Ok((simulator.base_url(), Some(simulator)))
        }
    }
}
