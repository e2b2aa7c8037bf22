//! `AuthApi`: the token endpoint.

use ordercloud_transport::{Error, Operation, Secret, api_handle};

use crate::grant::TokenRequest;
use crate::token::AccessToken;

/// The token endpoint: `POST /oauth/token`, at the host's root (outside `/v1`, as every
/// `/oauth/` path: [`Operation::is_versioned`]), anonymous. OrderCloud's API description does
/// not list it.
pub const TOKEN: Operation = Operation { id: "Auth.Token", method: "POST", path: "/oauth/token", roles: &[] };

/// Every operation of this crate.
pub const OPERATIONS: &[Operation] = &[TOKEN];

api_handle! {
    /// The token endpoint, `POST {host}/oauth/token`. Cheap to clone.
    ///
    /// The request is a form (`application/x-www-form-urlencoded`) with `Accept:
    /// application/json` and never an `Authorization` header, even when the client has a token.
    /// It goes to the host's root whether the client's base URL was given with `/v1` or
    /// without. A refusal is the usual [`Error`]: an OrderCloud `{"Errors":[...]}` body and an
    /// OAuth2 `{"error":..,"error_description":..}` body both give its `status()`, a typed
    /// `error_code()` and a one-line `Display`, never showing a password, secret or token.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_transport::Error> {
    /// use ordercloud_auth::{AuthApi, TokenRequest};
    /// use ordercloud_transport::{ApiClient, MockTransport};
    ///
    /// let mock = MockTransport::new();
    /// mock.push_status(200, r#"{"access_token":"h.e30.s","expires_in":36000,"token_type":"bearer"}"#);
    /// let auth = AuthApi::new(ApiClient::builder().transport(mock.clone()).base_url("https://sandboxapi.ordercloud.io/v1").build()?);
    ///
    /// let token = auth.token(&TokenRequest::password("my-client-id", "jdoe", "the-one-time-password")).await?;
    /// assert_eq!(token.expires_in(), Some(std::time::Duration::from_secs(36000)));
    /// assert_eq!(mock.requests()[0].uri.to_string(), "https://sandboxapi.ordercloud.io/oauth/token");
    /// # Ok(())
    /// # }
    /// ```
    pub struct AuthApi;
    /// The token endpoint of `client`'s host.
    fn new;
}

impl AuthApi {
    /// Asks for a token. An empty client ID (or username, password, secret or refresh token
    /// where the grant needs one) is refused before anything is sent.
    pub async fn token(&self, request: &TokenRequest) -> Result<AccessToken, Error> {
        self.token_keeping_out(request, &[]).await
    }

    /// [`token`](Self::token), with `more` secrets also kept out of the error's text: a
    /// session's other secrets, which a token server may echo too.
    pub(crate) async fn token_keeping_out(
        &self,
        request: &TokenRequest,
        more: &[Secret],
    ) -> Result<AccessToken, Error> {
        let fields = request.form_fields();
        if let Some((name, _)) = fields.iter().find(|(name, value)| *name != "scope" && value.trim().is_empty()) {
            return Err(Error::invalid_request(format!("the token request's {name} is empty")));
        }
        let mut call = self.client.call(&TOKEN).without_token().form(fields.iter().copied());
        for secret in request.secrets().iter().chain(more) {
            call = call.redact_secret(secret);
        }
        call.send_json().await
    }
}
