//! Integration events: the routes OrderCloud POSTs to under an event's
//! `CustomImplementationUrl`, their payloads and answers, and a handler trait that answers
//! any of them from a raw, signed body, whatever the web framework.

mod answers;
mod handler;
mod payloads;

pub use answers::{AddToCartResponse, LineItemReturnCalculation, OpenIdConnectResponse, OrderReturnCalculateResponse};
#[cfg(feature = "axum")]
pub(crate) use handler::json_response;
pub use handler::{HandlerError, IntegrationEventHandler, answer_integration_event};
pub use payloads::{
    AddToCartPayload, OpenIdConnectPayload, OpenIdConnectTokenResponse, OrderApprovedPayload, OrderCalculatePayload,
    OrderCheckoutPayload, OrderReturnCalculatePayload, OrderSubmitForApprovalPayload, OrderSubmitPayload,
    ShipEstimatePayload,
};

/// A route of an integration event: what OrderCloud calls, at
/// `{CustomImplementationUrl}{path}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IntegrationEvent {
    /// `OrderCheckout`'s `/shippingrates`, on `IntegrationEvents.EstimateShipping`: answers
    /// a `ShipEstimateResponse`.
    ShippingRates,
    /// `OrderCheckout`'s `/ordercalculate`, on `IntegrationEvents.Calculate`: answers an
    /// `OrderCalculateResponse`.
    OrderCalculate,
    /// `OrderCheckout`'s `/ordersubmit`, on `Orders.Submit`: answers an
    /// `OrderSubmitResponse`.
    OrderSubmit,
    /// `OrderCheckout`'s `/ordersubmitforapproval`, when a submitted order needs approval:
    /// answers an `OrderSubmitForApprovalResponse`.
    OrderSubmitForApproval,
    /// `OrderCheckout`'s `/orderapproved`, when an order is approved: answers an
    /// `OrderApprovedResponse`.
    OrderApproved,
    /// `OrderReturn`'s `/calculateorderreturn`: answers an [`OrderReturnCalculateResponse`].
    CalculateOrderReturn,
    /// `AddToCart`'s `/addtocart`, when a line item is added: answers an
    /// [`AddToCartResponse`].
    AddToCart,
    /// `OpenIDConnect`'s `/createuser`, for a user new to OrderCloud: answers an
    /// [`OpenIdConnectResponse`] with the username.
    CreateUser,
    /// `OpenIDConnect`'s `/syncuser`, for a user OrderCloud knows: answers an
    /// [`OpenIdConnectResponse`].
    SyncUser,
}

impl IntegrationEvent {
    /// Every route, in the order above.
    pub const ALL: [Self; 9] = [
        Self::ShippingRates,
        Self::OrderCalculate,
        Self::OrderSubmit,
        Self::OrderSubmitForApproval,
        Self::OrderApproved,
        Self::CalculateOrderReturn,
        Self::AddToCart,
        Self::CreateUser,
        Self::SyncUser,
    ];

    /// The path OrderCloud appends to the event's URL: `/shippingrates`...
    pub fn path(self) -> &'static str {
        match self {
            Self::ShippingRates => "/shippingrates",
            Self::OrderCalculate => "/ordercalculate",
            Self::OrderSubmit => "/ordersubmit",
            Self::OrderSubmitForApproval => "/ordersubmitforapproval",
            Self::OrderApproved => "/orderapproved",
            Self::CalculateOrderReturn => "/calculateorderreturn",
            Self::AddToCart => "/addtocart",
            Self::CreateUser => "/createuser",
            Self::SyncUser => "/syncuser",
        }
    }

    /// The route a request's path ends with (its last segment, in any letter case):
    /// `/integrations/shippingrates` is [`ShippingRates`](Self::ShippingRates).
    ///
    /// ```
    /// use ordercloud_middleware::IntegrationEvent;
    ///
    /// assert_eq!(IntegrationEvent::from_path("/api/ShippingRates"), Some(IntegrationEvent::ShippingRates));
    /// assert_eq!(IntegrationEvent::from_path("/api/other"), None);
    /// ```
    pub fn from_path(path: &str) -> Option<Self> {
        let last = path.trim_end_matches('/').rsplit('/').next()?;
        Self::ALL.into_iter().find(|event| event.path()[1..].eq_ignore_ascii_case(last))
    }

    /// The `EventType` of the integration events that call it: `OrderCheckout`,
    /// `OrderReturn`, `AddToCart` or `OpenIDConnect`.
    pub fn event_type(self) -> &'static str {
        match self {
            Self::ShippingRates
            | Self::OrderCalculate
            | Self::OrderSubmit
            | Self::OrderSubmitForApproval
            | Self::OrderApproved => "OrderCheckout",
            Self::CalculateOrderReturn => "OrderReturn",
            Self::AddToCart => "AddToCart",
            Self::CreateUser | Self::SyncUser => "OpenIDConnect",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_found_by_its_path() {
        for event in IntegrationEvent::ALL {
            assert_eq!(IntegrationEvent::from_path(&format!("/base{}", event.path())), Some(event));
            assert_eq!(IntegrationEvent::from_path(&format!("{}/", event.path().to_uppercase())), Some(event));
        }
        assert_eq!(IntegrationEvent::from_path(""), None);
        assert_eq!(IntegrationEvent::OrderApproved.event_type(), "OrderCheckout");
    }
}
