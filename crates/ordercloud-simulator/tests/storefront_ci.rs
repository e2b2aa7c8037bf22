//! What a storefront's CI needs of the `ordercloud-simulator` program: browsers may call it
//! (CORS), another container may reach it (`--host`), and it answers as OrderCloud does
//! where the official SDKs and other clients depend on it.

mod program;

use program::{BIN, Running};
use serde_json::json;

const USER: &str = "storefront-client,jdoe,jdoe@example.com,Old-Passw0rd1";

#[test]
fn browsers_get_preflights_and_cors_headers_from_any_origin() {
    let running = Running::start(&["--user", USER]);
    let preflight = running.send(
        "OPTIONS",
        "/v1/me/products",
        &[
            ("Origin", "http://localhost:3000"),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "authorization, content-type"),
        ],
        "",
    );
    assert_eq!(preflight.status, 204, "{preflight:?}");
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert!(preflight.header("access-control-allow-methods").is_some_and(|methods| methods.contains("PATCH")));
    assert_eq!(preflight.header("access-control-allow-headers"), Some("authorization, content-type"));
    // The token endpoint too, and every answer, errors included.
    let token = running.send(
        "OPTIONS",
        "/oauth/token",
        &[("Origin", "http://localhost:3000"), ("Access-Control-Request-Method", "POST")],
        "",
    );
    assert_eq!((token.status, token.header("access-control-allow-origin")), (204, Some("*")));
    let refused = running.send("GET", "/v1/me", &[("Origin", "http://localhost:3000")], "");
    assert_eq!((refused.status, refused.header("access-control-allow-origin")), (401, Some("*")));
}

