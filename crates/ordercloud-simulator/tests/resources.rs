//! The resources of OrderCloud's API description, served by the simulator and called with
//! the generated SDK: objects with OrderCloud's rules, lists with its paging, search, sort
//! and filters, roles, and the answer for actions it does not play.

use ordercloud::auth::{AuthApi, Session, TokenRequest};
use ordercloud::buyers::models::{Buyer, PartialBuyer, User};
use ordercloud::buyers::{BuyersApi, UsersApi};
use ordercloud::catalogs::ProductsApi;
use ordercloud::catalogs::models::Product;
use ordercloud::me::MeApi;
use ordercloud::me::models::MeUser;
use ordercloud::orders::OrdersApi;
use ordercloud::orders::models::OrderDirection;
use ordercloud::transport::http::Method;
use ordercloud::{ApiClient, Error, Filter, ListOptions, Xp};
use ordercloud_simulator::{SimApiClient, Simulator};
use serde_json::json;

const ADMIN: &str = "admin";
const SECRET: &str = "admin-secret";

/// A simulator with an admin API client (client credentials, `FullAccess`) and a shopper's
/// client that has only `Shopper`.
async fn simulator() -> Simulator {
    Simulator::builder()
        .api_client(SimApiClient::new(ADMIN).with_secret(SECRET).with_roles(["FullAccess"]))
        .api_client(SimApiClient::new("shop").with_roles(["Shopper"]).with_buyer("b1"))
        .resource("/buyers", json!({"ID": "b1", "Name": "Seeded", "Active": true}))
        .start()
        .await
        .unwrap()
}

fn client(simulator: &Simulator) -> ApiClient {
    ApiClient::builder().base_url(simulator.base_url()).build().unwrap()
}

fn admin(simulator: &Simulator) -> ApiClient {
    Session::new(client(simulator), TokenRequest::client_credentials(ADMIN, SECRET)).client()
}

/// The status, error code and `Data` of a refused call.
fn refusal(error: &Error) -> (u16, &str, serde_json::Value) {
    let first = &error.api_errors()[0];
    (error.status().unwrap().as_u16(), first.error_code.as_str(), first.data.clone())
}

#[tokio::test]
async fn objects_follow_ordercloud_rules() {
    let simulator = simulator().await;
    let buyers = BuyersApi::new(admin(&simulator));

    // Created without an ID: one is made, and the server's fields are set.
    let made = buyers.create(&Buyer::new().with_name("No ID")).send().await.unwrap();
    let id = made.id.clone().unwrap();
    assert_eq!(id.len(), 22, "{id}");
    assert!(made.date_created.as_deref().is_some_and(|date| date.ends_with('Z')), "{made:?}");

    // A taken ID, in any case, is IdExists.
    let taken = buyers.create(&Buyer::new().with_id("B1").with_name("Again")).send().await.unwrap_err();
    assert_eq!(refusal(&taken), (409, "IdExists", json!({"ObjectType": "Buyer", "ObjectID": "B1"})));

    // Missing: NotFound naming the type and ID, as the official SDKs read it.
    let missing = buyers.get("nobody").send().await.unwrap_err();
    assert_eq!(refusal(&missing), (404, "NotFound", json!({"ObjectType": "Buyer", "ObjectID": "nobody"})));

    // Save creates, then replaces: a field left out is gone.
    let xp = Xp::new(&json!({"Tier": "gold", "Region": "EU"})).unwrap();
    buyers.save("b2", &Buyer::new().with_name("Two").with_xp(xp)).send().await.unwrap();
    let replaced = buyers.save("b2", &Buyer::new().with_name("Two again")).send().await.unwrap();
    assert_eq!((replaced.name.as_deref(), replaced.xp.is_none()), (Some("Two again"), true));
    assert_eq!(replaced.date_created, buyers.get("b2").send().await.unwrap().date_created);

    // Patch: only the fields sent; null clears.
    let xp = Xp::new(&json!({"Tier": "gold"})).unwrap();
    buyers.patch("b2", &PartialBuyer::new().with_xp(xp)).send().await.unwrap();
    let patched = buyers.patch("b2", &PartialBuyer::new().clear_name().with_active(false)).send().await.unwrap();
    assert_eq!((patched.name, patched.active), (None, Some(false)));
    assert_eq!(patched.xp.unwrap().to_value(), json!({"Tier": "gold"}));

    // Delete, then it is gone.
    buyers.delete("b2").send().await.unwrap();
    assert_eq!(refusal(&buyers.get("b2").send().await.unwrap_err()).0, 404);

    // A path's parents must exist.
    let users = UsersApi::new(admin(&simulator));
    let user = User::new()
        .with_username("jo")
        .with_first_name("Jo")
        .with_last_name("Doe")
        .with_email("jo@example.com")
        .with_active(true);
    let orphan = users.create("nobody", &user).send().await.unwrap_err();
    assert_eq!(refusal(&orphan), (404, "NotFound", json!({"ObjectType": "Buyer", "ObjectID": "nobody"})));
    let jo = users.create("b1", &user).send().await.unwrap();
    assert_eq!(users.get("b1", jo.id.as_deref().unwrap()).send().await.unwrap().username.as_deref(), Some("jo"));
}

