//! What OrderCloud POSTs to an integration event's routes, as the JavaScript SDK 12 and
//! Catalyst type them.

use std::fmt;

use ordercloud_models::resources::{LineItem, OpenIdConnect, Order, OrderReturn, OrderWorksheet, User};
use ordercloud_models::{Environment, RawJson};
use serde::{Deserialize, Serialize};

use crate::redact::{Secret, Shown};

/// What an `OrderCheckout` integration event receives on each of its routes: the order's
/// worksheet, the environment, a token to call OrderCloud back with, and the event's
/// `ConfigData` (`C`, raw JSON unless given; `Debug` shows raw JSON by its size only, as it
/// may hold a provider's key). The JavaScript SDK names it per route:
/// [`ShipEstimatePayload`], [`OrderCalculatePayload`], [`OrderSubmitPayload`],
/// [`OrderSubmitForApprovalPayload`], [`OrderApprovedPayload`].
///
/// ```
/// use ordercloud_middleware::OrderCalculatePayload;
///
/// let json = r#"{"OrderWorksheet":{"Order":{"ID":"o1","Subtotal":20.0},"LineItems":[{"ID":"l1","Quantity":2}]},
///   "Environment":"Sandbox","OrderCloudAccessToken":"eyJ…","ConfigData":{"TaxRate":0.08}}"#;
/// let payload: OrderCalculatePayload = serde_json::from_str(json)?;
/// assert_eq!(payload.order().and_then(|order| order.id.as_deref()), Some("o1"));
/// assert_eq!(payload.line_items().len(), 1);
/// assert_eq!(payload.config_data.unwrap().to_value()["TaxRate"], 0.08);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderCheckoutPayload<C = RawJson> {
    /// The order, its line items and what the event answered before.
    #[serde(rename = "OrderWorksheet", default)]
    pub order_worksheet: OrderWorksheet,
    /// The OrderCloud environment calling.
    #[serde(rename = "Environment", default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// A token to call OrderCloud back with: the shopper's, with the event's elevated roles
    /// (a secret: redacted in `Debug`).
    #[serde(rename = "OrderCloudAccessToken", default, skip_serializing_if = "Option::is_none")]
    pub ordercloud_access_token: Option<String>,
    /// The event's own configuration, as set in OrderCloud.
    #[serde(rename = "ConfigData", default, skip_serializing_if = "Option::is_none")]
    pub config_data: Option<C>,
}

/// What `{CustomImplementationUrl}/shippingrates` receives.
pub type ShipEstimatePayload<C = RawJson> = OrderCheckoutPayload<C>;
/// What `{CustomImplementationUrl}/ordercalculate` receives.
pub type OrderCalculatePayload<C = RawJson> = OrderCheckoutPayload<C>;
/// What `{CustomImplementationUrl}/ordersubmit` receives.
pub type OrderSubmitPayload<C = RawJson> = OrderCheckoutPayload<C>;
/// What `{CustomImplementationUrl}/ordersubmitforapproval` receives.
pub type OrderSubmitForApprovalPayload<C = RawJson> = OrderCheckoutPayload<C>;
/// What `{CustomImplementationUrl}/orderapproved` receives.
pub type OrderApprovedPayload<C = RawJson> = OrderCheckoutPayload<C>;

impl<C> OrderCheckoutPayload<C> {
    /// The worksheet's order.
    pub fn order(&self) -> Option<&Order> {
        self.order_worksheet.order.as_ref()
    }

    /// The worksheet's line items (none when it has none).
    pub fn line_items(&self) -> &[LineItem] {
        self.order_worksheet.line_items.as_deref().unwrap_or_default()
    }
}

impl<C: fmt::Debug + 'static> fmt::Debug for OrderCheckoutPayload<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderCheckoutPayload")
            .field("order_worksheet", &self.order_worksheet)
            .field("environment", &self.environment)
            .field("ordercloud_access_token", &Secret::of(&self.ordercloud_access_token))
            .field("config_data", &Shown(&self.config_data))
            .finish()
    }
}

/// What an `OrderReturn` integration event receives on `/calculateorderreturn`: the return
/// and the worksheet of its order.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderReturnCalculatePayload {
    /// The return to price.
    #[serde(rename = "OrderReturn", default, skip_serializing_if = "Option::is_none")]
    pub order_return: Option<OrderReturn>,
    /// The worksheet of the order returned from (Catalyst spells it `OrderWorkSheet`; both
    /// are read).
    #[serde(rename = "OrderWorksheet", alias = "OrderWorkSheet", default)]
    pub order_worksheet: OrderWorksheet,
}

/// What an `AddToCart` integration event receives on `/addtocart` when a shopper adds a
/// line item: which product, how many, who, and a token to call OrderCloud back with.
#[derive(Clone, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AddToCartPayload<C = RawJson> {
    /// The product added.
    #[serde(rename = "ProductID", default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// How many.
    #[serde(rename = "Quantity", default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i32>,
    /// The shopper's buyer organization.
    #[serde(rename = "BuyerID", default, skip_serializing_if = "Option::is_none")]
    pub buyer_id: Option<String>,
    /// The shopper.
    #[serde(rename = "BuyerUser", default, skip_serializing_if = "Option::is_none")]
    pub buyer_user: Option<User>,
    /// The seller the order is to.
    #[serde(rename = "SellerID", default, skip_serializing_if = "Option::is_none")]
    pub seller_id: Option<String>,
    /// The OrderCloud environment calling.
    #[serde(rename = "Environment", default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// A token to call OrderCloud back with (a secret: redacted in `Debug`).
    #[serde(rename = "OrderCloudAccessToken", default, skip_serializing_if = "Option::is_none")]
    pub ordercloud_access_token: Option<String>,
    /// The event's own configuration.
    #[serde(rename = "ConfigData", default, skip_serializing_if = "Option::is_none")]
    pub config_data: Option<C>,
}