#[test]
fn cors_origin_lets_only_the_origins_given_call() {
    let running =
        Running::start(&["--cors-origin", "https://shop.example.com", "--cors-origin", "http://localhost:3000"]);
    for origin in ["https://shop.example.com", "http://localhost:3000"] {
        let answer = running.send("GET", "/v1/nothing", &[("Origin", origin)], "");
        assert_eq!(answer.header("access-control-allow-origin"), Some(origin));
        assert_eq!(answer.header("vary"), Some("Origin"));
    }
    let stranger = [("Origin", "https://elsewhere.example"), ("Access-Control-Request-Method", "GET")];
    let preflight = running.send("OPTIONS", "/v1/me", &stranger, "");
    assert_eq!(preflight.header("access-control-allow-origin"), None, "{preflight:?}");
    assert_eq!(preflight.header("access-control-allow-methods"), None, "{preflight:?}");

    let output = std::process::Command::new(BIN).args(["--cors-origin", "shop.example.com"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--cors-origin takes an origin"));
}

#[test]
fn host_serves_other_containers_and_a_bad_one_is_refused() {
    let running = Running::start(&["--host", "0.0.0.0", "--user", USER]);
    assert!(running.base_url.starts_with("http://0.0.0.0:"), "{}", running.base_url);
    assert_eq!(running.login("jdoe", "Old-Passw0rd1").0, 200, "reached through 127.0.0.1");

    let output = std::process::Command::new(BIN).args(["--host", "localhost:80"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--host takes an IP address"));
}

#[test]
fn misses_answer_in_ordercloud_shape_with_data() {
    let running = Running::start(&[]);
    let unknown = running.send("GET", "/v1/no/such/route", &[], "");
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["Errors"][0]["Data"], json!({"ObjectType": "Route", "ObjectID": "/v1/no/such/route"}));
    let wrong_base = running.send("GET", "/v2/me", &[], "");
    assert_eq!((wrong_base.status, wrong_base.json()["Errors"][0]["ErrorCode"].as_str()), (404, Some("NotFound")));

    let wrong_method = running.send("DELETE", "/v1/products", &[], "");
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.header("allow"), Some("GET, POST"));
    assert_eq!(wrong_method.json()["Errors"][0]["Data"]["ObjectType"], "Route");
}

#[test]
fn tokens_as_ordercloud_grants_them_and_leniency_it_has() {
    let seed = std::env::temp_dir().join(format!("ordercloud-ci-seed-{}.json", std::process::id()));
    std::fs::write(
        &seed,
        r#"{"ApiClients":[{"ClientID":"admin","ClientSecret":"s3cret","Roles":["FullAccess","Shopper"]}]}"#,
    )
    .unwrap();
    let running = Running::start(&["--seed", seed.to_str().unwrap(), "--user", USER]);
    std::fs::remove_file(&seed).unwrap();
    let form = ("Content-Type", "application/x-www-form-urlencoded");

    // Client credentials by HTTP Basic (RFC 6749, 2.3.1); a role the client lacks is left out.
    let basic = ("Authorization", "Basic YWRtaW46czNjcmV0"); // admin:s3cret
    let body = "grant_type=client_credentials&scope=FullAccess%20OrderAdmin";
    let token = running.send("POST", "/oauth/token", &[form, basic], body);
    assert_eq!(token.status, 200, "{token:?}");
    let access = token.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(claims(&access)["role"], json!("FullAccess"));
    let wrong = ("Authorization", "Basic YWRtaW46bm9wZQ=="); // admin:nope
    assert_eq!(running.send("POST", "/oauth/token", &[form, wrong], "grant_type=client_credentials").status, 401);

    // The bearer scheme in any case, and JSON property names in any case.
    let bearer = format!("bEaReR {access}");
    let headers = [("Authorization", bearer.as_str()), ("Content-Type", "application/json")];
    let created = running.send("POST", "/v1/buyers", &headers, r#"{"id":"b1","NAME":"Any case","active":true}"#);
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!((created.json()["ID"].clone(), created.json()["Name"].clone()), (json!("b1"), json!("Any case")));
    let reset = r#"{"clientid":"storefront-client","USERNAME":"jdoe"}"#;
    assert_eq!(running.json("POST", "/v1/password/reset", reset).0, 204);
}

#[test]
fn a_marketplace_is_seeded_in_one_call_and_shown() {
    let running = Running::start(&[]);
    let seed = json!({
        "ApiClients": [{"ClientID": "shop", "Roles": ["Shopper"], "BuyerID": "retail"}],
        "Resources": {
            "/buyers": [{"ID": "retail", "Name": "Retail", "Active": true}],
            "/buyers/retail/users": [{"ID": "u1", "Username": "ann", "FirstName": "Ann", "LastName": "Lee", "Email": "ann@example.com", "Active": true, "Password": "Ann-Passw0rd1"}],
            "/catalogs": [{"ID": "summer", "Name": "Summer"}]
        }
    });
    let (status, created) = running.json("POST", "/_simulator/seed", &seed.to_string());
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["Created"].as_array().map(Vec::len), Some(3));
    let (_, shown) = running.json("GET", "/_simulator/resources", "");
    assert_eq!(shown["Objects"]["buyers/retail/users"][0]["Username"], "ann", "{shown}");
    assert!(shown["Objects"]["buyers/retail/users"][0].get("Password").is_none(), "no password shown");
    // The seeded user signs in through the seeded client.
    let form = "grant_type=password&client_id=shop&username=ann&password=Ann-Passw0rd1";
    assert_eq!(running.call("POST", "/oauth/token", "application/x-www-form-urlencoded", form).0, 200);

    let (status, refused) = running.json("POST", "/_simulator/seed", r#"{"Resources":{"/nowhere":[{}]}}"#);
    assert_eq!(status, 400);
    assert_eq!(refused["Errors"][0]["Data"]["Path"], "/nowhere", "{refused}");
}

/// The claims of a JWT.
fn claims(jwt: &str) -> serde_json::Value {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// What the official and older SDKs send, as they send it: an anonymous shopper's refresh
/// token (the JavaScript SDK renews with it), and a create with no body at all (the 2017
/// Python SDK's empty `Order()`).
#[test]
fn anonymous_shoppers_renew_and_an_empty_create_is_an_empty_object() {
    let seed = std::env::temp_dir().join(format!("ordercloud-ci-anon-{}.json", std::process::id()));
    std::fs::write(
        &seed,
        r#"{"ApiClients":[{"ClientID":"shop","RefreshTokens":true,"BuyerID":"retail"}],
                              "Resources":{"/buyers":[{"ID":"retail","Name":"Retail"}]}}"#,
    )
    .unwrap();
    let running = Running::start(&["--seed", seed.to_str().unwrap()]);
    std::fs::remove_file(&seed).unwrap();
    let form = "application/x-www-form-urlencoded";
    let (status, first) =
        running.call("POST", "/oauth/token", form, "grant_type=client_credentials&client_id=shop&anonuserid=anon-7");
    assert_eq!(status, 200, "{first}");
    let refresh = first["refresh_token"].as_str().expect("a refresh token for an anonymous shopper");
    let (status, renewed) = running.call(
        "POST",
        "/oauth/token",
        form,
        &format!("grant_type=refresh_token&client_id=shop&refresh_token={refresh}"),
    );
    assert_eq!(status, 200, "{renewed}");
    let access = renewed["access_token"].as_str().unwrap();
    let claims = claims(access);
    assert_eq!(
        (claims["usr"].as_str(), claims["orderid"].as_str()),
        (Some("anon-7"), Some("order-anon-7")),
        "still the anonymous shopper"
    );

    let bearer = format!("Bearer {access}");
    let headers = [("Authorization", bearer.as_str()), ("Content-Type", "application/json")];
    let order = running.send("POST", "/v1/orders/Outgoing", &headers, "");
    assert_eq!(order.status, 201, "{order:?}");
    assert_eq!(
        (order.json()["Status"].as_str(), order.json()["FromUserID"].as_str()),
        (Some("Unsubmitted"), Some("anon-7"))
    );
}
