//! Request bodies: a model serialized to be sent, without its read-only fields.

use std::cell::Cell;

thread_local! {
    /// Whether a request body is being serialized on this thread.
    static IN_REQUEST_BODY: Cell<bool> = const { Cell::new(false) };
}

/// `value` as the compact JSON of a request body: like `serde_json::to_vec`, except that
/// fields marked with [`skip_read_only`] are left out, since OrderCloud sets them itself
/// (IDs it generates, dates, counts) and a body must never send them.
///
/// A model serialized any other way (to store it, say) keeps every field.
///
/// ```
/// use ordercloud_models::{skip_read_only, to_request_body};
/// use serde::Serialize;
///
/// #[derive(Serialize)]
/// struct Order {
///     #[serde(rename = "ID", skip_serializing_if = "Option::is_none")]
///     id: Option<String>,
///     #[serde(rename = "DateCreated", skip_serializing_if = "skip_read_only")]
///     date_created: Option<String>,
/// }
///
/// let order = Order { id: Some("o-1".into()), date_created: Some("2026-12-03T10:00:00Z".into()) };
/// assert_eq!(to_request_body(&order)?, br#"{"ID":"o-1"}"#);
/// assert_eq!(serde_json::to_string(&order)?, r#"{"ID":"o-1","DateCreated":"2026-12-03T10:00:00Z"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn to_request_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    /// Puts the flag back as it was, even if serializing panics.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            IN_REQUEST_BODY.with(|flag| flag.set(self.0));
        }
    }
    let _restore = Restore(IN_REQUEST_BODY.with(|flag| flag.replace(true)));
    let mut body = Vec::with_capacity(128);
    serde_json::to_writer(&mut body, value)?;
    Ok(body)
}

/// For `#[serde(skip_serializing_if = "ordercloud_models::skip_read_only")]` on a
/// read-only field: it is left out when it has no value, and always in a request body
/// ([`to_request_body`]).
pub fn skip_read_only<T>(value: &Option<T>) -> bool {
    value.is_none() || IN_REQUEST_BODY.with(Cell::get)
}
