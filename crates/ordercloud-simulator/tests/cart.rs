//! The Cart with the generated SDK, as a storefront uses it: an empty cart, line items
//! priced from the buyer's price schedules (exactly: three at 19.99 are 59.97), patched and
//! deleted, a promotion that applies, a cart kept through `Me.Register`, ship-to, the
//! worksheet, submit starting the next cart, several carts, and who may use it.

use ordercloud::auth::{AccessToken, AuthApi, Session, TokenRequest};
use ordercloud::me::MeApi;
use ordercloud::me::models::MeUser;
use ordercloud::models::{Decimal, decimal};
use ordercloud::orders::models::{Address, LineItem, Order, OrderDirection, OrderStatus, PartialLineItem};
use ordercloud::orders::{CartApi, OrdersApi};
use ordercloud::transport::http::Method;
use ordercloud::{ApiClient, Error};
use ordercloud_simulator::{SimApiClient, Simulator};
use serde_json::json;

const SHOP: &str = "shop";

/// The retail buyer's catalog: a helmet at 59 (49.50 from two), a bottle at 19.99, a tent
/// for another buyer's catalog only; a promotion of 10% on orders over 100.
async fn marketplace() -> Simulator {
    Simulator::builder()
        .api_client(
            SimApiClient::new(SHOP)
                .with_roles(["Shopper", "MeAdmin", "MeAddressAdmin", "MeSubscriptionAdmin"])
                .with_buyer("retail"),
        )
        .api_client(SimApiClient::new("admin").with_secret("secret").with_roles(["FullAccess"]))
        .api_client(SimApiClient::new("browse-only").with_roles(["MeAdmin"]).with_buyer("retail"))
        .resource("/buyers", json!({"ID": "retail", "Name": "Retail", "Active": true}))
        .resource("/catalogs", json!({"ID": "summer", "Name": "Summer"}))
        .resource("/catalogs/assignments", json!({"CatalogID": "summer", "BuyerID": "retail"}))
        .resource("/catalogs/productassignments", json!({"CatalogID": "summer", "ProductID": "helmet"}))
        .resource("/catalogs/productassignments", json!({"CatalogID": "summer", "ProductID": "bottle"}))
        .resource(
            "/priceschedules",
            json!({"ID": "helmet", "Name": "Helmet", "PriceBreaks": [
            {"Quantity": 1, "Price": 59.0}, {"Quantity": 2, "Price": 49.5}]}),
        )
        .resource(
            "/priceschedules",
            json!({"ID": "bottle", "Name": "Bottle", "PriceBreaks": [{"Quantity": 1, "Price": 19.99}]}),
        )
        .resource(
            "/products",
            json!({"ID": "helmet", "Name": "Helmet", "Active": true, "DefaultPriceScheduleID": "helmet"}),
        )
        .resource(
            "/products",
            json!({"ID": "bottle", "Name": "Bottle", "Active": true, "DefaultPriceScheduleID": "bottle"}),
        )
        .resource(
            "/promotions",
            json!({"ID": "summer10", "Code": "SUMMER10", "Name": "10% over 100",
            "EligibleExpression": "order.Subtotal > 100", "ValueExpression": "order.Subtotal * 0.1",
            "AllowAllBuyers": true, "CanCombine": false}),
        )
        .start()
        .await
        .unwrap()
}

fn client(simulator: &Simulator) -> ApiClient {
    ApiClient::builder().base_url(simulator.base_url()).build().unwrap()
}

/// An anonymous shopper's session, and the token `Me.Register` takes.
async fn anonymous(simulator: &Simulator) -> (Session, String) {
    let token = AuthApi::new(client(simulator)).token(&TokenRequest::anonymous(SHOP)).await.unwrap();
    let raw = token.access_token().to_owned();
    (Session::from_token(client(simulator), TokenRequest::anonymous(SHOP), token).unwrap(), raw)
}

fn status(error: &Error) -> (u16, String) {
    let code = error.error_code().map(|code| code.as_str().to_owned()).unwrap_or_default();
    (error.status().map_or(0, |status| status.as_u16()), code)
}