#[tokio::test]
async fn lists_page_search_sort_and_filter_as_ordercloud_does() {
    let simulator = simulator().await;
    let products = ProductsApi::new(admin(&simulator));
    for number in 1..=45 {
        let color = ["Red", "Blue", "Green"][number % 3];
        let xp = Xp::new(&json!({"Color": color, "Size": number})).unwrap();
        let product =
            Product::new().with_id(format!("p{number:02}")).with_name(format!("Item {number:02}")).with_xp(xp);
        products.create(&product).send().await.unwrap();
    }

    let first = products.list().send().await.unwrap();
    assert_eq!(first.items.len(), 20, "20 by default");
    let meta = &first.meta;
    assert_eq!((meta.page, meta.page_size, meta.total_count, meta.total_pages), (1, 20, 45, 3));
    let last = products.list().options(&ListOptions::new().page(3)).send().await.unwrap();
    assert_eq!((last.items.len(), last.meta.list.item_range), (5, vec![41, 45]));

    let too_big = products.list().options(&ListOptions::new().page_size(101)).send().await.unwrap_err();
    assert_eq!(refusal(&too_big).1, "List.InvalidPageSize");

    let every: Vec<Product> =
        products.list().options(&ListOptions::new().page_size(100)).pages().all_items().await.unwrap();
    assert_eq!(every.len(), 45);

    let ids = |page: ordercloud::ListPageWithFacets<Product>| {
        page.items.into_iter().map(|item| item.id.unwrap()).collect::<Vec<_>>()
    };
    let descending = products.list().options(&ListOptions::new().sort_by(["!ID"]).page_size(3)).send().await.unwrap();
    assert_eq!(ids(descending), ["p45", "p44", "p43"]);

    let searched =
        products.list().options(&ListOptions::new().search("Item 1").search_on(["Name"])).send().await.unwrap();
    assert_eq!(searched.meta.total_count, 10, "Item 1 and Item 10 to 19");

    // xp, or (`|`), comparison and wildcards, and a repeated key for and.
    let filtered = ListOptions::new()
        .filter_with(Filter::any_of("xp.Color", ["Red", "Blue"]))
        .filter_with(Filter::ge("xp.Size", 40))
        .filter_with(Filter::starts_with("Name", "Item 4"))
        .filter_with(Filter::ne("ID", "p44"))
        .sort_by(["ID"]);
    let found = products.list().options(&filtered).send().await.unwrap();
    // 40..=45 starting "Item 4", Red or Blue (number % 3 is 0 or 1), not p44.
    assert_eq!(ids(found), ["p40", "p42", "p43", "p45"]);
}

