//! Properties over arbitrary input: path parameters arrive exactly or are refused; any
//! answer gives Ok or a typed error, never a panic; no error text ever shows a secret.

use bytes::Bytes;
use http::Method;
use ordercloud_transport::{ApiClient, Error, MockTransport, RetryPolicy, TransportError, TransportErrorKind};
use proptest::prelude::*;

/// How many encodings [`encode_as`] knows.
const ENCODINGS: usize = 16;

/// `secret` as a server might echo it: verbatim, JSON-escaped (two ways), HTML-escaped,
/// percent-encoded in either case, form-encoded, upper- or lower-cased, a run of its first
/// characters, in a `Basic` header's base64 of `user:secret`, in base64 glued to `token=`,
/// as a hex dump, in full-width letters, percent-encoded three times, or split by soft
/// hyphens and zero-width spaces.
fn encode_as(secret: &str, encoding: usize) -> String {
    let percent = ordercloud_transport::encode::encode(secret);
    match encoding {
        0 => secret.to_owned(),
        1 => serde_json::to_string(secret).unwrap().trim_matches('"').to_owned(),
        2 => secret
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_string() } else { format!("\\u{:04x}", u32::from(c)) })
            .collect(),
        3 => secret
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;"),
        4 => percent,
        5 => percent
            .split('%')
            .enumerate()
            .map(
                |(i, part)| {
                    if i == 0 { part.to_owned() } else { format!("%{}{}", part[..2].to_lowercase(), &part[2..]) }
                },
            )
            .collect(),
        6 => percent.replace("%20", "+"),
        7 => secret.to_uppercase(),
        8 => secret.to_lowercase(),
        9 => secret.chars().take(8.max(secret.chars().count() - 3)).collect(),
        10 => format!("Basic {}", base64(format!("jdoe:{secret}").as_bytes())),
        11 => format!("token={}", base64(secret.as_bytes()).trim_end_matches('=')),
        12 => secret.bytes().map(|byte| format!("{byte:02x} ")).collect(),
        13 => secret
            .chars()
            .map(|c| if c.is_ascii_graphic() { char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c) } else { c })
            .collect(),
        14 => secret.bytes().map(|byte| format!("%2525{byte:02X}")).collect(),
        _ => secret
            .chars()
            .enumerate()
            .map(|(i, c)| match i % 3 {
                0 if i > 0 => format!("\u{ad}{c}"),
                1 if i > 1 => format!("\u{200b}{c}"),
                _ => c.to_string(),
            })
            .collect(),
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            out.push(if i <= chunk.len() { char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]) } else { '=' });
        }
    }
    out
}

/// Whether `text` holds `secret` or a run of 8 of its characters, ignoring case for a code
/// or token.
fn shows(text: &str, secret: &str, any_case: bool) -> bool {
    // Invisible characters become U+FFFD in a line: a secret split by them shows all the same.
    let text = &text.replace('\u{FFFD}', "");
    let (text, secret): (String, Vec<char>) = match any_case {
        true => (text.to_lowercase(), secret.to_lowercase().chars().collect()),
        false => (text.to_owned(), secret.chars().collect()),
    };
    secret.windows(8.min(secret.len())).any(|run| text.contains(&run.iter().collect::<String>()))
}

