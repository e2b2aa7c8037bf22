//! Asks a real OrderCloud to email a verification code.
//!
//! ORDERCLOUD_CLIENT_ID=... ORDERCLOUD_EMAIL=jdoe@example.com [ORDERCLOUD_USERNAME=...]
//! [ORDERCLOUD_RESET_URL=https://shop.example.com/reset] [ORDERCLOUD_BASE_URL=https://sandboxapi.ordercloud.io]
//! cargo run --example send_verification_code

use ordercloud_examples::{client_from_env, client_id_from_env, optional, run_example, user_from_env};
use ordercloud_models::PasswordResetRequest;
use ordercloud_password_reset::PasswordResetApi;

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    let client_id = client_id_from_env()?;
    let mut request = PasswordResetRequest::new(client_id);
    (request.username, request.email) = user_from_env()?;
    request.url = optional("ORDERCLOUD_RESET_URL");
    let api = PasswordResetApi::new(client_from_env()?);
    api.send_verification_code(&request).await.map_err(|error| error.to_string())?;
    println!("Sent: if the account exists, its email now holds a verification code.");
    Ok(())
}
