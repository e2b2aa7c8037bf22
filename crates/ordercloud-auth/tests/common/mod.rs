//! What the auth tests share: token answers and token requests for tests on a mock, and a
//! simulator with one user for end-to-end tests. Each test file uses part of it.
#![allow(dead_code)]

use ordercloud_simulator::{SimApiClient, SimUser, Simulator};
use ordercloud_transport::{ApiClient, MockTransport, RecordedRequest};

/// The token endpoint's answer: `token`, living `expires_in` seconds, with `refresh`.
pub(crate) fn token_json(token: &str, expires_in: u64, refresh: Option<&str>) -> String {
    serde_json::json!({"access_token": token, "expires_in": expires_in, "refresh_token": refresh}).to_string()
}

/// Whether `request` went to the token endpoint.
pub(crate) fn is_token_request(request: &RecordedRequest) -> bool {
    request.uri.path() == "/oauth/token"
}

/// A client answered by `mock`.
pub(crate) fn mock_client(mock: &MockTransport) -> ApiClient {
    ApiClient::builder().transport(mock.clone()).build().unwrap()
}

/// The API client of the simulator's storefront.
pub(crate) const STOREFRONT: &str = "storefront-client";

/// A simulator with `client` and the user `jdoe` (password `Old-Passw0rd1`) of
/// [`STOREFRONT`].
pub(crate) async fn simulator(client: SimApiClient) -> Simulator {
    Simulator::builder()
        .api_client(client)
        .user(SimUser::new(STOREFRONT, "jdoe", "jdoe@example.com", "Old-Passw0rd1"))
        .start()
        .await
        .unwrap()
}

/// A client of `simulator`.
pub(crate) fn simulator_client(simulator: &Simulator) -> ApiClient {
    ApiClient::builder().base_url(simulator.base_url()).build().unwrap()
}
