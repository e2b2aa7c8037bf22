//! The simulator answers bad requests the way OrderCloud does: an `Errors` body, never a
//! crash. Sent as raw HTTP/1.1 so nothing on the client side tidies them up.

use std::time::Duration;

use ordercloud_simulator::{SimUser, Simulator};
use tokio::net::TcpStream;

mod wire;

use wire::send;

fn request(method: &str, target: &str, content_type: &str, body: &str) -> String {
    format!(
        "{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn malformed_requests_get_ordercloud_errors() {
    let simulator =
        Simulator::builder().user(SimUser::new("c", "jdoe", "j@example.com", "Old-Passw0rd")).start().await.unwrap();
    let cases = [
        (request("POST", "/v1/password/reset", "application/json", "{not json"), 400, "Request.InvalidRequestBody"),
        (request("POST", "/v1/password/reset", "text/plain", r#"{"ClientID":"c"}"#), 400, "Request.InvalidRequestBody"),
        (
            request("POST", "/v1/password/reset", "application/json", r#"{"ClientID":"c"}"#),
            400,
            "PasswordReset.MissingUsernameOrEmail",
        ),
        (
            request("POST", "/v1/password/reset", "application/json", r#"{"Email":"j@example.com"}"#),
            400,
            "PasswordReset.MissingOrInvalidClientID",
        ),
        (
            request("POST", "/v1/password/reset", "application/json", r#"{"ClientID":7}"#),
            400,
            "Request.InvalidRequestBody",
        ),
        (
            request("PUT", "/v1/password/reset/abc", "application/json", r#"{"ClientID":"c","Password":"x"}"#),
            400,
            "PasswordReset.MissingUsername",
        ),
        (request("PUT", "/v1/password/reset/%FF", "application/json", "{}"), 404, "NotFound"),
        (
            request("POST", "/v1/password/onetimepassword", "application/json", r#"{"ClientID":"c"}"#),
            400,
            "OneTimePasswordRequest.UsernameOrEmailRequired",
        ),
        (request("GET", "/v1/nothing/here", "application/json", ""), 404, "NotFound"),
        (request("DELETE", "/v1/password/reset", "application/json", ""), 405, "MethodNotAllowed"),
        (request("POST", "/v1/me/password", "application/json", r#"{"NewPassword":"x"}"#), 401, "InvalidToken"),
    ];
    for (raw_request, status, code) in cases {
        let (got_status, body) = send(&simulator, &raw_request).await;
        assert_eq!(got_status, status, "{raw_request}");
        assert_eq!(body["Errors"][0]["ErrorCode"], code, "{raw_request}");
        assert!(body["Errors"][0]["Message"].as_str().is_some_and(|m| !m.is_empty()));
        if code == "NotFound" || code == "MethodNotAllowed" {
            // The official JavaScript SDK reads `Data.ObjectType` of every `NotFound`.
            assert_eq!(body["Errors"][0]["Data"]["ObjectType"], "Route", "{raw_request}");
        }
    }
    let oversized = "x".repeat(100 * 1024);
    let (status, body) = send(&simulator, &request("POST", "/v1/password/reset", "application/json", &oversized)).await;
    assert_eq!((status, body["Errors"][0]["ErrorCode"].as_str()), (400, Some("Request.InvalidRequestBody")));
    // The simulator is still serving after all of that.
    let (status, _) = send(
        &simulator,
        &request("POST", "/v1/password/reset", "application/json", r#"{"ClientID":"c","Username":"jdoe"}"#),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(simulator.outbox().len(), 1);
}

#[tokio::test]
async fn dropping_the_simulator_stops_the_server() {
    let simulator = Simulator::start().await.unwrap();
    let address = simulator.address();
    drop(simulator);
    tokio::task::yield_now().await;
    let mut refused = false;
    for _ in 0..50 {
        if TcpStream::connect(address).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(refused, "the port still accepts connections after drop");
}

#[tokio::test]
async fn the_clock_saturates_instead_of_breaking_the_server() {
    let simulator = Simulator::builder()
        .user(SimUser::new("client", "jdoe", "jdoe@example.com", "Old-Passw0rd1"))
        .start()
        .await
        .unwrap();
    simulator.advance(Duration::from_secs(u64::MAX / 2));
    simulator.advance(Duration::MAX);
    for _ in 0..2 {
        let body = r#"{"ClientID":"client","Username":"jdoe"}"#;
        let (status, _) = send(&simulator, &request("POST", "/v1/password/reset", "application/json", body)).await;
        assert_eq!(status, 204, "the simulator still answers after the clock saturated");
    }
    assert_eq!(simulator.outbox().len(), 2);
}