#[tokio::test]
async fn a_shopper_fills_a_cart_registers_and_submits_it() {
    let simulator = marketplace().await;
    let (shopper, anonymous_token) = anonymous(&simulator).await;
    let cart = CartApi::new(shopper.client());

    // Before the first line item, an empty cart with no ID, and no line items.
    let empty = cart.get().send().await.unwrap();
    assert_eq!((empty.id, empty.line_item_count, empty.status), (None, Some(0), Some(OrderStatus::Unsubmitted)));
    assert_eq!(cart.list_line_items().send().await.unwrap().meta.total_count, 0);

    // Line items start the cart and are priced from the price schedules, to the cent.
    let helmet =
        cart.create_line_item(&LineItem::new().with_product_id("helmet").with_quantity(1)).send().await.unwrap();
    assert_eq!(helmet.unit_price, Some(decimal!(59)));
    let bottles =
        cart.create_line_item(&LineItem::new().with_product_id("bottle").with_quantity(3)).send().await.unwrap();
    assert_eq!(bottles.line_subtotal, Some(decimal!(59.97)), "three at 19.99, exactly");
    let helmet_id = helmet.id.unwrap();
    let patched = cart.patch_line_item(&helmet_id, &PartialLineItem::new().with_quantity(2)).send().await.unwrap();
    assert_eq!((patched.unit_price, patched.line_subtotal), (Some(decimal!(49.5)), Some(decimal!(99))));
    let order = cart.get().send().await.unwrap();
    let cart_id = order.id.clone().expect("the cart exists now");
    assert_eq!((order.line_item_count, order.subtotal), (Some(2), Some(decimal!(158.97))));

    // A promotion that applies: 10% of 158.97, to the cent.
    let promotion = cart.add_promotion("summer10").send().await.unwrap();
    assert_eq!(promotion.code.as_deref(), Some("SUMMER10"));
    let order = cart.get().send().await.unwrap();
    assert_eq!((order.promotion_discount, order.total), (Some(decimal!(15.9)), Some(decimal!(143.07))));
    let taken = cart.add_promotion("SUMMER10").send().await.unwrap_err();
    assert_eq!(status(&taken), (400, "Promotion.AlreadyApplied".to_owned()));

    // Registering keeps the cart: the new user's cart is the same order, theirs now.
    let user = MeUser::new()
        .with_username("ada")
        .with_first_name("Ada")
        .with_last_name("Lovelace")
        .with_email("ada@example.com")
        .with_password("Summer-Ride-2027")
        .with_active(true);
    let registered = MeApi::new(shopper.client()).register(&anonymous_token, &user).send().await.unwrap();
    let ada =
        Session::from_login(client(&simulator), SHOP, AccessToken::new(registered.access_token.unwrap(), None, None))
            .unwrap();
    let cart = CartApi::new(ada.client());
    let kept = cart.get().send().await.unwrap();
    assert_eq!(kept.id.as_deref(), Some(cart_id.as_str()));
    let ada_id = MeApi::new(ada.client()).get().send().await.unwrap().id;
    assert_eq!(kept.from_user_id, ada_id);
    assert_eq!(kept.from_user.and_then(|from| from.username).as_deref(), Some("ada"));

    // Ship-to, then the worksheet shows the lines, the promotion and the address.
    let address = Address::new().with_street1("1 Harbour St").with_city("Porto").with_country("PT");
    cart.set_shipping_address(&address).send().await.unwrap();
    let worksheet = cart.get_order_worksheet().send().await.unwrap();
    let lines = worksheet.line_items.unwrap();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|line| line.shipping_address.as_ref().and_then(|a| a.city.as_deref()) == Some("Porto")));
    assert_eq!(worksheet.order_promotions.unwrap().len(), 1);
    cart.validate().send().await.unwrap();

    // Submitted: open, and the next cart is a new one.
    let submitted = cart.submit().send().await.unwrap();
    assert_eq!((submitted.status, submitted.total), (Some(OrderStatus::Open), Some(decimal!(143.07))));
    assert_eq!(cart.get().send().await.unwrap().id, None);
    let mine = MeApi::new(ada.client()).list_orders().send().await.unwrap().items;
    assert_eq!(mine.iter().map(|order| order.id.clone().unwrap()).collect::<Vec<_>>(), [cart_id]);
}

#[tokio::test]
async fn line_items_change_and_go_and_the_cart_empties() {
    let simulator = marketplace().await;
    let cart = CartApi::new(anonymous(&simulator).await.0.client());
    let line = LineItem::new().with_id("bottles").with_product_id("bottle").with_quantity(1);
    let saved = cart.save_line_item("bottles", &line).send().await.unwrap();
    assert_eq!(saved.unit_price, Some(decimal!(19.99)));
    assert_eq!(cart.get_line_item("bottles").send().await.unwrap().quantity, Some(1));
    let unknown = cart.create_line_item(&LineItem::new().with_product_id("nothing").with_quantity(1)).send().await;
    assert_eq!(status(&unknown.unwrap_err()).0, 404);
    let zero = cart.create_line_item(&LineItem::new().with_product_id("bottle").with_quantity(0)).send().await;
    assert_eq!(status(&zero.unwrap_err()).1, "LineItem.QuantityMustBePositive");
    cart.delete_line_item("bottles").send().await.unwrap();
    assert_eq!(cart.get().send().await.unwrap().subtotal, Some(Decimal::ZERO));
    // The promotion does not apply under 100.
    assert_eq!(status(&cart.add_promotion("SUMMER10").send().await.unwrap_err()).1, "Promotion.NotEligible");
    cart.delete().send().await.unwrap();
    assert_eq!(cart.get().send().await.unwrap().id, None);
    cart.delete().send().await.unwrap();
    let nothing = cart.submit().send().await.unwrap_err();
    assert_eq!(status(&nothing), (400, "Order.CannotSubmitWithNoLineItems".to_owned()));
}

