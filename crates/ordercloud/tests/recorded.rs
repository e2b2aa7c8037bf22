//! Every generated operation sends what OrderCloud's official JS SDK 12 sends: called with
//! the arguments the JS SDK was given in `spec/today/recorded.json` (the calls are generated,
//! in `recorded/calls.rs`), through the mock transport, each request has the method, path,
//! query and JSON body the JS SDK sent. The one deliberate difference is the order of query
//! parameters (the JS SDK sends filters first), so queries are compared as sets of decoded
//! pairs. The path parameters recorded need no encoding, so the Rust SDK's encoding of each
//! as one segment does not show here (the section crates' wire tests cover it).

#[path = "recorded/calls.rs"]
mod calls;

use std::collections::BTreeMap;

use ordercloud_transport::bytes::Bytes;
use ordercloud_transport::http::Response;
use ordercloud_transport::{ApiClient, MockTransport, TransportError, encode};
use serde_json::Value;

/// What the JS SDK sent for each operation, by operation ID, and how many were checked.
struct Recording {
    sent: BTreeMap<String, Value>,
    /// The arguments the JS SDK was given, by operation ID.
    args: BTreeMap<String, Value>,
    checked: usize,
    /// What differed, operation by operation.
    differences: Vec<String>,
    /// How many of the mock's requests were checked already.
    seen: usize,
}

impl Recording {
    /// `spec/today/recorded.json`.
    fn read() -> Self {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/today/recorded.json");
        let recording: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let (mut sent, mut args) = (BTreeMap::new(), BTreeMap::new());
        for entry in recording["operations"].as_array().unwrap() {
            let id = entry["id"].as_str().unwrap();
            sent.insert(id.to_owned(), entry["sent"].clone());
            args.insert(id.to_owned(), entry["args"].clone());
        }
        Self { sent, args, checked: 0, differences: Vec::new(), seen: 0 }
    }

    /// The recorded body of `id`.
    fn body(&self, id: &str) -> Value {
        self.args[id]["body"].clone()
    }

    /// The recorded argument `name` of `id` (a path or query parameter).
    fn argument(&self, id: &str, name: &str) -> String {
        let args = &self.args[id];
        let value = args["path"].get(name).or_else(|| args["query"].get(name));
        value.and_then(Value::as_str).unwrap().to_owned()
    }

    /// The mock's one new request is what the JS SDK sent for `id`: method, path, the query
    /// as a set of decoded pairs, and the body as a JSON value.
    fn check(&mut self, mock: &MockTransport, id: &str) {
        let requests = mock.requests();
        assert_eq!(requests.len(), self.seen + 1, "{id} sent one request");
        let request = &requests[self.seen];
        self.seen += 1;
        let expected = &self.sent[id];
        let mut differ = |what: &str, ours: String, theirs: String| {
            if ours != theirs {
                self.differences.push(format!("{id}: {what}: ours {ours}, the JS SDK's {theirs}"));
            }
        };
        differ("method", request.method.to_string(), expected["method"].as_str().unwrap_or("").to_owned());
        differ("path", request.uri.path().to_owned(), expected["path"].as_str().unwrap_or("").to_owned());
        let query = |text: &str| {
            let mut pairs: Vec<(String, String)> = text
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                    let text = |part: &str| String::from_utf8(encode::decode(part)).unwrap();
                    (text(name), text(value))
                })
                .collect();
            pairs.sort();
            pairs
        };
        differ(
            "query",
            format!("{:?}", query(request.uri.query().unwrap_or(""))),
            format!("{:?}", query(expected["query"].as_str().unwrap_or(""))),
        );
        let body = if request.body.is_empty() { Value::Null } else { request.body_json::<Value>().unwrap() };
        differ("body", body.to_string(), expected["body"].to_string());
        self.checked += 1;
    }

    /// How many operations were checked.
    fn checked(&self) -> usize {
        self.checked
    }
}

#[tokio::test]
async fn every_operation_sends_what_the_js_sdk_sends() {
    let mock = MockTransport::from_fn(answer);
    let client = ApiClient::builder().transport(mock.clone()).access_token("recorded").build().unwrap();
    let mut recording = Recording::read();
    calls::every_operation(&client, &mock, &mut recording).await;
    hand_written(&client, &mock, &mut recording).await;
    assert_eq!(recording.checked(), calls::COUNT + 5);
    assert!(
        recording.differences.is_empty(),
        "{} differences:\n{}",
        recording.differences.len(),
        recording.differences.join("\n")
    );
    assert_eq!(recording.sent.len(), recording.checked(), "every recorded operation is checked");
}

/// The operations `ordercloud-password-reset` writes by hand.
async fn hand_written(client: &ApiClient, mock: &MockTransport, recording: &mut Recording) {
    use ordercloud_password_reset::PasswordResetApi;
    let api = PasswordResetApi::new(client.clone());
    let id = "ForgottenCredentials.SendVerificationCode";
    api.send_verification_code(&serde_json::from_value(recording.body(id)).unwrap()).await.unwrap();
    recording.check(mock, id);
    let id = "ForgottenCredentials.ResetPasswordByVerificationCode";
    api.reset_password(
        &recording.argument(id, "verificationCode"),
        &serde_json::from_value(recording.body(id)).unwrap(),
    )
    .await
    .unwrap();
    recording.check(mock, id);
    let id = "ForgottenCredentials.SendOneTimePassword";
    api.send_one_time_password(&serde_json::from_value(recording.body(id)).unwrap()).await.unwrap();
    recording.check(mock, id);
    let id = "ForgottenCredentials.RetrieveUsername";
    api.retrieve_username(&recording.argument(id, "clientID"), &recording.argument(id, "email")).await.unwrap();
    recording.check(mock, id);
    let id = "Me.ResetPasswordByToken";
    api.change_password(&serde_json::from_value(recording.body(id)).unwrap()).await.unwrap();
    recording.check(mock, id);
}

/// The mock's answer to every call: a page with no items, which every model reads too (its
/// fields are all optional, the others kept), and which a `204` call ignores.
fn answer(_: &ordercloud_transport::RecordedRequest) -> Result<Response<Bytes>, TransportError> {
    let page = r#"{"Meta":{"Page":1,"PageSize":20,"TotalCount":0,"TotalPages":1},"Items":[]}"#;
    Ok(Response::builder().status(200).body(Bytes::from_static(page.as_bytes())).unwrap())
}
