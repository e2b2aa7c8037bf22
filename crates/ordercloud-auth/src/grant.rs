//! `TokenRequest`: what to ask the token endpoint for.

use std::fmt;

use ordercloud_models::REDACTED;
use ordercloud_transport::Secret;

/// A request for an access token: one grant, the API client, the roles wanted.
///
/// Every secret it holds (password or one-time password, client secret, refresh token)
/// prints as `** redacted **` in `Debug`.
///
/// ```
/// use ordercloud_auth::TokenRequest;
///
/// let login = TokenRequest::password("my-client-id", "jdoe", "S3cret!pass").with_scope(["Shopper", "MeAdmin"]);
/// assert_eq!(
///     login.form_fields(),
///     [("grant_type", "password"), ("username", "jdoe"), ("password", "S3cret!pass"), ("client_id", "my-client-id"), ("scope", "Shopper MeAdmin")]
/// );
/// assert!(!format!("{login:?}").contains("S3cret"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct TokenRequest {
    client_id: String,
    grant: Grant,
    /// The roles, joined by single spaces; empty for none.
    scope: String,
    client_secret: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
enum Grant {
    Password { username: String, password: String },
    ClientCredentials,
    Anonymous { user_id: Option<String> },
    Refresh { refresh_token: String },
}

impl TokenRequest {
    /// The password grant: a user's username and password, or a one-time password from
    /// `POST /v1/password/onetimepassword` in its place.
    pub fn password(client_id: impl Into<String>, username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::new(client_id, Grant::Password { username: username.into(), password: password.into() })
    }

    /// The client-credentials grant of an API client with a secret (a back-office
    /// integration): the token acts as the client's default context user.
    pub fn client_credentials(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self::new(client_id, Grant::ClientCredentials).with_client_secret(client_secret)
    }

    /// An anonymous shopper's token (an API client that allows anonymous shopping).
    pub fn anonymous(client_id: impl Into<String>) -> Self {
        Self::new(client_id, Grant::Anonymous { user_id: None })
    }

    /// A new token for a refresh token (an API client with a refresh-token duration).
    pub fn refresh(client_id: impl Into<String>, refresh_token: impl Into<String>) -> Self {
        Self::new(client_id, Grant::Refresh { refresh_token: refresh_token.into() })
    }

    fn new(client_id: impl Into<String>, grant: Grant) -> Self {
        Self { client_id: client_id.into(), grant, scope: String::new(), client_secret: None }
    }

    /// The roles to ask for, OrderCloud's (`Shopper`, `MeAdmin`, `FullAccess`...) and custom
    /// ones alike; sent as `scope`, joined by single spaces. Without any, no `scope` is sent
    /// and the API client's default roles apply.
    #[must_use]
    pub fn with_scope<I: IntoIterator<Item = S>, S: Into<String>>(mut self, roles: I) -> Self {
        let roles: Vec<String> = roles.into_iter().map(Into::into).collect();
        self.scope = roles.iter().map(|role| role.trim()).filter(|role| !role.is_empty()).collect::<Vec<_>>().join(" ");
        self
    }

    /// The API client's secret: required on every grant when the client has one, and what
    /// makes a password grant an elevated login.
    #[must_use]
    pub fn with_client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = Some(client_secret.into());
        self
    }

    /// For an anonymous grant, the ID to give the anonymous shopper (`anonuserid`), so a
    /// returning shopper keeps their cart. Ignored by the other grants.
    #[must_use]
    pub fn with_anonymous_user_id(mut self, user_id: impl Into<String>) -> Self {
        if let Grant::Anonymous { user_id: id } = &mut self.grant {
            *id = Some(user_id.into());
        }
        self
    }

    /// The API client's ID.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The username of a password grant.
    pub fn username(&self) -> Option<&str> {
        match &self.grant {
            Grant::Password { username, .. } => Some(username),
            _ => None,
        }
    }

    /// The same client, roles and secret, asking with `refresh_token` instead.
    pub(crate) fn refreshed_with(&self, refresh_token: &str) -> Self {
        Self { grant: Grant::Refresh { refresh_token: refresh_token.to_owned() }, ..self.clone() }
    }

    /// The form fields, in the order the official JavaScript SDK sends them (the server does
    /// not mind the order).
    pub fn form_fields(&self) -> Vec<(&'static str, &str)> {
        let scope = (!self.scope.is_empty()).then_some(("scope", self.scope.as_str()));
        let mut fields: Vec<(&'static str, &str)> = Vec::with_capacity(7);
        let client_id = ("client_id", self.client_id.as_str());
        let secret = self.client_secret.as_deref().map(|secret| ("client_secret", secret));
        match &self.grant {
            Grant::Password { username, password } if secret.is_none() => {
                fields.extend([
                    ("grant_type", "password"),
                    ("username", username.as_str()),
                    ("password", password.as_str()),
                    client_id,
                ]);
                fields.extend(scope);
            }
            Grant::Password { username, password } => {
                fields.push(("grant_type", "password"));
                fields.extend(scope);
                fields.extend([client_id, ("username", username.as_str()), ("password", password.as_str())]);
            }
            Grant::ClientCredentials => {
                fields.push(("grant_type", "client_credentials"));
                fields.extend(scope);
                fields.push(client_id);
            }
            Grant::Anonymous { user_id } => {
                fields.extend([("grant_type", "client_credentials"), client_id]);
                fields.extend(scope);
                fields.extend(user_id.as_deref().map(|id| ("anonuserid", id)));
            }
            Grant::Refresh { refresh_token } => {
                fields.extend([("grant_type", "refresh_token"), client_id, ("refresh_token", refresh_token.as_str())]);
            }
        }
        fields.extend(secret);
        fields
    }

    /// Every secret the request holds.
    pub(crate) fn secrets(&self) -> Vec<Secret> {
        let mut secrets = Vec::new();
        match &self.grant {
            Grant::Password { password, .. } => secrets.push(Secret::exact_case(password.as_str())),
            Grant::Refresh { refresh_token } => secrets.push(Secret::any_case(refresh_token.as_str())),
            _ => {}
        }
        secrets.extend(self.client_secret.as_deref().map(Secret::any_case));
        secrets
    }
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("TokenRequest");
        debug.field("client_id", &self.client_id);
        match &self.grant {
            Grant::Password { username, .. } => {
                debug.field("grant", &"password").field("username", username).field("password", &REDACTED)
            }
            Grant::ClientCredentials => debug.field("grant", &"client_credentials"),
            Grant::Anonymous { user_id } => debug.field("grant", &"anonymous").field("anonymous_user_id", user_id),
            Grant::Refresh { .. } => debug.field("grant", &"refresh_token").field("refresh_token", &REDACTED),
        };
        debug
            .field("scope", &self.scope)
            .field("client_secret", &self.client_secret.as_ref().map(|_| REDACTED))
            .finish()
    }
}
