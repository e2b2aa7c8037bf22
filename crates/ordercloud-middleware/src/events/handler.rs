//! `IntegrationEventHandler`: a middleware's answers to the integration events, and
//! [`answer_integration_event`], which verifies a call, reads it and answers it.

use std::fmt;
use std::future::Future;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use ordercloud_models::resources::{
    OrderApprovedResponse, OrderCalculateResponse, OrderSubmitForApprovalResponse, OrderSubmitResponse,
    ShipEstimateResponse,
};
use ordercloud_models::{ApiError, ErrorResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::IntegrationEvent;
use super::answers::{AddToCartResponse, OpenIdConnectResponse, OrderReturnCalculateResponse};
use super::payloads::{
    AddToCartPayload, OpenIdConnectPayload, OrderApprovedPayload, OrderCalculatePayload, OrderReturnCalculatePayload,
    OrderSubmitForApprovalPayload, OrderSubmitPayload, ShipEstimatePayload,
};
use crate::signed::{HashKey, SignedBodyError};

/// A middleware's answers to the integration events OrderCloud calls: implement the ones
/// your events use; the others answer `501` (`IntegrationEvent.NotHandled`).
///
/// Each method takes the payload, already verified (`X-oc-hash`) and read, and returns the
/// answer, or a [`HandlerError`] that OrderCloud records (its status and body) on the
/// worksheet. Serve them with [`answer_integration_event`], or with the `axum` feature's
/// `integration_event_routes`.
///
/// ```
/// use ordercloud_middleware::{HandlerError, IntegrationEventHandler, OrderCalculatePayload, ShipEstimatePayload};
/// use ordercloud_models::decimal;
/// use ordercloud_models::resources::{OrderCalculateResponse, ShipEstimate, ShipEstimateResponse, ShipMethod};
///
/// struct Checkout;
///
/// impl IntegrationEventHandler for Checkout {
///     async fn shipping_rates(&self, _payload: ShipEstimatePayload) -> Result<ShipEstimateResponse, HandlerError> {
///         let ground = ShipMethod::new().with_id("ground").with_name("Ground").with_cost(decimal!(9.50));
///         let estimate = ShipEstimate::new().with_id("all").with_ship_methods(vec![ground]);
///         Ok(ShipEstimateResponse::new().with_ship_estimates(vec![estimate]))
///     }
///
///     async fn order_calculate(&self, payload: OrderCalculatePayload) -> Result<OrderCalculateResponse, HandlerError> {
///         let subtotal = payload.order().and_then(|order| order.subtotal).unwrap_or_default();
///         Ok(OrderCalculateResponse::new().with_tax_total((subtotal * decimal!(0.08)).round_dp(2)))
///     }
/// }
/// ```
pub trait IntegrationEventHandler: Send + Sync + 'static {
    /// `/shippingrates`: the shipments and the ship methods to choose from.
    fn shipping_rates(
        &self,
        payload: ShipEstimatePayload,
    ) -> impl Future<Output = Result<ShipEstimateResponse, HandlerError>> + Send {
        let _ = payload;
        async { Err(HandlerError::not_handled(IntegrationEvent::ShippingRates)) }
    }

    /// `/ordercalculate`: shipping, tax and line item prices.
    fn order_calculate(
        &self,
        payload: OrderCalculatePayload,
    ) -> impl Future<Output = Result<OrderCalculateResponse, HandlerError>> + Send {
        let _ = payload;
        async { Err(HandlerError::not_handled(IntegrationEvent::OrderCalculate)) }
    }

    /// `/ordersubmit`: what happens once an order is submitted (an ERP, a payment capture).
    fn order_submit(
        &self,
        payload: OrderSubmitPayload,
    ) -> impl Future<Output = Result<OrderSubmitResponse, HandlerError>> + Send {
        let _ = payload;
        async { Err(HandlerError::not_handled(IntegrationEvent::OrderSubmit)) }
    }

    /// `/ordersubmitforapproval`: an order submitted that needs approval.
    fn order_submit_for_approval(
        &self,
        payload: OrderSubmitForApprovalPayload,
    ) -> impl Future<Output = Result<OrderSubmitForApprovalResponse, HandlerError>> + Send {
        let _ = payload;
        async { Err(HandlerError::not_handled(IntegrationEvent::OrderSubmitForApproval)) }
    }

    /// `/orderapproved`: an order approved.
    fn order_approved(
        &self,
        payload: OrderApprovedPayload,
    ) -> impl Future<Output = Result<OrderApprovedResponse, HandlerError>> + Send {
        let _ = payload;
        async { Err(HandlerError::not_handled(IntegrationEvent::OrderApproved)) }
    }

    /// `/calculateorderreturn`: the refund of a return.
    fn calculate_order_return(
        &self,
        payload: OrderReturnCalculatePayload,
    ) -> impl Future<Output = Result<OrderReturnCalculateResponse, HandlerError>> + Send {
        let _ = payload;
        async { Err(HandlerError::not_handled(IntegrationEvent::CalculateOrderReturn)) }
    }

    /// `/addtocart`: the price of a line item being added.
    fn add_to_cart(
        &self,
        payload: AddToCartPayload,
    ) -> impl Future<Output = Result<AddToCartResponse, HandlerError>> + Send {
        let _ = payload;
        async { Err(HandlerError::not_handled(IntegrationEvent::AddToCart)) }
    }

    /// `/createuser`: the OrderCloud user for an identity provider's new user.
    fn create_user(
        &self,
        payload: OpenIdConnectPayload,
    ) -> impl Future<Output = Result<OpenIdConnectResponse, HandlerError>> + Send {
        let _ = payload;
        async { Err(HandlerError::not_handled(IntegrationEvent::CreateUser)) }
    }

    /// `/syncuser`: the OrderCloud user brought up to date with the identity provider's.
    fn sync_user(
        &self,
        payload: OpenIdConnectPayload,
    ) -> impl Future<Output = Result<OpenIdConnectResponse, HandlerError>> + Send {
        let _ = payload;
        async { Err(HandlerError::not_handled(IntegrationEvent::SyncUser)) }
    }
}

