//! The README's quick start: a forgotten password, a sign-in and signed-in calls, against
//! the simulator program (or `ORDERCLOUD_BASE_URL`).
//!
//! ```text
//! cargo run -p ordercloud-simulator -- --user storefront-client,jdoe,jdoe@example.com,Old-Passw0rd1
//! cargo run --example quick_start
//! ```

use ordercloud::auth::{AuthApi, Session, TokenRequest};
use ordercloud::me::MeApi;
use ordercloud::models::PasswordResetRequest;
use ordercloud::password_reset::PasswordResetApi;
use ordercloud::{ApiClient, Error, ListOptions};

const CLIENT_ID: &str = "storefront-client";

#[tokio::main]
async fn main() {
    if let Err(error) = run().await {
        eprintln!("error: {error}"); // one line, typed, without secrets
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Error> {
    let base_url = std::env::var("ORDERCLOUD_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:4300".to_owned());
    let client = ApiClient::builder().base_url(&base_url).build()?;

    // Anonymous: OrderCloud emails jdoe a link with a verification code.
    let request = PasswordResetRequest::new(CLIENT_ID).with_username("jdoe").with_url("https://shop.example.com/reset");
    PasswordResetApi::new(client.clone()).send_verification_code(&request).await?;
    println!("a reset link is on its way to jdoe");

    // A wrong password is a typed error, one line, without the password.
    let auth = AuthApi::new(client.clone());
    if let Err(error) = auth.token(&TokenRequest::password(CLIENT_ID, "jdoe", "Wr0ng-guess-1")).await {
        println!("a wrong password: {error} ({})", error.category().as_str());
    }

    // Signed in: a shopper's session keeps no password; it renews with the login's refresh
    // token (when the API client issues them) and ends when it cannot.
    let token = auth.token(&TokenRequest::password(CLIENT_ID, "jdoe", "Old-Passw0rd1")).await?;
    let session = Session::from_login(client, CLIENT_ID, token)?;
    let me = MeApi::new(session.client());
    let user = me.get().send().await?;
    println!("signed in as {} <{}>", user.username.unwrap_or_default(), user.email.unwrap_or_default());

    // A list, every page of it.
    let orders = me.list_orders().options(&ListOptions::new().page_size(100)).pages().all_items().await?;
    println!("{} orders so far", orders.len());
    Ok(())
}
