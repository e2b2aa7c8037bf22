//! The request log: every request counted by route template, method, grant type and status,
//! the same from the library and from `GET /_simulator/requests`; control routes not
//! counted; cleared by reset.

use ordercloud_simulator::{SimUser, Simulator};

mod wire;

async fn raw(simulator: &Simulator, method: &str, target: &str, headers: &str, body: &str) -> (u16, String) {
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    wire::send_raw(simulator, &request).await
}

const FORM: &str = "Content-Type: application/x-www-form-urlencoded\r\n";
const JSON: &str = "Content-Type: application/json\r\n";

#[tokio::test]
async fn requests_are_counted_by_route_grant_and_status() {
    let simulator =
        Simulator::builder().user(SimUser::new("c", "jdoe", "j@example.com", "Old-Passw0rd1")).start().await.unwrap();
    let login = "grant_type=password&username=jdoe&password=Old-Passw0rd1&client_id=c";
    let (status, body) = raw(&simulator, "POST", "/oauth/token", FORM, login).await;
    assert_eq!(status, 200);
    let token: serde_json::Value = serde_json::from_str(&body).unwrap();
    let bearer = format!("Authorization: Bearer {}\r\n", token["access_token"].as_str().unwrap());
    assert_eq!(raw(&simulator, "POST", "/oauth/token", FORM, &login.replace("Old", "Bad")).await.0, 400);
    // `--user` clients issue no refresh tokens.
    let refresh = "grant_type=refresh_token&client_id=c&refresh_token=whatever";
    assert_eq!(raw(&simulator, "POST", "/oauth/token", FORM, refresh).await.0, 400);
    for _ in 0..3 {
        assert_eq!(raw(&simulator, "GET", "/v1/me", &bearer, "").await.0, 200);
    }
    assert_eq!(raw(&simulator, "GET", "/v1/me", "", "").await.0, 401);
    let reset = r#"{"ClientID":"c","Username":"jdoe","Password":"N3w-Passw0rd1"}"#;
    assert_eq!(raw(&simulator, "PUT", "/v1/password/reset/the-secret-code", JSON, reset).await.0, 400);
    assert_eq!(raw(&simulator, "GET", "/v2/nothing/here", "", "").await.0, 404);
    assert_eq!(raw(&simulator, "GET", "/_simulator/outbox", "", "").await.0, 200);

    let log = simulator.requests();
    assert_eq!(log.token_requests(), 3);
    assert_eq!(log.token_requests_with_grant("password"), 2);
    assert_eq!(log.token_requests_with_grant("refresh_token"), 1);
    assert_eq!(log.count_with_status("POST", "/oauth/token", 200), 1);
    assert_eq!(log.count("GET", "/v1/me"), 4);
    assert_eq!(log.count_with_status("GET", "/v1/me", 401), 1);
    assert_eq!(log.count_with_status("PUT", "/v1/password/reset/{verificationCode}", 400), 1);
    assert_eq!(log.count("GET", "(other)"), 1);
    assert_eq!(log.total(), 9, "control routes are not counted");
    let listed = format!("{log:?}");
    assert!(!listed.contains("the-secret-code") && !listed.contains("nothing"), "{listed}");

    let (status, body) = raw(&simulator, "GET", "/_simulator/requests", "", "").await;
    assert_eq!(status, 200);
    let over_http: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(over_http, log.to_json());
    assert!(over_http.as_array().unwrap().contains(&serde_json::json!({
        "Method": "POST", "Route": "/oauth/token", "GrantType": "refresh_token", "Status": 400, "Count": 1
    })));
    assert_eq!(simulator.requests(), log, "reading the log counts nothing");

    assert_eq!(raw(&simulator, "POST", "/_simulator/reset", "", "").await.0, 200);
    assert_eq!(simulator.requests().total(), 0);
}
