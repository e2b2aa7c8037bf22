//! Asks a real OrderCloud to email a user their username.
//!
//! ORDERCLOUD_CLIENT_ID=... ORDERCLOUD_EMAIL=jdoe@example.com [ORDERCLOUD_BASE_URL=...]
//! cargo run --example retrieve_username

use ordercloud_examples::{client_from_env, init_tracing, report, required};
use ordercloud_password_reset::PasswordResetApi;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    init_tracing();
    report(run().await)
}

async fn run() -> Result<(), String> {
    let client_id = required("ORDERCLOUD_CLIENT_ID", "the ID of your storefront's API client")?;
    let email = required("ORDERCLOUD_EMAIL", "the email address of the account")?;
    let api = PasswordResetApi::new(client_from_env()?);
    api.retrieve_username(&client_id, &email).await.map_err(|error| error.to_string())?;
    println!("Sent: if an account has that email, it now holds the username.");
    Ok(())
}
