//! Who may see which orders, over real HTTP on 127.0.0.1: a buyer user their own, a
//! colleague with `OrderReader` their buyer's (to read), an approver those awaiting them, a
//! supplier user those to their supplier, the marketplace's integration every one; for
//! anybody else an order is `404 NotFound`, and lists hold only what may be seen.

use ordercloud_simulator::{SimApiClient, Simulator};
use serde_json::{Value, json};

mod wire;

const PASSWORD: &str = "Summer-Ride-2027";

/// One request with the bearer `token`: the status and the JSON answered (`null` for none).
async fn call(simulator: &Simulator, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    wire::call(simulator, method, path, Some(token), body).await
}

/// A token of the user `username` through the API client `client` (its roles), or of the
/// client itself with its secret.
async fn token(simulator: &Simulator, client: &str, username: Option<&str>) -> String {
    let form = match username {
        Some(username) => format!("grant_type=password&client_id={client}&username={username}&password={PASSWORD}"),
        None => format!("grant_type=client_credentials&client_id={client}&client_secret=secret"),
    };
    wire::token(simulator, &form).await
}

fn user(id: &str) -> Value {
    user_named(id, id)
}

fn user_named(id: &str, username: &str) -> Value {
    json!({"ID": id, "Username": username, "FirstName": username, "LastName": "Doe",
           "Email": format!("{username}@example.com"), "Password": PASSWORD, "Active": true})
}

/// Two buyers (`b1` with `ann`, `carl` and `dora`; `b2` with `bob`, and `ann` again, whose
/// username is `ann-of-b2`), a supplier `s1` with `sam`, a product at 60, and API clients
/// whose roles differ: `shop` (Shopper), `reader` (Shopper and OrderReader),
/// `admin-of-orders` (Shopper and OrderAdmin), `supply` (OrderReader), `integration`
/// (FullAccess, client credentials) and `anonymous-b1` (Shopper, for `b1`'s anonymous
/// shoppers).
async fn marketplace() -> Simulator {
    let mut builder = Simulator::builder()
        .api_client(SimApiClient::new("shop").with_roles(["Shopper", "MeAdmin"]))
        .api_client(SimApiClient::new("anonymous-b1").with_roles(["Shopper", "MeAdmin"]).with_buyer("b1"))
        .api_client(SimApiClient::new("reader").with_roles(["Shopper", "OrderReader"]))
        .api_client(SimApiClient::new("admin-of-orders").with_roles(["Shopper", "OrderAdmin"]))
        .api_client(SimApiClient::new("supply").with_roles(["OrderReader"]))
        .api_client(SimApiClient::new("integration").with_secret("secret").with_roles(["FullAccess"]))
        .resource("/buyers", json!({"ID": "b1", "Name": "B1", "Active": true}))
        .resource("/buyers", json!({"ID": "b2", "Name": "B2", "Active": true}))
        .resource("/suppliers", json!({"ID": "s1", "Name": "S1", "Active": true}))
        .resource("/suppliers/s1/users", user("sam"))
        .resource("/buyers/b2/users", user("bob"))
        .resource("/buyers/b2/users", user_named("ann", "ann-of-b2"))
        .resource("/priceschedules", json!({"ID": "p1", "Name": "P1", "PriceBreaks": [{"Quantity": 1, "Price": 60}]}))
        .resource("/products", json!({"ID": "p1", "Name": "Product", "Active": true, "DefaultPriceScheduleID": "p1"}));
    for id in ["ann", "carl", "dora"] {
        builder = builder.resource("/buyers/b1/users", user(id));
    }
    builder.start().await.unwrap()
}

