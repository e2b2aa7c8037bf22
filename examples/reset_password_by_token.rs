//! Sets a new password on a real OrderCloud with the PasswordRenewalAccessToken of a reset
//! email.
//!
//! ORDERCLOUD_RENEWAL_TOKEN=... ORDERCLOUD_NEW_PASSWORD=... [ORDERCLOUD_BASE_URL=...]
//! cargo run --example reset_password_by_token

use ordercloud_examples::{client_from_env, explain, required, run_example};
use ordercloud_models::TokenPasswordReset;
use ordercloud_password_reset::PasswordResetApi;

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    let token = required("ORDERCLOUD_RENEWAL_TOKEN", "the PasswordRenewalAccessToken from the reset email")?;
    let password = required("ORDERCLOUD_NEW_PASSWORD", "the new password")?;
    let api = PasswordResetApi::new(client_from_env()?);
    match api.reset_password_by_token(&token, &TokenPasswordReset::new(password)).await {
        Ok(()) => {
            println!("The password is changed.");
            Ok(())
        }
        Err(error) => Err(explain(&error)),
    }
}