#[tokio::test]
async fn roles_are_checked_and_other_actions_say_they_are_not_simulated() {
    let simulator = simulator().await;
    // A shopper's token has Shopper only; creating a buyer takes BuyerAdmin.
    let shopper = Session::new(client(&simulator), TokenRequest::anonymous("shop")).client();
    let refused = BuyersApi::new(shopper).create(&Buyer::new().with_name("Mine")).send().await.unwrap_err();
    let (status, code, data) = refusal(&refused);
    assert_eq!((status, code), (403, "Auth.InsufficientRoles"));
    assert_eq!(data["AssignedRoles"], json!(["Shopper"]));
    assert!(data["SufficientRoles"].as_array().unwrap().contains(&json!("BuyerAdmin")), "{data}");

    // No token at all.
    let anonymous = BuyersApi::new(client(&simulator)).list().send().await.unwrap_err();
    assert_eq!(refusal(&anonymous).0, 401);

    let unplayed = OrdersApi::new(admin(&simulator)).forward(OrderDirection::Incoming, "o1").send().await.unwrap_err();
    let (status, code, data) = refusal(&unplayed);
    assert_eq!((status, code, data), (501, "Simulator.NotSimulated", json!({"Operation": "Orders.Forward"})));
    assert!(unplayed.to_string().contains("Orders.Forward"), "{unplayed}");
}

#[tokio::test]
async fn seeded_resources_come_back_after_a_reset_and_others_go() {
    let simulator = simulator().await;
    let buyers = BuyersApi::new(admin(&simulator));
    buyers.create(&Buyer::new().with_id("later").with_name("Later")).send().await.unwrap();
    simulator.reset();
    let buyers = BuyersApi::new(admin(&simulator));
    let ids: Vec<String> = buyers.list().send().await.unwrap().items.into_iter().filter_map(|buyer| buyer.id).collect();
    assert_eq!(ids, ["b1"]);
    let shown = simulator.resources();
    assert_eq!(shown["Objects"]["buyers"][0]["Name"], "Seeded", "{shown}");
}

#[tokio::test]
async fn a_buyer_user_saves_themselves_and_users_of_two_buyers_stay_apart() {
    let simulator = Simulator::builder()
        .api_client(SimApiClient::new(ADMIN).with_secret(SECRET).with_roles(["FullAccess"]))
        .api_client(SimApiClient::new("storefront").with_roles(["Shopper", "MeAdmin"]))
        .start()
        .await
        .unwrap();
    let admin = admin(&simulator);
    let users = UsersApi::new(admin.clone());
    for buyer in ["b1", "b2"] {
        BuyersApi::new(admin.clone()).save(buyer, &Buyer::new().with_name(buyer)).send().await.unwrap();
        let user = User::new()
            .with_id("u1")
            .with_username(format!("jo-{buyer}"))
            .with_first_name("Jo")
            .with_last_name("Doe")
            .with_email(format!("jo@{buyer}.example.com"))
            .with_active(true)
            .with_password("Jo-Passw0rd-1");
        users.create(buyer, &user).send().await.unwrap();
    }

    // Me.Save: the whole user, Active included, as its required fields say.
    let sign_in = |username: &str| TokenRequest::password("storefront", username, "Jo-Passw0rd-1");
    let me = MeApi::new(Session::new(client(&simulator), sign_in("jo-b1")).client());
    let me_user = MeUser::new()
        .with_username("jo-b1")
        .with_first_name("Joanna")
        .with_last_name("Doe")
        .with_email("jo@b1.example.com")
        .with_active(true);
    assert_eq!(me.save(&me_user).send().await.unwrap().first_name.as_deref(), Some("Joanna"));
    assert_eq!(users.get("b1", "u1").send().await.unwrap().first_name.as_deref(), Some("Joanna"));

    // The same ID under another buyer is another user.
    users.delete("b1", "u1").send().await.unwrap();
    let auth = AuthApi::new(client(&simulator));
    assert!(auth.token(&sign_in("jo-b1")).await.is_err(), "the deleted user no longer signs in");
    assert!(auth.token(&sign_in("jo-b2")).await.is_ok(), "the other buyer's u1 still does");

    // No password is ever shown, of a buyer user or of an admin user.
    let admin_user = json!({"Username": "ops", "FirstName": "O", "LastName": "P", "Email": "o@example.com",
                            "Active": true, "Password": "Ops-Passw0rd-1"});
    simulator.create_resource("/adminusers", admin_user).unwrap();
    let shown = simulator.resources().to_string();
    assert!(!shown.contains("Passw0rd"), "{shown}");
}