impl<C: fmt::Debug + 'static> fmt::Debug for AddToCartPayload<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AddToCartPayload")
            .field("product_id", &self.product_id)
            .field("quantity", &self.quantity)
            .field("buyer_id", &self.buyer_id)
            .field("seller_id", &self.seller_id)
            .field("environment", &self.environment)
            .field("ordercloud_access_token", &Secret::of(&self.ordercloud_access_token))
            .field("config_data", &Shown(&self.config_data))
            .finish_non_exhaustive()
    }
}

/// What an `OpenIDConnect` integration event receives on `/createuser` (a user signed in
/// with the identity provider for the first time) and `/syncuser` (again).
#[derive(Clone, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpenIdConnectPayload<C = RawJson> {
    /// The OrderCloud user, on `/syncuser`.
    #[serde(rename = "ExistingUser", default, skip_serializing_if = "Option::is_none")]
    pub existing_user: Option<User>,
    /// The OpenID Connect configuration used.
    #[serde(rename = "OpenIdConnect", default, skip_serializing_if = "Option::is_none")]
    pub open_id_connect: Option<OpenIdConnect>,
    /// The identity provider's tokens.
    #[serde(rename = "TokenResponse", default, skip_serializing_if = "Option::is_none")]
    pub token_response: Option<OpenIdConnectTokenResponse>,
    /// The OrderCloud environment calling.
    #[serde(rename = "Environment", default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// A token to call OrderCloud back with (a secret: redacted in `Debug`).
    #[serde(rename = "OrderCloudAccessToken", default, skip_serializing_if = "Option::is_none")]
    pub ordercloud_access_token: Option<String>,
    /// The event's own configuration.
    #[serde(rename = "ConfigData", default, skip_serializing_if = "Option::is_none")]
    pub config_data: Option<C>,
}

impl<C: fmt::Debug + 'static> fmt::Debug for OpenIdConnectPayload<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenIdConnectPayload")
            .field("open_id_connect", &self.open_id_connect.as_ref().map(|_| "OpenIdConnect"))
            .field("token_response", &self.token_response)
            .field("environment", &self.environment)
            .field("ordercloud_access_token", &Secret::of(&self.ordercloud_access_token))
            .field("config_data", &Shown(&self.config_data))
            .finish_non_exhaustive()
    }
}

/// The identity provider's answer to OrderCloud's token request (both tokens are secrets:
/// redacted in `Debug`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpenIdConnectTokenResponse {
    /// The OpenID Connect ID token: a JWT with the user's claims.
    #[serde(rename = "id_token", default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The identity provider's access token.
    #[serde(rename = "access_token", default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

impl fmt::Debug for OpenIdConnectTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenIdConnectTokenResponse")
            .field("id_token", &Secret::of(&self.id_token))
            .field("access_token", &Secret::of(&self.access_token))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_read_their_json_names_and_hide_tokens() {
        let json = r#"{"ProductID":"p1","Quantity":2,"BuyerID":"b1","BuyerUser":{"ID":"u1"},"SellerID":"s",
            "Environment":"Sandbox","OrderCloudAccessToken":"tok-secret","ConfigData":{"TaxApiKey":"key-secret"}}"#;
        let payload: AddToCartPayload = serde_json::from_str(json).unwrap();
        assert_eq!((payload.product_id.as_deref(), payload.quantity), (Some("p1"), Some(2)));
        assert_eq!(payload.buyer_user.as_ref().and_then(|user| user.id.as_deref()), Some("u1"));
        let shown = format!("{payload:?}");
        assert!(!shown.contains("secret") && shown.contains("bytes, redacted"), "{shown}");

        let json = r#"{"ExistingUser":{"Username":"ada"},"TokenResponse":{"id_token":"id-secret","access_token":"at-secret"},
            "OrderCloudAccessToken":"oc-secret"}"#;
        let payload: OpenIdConnectPayload = serde_json::from_str(json).unwrap();
        assert_eq!(payload.existing_user.as_ref().and_then(|user| user.username.as_deref()), Some("ada"));
        let shown = format!("{payload:?}");
        assert!(!shown.contains("secret"), "{shown}");

        let json = r#"{"OrderReturn":{"ID":"r1"},"OrderWorkSheet":{"Order":{"ID":"o1"}}}"#;
        let payload: OrderReturnCalculatePayload = serde_json::from_str(json).unwrap();
        assert_eq!(payload.order_worksheet.order.and_then(|order| order.id).as_deref(), Some("o1"));

        let empty: OrderCheckoutPayload = serde_json::from_str("{}").unwrap();
        assert!(empty.order().is_none() && empty.line_items().is_empty());
        let shown = format!(
            "{:?}",
            OrderCheckoutPayload::<RawJson> { ordercloud_access_token: Some("x-secret".into()), ..Default::default() }
        );
        assert!(!shown.contains("x-secret"));
    }
}
