//! A storefront's journey on a local OrderCloud, with the generated SDK: sign in
//! anonymously, list the products of a catalog with filters, register, add line items,
//! submit the order, forget the password, reset it from the email's link and sign in again.
//!
//! It runs against any simulator, the `ordercloud-simulator` program or one started in
//! process: it resets it and seeds the marketplace of `marketplace.json` over the control
//! routes first, then speaks only OrderCloud's API.

use ordercloud::auth::{AccessToken, AuthApi, Session, TokenRequest};
use ordercloud::me::MeApi;
use ordercloud::me::models::MeUser;
use ordercloud::models::{PasswordResetRequest, TokenPasswordReset};
use ordercloud::orders::models::{LineItem, Order, OrderDirection, OrderStatus};
use ordercloud::orders::{LineItemsApi, OrdersApi};
use ordercloud::password_reset::PasswordResetApi;
use ordercloud::transport::http::Method;
use ordercloud::{ApiClient, Error, Filter, ListOptions};
use serde_json::Value;

/// The seed the journey starts from: the storefront's API client (anonymous shopping into
/// the buyer `retail`), the catalog `summer` assigned to that buyer, and four products.
pub const MARKETPLACE: &str = include_str!("marketplace.json");

/// The storefront's API client, as `marketplace.json` defines it.
pub const CLIENT_ID: &str = "storefront";

/// Who registers.
const USERNAME: &str = "ada";
const EMAIL: &str = "ada@example.com";
const FIRST_PASSWORD: &str = "Summer-Ride-2027";
const NEW_PASSWORD: &str = "Autumn-Ride-2027";

/// What the journey saw, for a test to check. No `Debug`: it holds a reset token.
pub struct Journey {
    /// The IDs of the products the anonymous shopper listed, in the order listed.
    pub products: Vec<String>,
    /// The order as submitted.
    pub order: Order,
    /// The link token of the reset email: a JWT, as OrderCloud's.
    pub link_token: String,
    /// Whether the first password still signed in after the reset.
    pub old_password_works: bool,
    /// The orders the user sees after signing in again.
    pub orders_after: Vec<Order>,
}

