//! Asks a real OrderCloud to send a one-time password.
//!
//! ORDERCLOUD_CLIENT_ID=... ORDERCLOUD_USERNAME=jdoe (or ORDERCLOUD_EMAIL=...)
//! [ORDERCLOUD_BASE_URL=...] cargo run --example send_one_time_password

use ordercloud_examples::{client_from_env, client_id_from_env, run_example, user_from_env};
use ordercloud_models::OneTimePasswordRequest;
use ordercloud_password_reset::PasswordResetApi;

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    let client_id = client_id_from_env()?;
    let mut request = OneTimePasswordRequest::new(client_id);
    (request.username, request.email) = user_from_env()?;
    let api = PasswordResetApi::new(client_from_env()?);
    api.send_one_time_password(&request).await.map_err(|error| error.to_string())?;
    println!("Sent: if the account exists, it now has a one-time password valid for 10 minutes.");
    Ok(())
}
