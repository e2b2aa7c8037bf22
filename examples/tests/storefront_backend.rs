//! The `storefront_backend` example's backend, served in-process on 127.0.0.1 against the
//! simulator: forgot -> reset -> login -> /me -> renewal -> restart -> the cart -> logout ->
//! /me refused, with what OrderCloud saw counted by the simulator's request log.

use std::sync::Arc;
use std::time::Duration;

use hyper::{Method, StatusCode};
use ordercloud_examples::storefront::{Browser, SessionStore, Storefront, serve};
use ordercloud_simulator::{SimApiClient, SimUser, Simulator};
use ordercloud_transport::ApiClient;
use serde_json::{Value, json};
use tokio::net::TcpListener;

const CLIENT_ID: &str = "storefront-client";

/// Serves a backend on 127.0.0.1:0 over `store`; its address and its server task.
async fn start(simulator: &Simulator, store: &SessionStore) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let client = ApiClient::builder().base_url(simulator.base_url()).build().unwrap();
    let storefront = Storefront::new(client, CLIENT_ID, "https://shop.example.com/reset", store.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    (address, tokio::spawn(serve(listener, Arc::new(storefront))))
}

async fn call(browser: &mut Browser, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
    browser.call(method, path, (!body.is_null()).then_some(body)).await.unwrap()
}

