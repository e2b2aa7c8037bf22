//! Webhooks: what OrderCloud POSTs before (a pre-hook) or after (a post-hook) an operation
//! that writes, and what a pre-hook answers.

use std::collections::BTreeMap;
use std::fmt;

use ordercloud_models::RawJson;
use serde::{Deserialize, Serialize};

use crate::redact::{Secret, Shown};

/// What OrderCloud POSTs to a webhook's URL, as its documentation shows it and the .NET
/// SDK types it (`WebhookPayload<TRequest, TResponse, TRouteParams, TConfigData>`).
///
/// `B` is the request's body (the model the operation takes), `R` the response's (the
/// model it answers; nothing for a pre-hook, which comes first), `C` the webhook's
/// `ConfigData`; all raw JSON unless given. Route parameters are by their name in the route
/// (`{"buyerID": "b1"}` for `v1/buyers/{buyerID}`).
///
/// ```
/// use ordercloud_middleware::WebhookPayload;
/// use ordercloud_models::resources::Order;
///
/// let json = r#"{"Route":"v1/orders/{direction}/{orderID}/submit","RouteParams":{"direction":"Outgoing","orderID":"o1"},
///   "Verb":"POST","Date":"2027-04-04T19:41:39+00:00","LogID":"71ce","UserToken":"eyJ…",
///   "Request":{"Body":null,"Headers":null},"Response":{"Body":{"ID":"o1","Status":"Open"},"Headers":null},
///   "ConfigData":{"Sender":"erp"}}"#;
/// let payload: WebhookPayload<serde_json::Value, Order> = serde_json::from_str(json)?;
/// assert_eq!(payload.route_params["orderID"], "o1");
/// let order = payload.response.and_then(|response| response.body).unwrap();
/// assert_eq!(order.id.as_deref(), Some("o1"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookPayload<B = RawJson, R = RawJson, C = RawJson> {
    /// The route called, as OrderCloud names it: `v1/buyers/{buyerID}`.
    #[serde(rename = "Route", default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// The route's parameters, by name: `{"buyerID": "buyer_10"}`.
    #[serde(rename = "RouteParams", default, deserialize_with = "crate::webhook::map_or_null")]
    pub route_params: BTreeMap<String, String>,
    /// The query's parameters, by name.
    #[serde(rename = "QueryParams", default, deserialize_with = "crate::webhook::map_or_null")]
    pub query_params: BTreeMap<String, String>,
    /// The HTTP method: `POST`, `PUT`, `PATCH` or `DELETE`.
    #[serde(rename = "Verb", default, skip_serializing_if = "Option::is_none")]
    pub verb: Option<String>,
    /// When the call was made (ISO 8601, as sent).
    #[serde(rename = "Date", default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// OrderCloud's ID of the call, to quote to its support.
    #[serde(rename = "LogID", default, skip_serializing_if = "Option::is_none")]
    pub log_id: Option<String>,
    /// The access token of the user who made the call (a secret: redacted in `Debug`).
    #[serde(rename = "UserToken", default, skip_serializing_if = "Option::is_none")]
    pub user_token: Option<String>,
    /// The request made to OrderCloud.
    #[serde(rename = "Request", default, skip_serializing_if = "Option::is_none")]
    pub request: Option<WebhookMessage<B>>,
    /// OrderCloud's answer (a post-hook's; a pre-hook's has none yet).
    #[serde(rename = "Response", default, skip_serializing_if = "Option::is_none")]
    pub response: Option<WebhookMessage<R>>,
    /// The webhook's own configuration, as set in OrderCloud.
    #[serde(rename = "ConfigData", default, skip_serializing_if = "Option::is_none")]
    pub config_data: Option<C>,
}

/// The request or the response of the call a webhook reports. `Debug` shows a typed body
/// as itself and raw JSON (a raw body, the headers) by its size only: a body may carry a
/// password, the headers a token.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookMessage<B = RawJson> {
    /// The body, read as `B`; `None` when there was none.
    #[serde(rename = "Body", default, skip_serializing_if = "Option::is_none")]
    pub body: Option<B>,
    /// The headers, as OrderCloud passes them (often `null`).
    #[serde(rename = "Headers", default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<RawJson>,
}