#[tokio::test]
async fn a_signed_in_user_switches_between_carts() {
    let simulator = marketplace().await;
    let user = json!({"ID": "kim", "Username": "kim", "FirstName": "Kim", "LastName": "Lee",
                      "Email": "kim@example.com", "Password": "Summer-Ride-2027", "Active": true});
    simulator.create_resource("/buyers/retail/users", user).unwrap();
    let kim = Session::new(client(&simulator), TokenRequest::password(SHOP, "kim", "Summer-Ride-2027"));
    let orders = OrdersApi::new(kim.client());
    let first = orders.create(OrderDirection::Outgoing, &Order::new().with_id("first")).send().await.unwrap();
    let second = orders.create(OrderDirection::Outgoing, &Order::new().with_id("second")).send().await.unwrap();
    let cart = CartApi::new(kim.client());
    assert_eq!(cart.get().send().await.unwrap().id, second.id, "the newest");
    cart.set_active_cart("first").send().await.unwrap();
    cart.create_line_item(&LineItem::new().with_product_id("helmet").with_quantity(1)).send().await.unwrap();
    let lines = |id: &'static str| orders.get(OrderDirection::Outgoing, id);
    assert_eq!(lines("first").send().await.unwrap().line_item_count, Some(1));
    assert_eq!(lines("second").send().await.unwrap().line_item_count, Some(0));
    assert_eq!(first.id.as_deref(), Some("first"));
    assert_eq!(status(&cart.set_active_cart("nobodys").send().await.unwrap_err()).0, 404);

    // An anonymous shopper has one cart.
    let anonymous = CartApi::new(anonymous(&simulator).await.0.client());
    let refused = anonymous.set_active_cart("first").send().await.unwrap_err();
    assert_eq!(status(&refused), (400, "Cart.MultipleCartsNotSupported".to_owned()));
}

#[tokio::test]
async fn the_cart_is_for_buyer_users_with_the_shopper_role() {
    let simulator = marketplace().await;
    let token = AuthApi::new(client(&simulator)).token(&TokenRequest::client_credentials("admin", "secret")).await;
    let admin = client(&simulator).with_access_token(token.unwrap().access_token()).unwrap();
    let refused = CartApi::new(admin).get().send().await.unwrap_err();
    assert_eq!(status(&refused), (403, "Cart.BuyerUsersOnly".to_owned()));
    let browse_only = Session::new(client(&simulator), TokenRequest::anonymous("browse-only")).client();
    let refused = CartApi::new(browse_only).get().send().await.unwrap_err();
    assert_eq!(status(&refused), (403, "Auth.InsufficientRoles".to_owned()));
    let nobody = CartApi::new(client(&simulator)).get().send().await.unwrap_err();
    assert_eq!(status(&nobody).0, 401);
}

