//! Asks a real OrderCloud to email a user their username.
//!
//! ORDERCLOUD_CLIENT_ID=... ORDERCLOUD_EMAIL=jdoe@example.com [ORDERCLOUD_BASE_URL=...]
//! cargo run --example retrieve_username

use ordercloud_examples::{client_from_env, client_id_from_env, required, run_example};
use ordercloud_password_reset::PasswordResetApi;

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    let client_id = client_id_from_env()?;
    let email = required("ORDERCLOUD_EMAIL", "the email address of the account")?;
    let api = PasswordResetApi::new(client_from_env()?);
    api.retrieve_username(&client_id, &email).await.map_err(|error| error.to_string())?;
    println!("Sent: if an account has that email, it now holds the username.");
    Ok(())
}