impl<B: fmt::Debug + 'static> fmt::Debug for WebhookMessage<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookMessage")
            .field("body", &Shown(&self.body))
            .field("headers", &Shown(&self.headers))
            .finish()
    }
}

impl<B, R, C> fmt::Debug for WebhookPayload<B, R, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookPayload")
            .field("route", &self.route)
            .field("route_params", &self.route_params)
            .field("query_params", &self.query_params)
            .field("verb", &self.verb)
            .field("date", &self.date)
            .field("log_id", &self.log_id)
            .field("user_token", &Secret::of(&self.user_token))
            .finish_non_exhaustive()
    }
}

/// What a pre-hook answers: whether OrderCloud goes on with the call, and, when it does
/// not, the body the caller gets (as Catalyst's `PreWebhookResponse` has it).
///
/// ```
/// use ordercloud_middleware::PreHookResponse;
///
/// let go_on = serde_json::to_string(&PreHookResponse::proceed())?;
/// assert_eq!(go_on, r#"{"proceed":true}"#);
/// let stop = PreHookResponse::block_with(serde_json::json!({"Reason": "PO box addresses are not shipped to"}));
/// assert_eq!(serde_json::to_value(&stop)?["proceed"], false);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PreHookResponse {
    /// Whether OrderCloud goes on with the call.
    pub proceed: bool,
    /// What the caller gets when it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

impl PreHookResponse {
    /// Go on with the call.
    pub fn proceed() -> Self {
        Self { proceed: true, body: None }
    }

    /// Stop the call, with Catalyst's default body, `"Access Denied"`.
    pub fn block() -> Self {
        Self::block_with(serde_json::Value::String("Access Denied".to_owned()))
    }

    /// Stop the call; the caller gets `body`.
    pub fn block_with(body: serde_json::Value) -> Self {
        Self { proceed: false, body: Some(body) }
    }
}

/// A map that may come as `null`.
pub(crate) fn map_or_null<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    Ok(Option::<BTreeMap<String, String>>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pre_hooks_payload_reads_with_null_parts_and_hides_the_token() {
        let json = r#"{"Route":"v1/buyers/{buyerID}","RouteParams":{"buyerID":"buyer_10"},"QueryParams":null,
            "Verb":"PUT","UserToken":"token-secret","Request":{"Body":{"Name":"New"},"Headers":null},
            "Response":{"Body":null,"Headers":null},"ConfigData":{"k":"v"}}"#;
        let payload: WebhookPayload = serde_json::from_str(json).unwrap();
        assert_eq!(payload.route_params["buyerID"], "buyer_10");
        assert!(payload.query_params.is_empty());
        assert_eq!(payload.request.as_ref().unwrap().body.as_ref().unwrap().to_value()["Name"], "New");
        assert!(payload.response.as_ref().unwrap().body.is_none(), "null is no body");
        assert!(!format!("{payload:?}").contains("token-secret"));
        let json =
            r#"{"Body":{"Username":"ada","Password":"pw-secret"},"Headers":{"Authorization":"Bearer tok-secret"}}"#;
        let message: WebhookMessage = serde_json::from_str(json).unwrap();
        let shown = format!("{message:?}");
        assert!(!shown.contains("secret") && shown.contains("bytes, redacted"), "{shown}");
        let typed: WebhookMessage<ordercloud_models::resources::User> = serde_json::from_str(json).unwrap();
        let shown = format!("{typed:?}");
        assert!(
            !shown.contains("secret") && shown.contains("ada"),
            "a typed body shows, its secrets redacted: {shown}"
        );
        let minimal: WebhookPayload = serde_json::from_str("{}").unwrap();
        assert!(minimal.route.is_none() && minimal.request.is_none());
    }

    #[test]
    fn a_pre_hook_answer_reads_as_catalyst_writes_it() {
        let answer: PreHookResponse = serde_json::from_str(r#"{"proceed":false,"body":"Access Denied"}"#).unwrap();
        assert_eq!(answer, PreHookResponse::block());
    }
}
