//! What the server read of a request, and the ways of reading its parts that every route
//! shares: percent-decoding, forms, bearer and Basic credentials, and JSON bodies whose
//! property names come in any letter case, as OrderCloud's JSON reader takes them.

use base64::Engine as _;
use http::{HeaderMap, Method};
use ordercloud_models::ErrorCode;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::reply::Reply;

/// What the server read of a request.
pub(crate) struct Incoming<'a> {
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

impl Incoming<'_> {
    /// The query's pairs, percent-decoded; a pair that does not decode is left out.
    pub(crate) fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty())
            .filter_map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                Some((percent_decode(name)?, percent_decode(value)?))
            })
            .collect()
    }

    /// The bearer token of `Authorization` (the scheme in any letter case).
    pub(crate) fn bearer(&self) -> Option<String> {
        let value = self.headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, token) = value.trim().split_once(' ')?;
        let token = token.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
    }

    /// The client ID and secret of `Authorization: Basic` (RFC 6749, section 2.3.1: each
    /// form-encoded, then joined with `:` and base64-encoded).
    pub(crate) fn basic_credentials(&self) -> Option<(String, String)> {
        let value = self.headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, encoded) = value.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (id, secret) = decoded.split_once(':')?;
        Some((form_decode(id)?, form_decode(secret)?))
    }

    /// The API's URL as this request reached it: `http://` and its `Host` header, when that
    /// is a plain `host[:port]`.
    pub(crate) fn api_url(&self) -> Option<String> {
        let host = self.headers.get(http::header::HOST)?.to_str().ok()?.trim();
        let plain = !host.is_empty()
            && host.len() <= 255
            && host.bytes().all(|byte| byte.is_ascii_alphanumeric() || b".-:[]_".contains(&byte));
        plain.then(|| format!("http://{host}"))
    }

    /// Whether the body is declared JSON.
    fn is_json(&self) -> bool {
        let content_type = self.headers.get(http::header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
        content_type.is_some_and(|value| value.trim_start().to_ascii_lowercase().starts_with("application/json"))
    }

    /// The JSON body as `T`, its property names read in any letter case as `fields` names
    /// them; or the 400 OrderCloud gives for a body it cannot read.
    pub(crate) fn json<T: DeserializeOwned>(&self, fields: &[&str]) -> Result<T, Reply> {
        let value = self.json_value()?.unwrap_or(Value::Null);
        serde_json::from_value(with_field_names(value, fields)).map_err(|error| {
            Reply::bad_request(
                ErrorCode::InvalidRequestBody,
                &format!("The request body is not what it should be: {error}"),
            )
        })
    }

    /// The JSON body, `None` when there is none.
    pub(crate) fn json_value(&self) -> Result<Option<Value>, Reply> {
        let body = self.body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(self.body);
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        if !self.is_json() {
            return Err(Reply::bad_request(ErrorCode::InvalidRequestBody, "Content-Type must be application/json"));
        }
        serde_json::from_slice(body).map(Some).map_err(|error| {
            Reply::bad_request(ErrorCode::InvalidRequestBody, &format!("The request body is not valid JSON: {error}"))
        })
    }
}

/// `value` with each top-level property named as in `fields` when it matches one in another
/// letter case; others as they are.
pub(crate) fn with_field_names(value: Value, fields: &[&str]) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .map(|(key, value)| {
                    let name = fields
                        .iter()
                        .find(|field| field.eq_ignore_ascii_case(&key))
                        .map_or(key, |field| (*field).to_owned());
                    (name, value)
                })
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

/// Decodes `%XX` escapes with the transport's decoder, the one the client encodes with the
/// inverse of (an escape that is not two hex digits stays as written); `None` when the
/// result is not UTF-8.
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    String::from_utf8(ordercloud_transport::encode::decode(text)).ok()
}

/// A form value: `+` as a space, then `%XX` decoded.
fn form_decode(text: &str) -> Option<String> {
    percent_decode(&text.replace('+', " "))
}

/// A form body's pairs; a pair that does not decode is left out.
pub(crate) fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((form_decode(name)?, form_decode(value)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percent_decoding_is_the_transports() {
        assert_eq!(percent_decode("a%20b%2Fc%C3%B3"), Some("a b/có".to_owned()));
        assert_eq!(percent_decode("plus+stays"), Some("plus+stays".to_owned()));
        for kept in ["%", "%2", "%zz", "100%"] {
            assert_eq!(percent_decode(kept).as_deref(), Some(kept), "a malformed escape stays as written");
        }
        assert_eq!(percent_decode("%FF"), None, "not UTF-8");
    }

    #[test]
    fn forms_decode_plus_and_escapes() {
        assert_eq!(
            form_pairs(b"a=b+c&d=%26%3D&e"),
            [("a".into(), "b c".into()), ("d".into(), "&=".into()), ("e".into(), String::new())]
        );
    }

    #[test]
    fn property_names_in_any_case() {
        let value = with_field_names(json!({"clientid": "c", "USERNAME": "u", "Other": 1}), &["ClientID", "Username"]);
        assert_eq!(value, json!({"ClientID": "c", "Username": "u", "Other": 1}));
    }
}