#[tokio::test]
async fn a_catalogs_products_are_walked_past_page_30_by_last_id_and_found_by_id() {
    // 3,100 products in one catalog (31 pages of 100), 50 in another; IDs in both letter cases.
    let id = |n: usize| if n % 2 == 0 { format!("P-{n:04}") } else { format!("p-{n:04}") };
    let mut builder = Simulator::builder()
        .api_client(SimApiClient::new(ADMIN).with_secret(SECRET).with_roles(["FullAccess"]))
        .resource("/catalogs", json!({"ID": "summer", "Name": "Summer"}))
        .resource("/catalogs", json!({"ID": "winter", "Name": "Winter"}));
    for n in 0..3_150 {
        let catalog = if n < 3_100 { "summer" } else { "winter" };
        builder = builder
            .resource("/products", json!({"ID": id(n), "Name": format!("Product {n}")}))
            .resource("/catalogs/productassignments", json!({"CatalogID": catalog, "ProductID": id(n)}));
    }
    let simulator = builder.start().await.unwrap();
    let products = ProductsApi::new(admin(&simulator));

    let all =
        products.list().catalog_id("summer").options(&ListOptions::new().page_size(100)).pages().all_items().await;
    let found: Vec<String> = all.unwrap().into_iter().map(|product| product.id.unwrap()).collect();
    assert_eq!(found, (0..3_100).map(id).collect::<Vec<_>>(), "every product of the catalog once, in ID order");

    // By ID, through the same list: those of the other catalog are missing.
    let asked: Vec<String> = (3_000..3_150).rev().map(id).collect();
    let by_id = products.list().catalog_id("summer").by_id(asked.clone()).send().await.unwrap();
    let found: Vec<String> = by_id.items.into_iter().map(|product| product.id.unwrap()).collect();
    assert_eq!(found, asked[50..]);
    assert_eq!(by_id.missing, asked[..50]);
}

#[tokio::test]
async fn the_marketplaces_configurations_are_one_of_each() {
    let simulator = simulator().await;
    let admin = admin(&simulator);
    let path = "/integrations/ErrorConfig";
    let missing = admin.request(Method::GET, path).send_empty().await.unwrap_err();
    assert_eq!(refusal(&missing).0, 404);
    let saved: serde_json::Value = admin
        .request(Method::PUT, path)
        .json(&json!({"DeliveryConfigID": "d1", "xp": {"Team": "ops"}}))
        .send_json()
        .await
        .unwrap();
    assert_eq!(saved["DeliveryConfigID"], "d1");
    let patched: serde_json::Value =
        admin.request(Method::PATCH, path).json(&json!({"xp": {"On": true}})).send_json().await.unwrap();
    assert_eq!(patched["xp"], json!({"Team": "ops", "On": true}));
    let got: serde_json::Value = admin.request(Method::GET, path).send_json().await.unwrap();
    assert_eq!(got, patched);
    admin.request(Method::DELETE, path).send_empty().await.unwrap();
    assert_eq!(refusal(&admin.request(Method::GET, path).send_empty().await.unwrap_err()).0, 404);
    let unplayed = admin.request(Method::POST, "/integrations/productsync/sync").send_empty().await.unwrap_err();
    assert_eq!(refusal(&unplayed).1, "Simulator.NotSimulated");
}