/// A handler's refusal: the status OrderCloud gets, with OrderCloud's error body
/// (`{"Errors":[{"ErrorCode","Message","Data"}]}`), which it keeps as the call's
/// `UnhandledErrorBody`.
#[derive(Clone, Debug, PartialEq)]
pub struct HandlerError {
    status: StatusCode,
    error: ApiError,
}

impl HandlerError {
    /// A refusal with `status`, an error code and a message (neither should hold a secret:
    /// OrderCloud keeps them).
    pub fn new(status: StatusCode, code: &str, message: &str) -> Self {
        Self { status, error: ApiError::new(code, message) }
    }

    /// A `400` refusal.
    pub fn bad_request(code: &str, message: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// Adds the error's `Data`.
    #[must_use]
    pub fn with_data(mut self, data: Value) -> Self {
        self.error = self.error.with_data(data);
        self
    }

    /// `501`: the handler does not implement `event`.
    pub fn not_handled(event: IntegrationEvent) -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "IntegrationEvent.NotHandled",
            &format!("this middleware does not handle {}", event.path()),
        )
    }

    /// The status answered.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error answered.
    pub fn error(&self) -> &ApiError {
        &self.error
    }

    /// The answer: the status and OrderCloud's error body.
    pub fn into_response(self) -> Response<Bytes> {
        json_response(self.status, &ErrorResponse::new(vec![self.error]))
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.error.error_code.as_str(), self.error.message)
    }
}

impl std::error::Error for HandlerError {}

impl From<SignedBodyError> for HandlerError {
    fn from(error: SignedBodyError) -> Self {
        let code = match error {
            SignedBodyError::MissingSignature | SignedBodyError::BadSignature => "InvalidHash",
            SignedBodyError::TooLarge { .. } => "PayloadTooLarge",
            SignedBodyError::Unparsable { .. } => "InvalidRequestBody",
            _ => "ServerError",
        };
        Self::new(error.status(), code, &error.to_string())
    }
}

