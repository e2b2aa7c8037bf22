//! Raw HTTP/1.1 to an embedded simulator, one request a connection, for the tests that
//! need exact requests: nothing on the client side tidies them or their answers up.

// Each test file uses a part of this module, and it is `pub` for them only.
#![allow(dead_code, unreachable_pub)]

use ordercloud_simulator::Simulator;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends `request` (whole, with `Connection: close`): the status and the body answered.
pub async fn send_raw(simulator: &Simulator, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(simulator.address()).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8(answer).unwrap();
    let status = text[9..12].parse().unwrap();
    (status, text.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default())
}

/// Sends `request`: the status and the JSON answered (`null` for none, or for a body that
/// is not JSON).
pub async fn send(simulator: &Simulator, request: &str) -> (u16, Value) {
    let (status, body) = send_raw(simulator, request).await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// One JSON request to the API, with the bearer `token` if any: the status and the JSON
/// answered.
pub async fn call(
    simulator: &Simulator,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let body = body.map(|body| body.to_string()).unwrap_or_default();
    let authorization = token.map(|token| format!("Authorization: Bearer {token}\r\n")).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\n{authorization}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        simulator.address(),
        body.len()
    );
    send(simulator, &request).await
}

/// The access token the token endpoint answers the form `form` with.
pub async fn token(simulator: &Simulator, form: &str) -> String {
    let request = format!(
        "POST /oauth/token HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        simulator.address(),
        form.len()
    );
    let (_, answer) = send(simulator, &request).await;
    answer["access_token"].as_str().unwrap_or_else(|| panic!("no token for {form}: {answer}")).to_owned()
}
