//! A storefront backend on plain hyper, built on the SDK: forgotten and reset passwords,
//! logins (one-time passwords too), the shopper's details, the cart and its checkout, a
//! password change, logout, with sessions that renew with their refresh token only and
//! survive a restart of the backend.
//! The backend itself is `ordercloud_examples::storefront`; this walks a shopper through it.
//!
//! `cargo run --example storefront_backend` starts the embedded simulator (its API client
//! issues refresh tokens) and the backend on 127.0.0.1, then plays the shopper's browser and
//! prints each answer, and what OrderCloud saw (the simulator's request log).
//!
//! With ORDERCLOUD_BASE_URL, ORDERCLOUD_CLIENT_ID and STOREFRONT_PORT set (and optionally
//! ORDERCLOUD_RESET_URL), it serves a real marketplace's shoppers on 127.0.0.1 until stopped.

use std::sync::Arc;
use std::time::Duration;

use hyper::{Method, StatusCode};
use ordercloud_examples::storefront::{Browser, SessionStore, Storefront, serve};
use ordercloud_examples::{client_from_env, client_id_from_env, masked, optional, run_example};
use ordercloud_simulator::{SimApiClient, SimUser, Simulator};
use ordercloud_transport::ApiClient;
use serde_json::{Value, json};
use tokio::net::TcpListener;

const CLIENT_ID: &str = "storefront-client";
const RESET_URL: &str = "https://shop.example.com/reset";
/// The simulator's access tokens live 10 minutes.
const TOKEN_LIFETIME: Duration = Duration::from_secs(600);

fn main() -> std::process::ExitCode {
    run_example(run())
}

async fn run() -> Result<(), String> {
    if let Some(port) = optional("STOREFRONT_PORT") {
        return serve_real_marketplace(&port).await;
    }
    let simulator = marketplace().start().await.map_err(|error| format!("could not start the simulator: {error}"))?;
    let client = ApiClient::builder().base_url(simulator.base_url()).build().map_err(|error| error.to_string())?;
    let store = SessionStore::default();
    let backend = start(client.clone(), store.clone()).await?;
    let mut browser = Browser::new(backend.address)?;
    println!("A storefront backend at http://{}, on the embedded simulator.\n", backend.address);

    println!("1. jdoe forgot the password; the email brings a code.");
    show(&mut browser, Method::POST, "/api/password/forgot", json!({"username": "jdoe"})).await?;
    let email = simulator.last_message_to("jdoe@example.com").and_then(|message| message.forgotten_password());
    let code = email.and_then(|body| body.password_renewal_verification_code).ok_or("no reset email")?;
    println!("   the code: {}\n", masked(&code));

    println!("2. jdoe sets a new password: a weak one, then a strong one.");
    let weak = json!({"username": "jdoe", "code": code, "password": "weak"});
    show(&mut browser, Method::POST, "/api/password/reset", weak).await?;
    let strong = json!({"username": "jdoe", "code": code, "password": "N3w-Passw0rd1"});
    show(&mut browser, Method::POST, "/api/password/reset", strong).await?;

    println!("\n3. jdoe logs in; the session keeps no password, and is saved in the store.");
    show(&mut browser, Method::POST, "/api/login", json!({"username": "jdoe", "password": "N3w-Passw0rd1"})).await?;
    show(&mut browser, Method::GET, "/api/me", Value::Null).await?;

    println!("\n4. Ten minutes pass on OrderCloud's clock: the token expires, and is renewed with the refresh token.");
    simulator.advance(TOKEN_LIFETIME + Duration::from_secs(1));
    show(&mut browser, Method::GET, "/api/me", Value::Null).await?;
    println!("   OrderCloud saw {}", token_requests(&simulator));

    println!("\n5. The backend restarts; the session comes back from the store, without a token request.");
    drop(backend);
    let backend = start(client.clone(), store.clone()).await?;
    browser.address = backend.address;
    show(&mut browser, Method::GET, "/api/me", Value::Null).await?;
    println!("   OrderCloud saw {}", token_requests(&simulator));

    println!("\n6. jdoe fills the cart and checks out; the cart is OrderCloud's, not the backend's.");
    show(&mut browser, Method::GET, "/api/cart", Value::Null).await?;
    show(&mut browser, Method::POST, "/api/cart/items", json!({"product": "helmet", "quantity": 2})).await?;
    show(&mut browser, Method::POST, "/api/cart/submit", Value::Null).await?;

    println!("\n7. jdoe changes the password, then logs out.");
    show(&mut browser, Method::POST, "/api/me/password", json!({"password": "Changed-Passw0rd2"})).await?;
    let mut other_tab = browser.clone();
    show(&mut browser, Method::POST, "/api/logout", Value::Null).await?;
    let before = simulator.requests().total();
    println!("   another tab, with the old cookie:");
    show(&mut other_tab, Method::GET, "/api/me", Value::Null).await?;
    let sent = simulator.requests().total() - before;
    println!("   OrderCloud saw {sent} requests for it; {} sessions are stored", store.len());

    println!("\n8. Next time, jdoe logs in with a one-time password; it works once.");
    show(&mut browser, Method::POST, "/api/otp", json!({"username": "jdoe"})).await?;
    let otp = simulator.last_message_to("jdoe@example.com").and_then(|message| message.one_time_password());
    let otp = otp.and_then(|body| body.one_time_password).ok_or("no one-time password")?;
    show(&mut browser, Method::POST, "/api/login", json!({"username": "jdoe", "password": otp})).await?;
    show(&mut browser, Method::POST, "/api/login", json!({"username": "jdoe", "password": otp})).await?;

    println!("\nDone: every refusal answered by its category, one token request per login or renewal.");
    Ok(())
}