/// Answers one call of an integration event: verifies `body` (the raw bytes received)
/// against `x_oc_hash` with `key`, reads the payload of `event`, asks `handler`, and gives
/// the response to send: `200` with the answer's JSON, the handler's refusal, or `401`
/// (missing or wrong `X-oc-hash`), `413` (body over the key's limit) or `400` (a body that
/// does not read) in OrderCloud's error shape. The handler is never called with an
/// unverified body.
///
/// Framework-free: any server that can hand over the raw body and a header uses it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use ordercloud_middleware::{HashKey, IntegrationEvent, IntegrationEventHandler, answer_integration_event};
/// use ordercloud_models::message_sender::compute_oc_hash;
///
/// struct Nothing;
/// impl IntegrationEventHandler for Nothing {}
///
/// let key = HashKey::new("event-hash-key");
/// let body = br#"{"OrderWorksheet":{"Order":{"ID":"o1"}}}"#;
/// let unsigned = answer_integration_event(&Nothing, IntegrationEvent::ShippingRates, body, None, &key).await;
/// assert_eq!(unsigned.status(), 401);
/// let signature = compute_oc_hash(body, b"event-hash-key");
/// let signed = answer_integration_event(&Nothing, IntegrationEvent::ShippingRates, body, Some(&signature), &key).await;
/// assert_eq!(signed.status(), 501);
/// # }
/// ```
pub async fn answer_integration_event<H: IntegrationEventHandler + ?Sized>(
    handler: &H,
    event: IntegrationEvent,
    body: &[u8],
    x_oc_hash: Option<&str>,
    key: &HashKey,
) -> Response<Bytes> {
    let read = Read { body, x_oc_hash, key };
    match event {
        IntegrationEvent::ShippingRates => read.answer(|payload| handler.shipping_rates(payload)).await,
        IntegrationEvent::OrderCalculate => read.answer(|payload| handler.order_calculate(payload)).await,
        IntegrationEvent::OrderSubmit => read.answer(|payload| handler.order_submit(payload)).await,
        IntegrationEvent::OrderSubmitForApproval => {
            read.answer(|payload| handler.order_submit_for_approval(payload)).await
        }
        IntegrationEvent::OrderApproved => read.answer(|payload| handler.order_approved(payload)).await,
        IntegrationEvent::CalculateOrderReturn => read.answer(|payload| handler.calculate_order_return(payload)).await,
        IntegrationEvent::AddToCart => read.answer(|payload| handler.add_to_cart(payload)).await,
        IntegrationEvent::CreateUser => read.answer(|payload| handler.create_user(payload)).await,
        IntegrationEvent::SyncUser => read.answer(|payload| handler.sync_user(payload)).await,
    }
}

/// A call's raw parts, read into a payload once verified.
struct Read<'a> {
    body: &'a [u8],
    x_oc_hash: Option<&'a str>,
    key: &'a HashKey,
}

impl Read<'_> {
    /// The payload verified and read, given to `handle`; its answer as JSON, or the
    /// refusal.
    async fn answer<P, A, F, Fut>(&self, handle: F) -> Response<Bytes>
    where
        P: DeserializeOwned,
        A: Serialize,
        F: FnOnce(P) -> Fut,
        Fut: Future<Output = Result<A, HandlerError>>,
    {
        let payload = match self.key.verify(self.body, self.x_oc_hash) {
            Ok(payload) => payload,
            Err(error) => return HandlerError::from(error).into_response(),
        };
        match handle(payload).await {
            Ok(answer) => json_response(StatusCode::OK, &answer),
            Err(error) => error.into_response(),
        }
    }
}

/// `status` with `body` as JSON.
pub(crate) fn json_response<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response<Bytes> {
    let (status, bytes) = match serde_json::to_vec(body) {
        Ok(bytes) => (status, bytes),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            br#"{"Errors":[{"ErrorCode":"ServerError","Message":"the answer could not be written","Data":null}]}"#
                .to_vec(),
        ),
    };
    let mut response = Response::new(Bytes::from(bytes));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    response
}