#[tokio::test]
async fn product_collections_and_subscriptions_are_the_users_own() {
    let simulator = marketplace().await;
    for id in ["kim", "lou"] {
        let user = json!({"ID": id, "Username": id, "FirstName": id, "LastName": "Lee",
                          "Email": format!("{id}@example.com"), "Password": "Summer-Ride-2027", "Active": true});
        simulator.create_resource("/buyers/retail/users", user).unwrap();
    }
    let sign_in = |id: &str| Session::new(client(&simulator), TokenRequest::password(SHOP, id, "Summer-Ride-2027"));
    let kim = sign_in("kim").client();
    let lou = sign_in("lou").client();
    fn call(client: &ApiClient, method: Method, path: &'static str) -> ordercloud::transport::ApiRequest {
        client.request(method, path)
    }
    let created: serde_json::Value = call(&kim, Method::POST, "/me/productcollections")
        .json(&json!({"ID": "wishlist", "Name": "Wish list"}))
        .send_json()
        .await
        .unwrap();
    assert_eq!(created["ID"], "wishlist");
    call(&kim, Method::PUT, "/me/productcollections/wishlist/helmet").send_empty().await.unwrap();
    let refused = call(&kim, Method::PUT, "/me/productcollections/wishlist/tent").send_empty().await.unwrap_err();
    assert_eq!(status(&refused).0, 404, "not a product Kim sees");
    let entries: serde_json::Value =
        call(&kim, Method::GET, "/me/productcollections/wishlist/products").send_json().await.unwrap();
    assert_eq!(entries["Items"][0]["ID"], "helmet");
    assert_eq!(entries["Items"][0]["PriceSchedule"]["ID"], "helmet");
    let theirs: serde_json::Value = call(&lou, Method::GET, "/me/productcollections").send_json().await.unwrap();
    assert_eq!(theirs["Meta"]["TotalCount"], 0, "Lou's lists are Lou's");

    let subscription = json!({"ID": "monthly", "Frequency": "Months", "Interval": 1, "Active": true,
                              "NextOrderDate": "2027-07-01T00:00:00Z"});
    let created: serde_json::Value =
        call(&kim, Method::POST, "/me/subscriptions").json(&subscription).send_json().await.unwrap();
    assert_eq!((created["FromUserID"].as_str(), created["FromCompanyID"].as_str()), (Some("kim"), Some("retail")));
    let listed: serde_json::Value = call(&kim, Method::GET, "/me/subscriptions").send_json().await.unwrap();
    assert_eq!(listed["Meta"]["TotalCount"], 1);
    let refused = call(&lou, Method::GET, "/me/subscriptions/monthly").send_empty().await.unwrap_err();
    assert_eq!(status(&refused).0, 404);
    let listed: serde_json::Value = call(&lou, Method::GET, "/me/subscriptions").send_json().await.unwrap();
    assert_eq!(listed["Meta"]["TotalCount"], 0);
}

/// A cart of one helmet and one bottle (78.99), and the promotion `code` with these
/// expressions added to it: the order's discount, or the refusal.
async fn discount_of(simulator: &Simulator, code: &str, eligible: &str, value: &str) -> Result<Decimal, Error> {
    let promotion = json!({"ID": code, "Code": code, "Name": code, "EligibleExpression": eligible,
                           "ValueExpression": value, "AllowAllBuyers": true, "CanCombine": false});
    simulator.create_resource("/promotions", promotion).unwrap();
    let cart = CartApi::new(anonymous(simulator).await.0.client());
    for product in ["helmet", "bottle"] {
        cart.create_line_item(&LineItem::new().with_product_id(product).with_quantity(1)).send().await.unwrap();
    }
    cart.add_promotion(code).send().await?;
    Ok(cart.get().send().await?.promotion_discount.unwrap_or_default())
}

#[tokio::test]
async fn a_deeply_nested_promotion_is_read_once_not_once_per_item_per_level() {
    let simulator = marketplace().await;
    // 36 `items.any(` deep over two line items: 2^36 readings of the innermost condition when
    // each level reads its condition again for each item. A generous bound only keeps a
    // frozen simulator from hanging the test run.
    let eligible = format!("{}ProductID = 'helmet'{}", "items.any(".repeat(36), ")".repeat(36));
    let added = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        discount_of(&simulator, "deep", &eligible, "items.count(items.all(items.any(ProductID = 'bottle')))"),
    )
    .await
    .expect("the simulator froze on a nested expression");
    assert_eq!(added.unwrap(), decimal!(2), "eligible, and both items counted");
}

#[tokio::test]
async fn division_and_remainder_in_promotions_are_exact() {
    let simulator = marketplace().await;
    // 78.99 / 0.1 is 789.9 and 78.99 % 0.1 is 0.09, exactly; in `f64` neither holds.
    let eligible = "order.Subtotal / 0.1 = 789.9 and order.Subtotal % 0.1 = 0.09 and 0.3 / 0.1 = 3";
    assert_eq!(discount_of(&simulator, "exact", eligible, "order.Subtotal / 3").await.unwrap(), decimal!(26.33));
    // A third to ten places, rounded half away from zero; then the discount to the cent.
    let eligible = "1 / 3 = 0.3333333333 and 2 / 3 = 0.6666666667 and -2 / 3 = -0.6666666667 and 7.5 % -2 = 1.5";
    assert_eq!(discount_of(&simulator, "thirds", eligible, "2 / 3").await.unwrap(), decimal!(0.67));
    let refused = discount_of(&simulator, "by-zero", "", "order.Subtotal % 0").await.unwrap_err();
    assert_eq!(status(&refused), (501, "Simulator.NotSimulated".to_owned()));
}