#[tokio::test]
async fn a_shopper_resets_logs_in_is_renewed_survives_a_restart_and_logs_out() {
    let simulator = Simulator::builder()
        .api_client(
            SimApiClient::new(CLIENT_ID)
                .with_refresh_tokens(true)
                .with_token_lifetime(Duration::from_secs(600))
                .with_buyer("retail"),
        )
        .user(SimUser::new(CLIENT_ID, "jdoe", "jdoe@example.com", "Old-Passw0rd1"))
        .resource("/buyers", json!({"ID": "retail", "Name": "Retail", "Active": true}))
        .resource("/catalogs", json!({"ID": "summer", "Name": "Summer"}))
        .resource("/catalogs/assignments", json!({"CatalogID": "summer", "BuyerID": "retail"}))
        .resource("/catalogs/productassignments", json!({"CatalogID": "summer", "ProductID": "bottle"}))
        .resource(
            "/priceschedules",
            json!({"ID": "bottle", "Name": "Bottle", "PriceBreaks": [{"Quantity": 1, "Price": 19.99}]}),
        )
        .resource(
            "/products",
            json!({"ID": "bottle", "Name": "Bottle", "Active": true, "DefaultPriceScheduleID": "bottle"}),
        )
        .start()
        .await
        .unwrap();
    let store = SessionStore::default();
    let (address, first_backend) = start(&simulator, &store).await;
    let mut browser = Browser::new(address).unwrap();

    // Forgot, then reset with the emailed code: a weak password is refused with the requirements.
    let (status, _) = call(&mut browser, Method::POST, "/api/password/forgot", json!({"username": "jdoe"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let email = simulator.last_message_to("jdoe@example.com").unwrap().forgotten_password().unwrap();
    let code = email.password_renewal_verification_code.unwrap();
    let weak = json!({"username": "jdoe", "code": code, "password": "weak"});
    let (status, answer) = call(&mut browser, Method::POST, "/api/password/reset", weak).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::BAD_REQUEST, Some("validation")));
    assert_eq!(answer["requirements"][0], "at least 10 characters");
    let strong = json!({"username": "jdoe", "code": code, "password": "N3w-Passw0rd1"});
    assert_eq!(call(&mut browser, Method::POST, "/api/password/reset", strong).await.0, StatusCode::NO_CONTENT);

    // A wrong password, then the right one: a session cookie, a stored session, /me.
    let wrong = json!({"username": "jdoe", "password": "Old-Passw0rd1"});
    let (status, answer) = call(&mut browser, Method::POST, "/api/login", wrong).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_credentials")));
    assert!(!browser.has_session());
    let right = json!({"username": "jdoe", "password": "N3w-Passw0rd1"});
    assert_eq!(call(&mut browser, Method::POST, "/api/login", right).await.0, StatusCode::OK);
    assert!(browser.has_session());
    assert_eq!(store.len(), 1);
    let (status, me) = call(&mut browser, Method::GET, "/api/me", Value::Null).await;
    assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some("jdoe")));

    // The token expires on OrderCloud's clock: one refresh, and the call still answers.
    simulator.advance(Duration::from_secs(601));
    let (status, me) = call(&mut browser, Method::GET, "/api/me", Value::Null).await;
    assert_eq!((status, me["email"].as_str()), (StatusCode::OK, Some("jdoe@example.com")));
    let log = simulator.requests();
    assert_eq!(log.token_requests_with_grant("password"), 2, "the wrong login and the right one");
    assert_eq!(log.token_requests_with_grant("refresh_token"), 1);

    // A restart: a new backend over the same store resumes the session without a token request.
    first_backend.abort();
    let (address, _second_backend) = start(&simulator, &store).await;
    browser.address = address;
    let (status, me) = call(&mut browser, Method::GET, "/api/me", Value::Null).await;
    assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some("jdoe")));
    assert_eq!(simulator.requests().token_requests(), 3, "no token request for the restored session");
    // It renews with the refresh token the first backend saved after its renewal.
    simulator.advance(Duration::from_secs(601));
    assert_eq!(call(&mut browser, Method::GET, "/api/me", Value::Null).await.0, StatusCode::OK);
    assert_eq!(simulator.requests().count_with_status("POST", "/oauth/token", 200), 3);

    // The cart, through the session: empty, three bottles at 19.99 to the cent, submitted.
    let (status, cart) = call(&mut browser, Method::GET, "/api/cart", Value::Null).await;
    assert_eq!((status, cart), (StatusCode::OK, json!({"items": [], "total": "0.00"})));
    let three = json!({"product": "bottle", "quantity": 3});
    let (status, cart) = call(&mut browser, Method::POST, "/api/cart/items", three).await;
    assert_eq!((status, cart["total"].as_str()), (StatusCode::OK, Some("59.97")), "{cart}");
    let words = json!({"product": "bottle", "quantity": "three"});
    let (status, refused) = call(&mut browser, Method::POST, "/api/cart/items", words).await;
    assert_eq!((status, refused["error"].as_str()), (StatusCode::BAD_REQUEST, Some("validation")));
    let unknown = json!({"product": "tent", "quantity": 1});
    let (status, refused) = call(&mut browser, Method::POST, "/api/cart/items", unknown).await;
    assert_eq!((status, refused["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (status, order) = call(&mut browser, Method::POST, "/api/cart/submit", Value::Null).await;
    assert_eq!((status, order), (StatusCode::OK, json!({"status": "Open", "total": "59.97"})));
    assert_eq!(call(&mut browser, Method::GET, "/api/cart", Value::Null).await.1["items"], json!([]), "a new cart");

    // A password change through the session; then logout, and the old cookie is refused
    // without a single request to OrderCloud.
    let change = json!({"password": "Changed-Passw0rd2"});
    assert_eq!(call(&mut browser, Method::POST, "/api/me/password", change).await.0, StatusCode::NO_CONTENT);
    assert!(simulator.password_matches(CLIENT_ID, "jdoe", "Changed-Passw0rd2"));
    let mut other_tab = browser.clone();
    assert_eq!(call(&mut browser, Method::POST, "/api/logout", Value::Null).await.0, StatusCode::NO_CONTENT);
    assert!(!browser.has_session());
    assert!(store.is_empty(), "the ended session left the store");
    let before = simulator.requests();
    let (status, answer) = call(&mut other_tab, Method::GET, "/api/me", Value::Null).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("session_expired")));
    assert_eq!(simulator.requests(), before, "nothing sent to OrderCloud");
}

#[tokio::test]
async fn a_one_time_password_logs_in_once() {
    let simulator = Simulator::builder()
        .user(SimUser::new(CLIENT_ID, "jdoe", "jdoe@example.com", "Old-Passw0rd1"))
        .start()
        .await
        .unwrap();
    let (address, _backend) = start(&simulator, &SessionStore::default()).await;
    let mut browser = Browser::new(address).unwrap();
    assert_eq!(
        call(&mut browser, Method::POST, "/api/otp", json!({"username": "jdoe"})).await.0,
        StatusCode::NO_CONTENT
    );
    let otp = simulator.last_message_to("jdoe@example.com").unwrap().one_time_password().unwrap();
    let login = json!({"username": "jdoe", "password": otp.one_time_password.unwrap()});
    assert_eq!(call(&mut browser, Method::POST, "/api/login", login.clone()).await.0, StatusCode::OK);
    assert_eq!(call(&mut browser, Method::GET, "/api/me", Value::Null).await.0, StatusCode::OK);
    let (status, answer) = call(&mut browser, Method::POST, "/api/login", login).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_credentials")));
    let (status, answer) = call(&mut browser, Method::POST, "/api/login", json!({"username": "jdoe"})).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::BAD_REQUEST, Some("validation")));
}
