//! Tracing: one span per call naming the operation and the route template (never the
//! concrete path), with status, attempts and elapsed time; a retry is an event with its
//! attempt and reason; no field ever holds a secret.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use http::Method;
use ordercloud_transport::{ApiClient, MockTransport};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A span's or event's name and its fields, as text.
type Captured = (String, Vec<(String, String)>);

/// Every span and event.
#[derive(Clone, Default)]
struct Capture {
    records: Arc<Mutex<Vec<Captured>>>,
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut fields = Vec::new();
        attributes.record(&mut Fields(&mut fields));
        let mut records = self.records.lock().unwrap();
        records.push((attributes.metadata().name().to_owned(), fields));
        Id::from_u64(records.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut records = self.records.lock().unwrap();
        let index = span.into_u64() as usize - 1;
        values.record(&mut Fields(&mut records[index].1));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.records.lock().unwrap().push(("event".to_owned(), fields));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().rev().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

#[test]
fn a_call_is_one_span_with_the_route_template_and_no_secrets() {
    const CODE: &str = "vc-Secret-31f";
    const TOKEN: &str = "tok-Secret-c0d";
    const PASSWORD: &str = "pw-Secret-9e9";
    let capture = Capture::default();
    let mock = MockTransport::new();
    mock.push_response(http::Response::builder().status(429).header("retry-after", "1").body("".into()).unwrap());
    mock.push_status(204, "");
    tracing::subscriber::with_default(capture.clone(), || {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let client = ApiClient::builder().transport(mock.clone()).access_token(TOKEN).build().unwrap();
            client
                .request(Method::PUT, "/password/reset/{verificationCode}")
                .operation("ResetPasswordByVerificationCode")
                .secret_path_param(CODE)
                .json(&serde_json::json!({"Password": PASSWORD}))
                .redact(PASSWORD)
                .send_empty()
                .await
                .unwrap();
        });
    });
    let records = capture.records.lock().unwrap().clone();
    let spans: Vec<_> = records.iter().filter(|(name, _)| name == "ordercloud.request").collect();
    assert_eq!(spans.len(), 1, "{records:?}");
    let fields = &spans[0].1;
    assert_eq!(field(fields, "operation"), Some("\"ResetPasswordByVerificationCode\""));
    assert_eq!(field(fields, "route"), Some("\"/password/reset/{verificationCode}\""));
    assert_eq!(field(fields, "method"), Some("PUT"));
    assert_eq!(field(fields, "status"), Some("204"));
    assert_eq!(field(fields, "attempts"), Some("2"));
    let elapsed = field(fields, "elapsed_ms").expect("elapsed_ms");
    let decimals = elapsed.split_once('.').map_or(0, |(_, decimals)| decimals.len());
    assert!(decimals <= 3 && elapsed.parse::<f64>().is_ok(), "milliseconds to the microsecond: {elapsed}");
    let retry = records.iter().find(|(name, fields)| name == "event" && field(fields, "status") == Some("429"));
    let retry = &retry.expect("a retry event").1;
    assert_eq!(field(retry, "attempt"), Some("1"));
    assert!(field(retry, "message").is_some_and(|m| m.contains("retrying")), "{retry:?}");
    let everything = format!("{records:?}");
    for secret in [CODE, TOKEN, PASSWORD] {
        assert!(!everything.contains(secret), "{secret} reached tracing: {everything}");
    }
}
