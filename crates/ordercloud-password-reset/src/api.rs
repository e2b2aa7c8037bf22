//! `PasswordResetApi`: the forgotten-credentials endpoints.

use crate::operations;
use ordercloud_models::{OneTimePasswordRequest, PasswordReset, PasswordResetRequest, TokenPasswordReset};
use ordercloud_transport::{Error, api_handle};

api_handle! {
    /// The forgotten-credentials endpoints of OrderCloud.
    ///
    /// Cheap to clone (it holds an [`ApiClient`](ordercloud_transport::ApiClient), itself shared). The forgotten-credentials
    /// calls need no access token and never send one; [`change_password`](Self::change_password)
    /// is the signed-in user's, with the client's token (a session's client).
    pub struct PasswordResetApi;
    /// The endpoints, called through `client`.
    fn new;
}

impl PasswordResetApi {
    /// Asks OrderCloud to email the user a verification code: `POST /v1/password/reset`.
    ///
    /// Succeeds whether or not the user exists (OrderCloud does not reveal accounts). The
    /// request needs a ClientID and an email or a username; without them nothing is sent.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_password_reset::Error> {
    /// # let mock = ordercloud_transport::MockTransport::new();
    /// # mock.push_status(204, "");
    /// # let client = ordercloud_transport::ApiClient::builder().transport(mock.clone()).build()?;
    /// use ordercloud_password_reset::{models::PasswordResetRequest, PasswordResetApi};
    ///
    /// let api = PasswordResetApi::new(client);
    /// api.send_verification_code(
    ///     &PasswordResetRequest::new("my-client-id")
    ///         .with_email("jdoe@example.com")
    ///         .with_url("https://shop.example.com/reset"),
    /// )
    /// .await?;
    /// # assert_eq!(mock.requests()[0].uri.path(), "/v1/password/reset");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_verification_code(&self, request: &PasswordResetRequest) -> Result<(), Error> {
        require_client_id(&request.client_id)?;
        require_user(request.username.as_deref(), request.email.as_deref())?;
        self.client
            .call(&operations::SEND_VERIFICATION_CODE)
            // Anonymous: no token is needed, so none is fetched or sent.
            .without_token()
            .json(request)
            .send_empty()
            .await
    }

    /// Sets a new password with the verification code from the email:
    /// `PUT /v1/password/reset/{verificationCode}`.
    ///
    /// The code travels as one percent-encoded path segment and is kept out of every error
    /// message; an empty code, `.` or `..`, an empty ClientID, username or password are
    /// refused before sending. A password the marketplace finds too weak comes back as
    /// `PasswordReset.InsecurePassword` with the requirements
    /// ([`ErrorExt::password_requirements`](crate::ErrorExt::password_requirements)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_password_reset::Error> {
    /// # let mock = ordercloud_transport::MockTransport::new();
    /// # mock.push_status(204, "");
    /// # let client = ordercloud_transport::ApiClient::builder().transport(mock.clone()).build()?;
    /// use ordercloud_password_reset::{models::PasswordReset, PasswordResetApi};
    ///
    /// let api = PasswordResetApi::new(client);
    /// let code = "code/from?the#email";
    /// api.reset_password(code, &PasswordReset::new("my-client-id", "jdoe", "N3w-Secret-pass")).await?;
    /// # assert_eq!(mock.requests()[0].uri.path(), "/v1/password/reset/code%2Ffrom%3Fthe%23email");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn reset_password(&self, verification_code: &str, reset: &PasswordReset) -> Result<(), Error> {
        require_client_id(&reset.client_id)?;
        if reset.username.trim().is_empty() {
            return Err(Error::invalid_request("the username is empty"));
        }
        require_password(&reset.password)?;
        self.client
            .call(&operations::RESET_PASSWORD_BY_VERIFICATION_CODE)
            // Anonymous: no token is needed, so none is fetched or sent.
            .without_token()
            .secret_path_param(verification_code)
            .json(reset)
            .redact(&reset.password)
            .send_empty()
            .await
    }

    /// Asks OrderCloud to send the user a one-time password (valid 10 minutes, once):
    /// `POST /v1/password/onetimepassword`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_password_reset::Error> {
    /// # let mock = ordercloud_transport::MockTransport::new();
    /// # mock.push_status(204, "");
    /// # let client = ordercloud_transport::ApiClient::builder().transport(mock.clone()).build()?;
    /// use ordercloud_password_reset::{models::OneTimePasswordRequest, PasswordResetApi};
    ///
    /// let api = PasswordResetApi::new(client);
    /// api.send_one_time_password(&OneTimePasswordRequest::new("my-client-id").with_username("jdoe")).await?;
    /// # assert_eq!(mock.requests()[0].uri.path(), "/v1/password/onetimepassword");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_one_time_password(&self, request: &OneTimePasswordRequest) -> Result<(), Error> {
        require_client_id(&request.client_id)?;
        require_user(request.username.as_deref(), request.email.as_deref())?;
        self.client
            .call(&operations::SEND_ONE_TIME_PASSWORD)
            // Anonymous: no token is needed, so none is fetched or sent.
            .without_token()
            .json(request)
            .send_empty()
            .await
    }

    /// Asks OrderCloud to email the user their username:
    /// `POST /v1/username/retrieve?clientID=..&email=..`, with no body.
    ///
    /// Succeeds whether or not the email is known. Both values are encoded, so `+`, `&`,
    /// `=` and non-ASCII arrive intact.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_password_reset::Error> {
    /// # let mock = ordercloud_transport::MockTransport::new();
    /// # mock.push_status(200, "");
    /// # let client = ordercloud_transport::ApiClient::builder().transport(mock.clone()).build()?;
    /// use ordercloud_password_reset::PasswordResetApi;
    ///
    /// let api = PasswordResetApi::new(client);
    /// api.retrieve_username("my-client-id", "j.doe+shop@example.com").await?;
    /// # assert_eq!(mock.requests()[0].uri.query(), Some("clientID=my-client-id&email=j.doe%2Bshop%40example.com"));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn retrieve_username(&self, client_id: &str, email: &str) -> Result<(), Error> {
        require_client_id(client_id)?;
        if email.trim().is_empty() {
            return Err(Error::invalid_request("the email is empty"));
        }
        self.client
            .call(&operations::RETRIEVE_USERNAME)
            // Anonymous: no token is needed, so none is fetched or sent.
            .without_token()
            .query("clientID", client_id)
            .query("email", email)
            .send_empty()
            .await
    }

    /// Sets a new password with the `PasswordRenewalAccessToken` from the reset email:
    /// `POST /v1/me/password` with `Authorization: Bearer <token>`.
    ///
    /// `token` is used for this call whatever token the client has; an empty token or
    /// password is refused before sending, and the token is kept out of every error message.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_password_reset::Error> {
    /// # let mock = ordercloud_transport::MockTransport::new();
    /// # mock.push_status(204, "");
    /// # let client = ordercloud_transport::ApiClient::builder().transport(mock.clone()).build()?;
    /// use ordercloud_password_reset::{models::TokenPasswordReset, PasswordResetApi};
    ///
    /// let api = PasswordResetApi::new(client);
    /// let token = "PasswordRenewalAccessToken-from-the-email";
    /// api.reset_password_by_token(token, &TokenPasswordReset::new("N3w-Secret-pass")).await?;
    /// # assert_eq!(mock.requests()[0].header("authorization"), Some("Bearer PasswordRenewalAccessToken-from-the-email"));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn reset_password_by_token(&self, token: &str, reset: &TokenPasswordReset) -> Result<(), Error> {
        if token.trim().is_empty() {
            return Err(Error::invalid_request("the password renewal access token is empty"));
        }
        require_password(&reset.new_password)?;
        self.client
            .call(&operations::RESET_PASSWORD_BY_TOKEN)
            .bearer_token(token)
            .json(reset)
            .redact(&reset.new_password)
            .send_empty()
            .await
    }

    /// Changes the signed-in user's password: `POST /v1/me/password` with the token of the
    /// client this API was made with, such as an `ordercloud-auth` session's client (which
    /// never hands its token out). For a password renewal token from a reset email, use
    /// [`reset_password_by_token`](Self::reset_password_by_token).
    ///
    /// A client without a token, or an empty password, is refused before sending; the new
    /// password is kept out of every error message. A password the marketplace finds too
    /// weak comes back as `PasswordReset.InsecurePassword`, a
    /// [`Validation`](ordercloud_transport::ErrorCategory::Validation) error with the
    /// requirements ([`ErrorExt::password_requirements`](crate::ErrorExt::password_requirements));
    /// a session that has ended fails at once with
    /// [`Error::is_session_expired`](ordercloud_transport::Error::is_session_expired).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_password_reset::Error> {
    /// # let mock = ordercloud_transport::MockTransport::new();
    /// # mock.push_status(204, "");
    /// # let client = ordercloud_transport::ApiClient::builder().transport(mock.clone()).build()?;
    /// use ordercloud_password_reset::{models::TokenPasswordReset, PasswordResetApi};
    ///
    /// // In a backend: PasswordResetApi::new(session.client())
    /// let api = PasswordResetApi::new(client.with_access_token("the-shoppers-token")?);
    /// api.change_password(&TokenPasswordReset::new("N3w-Secret-pass")).await?;
    /// # assert_eq!(mock.requests()[0].uri.path(), "/v1/me/password");
    /// # assert_eq!(mock.requests()[0].header("authorization"), Some("Bearer the-shoppers-token"));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn change_password(&self, reset: &TokenPasswordReset) -> Result<(), Error> {
        if !self.client.has_access_token() {
            return Err(Error::invalid_request(
                "changing a password needs a signed-in client: make the API with a session's client",
            ));
        }
        require_password(&reset.new_password)?;
        self.client
            .call(&operations::RESET_PASSWORD_BY_TOKEN)
            .json(reset)
            .redact(&reset.new_password)
            .send_empty()
            .await
    }
}

fn require_client_id(client_id: &str) -> Result<(), Error> {
    if client_id.trim().is_empty() {
        return Err(Error::invalid_request("the ClientID is empty"));
    }
    Ok(())
}

fn require_user(username: Option<&str>, email: Option<&str>) -> Result<(), Error> {
    let given = |value: Option<&str>| value.is_some_and(|value| !value.trim().is_empty());
    if !given(username) && !given(email) {
        return Err(Error::invalid_request("the request needs a username or an email"));
    }
    Ok(())
}

fn require_password(password: &str) -> Result<(), Error> {
    if password.is_empty() {
        return Err(Error::invalid_request("the new password is empty"));
    }
    Ok(())
}