/// An order of `token`'s user to the supplier `s1`, with a line of two of `p1`.
async fn order(simulator: &Simulator, token: &str) -> String {
    let (status, order) =
        call(simulator, "POST", "/v1/orders/Outgoing", token, Some(json!({"ToCompanyID": "s1"}))).await;
    assert_eq!(status, 201, "{order}");
    let id = order["ID"].as_str().unwrap().to_owned();
    let line = json!({"ProductID": "p1", "Quantity": 2});
    assert_eq!(call(simulator, "POST", &format!("/v1/orders/Outgoing/{id}/lineitems"), token, Some(line)).await.0, 201);
    id
}

fn ids(list: &Value) -> Vec<&str> {
    list["Items"].as_array().unwrap().iter().map(|item| item["ID"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn another_buyers_order_is_not_found_whatever_is_done_with_it() {
    let simulator = marketplace().await;
    let ann = token(&simulator, "shop", Some("ann")).await;
    let bob = token(&simulator, "shop", Some("bob")).await;
    let id = order(&simulator, &ann).await;
    let path = format!("/v1/orders/Outgoing/{id}");
    for (method, rest, body) in [
        ("GET", "", None),
        ("PATCH", "", Some(json!({"Comments": "mine now"}))),
        ("PUT", "", Some(json!({"Comments": "mine now"}))),
        ("DELETE", "", None),
        ("GET", "/lineitems", None),
        ("POST", "/lineitems", Some(json!({"ProductID": "p1", "Quantity": 1}))),
        ("POST", "/submit", None),
        ("PUT", "/shipto", Some(json!({"Street1": "1 Main St", "City": "Town", "Country": "US"}))),
        ("GET", "/worksheet", None),
        ("POST", "/promotions/ANY", None),
    ] {
        let (status, refused) = call(&simulator, method, &format!("{path}{rest}"), &bob, body).await;
        assert_eq!(status, 404, "{method} {rest}: {refused}");
        assert_eq!(refused["Errors"][0]["Data"], json!({"ObjectType": "Order", "ObjectID": id}), "{method} {rest}");
    }
    // Nothing changed, and nothing of it shows in Bob's own lists.
    let (status, order) = call(&simulator, "GET", &path, &ann, None).await;
    assert_eq!((status, order["Comments"].as_str(), order["LineItemCount"].as_u64()), (200, None, Some(1)));
    assert!(ids(&call(&simulator, "GET", "/v1/me/orders", &bob, None).await.1).is_empty());
    // A buyer has no incoming orders: the owner's own is not found that way either.
    assert_eq!(call(&simulator, "GET", &format!("/v1/orders/Incoming/{id}"), &ann, None).await.0, 404);
}

#[tokio::test]
async fn a_colleague_reads_with_order_reader_and_changes_only_with_order_admin() {
    let simulator = marketplace().await;
    let ann = token(&simulator, "shop", Some("ann")).await;
    let id = order(&simulator, &ann).await;
    let bobs = order(&simulator, &token(&simulator, "shop", Some("bob")).await).await;
    let path = format!("/v1/orders/Outgoing/{id}");

    let carl = token(&simulator, "reader", Some("carl")).await;
    assert_eq!(call(&simulator, "GET", &path, &carl, None).await.0, 200);
    assert_eq!(call(&simulator, "GET", &format!("{path}/lineitems"), &carl, None).await.0, 200);
    assert_eq!(call(&simulator, "PATCH", &path, &carl, Some(json!({"Comments": "x"}))).await.0, 404);
    let (status, listed) = call(&simulator, "GET", "/v1/orders/Outgoing", &carl, None).await;
    assert_eq!((status, ids(&listed)), (200, vec![id.as_str()]), "b1's orders only, not {bobs}");
    let (_, lines) = call(&simulator, "GET", "/v1/lineitems/Outgoing", &carl, None).await;
    assert_eq!(lines["Meta"]["TotalCount"], 1);

    let dora = token(&simulator, "admin-of-orders", Some("dora")).await;
    let (status, patched) = call(&simulator, "PATCH", &path, &dora, Some(json!({"Comments": "checked"}))).await;
    assert_eq!((status, patched["Comments"].as_str()), (200, Some("checked")));
    assert_eq!(patched["FromUserID"], "ann", "still Ann's");

    // The marketplace's integration sees every order, from every buyer.
    let integration = token(&simulator, "integration", None).await;
    let (_, every) = call(&simulator, "GET", "/v1/orders/Incoming?sortBy=FromCompanyID", &integration, None).await;
    assert_eq!(every["Meta"]["TotalCount"], 2);
    let (_, of_b2) = call(&simulator, "GET", "/v1/orders/Incoming?buyerID=b2", &integration, None).await;
    assert_eq!(ids(&of_b2), [bobs.as_str()]);
}

#[tokio::test]
async fn a_supplier_sees_the_orders_to_it_as_incoming() {
    let simulator = marketplace().await;
    let ann = token(&simulator, "shop", Some("ann")).await;
    let to_s1 = order(&simulator, &ann).await;
    let (_, elsewhere) = call(&simulator, "POST", "/v1/orders/Outgoing", &ann, Some(json!({}))).await;
    let sam = token(&simulator, "supply", Some("sam")).await;
    let (status, seen) = call(&simulator, "GET", &format!("/v1/orders/Incoming/{to_s1}"), &sam, None).await;
    assert_eq!((status, seen["FromCompanyID"].as_str()), (200, Some("b1")));
    assert_eq!(call(&simulator, "GET", &format!("/v1/orders/Outgoing/{to_s1}"), &sam, None).await.0, 404);
    let other = elsewhere["ID"].as_str().unwrap();
    assert_eq!(call(&simulator, "GET", &format!("/v1/orders/Incoming/{other}"), &sam, None).await.0, 404);
    let (_, incoming) = call(&simulator, "GET", "/v1/orders/Incoming", &sam, None).await;
    assert_eq!(ids(&incoming), [to_s1.as_str()]);
    let (_, me) = call(&simulator, "GET", "/v1/me", &sam, None).await;
    assert_eq!((me["ID"].as_str(), me.get("Password")), (Some("sam"), None));
}

#[tokio::test]
async fn an_order_over_the_rule_waits_for_an_approver_of_its_group() {
    let simulator = marketplace().await;
    let integration = token(&simulator, "integration", None).await;
    for (path, body) in [
        ("/v1/buyers/b1/usergroups", json!({"ID": "managers", "Name": "Managers"})),
        ("/v1/buyers/b1/usergroups/assignments", json!({"UserGroupID": "managers", "UserID": "carl"})),
        (
            "/v1/buyers/b1/approvalrules",
            json!({"ID": "big", "ApprovingGroupID": "managers", "RuleExpression": "order.Total > 100"}),
        ),
    ] {
        let (status, answer) = call(&simulator, "POST", path, &integration, Some(body)).await;
        assert!(status == 201 || status == 204, "{path}: {answer}");
    }
    let ann = token(&simulator, "shop", Some("ann")).await;
    let id = order(&simulator, &ann).await;
    let path = format!("/v1/orders/Outgoing/{id}");
    let (status, submitted) = call(&simulator, "POST", &format!("{path}/submit"), &ann, None).await;
    assert_eq!((status, submitted["Status"].as_str()), (201, Some("AwaitingApproval")), "120 is over 100");

    // Carl is in the group: the order is his to read and approve; Dora is not.
    let carl = token(&simulator, "shop", Some("carl")).await;
    let dora = token(&simulator, "shop", Some("dora")).await;
    let (_, approvable) = call(&simulator, "GET", "/v1/me/orders/approvable", &carl, None).await;
    assert_eq!(ids(&approvable), [id.as_str()]);
    assert!(ids(&call(&simulator, "GET", "/v1/me/orders/approvable", &dora, None).await.1).is_empty());
    assert_eq!(call(&simulator, "GET", &path, &dora, None).await.0, 404);
    assert_eq!(call(&simulator, "POST", &format!("{path}/approve"), &dora, Some(json!({}))).await.0, 404);
    assert_eq!(call(&simulator, "POST", &format!("{path}/approve"), &ann, Some(json!({}))).await.0, 404, "not her own");
    assert_eq!(call(&simulator, "GET", &path, &carl, None).await.0, 200);
    // An anonymous shopper given Carl's ID is in no group.
    let impostor = anonymous(&simulator, "carl").await;
    assert!(ids(&call(&simulator, "GET", "/v1/me/orders/approvable", &impostor, None).await.1).is_empty());
    assert_eq!(call(&simulator, "POST", &format!("{path}/approve"), &impostor, Some(json!({}))).await.0, 404);
    let (status, approved) =
        call(&simulator, "POST", &format!("{path}/approve"), &carl, Some(json!({"Comments": "fine"}))).await;
    assert_eq!((status, approved["Status"].as_str()), (201, Some("Open")), "{approved}");
    let (_, approvals) = call(&simulator, "GET", &format!("{path}/approvals"), &ann, None).await;
    let approval = &approvals["Items"][0];
    assert_eq!(
        (approval["Status"].as_str(), approval["Comments"].as_str(), approval["Approver"]["ID"].as_str()),
        (Some("Approved"), Some("fine"), Some("carl"))
    );
    // No longer awaiting: the approver no longer sees it.
    assert_eq!(call(&simulator, "GET", &path, &carl, None).await.0, 404);
}

#[tokio::test]
async fn a_rule_the_simulator_does_not_evaluate_says_so() {
    let simulator = marketplace().await;
    let integration = token(&simulator, "integration", None).await;
    let rule =
        json!({"ID": "cat", "ApprovingGroupID": "g", "RuleExpression": "items.any(product.incategory('bikes'))"});
    call(&simulator, "POST", "/v1/buyers/b1/approvalrules", &integration, Some(rule)).await;
    let ann = token(&simulator, "shop", Some("ann")).await;
    let id = order(&simulator, &ann).await;
    let (status, refused) = call(&simulator, "POST", &format!("/v1/orders/Outgoing/{id}/submit"), &ann, None).await;
    assert_eq!((status, refused["Errors"][0]["ErrorCode"].as_str()), (501, Some("Simulator.NotSimulated")));
    assert!(refused["Errors"][0]["Message"].as_str().unwrap().contains("incategory"), "{refused}");
}

/// An anonymous shopper's token through `anonymous-b1`, with the ID `anonymous_id`.
async fn anonymous(simulator: &Simulator, anonymous_id: &str) -> String {
    wire::token(simulator, &format!("grant_type=client_credentials&client_id=anonymous-b1&anonuserid={anonymous_id}"))
        .await
}

#[tokio::test]
async fn an_anonymous_shopper_who_takes_a_users_id_is_not_that_user() {
    let simulator = marketplace().await;
    let ann = token(&simulator, "shop", Some("ann")).await;
    let id = order(&simulator, &ann).await;
    let path = format!("/v1/orders/Outgoing/{id}");
    let impostor = anonymous(&simulator, "ann").await;

    // Not Ann's cart, orders or profile.
    let (status, cart) = call(&simulator, "GET", "/v1/cart", &impostor, None).await;
    assert_eq!((status, &cart["ID"]), (200, &Value::Null), "{cart}");
    assert!(ids(&call(&simulator, "GET", "/v1/me/orders", &impostor, None).await.1).is_empty());
    for (method, rest, body) in [
        ("GET", "", None),
        ("PATCH", "", Some(json!({"Comments": "mine now"}))),
        ("POST", "/submit", None),
        ("GET", "/lineitems", None),
    ] {
        let (status, refused) = call(&simulator, method, &format!("{path}{rest}"), &impostor, body).await;
        assert_eq!(status, 404, "{method} {rest}: {refused}");
    }
    let (status, me) = call(&simulator, "GET", "/v1/me", &impostor, None).await;
    assert_eq!((status, &me["Email"], &me["FirstName"]), (200, &Value::Null, &Value::Null), "{me}");
    let (status, _) = call(&simulator, "PATCH", "/v1/me", &impostor, Some(json!({"FirstName": "Mallory"}))).await;
    assert_eq!(status, 404, "an anonymous shopper has no stored user to change");
    let (status, refused) = call(&simulator, "GET", "/v1/me/subscriptions", &impostor, None).await;
    assert_eq!((status, &refused["Errors"][0]["ErrorCode"]), (400, &json!("User.IsTemp")), "{refused}");

    // What the shopper starts is theirs, not Ann's; Ann's order is as she left it.
    let line = json!({"ProductID": "p1", "Quantity": 1});
    assert_eq!(call(&simulator, "POST", "/v1/cart/lineitems", &impostor, Some(line)).await.0, 201);
    let (_, theirs) = call(&simulator, "GET", "/v1/cart", &impostor, None).await;
    assert_ne!(theirs["ID"].as_str(), Some(id.as_str()));
    assert_eq!(ids(&call(&simulator, "GET", "/v1/me/orders", &ann, None).await.1), [id.as_str()]);
    let (_, cart) = call(&simulator, "GET", "/v1/cart", &ann, None).await;
    assert_eq!(cart["ID"].as_str(), Some(id.as_str()));
    let (status, order) = call(&simulator, "GET", &path, &ann, None).await;
    assert_eq!((status, &order["Status"], &order["Comments"]), (200, &json!("Unsubmitted"), &Value::Null));
    let (_, me) = call(&simulator, "GET", "/v1/me", &ann, None).await;
    assert_eq!(me["FirstName"], "ann");

    // Carl signs in and takes over what the shopper started, and nothing of Ann's.
    let theirs = theirs["ID"].as_str().unwrap();
    let carl = token(&simulator, "shop", Some("carl")).await;
    let transfer = format!("/v1/me/orders?anonUserToken={impostor}");
    assert_eq!(call(&simulator, "PUT", &transfer, &carl, None).await.0, 204);
    assert_eq!(ids(&call(&simulator, "GET", "/v1/me/orders", &carl, None).await.1), [theirs]);
    assert_eq!(call(&simulator, "GET", "/v1/cart", &carl, None).await.1["ID"], theirs);
    assert_eq!(ids(&call(&simulator, "GET", "/v1/me/orders", &ann, None).await.1), [id.as_str()]);
    assert!(ids(&call(&simulator, "GET", "/v1/me/orders", &impostor, None).await.1).is_empty());
}

#[tokio::test]
async fn the_same_user_id_in_another_buyer_is_another_user() {
    let simulator = marketplace().await;
    let ann = token(&simulator, "shop", Some("ann")).await;
    let id = order(&simulator, &ann).await;
    let path = format!("/v1/orders/Outgoing/{id}");
    let collection = json!({"ID": "wishlist", "Name": "Wish list"});
    assert_eq!(call(&simulator, "POST", "/v1/me/productcollections", &ann, Some(collection)).await.0, 201);
    // `ann` of b2 has Ann's user ID, in another buyer.
    let other = token(&simulator, "shop", Some("ann-of-b2")).await;
    let (_, me) = call(&simulator, "GET", "/v1/me", &other, None).await;
    assert_eq!((me["ID"].as_str(), me["Username"].as_str()), (Some("ann"), Some("ann-of-b2")));

    for (method, rest, body) in [
        ("GET", "", None),
        ("PATCH", "", Some(json!({"Comments": "mine now"}))),
        ("PUT", "", Some(json!({"Comments": "mine now"}))),
        ("POST", "/submit", None),
        ("GET", "/lineitems", None),
        ("DELETE", "", None),
    ] {
        let (status, refused) = call(&simulator, method, &format!("{path}{rest}"), &other, body).await;
        assert_eq!(status, 404, "{method} {rest}: {refused}");
    }
    assert!(ids(&call(&simulator, "GET", "/v1/me/orders", &other, None).await.1).is_empty());
    let (_, cart) = call(&simulator, "GET", "/v1/cart", &other, None).await;
    assert_eq!(cart["ID"], Value::Null, "{cart}");
    assert_eq!(call(&simulator, "PUT", &format!("/v1/cart/{id}"), &other, None).await.0, 404);
    let (_, lists) = call(&simulator, "GET", "/v1/me/productcollections", &other, None).await;
    assert_eq!(lists["Meta"]["TotalCount"], 0, "{lists}");

    // Each one's orders and cart are their own.
    let theirs = order(&simulator, &other).await;
    assert_eq!(ids(&call(&simulator, "GET", "/v1/me/orders", &ann, None).await.1), [id.as_str()]);
    assert_eq!(ids(&call(&simulator, "GET", "/v1/me/orders", &other, None).await.1), [theirs.as_str()]);
    let (_, cart) = call(&simulator, "GET", "/v1/cart", &ann, None).await;
    assert_eq!(cart["ID"].as_str(), Some(id.as_str()));
    let (status, order) = call(&simulator, "GET", &path, &ann, None).await;
    assert_eq!((status, &order["Status"], &order["Comments"]), (200, &json!("Unsubmitted"), &Value::Null));
}

#[tokio::test]
async fn an_order_is_never_renamed_onto_another_and_a_renamed_one_keeps_its_line_items() {
    let simulator = marketplace().await;
    let bob = token(&simulator, "shop", Some("bob")).await;
    let bobs = order(&simulator, &bob).await;
    let ann = token(&simulator, "shop", Some("ann")).await;
    let id = order(&simulator, &ann).await;

    for path in ["/v1/cart".to_owned(), format!("/v1/orders/Outgoing/{id}")] {
        let (status, refused) = call(&simulator, "PUT", &path, &ann, Some(json!({"ID": bobs}))).await;
        assert_eq!(status, 409, "{path}: {refused}");
        assert_eq!(refused["Errors"][0]["ErrorCode"], "IdExists", "{path}");
    }
    // Bob's order is still Bob's, with its line item; Ann's is where it was.
    let (status, order) = call(&simulator, "GET", &format!("/v1/orders/Outgoing/{bobs}"), &bob, None).await;
    assert_eq!((status, order["FromUserID"].as_str(), order["LineItemCount"].as_u64()), (200, Some("bob"), Some(1)));
    let (_, lines) = call(&simulator, "GET", &format!("/v1/orders/Outgoing/{bobs}/lineitems"), &bob, None).await;
    assert_eq!(lines["Meta"]["TotalCount"], 1);
    assert_eq!(call(&simulator, "GET", &format!("/v1/orders/Outgoing/{id}"), &ann, None).await.0, 200);

    // Renamed to a free ID, the order keeps its line items and stays Ann's cart.
    let (status, renamed) = call(&simulator, "PUT", "/v1/cart", &ann, Some(json!({"ID": "ann-renamed"}))).await;
    assert_eq!(
        (status, renamed["ID"].as_str(), renamed["LineItemCount"].as_u64()),
        (200, Some("ann-renamed"), Some(1))
    );
    let (_, cart) = call(&simulator, "GET", "/v1/cart", &ann, None).await;
    assert_eq!((cart["ID"].as_str(), cart["Subtotal"].as_u64()), (Some("ann-renamed"), Some(120)));
    let (_, lines) = call(&simulator, "GET", "/v1/cart/lineitems", &ann, None).await;
    assert_eq!(lines["Meta"]["TotalCount"], 1);
    assert_eq!(call(&simulator, "GET", &format!("/v1/orders/Outgoing/{id}"), &ann, None).await.0, 404);
    let (status, submitted) = call(&simulator, "POST", "/v1/orders/Outgoing/ann-renamed/submit", &ann, None).await;
    assert_eq!((status, submitted["Status"].as_str()), (201, Some("Open")), "{submitted}");
}
