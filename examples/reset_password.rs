//! Sets a new password on a real OrderCloud with the code from the reset email.
//!
//! ORDERCLOUD_CLIENT_ID=... ORDERCLOUD_USERNAME=jdoe ORDERCLOUD_VERIFICATION_CODE=...
//! ORDERCLOUD_NEW_PASSWORD=... [ORDERCLOUD_BASE_URL=...] cargo run --example reset_password

use ordercloud_examples::{client_from_env, client_id_from_env, explain, required, run_example};
use ordercloud_models::PasswordReset;
use ordercloud_password_reset::PasswordResetApi;

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    let client_id = client_id_from_env()?;
    let username = required("ORDERCLOUD_USERNAME", "the username whose password is reset")?;
    let code = required("ORDERCLOUD_VERIFICATION_CODE", "the verification code from the reset email")?;
    let password = required("ORDERCLOUD_NEW_PASSWORD", "the new password")?;
    let api = PasswordResetApi::new(client_from_env()?);
    match api.reset_password(&code, &PasswordReset::new(client_id, username, password)).await {
        Ok(()) => {
            println!("The password is changed.");
            Ok(())
        }
        Err(error) => Err(explain(&error)),
    }
}