/// Runs the journey against the simulator at `base_url`, telling each step to `say`.
pub async fn run(base_url: &str, say: &mut dyn FnMut(String)) -> Result<Journey, String> {
    let client = ApiClient::builder()
        .base_url(base_url)
        .application_name("storefront-journey")
        .build()
        .map_err(|error| error.to_string())?;
    seed(&client).await?;
    say(format!("seeded {base_url}: the buyer retail, the catalog summer and 4 products"));

    // 1. An anonymous shopper: a token of the storefront's client, no user yet.
    let anonymous = AuthApi::new(client.clone())
        .token(&TokenRequest::anonymous(CLIENT_ID))
        .await
        .map_err(step("sign in anonymously"))?;
    let anonymous_token = anonymous.access_token().to_owned();
    let shopper = Session::from_token(client.clone(), TokenRequest::anonymous(CLIENT_ID), anonymous)
        .map_err(step("keep the anonymous session"))?;
    let me = MeApi::new(shopper.client());
    say("signed in anonymously".to_owned());

    // 2. The catalog's cycling products, by name.
    let cycling = ListOptions::new().filter_with(Filter::eq("xp.Sport", "Cycling")).sort_by(["Name"]);
    let page = me.list_products().catalog_id("summer").options(&cycling).send().await.map_err(step("list products"))?;
    let products: Vec<String> = page.items.iter().filter_map(|product| product.id.clone()).collect();
    let listed: Vec<String> = page
        .items
        .iter()
        .map(|product| {
            let price = product
                .price_schedule
                .as_ref()
                .and_then(|schedule| schedule.price_breaks.as_ref())
                .and_then(|breaks| breaks.first())
                .and_then(|first| first.price);
            format!(
                "{} {}",
                product.name.as_deref().unwrap_or("?"),
                price.map_or("(no price)".to_owned(), |price| format!("{price:.2}"))
            )
        })
        .collect();
    say(format!("{} cycling products in summer: {}", page.meta.total_count, listed.join(", ")));

    // 3. The shopper registers, and carries on as the new user.
    let user = MeUser::new()
        .with_username(USERNAME)
        .with_first_name("Ada")
        .with_last_name("Lovelace")
        .with_email(EMAIL)
        .with_password(FIRST_PASSWORD)
        .with_active(true);
    let registered = me.register(&anonymous_token, &user).send().await.map_err(step("register"))?;
    let token = registered.access_token.ok_or("the registration answered no token")?;
    let ada = Session::from_login(client.clone(), CLIENT_ID, AccessToken::new(token, None, None))
        .map_err(step("keep the new user's session"))?;
    say(format!("registered {USERNAME}"));

    // 4. An order with two line items; the simulator prices them and keeps the totals.
    let orders = OrdersApi::new(ada.client());
    let order =
        orders.create(OrderDirection::Outgoing, &Order::new()).send().await.map_err(step("create the order"))?;
    let order_id = order.id.clone().ok_or("the order has no ID")?;
    let line_items = LineItemsApi::new(ada.client());
    for (product, quantity) in [("road-bike", 1), ("helmet", 2)] {
        let line = LineItem::new().with_product_id(product).with_quantity(quantity);
        line_items.create(OrderDirection::Outgoing, &order_id, &line).send().await.map_err(step("add a line item"))?;
    }

    // 5. Submitted: the order is open.
    let order = orders.submit(OrderDirection::Outgoing, &order_id).send().await.map_err(step("submit the order"))?;
    say(format!(
        "submitted the order: {} line items, total {:.2}, status {}",
        order.line_item_count.unwrap_or(0),
        order.total.unwrap_or_default(),
        order.status.as_ref().map_or("?", OrderStatus::as_str),
    ));

    // 6. Forgotten: the reset email carries a link with a token.
    let reset = PasswordResetApi::new(client.clone());
    let request = PasswordResetRequest::new(CLIENT_ID).with_email(EMAIL).with_url("https://shop.example.com/reset");
    reset.send_verification_code(&request).await.map_err(step("ask for a reset email"))?;
    let link_token = reset_link_token(&client).await?;
    say(format!("the reset email went to {EMAIL}, its link carrying a token"));

    // 7. The link's page sets a new password with that token.
    reset
        .reset_password_by_token(&link_token, &TokenPasswordReset::new(NEW_PASSWORD))
        .await
        .map_err(step("reset the password from the link"))?;
    say("reset the password from the email's link".to_owned());

    // 8. The new password signs in; the old one no longer does.
    let auth = AuthApi::new(client.clone());
    let old_password_works = auth.token(&TokenRequest::password(CLIENT_ID, USERNAME, FIRST_PASSWORD)).await.is_ok();
    let token =
        auth.token(&TokenRequest::password(CLIENT_ID, USERNAME, NEW_PASSWORD)).await.map_err(step("sign in again"))?;
    let again = Session::from_login(client.clone(), CLIENT_ID, token).map_err(step("keep the session"))?;
    let me = MeApi::new(again.client());
    let profile = me.get().send().await.map_err(step("read my profile"))?;
    let orders_after = me.list_orders().send().await.map_err(step("list my orders"))?.items;
    say(format!(
        "signed in again as {} with the new password (the old one {}); {} order(s), the first {}",
        profile.username.as_deref().unwrap_or("?"),
        if old_password_works { "still works" } else { "is refused" },
        orders_after.len(),
        orders_after.first().and_then(|order| order.status.as_ref()).map_or("?", OrderStatus::as_str),
    ));
    Ok(Journey { products, order, link_token, old_password_works, orders_after })
}

/// Back to the simulator's start, then the marketplace: through its control routes, which
/// OrderCloud does not have.
async fn seed(client: &ApiClient) -> Result<(), String> {
    let marketplace: Value =
        serde_json::from_str(MARKETPLACE).map_err(|error| format!("marketplace.json is not JSON: {error}"))?;
    client
        .request_unversioned(Method::POST, "/_simulator/reset")
        .send_empty()
        .await
        .map_err(step("reset the simulator"))?;
    client
        .request_unversioned(Method::POST, "/_simulator/seed")
        .json(&marketplace)
        .send_empty()
        .await
        .map_err(step("seed the marketplace"))
}

/// The token in the link of the newest reset email, from the simulator's outbox.
async fn reset_link_token(client: &ApiClient) -> Result<String, String> {
    let outbox: Vec<Value> = client
        .request_unversioned(Method::GET, "/_simulator/outbox")
        .send_json()
        .await
        .map_err(|error| format!("reading the outbox: {error}"))?;
    outbox
        .iter()
        .rev()
        .filter(|message| message["payload"]["MessageType"] == "ForgottenPassword")
        .find_map(|message| message["payload"]["EventBody"]["PasswordRenewalAccessToken"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| "no reset email in the outbox".to_owned())
}

/// What failed, with the error: `register: ...`.
fn step(what: &'static str) -> impl Fn(Error) -> String {
    move |error| format!("{what}: {error}")
}
