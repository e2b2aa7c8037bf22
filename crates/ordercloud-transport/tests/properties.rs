//! Properties over arbitrary input: path parameters arrive exactly or are refused; any
//! answer gives Ok or a typed error, never a panic; no error text ever shows a secret.

use bytes::Bytes;
use http::Method;
use ordercloud_transport::{ApiClient, MockTransport, TransportError, TransportErrorKind};
use proptest::prelude::*;

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let (mut out, mut index) = (Vec::new(), 0);
    while index < bytes.len() {
        if bytes[index] == b'%' {
            out.push(u8::from_str_radix(std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap(), 16).unwrap());
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    out
}

fn mock_client(mock: &MockTransport) -> ApiClient {
    ApiClient::builder().transport(mock.clone()).build().unwrap()
}

/// A secret that cannot appear by chance: a fixed marker and random letters and digits.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{12,20}".prop_map(|tail| format!("S3cr{tail}"))
}

proptest! {
    #[test]
    fn any_verification_code_arrives_exactly_or_is_refused(code in any::<String>()) {
        let mock = MockTransport::new();
        mock.push_status(204, "");
        let outcome = block_on(mock_client(&mock).request(Method::PUT, "/password/reset/{verificationCode}").secret_path_param(&code).send_empty());
        if code.is_empty() || code == "." || code == ".." {
            prop_assert!(outcome.unwrap_err().is_invalid_request());
            prop_assert!(mock.requests().is_empty());
        } else {
            prop_assert!(outcome.is_ok());
            let requests = mock.requests();
            let path = requests[0].uri.path();
            let segment = path.strip_prefix("/v1/password/reset/").unwrap();
            prop_assert!(!segment.contains('/'));
            prop_assert_eq!(percent_decode(segment), code.as_bytes());
        }
    }

    #[test]
    fn any_answer_is_ok_or_a_typed_error(status in 100u16..1000, body in proptest::collection::vec(any::<u8>(), 0..512), bom in any::<bool>()) {
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(&body);
        let mock = MockTransport::new();
        mock.push_status(status, Bytes::from(bytes.clone())).push_status(status, Bytes::from(bytes));
        let client = mock_client(&mock);
        let empty = block_on(client.request(Method::POST, "/x").send_empty());
        let json = block_on(client.request(Method::GET, "/x").send_json::<serde_json::Value>());
        for outcome in [empty.err(), json.err()].into_iter().flatten() {
            let text = outcome.to_string();
            prop_assert!(!text.contains('\n'), "one line: {}", text);
            prop_assert!(text.chars().count() < 400, "capped: {}", text);
            let _ = format!("{outcome:?}");
        }
    }

    #[test]
    fn no_error_shows_the_password_token_or_code(
        code in secret(), token in secret(), password in secret(),
        prefix in "[ -~\n]{0,300}", suffix in "[ -~\n]{0,300}", which in 0usize..3, answer in 0usize..4,
    ) {
        let echoed = [&code, &token, &password][which];
        let mock = MockTransport::new();
        match answer {
            0 => { mock.push_status(404, format!("{prefix}{echoed}{suffix}")); }
            1 => { mock.push_api_error(400, &format!("{prefix}{echoed}"), &format!("{echoed}{suffix}")); }
            2 => { mock.push_status(200, format!("{{\"a\":{prefix}{echoed}{suffix}")); }
            _ => { mock.push_error(TransportError::new(TransportErrorKind::Io, format!("{prefix}{suffix}"))); }
        }
        let client = mock_client(&mock);
        let error = block_on(
            client
                .request(Method::PUT, "/password/reset/{verificationCode}")
                .secret_path_param(&code)
                .bearer_token(&token)
                .json(&serde_json::json!({"Password": password}))
                .redact(&password)
                .send_json::<serde_json::Value>(),
        )
        .unwrap_err();
        prop_assert!(!error.to_string().contains('\n'), "one line: {}", error);
        for text in [error.to_string(), format!("{error:?}"), format!("{error:#?}"), format!("{client:?}")] {
            for secret in [&code, &token, &password] {
                prop_assert!(!text.contains(secret.as_str()), "{} leaked in {}", secret, text);
            }
        }
    }
}
