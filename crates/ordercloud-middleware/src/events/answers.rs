//! What an integration event answers, where OrderCloud's API description has no model for
//! it (the checkout routes answer `ShipEstimateResponse`, `OrderCalculateResponse`... of
//! `ordercloud_models::resources`).

use ordercloud_models::Decimal;
use ordercloud_models::resources::AdHocProduct;
use serde::{Deserialize, Serialize};

/// The answer to `/calculateorderreturn`: how much to refund, in all and by line item.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderReturnCalculateResponse {
    /// The refund for the whole return.
    #[serde(rename = "RefundAmount", default, skip_serializing_if = "Option::is_none")]
    pub refund_amount: Option<Decimal>,
    /// The refund of each line item returned.
    #[serde(rename = "ItemsToReturnCalcs", default, skip_serializing_if = "Vec::is_empty")]
    pub items_to_return_calcs: Vec<LineItemReturnCalculation>,
}

/// The refund of one line item of a return.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LineItemReturnCalculation {
    /// The line item.
    #[serde(rename = "LineItemID", default, skip_serializing_if = "Option::is_none")]
    pub line_item_id: Option<String>,
    /// Its refund.
    #[serde(rename = "RefundAmount", default, skip_serializing_if = "Option::is_none")]
    pub refund_amount: Option<Decimal>,
}

impl OrderReturnCalculateResponse {
    /// A refund of `amount` in all.
    pub fn new(amount: impl Into<Decimal>) -> Self {
        Self { refund_amount: Some(amount.into()), items_to_return_calcs: Vec::new() }
    }

    /// Adds the refund of one line item.
    #[must_use]
    pub fn with_item(mut self, line_item_id: &str, amount: impl Into<Decimal>) -> Self {
        self.items_to_return_calcs.push(LineItemReturnCalculation {
            line_item_id: Some(line_item_id.to_owned()),
            refund_amount: Some(amount.into()),
        });
        self
    }
}

/// The answer to `/addtocart`: the unit price of the line item added, and, for an ad hoc
/// product, what it is (Catalyst's `AddToCartResponse`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AddToCartResponse {
    /// The product, for one OrderCloud does not hold.
    #[serde(rename = "Product", default, skip_serializing_if = "Option::is_none")]
    pub product: Option<AdHocProduct>,
    /// The price of one unit.
    #[serde(rename = "UnitPrice", default, skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Decimal>,
}

impl AddToCartResponse {
    /// A unit price.
    pub fn unit_price(price: impl Into<Decimal>) -> Self {
        Self { product: None, unit_price: Some(price.into()) }
    }

    /// Sets the ad hoc product.
    #[must_use]
    pub fn with_product(mut self, product: AdHocProduct) -> Self {
        self.product = Some(product);
        self
    }
}

/// The answer to `/createuser` (the username of the OrderCloud user made for the identity
/// provider's user) and `/syncuser`; `ErrorMessage` when it could not be done.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpenIdConnectResponse {
    /// The OrderCloud username, on `/createuser`.
    #[serde(rename = "Username", default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Why the user could not be created or synchronized.
    #[serde(rename = "ErrorMessage", default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

impl OpenIdConnectResponse {
    /// The user was created (or synchronized) as `username`.
    pub fn user(username: &str) -> Self {
        Self { username: Some(username.to_owned()), error_message: None }
    }

    /// The user could not be created or synchronized.
    pub fn failed(message: &str) -> Self {
        Self { username: None, error_message: Some(message.to_owned()) }
    }
}
