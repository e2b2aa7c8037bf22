//! The routes of the integration events, over an [`IntegrationEventHandler`].

use std::sync::Arc;

use ::axum::Router;
use ::axum::body::Body;
use ::axum::response::{IntoResponse, Response};
use ::axum::routing::post;
use http::HeaderMap;

use super::signed::signed_body;
use crate::events::{IntegrationEvent, IntegrationEventHandler, answer_integration_event};
use crate::signed::HashKey;

/// A router with a `POST` route for each integration event (`/shippingrates`,
/// `/ordercalculate`, `/ordersubmit`, `/ordersubmitforapproval`, `/orderapproved`,
/// `/calculateorderreturn`, `/addtocart`, `/createuser`, `/syncuser`), each answered by
/// `handler` once the call's `X-oc-hash` verifies with `key` (the events' `HashKey`), as
/// [`answer_integration_event`] does. Nest it at the path of the events'
/// `CustomImplementationUrl`:
///
/// ```
/// use axum::Router;
/// use ordercloud_middleware::axum::integration_event_routes;
/// use ordercloud_middleware::{HashKey, IntegrationEventHandler};
///
/// struct Checkout;
/// impl IntegrationEventHandler for Checkout {}
///
/// // CustomImplementationUrl: https://middleware.example.com/integrations
/// let app: Router = Router::new().nest("/integrations", integration_event_routes(Checkout, HashKey::new("key")));
/// # drop(app);
/// ```
pub fn integration_event_routes<H, S>(handler: H, key: HashKey) -> Router<S>
where
    H: IntegrationEventHandler,
    S: Clone + Send + Sync + 'static,
{
    let shared = Arc::new((handler, key));
    IntegrationEvent::ALL.into_iter().fold(Router::new(), |router, event| {
        let shared = shared.clone();
        router.route(
            event.path(),
            post(move |headers: HeaderMap, body: Body| async move {
                answer(&shared.0, &shared.1, event, headers, body).await
            }),
        )
    })
}

async fn answer<H: IntegrationEventHandler>(
    handler: &H,
    key: &HashKey,
    event: IntegrationEvent,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match signed_body(&headers, body, key).await {
        Ok((signature, bytes)) => {
            answer_integration_event(handler, event, &bytes, Some(signature), key).await.map(Body::from)
        }
        Err(rejection) => rejection.into_response(),
    }
}
