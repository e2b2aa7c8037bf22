//! What the middleware's tests share: the committed test keys, tokens signed with them,
//! a key server that serves them as OrderCloud serves its keys (counting every fetch), and
//! raw HTTP calls.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ordercloud_middleware::{ApiClient, TokenVerifier};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The key ID the key server serves the test key under.
pub const KID: &str = "test-key-1";
/// The API client the tests' verifiers allow.
pub const CLIENT_ID: &str = "storefront";

/// A key pair of `tests/keys`.
pub struct TestKey(RsaKeyPair);

impl TestKey {
    /// The key the key server vouches for.
    pub fn main() -> Self {
        Self::read(include_str!("../keys/test-key.pem"))
    }

    /// Another key: what signs a forgery.
    pub fn other() -> Self {
        Self::read(include_str!("../keys/other-key.pem"))
    }

    fn read(pem: &str) -> Self {
        let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
        Self(RsaKeyPair::from_pkcs8(&STANDARD.decode(body).unwrap()).unwrap())
    }

    /// The public key as OrderCloud's `PublicKey` JSON.
    pub fn jwk(&self, kid: &str) -> Value {
        let components: RsaPublicKeyComponents<Vec<u8>> = self.0.public().into();
        json!({"kty": "RSA", "n": URL_SAFE_NO_PAD.encode(&components.n), "e": URL_SAFE_NO_PAD.encode(&components.e),
               "alg": "RS256", "use": "sig", "kid": kid})
    }

    /// The public modulus, big-endian: what a forger who read the key has.
    pub fn modulus(&self) -> Vec<u8> {
        let components: RsaPublicKeyComponents<Vec<u8>> = self.0.public().into();
        components.n
    }

    /// A JWT of `claims` under `header`, signed RS256 with this key.
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!("{}.{}", encode(header), encode(claims));
        let mut signature = vec![0; self.0.public().modulus_len()];
        self.0.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), input.as_bytes(), &mut signature).unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// A JWT of `claims` with the usual header (`RS256`, `kid`).
    pub fn token(&self, kid: &str, claims: &Value) -> String {
        self.sign(&json!({"alg": "RS256", "kid": kid, "typ": "JWT"}), claims)
    }
}

/// Base64url of a JSON value's text.
pub fn encode(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// Unix seconds now.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// The claims of a current shopper's token of `CLIENT_ID`, issued by and for `api_url`.
pub fn claims(api_url: &str) -> Value {
    json!({
        "usr": "jdoe", "cid": CLIENT_ID, "usrtype": "buyer", "role": ["Shopper", "MeAdmin", "CustomRole"],
        "iss": api_url, "aud": api_url, "exp": now() + 600, "nbf": now() - 5,
    })
}

/// A stand-in for OrderCloud's key and user endpoints: `GET /oauth/certs/{kid}` serves the
/// keys registered (404 for others; 503 when down), `GET /v1/me` answers the tokens
/// registered as active users (401 for others). Every call is counted.
#[derive(Clone, Default)]
pub struct KeyServer {
    pub base_url: String,
    pub cert_fetches: Arc<AtomicUsize>,
    pub me_calls: Arc<AtomicUsize>,
    pub down: Arc<AtomicBool>,
    keys: Arc<Mutex<Vec<(String, Value)>>>,
    users: Arc<Mutex<HashSet<String>>>,
}

impl KeyServer {
    /// Serves on 127.0.0.1 with the main test key under `KID`.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = Self { base_url: format!("http://{}", listener.local_addr().unwrap()), ..Self::default() };
        server.keys.lock().unwrap().push((KID.to_owned(), TestKey::main().jwk(KID)));
        let app =
            Router::new().route("/oauth/certs/{kid}", get(certs)).route("/v1/me", get(me)).with_state(server.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        server
    }

    /// Lets `token` be an active user's, for `GET /v1/me`.
    pub fn accept(&self, token: &str) {
        self.users.lock().unwrap().insert(token.to_owned());
    }

    /// Serves `jwk` under `kid` too.
    pub fn serve_key(&self, kid: &str, jwk: Value) {
        self.keys.lock().unwrap().push((kid.to_owned(), jwk));
    }

    /// A verifier of this server's tokens that allows `CLIENT_ID`.
    pub fn verifier(&self) -> TokenVerifier {
        let client = ApiClient::builder().base_url(&self.base_url).build().unwrap();
        TokenVerifier::new(client).allow_client_ids([CLIENT_ID])
    }

    pub fn fetches(&self) -> usize {
        self.cert_fetches.load(Ordering::SeqCst)
    }
}

async fn certs(State(server): State<KeyServer>, Path(kid): Path<String>) -> Response {
    server.cert_fetches.fetch_add(1, Ordering::SeqCst);
    // Slow enough that a burst of callers overlaps the fetch.
    tokio::time::sleep(Duration::from_millis(20)).await;
    if server.down.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "down").into_response();
    }
    let key = server.keys.lock().unwrap().iter().find(|(id, _)| *id == kid).map(|(_, jwk)| jwk.clone());
    match key {
        Some(jwk) => axum::Json(jwk).into_response(),
        None => {
            (StatusCode::NOT_FOUND, axum::Json(json!({"Errors": [{"ErrorCode": "NotFound", "Message": "no key"}]})))
                .into_response()
        }
    }
}

async fn me(State(server): State<KeyServer>, headers: HeaderMap) -> Response {
    server.me_calls.fetch_add(1, Ordering::SeqCst);
    let token = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    if token.is_some_and(|token| server.users.lock().unwrap().contains(token)) {
        axum::Json(json!({"ID": "u1", "Username": "jdoe", "Active": true})).into_response()
    } else {
        (StatusCode::UNAUTHORIZED, axum::Json(json!({"Errors": [{"ErrorCode": "InvalidToken", "Message": "no"}]})))
            .into_response()
    }
}

/// An answer to a raw call: its status, headers (lower-case names) and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// The first OrderCloud error's code.
    pub fn error_code(&self) -> String {
        self.json()["Errors"][0]["ErrorCode"].as_str().unwrap_or_default().to_owned()
    }
}

/// A raw HTTP/1.1 call to `address` (`127.0.0.1:port`), the connection closed after it.
pub async fn raw(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("transfer-encoding")) {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server may answer (and close) before it has read a body it refuses.
    let _ = stream.write_all(body).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status =
        lines.next().and_then(|line| line.split_whitespace().nth(1)).and_then(|code| code.parse().ok()).unwrap_or(0);
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Answer { status, headers, body: body.to_owned() }
}