/// Everything an error shows: `Display`, `Debug`, and each error of its `source()` chain.
fn outputs(error: &Error) -> Vec<String> {
    let mut texts = vec![error.to_string(), format!("{error:?}"), format!("{error:#?}")];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        texts.push(cause.to_string());
        texts.push(format!("{cause:?}"));
        source = cause.source();
    }
    texts
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
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
            prop_assert_eq!(ordercloud_transport::encode::decode(segment), code.as_bytes());
        }
    }

    #[test]
    fn any_answer_gives_exactly_its_outcome(status in 100u16..1000, body in proptest::collection::vec(any::<u8>(), 0..512), bom in any::<bool>()) {
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(&body);
        let mock = MockTransport::new();
        mock.push_status(status, Bytes::from(bytes.clone())).push_status(status, Bytes::from(bytes));
        // Each answer is seen once: no retry of a 429.
        let client = ApiClient::builder().transport(mock.clone()).retry_policy(RetryPolicy::none()).build().unwrap();
        let empty = block_on(client.request(Method::POST, "/x").send_empty());
        let json = block_on(client.request(Method::GET, "/x").send_json::<serde_json::Value>());
        let success = (200..300).contains(&status);
        let decodes = serde_json::from_slice::<serde_json::Value>(&body).is_ok();
        match (&empty, success) {
            (Ok(()), true) => {}
            (Err(Error::Response(error)), false) => prop_assert_eq!(error.status().as_u16(), status),
            _ => prop_assert!(false, "{} gave {:?}", status, empty),
        }
        match (&json, success, decodes) {
            (Ok(_), true, true) => {}
            (Err(Error::Decode(error)), true, false) => prop_assert_eq!(error.status().as_u16(), status),
            (Err(Error::Response(error)), false, _) => prop_assert_eq!(error.status().as_u16(), status),
            _ => prop_assert!(false, "{} with a body that decodes: {} gave {:?}", status, decodes, json),
        }
        mock.assert_all_used();
        for outcome in [empty.err(), json.err()].into_iter().flatten() {
            for text in [outcome.to_string(), format!("{outcome:?}")] {
                prop_assert!(text.chars().all(|c| !c.is_control() && !is_bidi_control(c)), "one clean line: {:?}", text);
            }
            prop_assert!(outcome.to_string().chars().count() < 400, "capped: {}", outcome);
        }
    }

    #[test]
    fn no_secret_shows_in_any_encoding_a_server_may_echo(
        secret in "[A-Za-z0-9]{4,12}[-_ ./+&<>\"'\\%é#ü]{1,3}[A-Za-z0-9]{4,12}",
        encoding in 0usize..ENCODINGS,
        prefix in "[ -~]{0,120}", suffix in "[ -~]{0,120}",
        shape in 0usize..4, kind in 0usize..3,
    ) {
        // A password (kind 2) counts in its own letter case only: a server's "PASSWORD" is
        // not an echo of "password", so it is echoed as is instead.
        let encoding = if kind == 2 && matches!(encoding, 7 | 8) { 0 } else { encoding };
        let echoed = encode_as(&secret, encoding);
                let mock = MockTransport::new();
        match shape {
            0 => { mock.push_status(404, format!("{prefix}{echoed}{suffix}")); }
            1 => { mock.push_api_error(400, "PasswordReset.InsecurePassword", &format!("{prefix}{echoed}{suffix}")); }
            2 => { mock.push_status(502, format!("<html><title>{prefix}{echoed}</title></html>")); }
            _ => { mock.push_status(200, format!("{{\"unknown\": \"{prefix}{echoed}{suffix}\"")); }
        }
        let client = mock_client(&mock);
        let request = client.request(Method::POST, "/password/reset/{verificationCode}").json(&serde_json::json!({"Password": secret}));
        let request = match kind {
            0 => request.bearer_token(&secret).path_param("code"),
            1 => request.secret_path_param(&secret),
            _ => request.path_param("code").redact(&secret),
        };
        let error = block_on(request.send_json::<std::collections::BTreeMap<String, u8>>()).unwrap_err();
        for text in outputs(&error) {
            prop_assert!(!shows(&text, &secret, kind != 2), "{:?} ({}) leaked in {:?}", secret, echoed, text);
            let whole = if kind == 2 { text.contains(&echoed) } else { text.to_lowercase().contains(&echoed.to_lowercase()) };
            prop_assert!(!whole, "{:?} leaked as {:?} in {:?}", secret, echoed, text);
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
            _ => { mock.push_error(TransportError::new(TransportErrorKind::Io, format!("{prefix}{echoed}{suffix}"))); }
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
        let mut texts = outputs(&error);
        texts.push(format!("{client:?}"));
        for text in texts {
            for secret in [&code, &token, &password] {
                prop_assert!(!text.contains(secret.as_str()), "{} leaked in {}", secret, text);
            }
        }
    }
}