/// The embedded simulator's marketplace: the storefront's API client (refresh tokens,
/// 10-minute access tokens, shoppers of the buyer `retail`), the shopper jdoe, and a helmet
/// in the buyer's catalog at 59 (49.50 from two).
fn marketplace() -> ordercloud_simulator::SimulatorBuilder {
    Simulator::builder()
        .api_client(
            SimApiClient::new(CLIENT_ID)
                .with_refresh_tokens(true)
                .with_token_lifetime(TOKEN_LIFETIME)
                .with_buyer("retail"),
        )
        .user(SimUser::new(CLIENT_ID, "jdoe", "jdoe@example.com", "Old-Passw0rd1"))
        .resource("/buyers", json!({"ID": "retail", "Name": "Retail", "Active": true}))
        .resource("/catalogs", json!({"ID": "summer", "Name": "Summer"}))
        .resource("/catalogs/assignments", json!({"CatalogID": "summer", "BuyerID": "retail"}))
        .resource("/catalogs/productassignments", json!({"CatalogID": "summer", "ProductID": "helmet"}))
        .resource(
            "/priceschedules",
            json!({"ID": "helmet", "Name": "Helmet", "PriceBreaks": [{"Quantity": 1, "Price": 59}, {"Quantity": 2, "Price": 49.5}]}),
        )
        .resource("/products", json!({"ID": "helmet", "Name": "Helmet", "Active": true, "DefaultPriceScheduleID": "helmet"}))
}

/// A running backend; dropping it stops serving (its sessions stay in the store).
struct Backend {
    address: std::net::SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn start(client: ApiClient, store: SessionStore) -> Result<Backend, String> {
    let listener = TcpListener::bind("127.0.0.1:0").await.map_err(|error| format!("could not listen: {error}"))?;
    let address = listener.local_addr().map_err(|error| error.to_string())?;
    let storefront = Arc::new(Storefront::new(client, CLIENT_ID, RESET_URL, store));
    Ok(Backend { address, server: tokio::spawn(serve(listener, storefront)) })
}

/// One browser call, printed with its answer.
async fn show(browser: &mut Browser, method: Method, path: &str, body: Value) -> Result<(), String> {
    let body = (!body.is_null()).then_some(body);
    let (status, answer) = browser.call(method.clone(), path, body).await?;
    let answer = if answer.is_null() { String::new() } else { format!(" {answer}") };
    let cookie = if path == "/api/login" && status == StatusCode::OK { " (and the session cookie)" } else { "" };
    println!("   {method} {path} -> {status}{answer}{cookie}");
    Ok(())
}

fn token_requests(simulator: &Simulator) -> String {
    let log = simulator.requests();
    format!(
        "{} token requests ({} with a password, {} with a refresh token)",
        log.token_requests(),
        log.token_requests_with_grant("password"),
        log.token_requests_with_grant("refresh_token")
    )
}

async fn serve_real_marketplace(port: &str) -> Result<(), String> {
    let port: u16 = port.parse().map_err(|_| format!("STOREFRONT_PORT is not a port: {port:?}"))?;
    let client_id = client_id_from_env()?;
    let reset_url = optional("ORDERCLOUD_RESET_URL").unwrap_or_else(|| RESET_URL.to_owned());
    let listener =
        TcpListener::bind(("127.0.0.1", port)).await.map_err(|error| format!("could not listen: {error}"))?;
    let storefront = Storefront::new(client_from_env()?, &client_id, &reset_url, SessionStore::default());
    println!("A storefront backend at http://127.0.0.1:{port} for {client_id} (Ctrl-C stops it)");
    tokio::select! {
        () = serve(listener, Arc::new(storefront)) => Ok(()),
        stopped = tokio::signal::ctrl_c() => stopped.map_err(|error| error.to_string()),
    }
}
