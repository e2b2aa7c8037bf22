//! `ApiClient`: the OrderCloud request runtime every API crate builds on.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;
use ordercloud_models::Environment;
use tokio::sync::Semaphore;

use crate::address::base_url::{BaseUrl, DEFAULT_BASE_URL};
use crate::address::region::Region;
use crate::error::Error;
use crate::runtime::retry::RetryPolicy;
use crate::runtime::token_provider::{TokenProvider, bearer};
use crate::stack::HttpTransport;
use crate::timeout::checked_timeout;

/// How long a call may take, from start to the whole answer, unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How many calls one client (and its clones) runs at once unless configured otherwise;
/// further calls wait for a free place, within their timeout.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;

/// The User-Agent product of every request: `ordercloud-rust/<version>`.
pub const USER_AGENT: &str = concat!("ordercloud-rust/", env!("CARGO_PKG_VERSION"));

/// A configured connection to the OrderCloud API: base URL, access token, timeout, retry
/// policy and transport.
///
/// Cheap to clone: clones share the transport (and so its connection pool) and the limit
/// on calls in flight. [`with_access_token`](Self::with_access_token) and
/// [`with_timeout`](Self::with_timeout) give a clone with another token or timeout, without
/// touching the original: one client serves many tenants or users safely.
///
/// Endpoints are built on [`request`](Self::request) and [`call`](Self::call); see
/// [`ApiRequest`](crate::ApiRequest).
///
/// ```
/// use std::time::Duration;
/// use ordercloud_transport::ApiClient;
///
/// # fn main() -> Result<(), ordercloud_transport::Error> {
/// let client = ApiClient::builder()
///     .base_url("https://sandboxapi.ordercloud.io")
///     .timeout(Duration::from_secs(10))
///     .application_name("my-shop/1.0")
///     .build()?;
/// assert_eq!(client.base_url(), "https://sandboxapi.ordercloud.io/v1");
/// let as_user = client.with_access_token("a-user-token")?;
/// assert!(as_user.has_access_token() && !client.has_access_token());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct ApiClient {
    pub(crate) shared: Arc<Shared>,
    /// `ordercloud-rust/<version>`, the API crate's `<name>/<version>` if one named itself,
    /// and the application's name.
    pub(crate) user_agent: HeaderValue,
    /// `Bearer <token>`, marked sensitive.
    pub(crate) authorization: Option<HeaderValue>,
    /// Where each call's token comes from, instead of a fixed one.
    pub(crate) provider: Option<Arc<dyn TokenProvider>>,
    pub(crate) timeout: Duration,
}

/// What all clones of a client share.
pub(crate) struct Shared {
    pub(crate) transport: Arc<dyn HttpTransport>,
    pub(crate) base: BaseUrl,
    /// The application's name and version, as given to the builder.
    application_name: Option<String>,
    pub(crate) retry: RetryPolicy,
    pub(crate) in_flight: Semaphore,
}

impl ApiClient {
    /// Starts configuring a client.
    pub fn builder() -> ApiClientBuilder {
        ApiClientBuilder::default()
    }

    /// A clone that sends `token` as `Authorization: Bearer <token>`, sharing this client's
    /// connection pool. An empty token or one that cannot be a header value is refused.
    pub fn with_access_token(&self, token: &str) -> Result<Self, Error> {
        let authorization = bearer(token).map_err(Error::config)?;
        Ok(Self { authorization: Some(authorization), provider: None, ..self.clone() })
    }

    /// A clone that sends no `Authorization` header.
    pub fn without_access_token(&self) -> Self {
        Self { authorization: None, provider: None, ..self.clone() }
    }

    /// A clone that takes each call's token from `provider` (such as `ordercloud-auth`'s
    /// `Session`), sharing this client's connection pool; see [`TokenProvider`].
    pub fn with_token_provider(&self, provider: Arc<dyn TokenProvider>) -> Self {
        Self { authorization: None, provider: Some(provider), ..self.clone() }
    }

    /// A clone whose calls carry `api_crate` (`<name>/<version>`, such as
    /// `ordercloud-catalogs/0.1.0`) in their User-Agent, between `ordercloud-rust/<version>`
    /// and the application's name; it replaces any crate named before. Each OrderCloud API
    /// crate calls this in its handles' constructors, with its own name and version:
    ///
    /// ```
    /// use ordercloud_transport::{ApiClient, USER_AGENT};
    ///
    /// # fn main() -> Result<(), ordercloud_transport::Error> {
    /// let client = ApiClient::builder().application_name("my-shop/1.2").build()?;
    /// let catalogs = client.for_api_crate(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")));
    /// assert_eq!(catalogs.user_agent(), format!("{USER_AGENT} {}/{} my-shop/1.2", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// A name that cannot be sent in a header is ignored (it is a constant of the crate).
    pub fn for_api_crate(&self, api_crate: &str) -> Self {
        match user_agent(Some(api_crate), self.shared.application_name.as_deref()) {
            Ok(user_agent) => Self { user_agent, ..self.clone() },
            Err(_) => self.clone(),
        }
    }

    /// The User-Agent calls send.
    pub fn user_agent(&self) -> &str {
        self.user_agent.to_str().unwrap_or(USER_AGENT)
    }

    /// A clone whose calls time out after `timeout` (longer than zero; at most
    /// [`MAX_TIMEOUT`](crate::MAX_TIMEOUT), to which a longer one is shortened).
    pub fn with_timeout(&self, timeout: Duration) -> Result<Self, Error> {
        let timeout = checked_timeout(timeout, "the timeout").map_err(Error::config)?;
        Ok(Self { timeout, ..self.clone() })
    }

    /// The base URL calls go to, ending in `/v1`.
    pub fn base_url(&self) -> String {
        self.shared.base.as_string()
    }

    /// Whether calls send an access token (a fixed one, or one from a token provider).
    pub fn has_access_token(&self) -> bool {
        self.authorization.is_some() || self.provider.is_some()
    }

    /// How long a call may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared.retry
    }
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.shared.base.as_string())
            .field("user_agent", &self.user_agent)
            .field("access_token", &self.authorization.as_ref().map(|_| ordercloud_models::REDACTED))
            .field("token_provider", &self.provider)
            .field("timeout", &self.timeout)
            .field("retry_policy", &self.shared.retry)
            .field("transport", &self.shared.transport)
            .finish()
    }
}

/// Configures an [`ApiClient`]; [`build`](Self::build) validates everything at once.
#[derive(Default)]
pub struct ApiClientBuilder {
    base_url: Option<String>,
    access_token: Option<String>,
    timeout: Option<Duration>,
    transport: Option<Arc<dyn HttpTransport>>,
    application_name: Option<String>,
    allow_insecure_http: bool,
    retry_policy: Option<RetryPolicy>,
    max_in_flight: Option<usize>,
    unknown_environment: Option<Environment>,
}

impl ApiClientBuilder {
    /// The API host, such as `https://sandboxapi.ordercloud.io`, or any custom URL (a
    /// gateway, the simulator), with or without `/v1` and trailing slashes. Default:
    /// [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL). See also [`region`](Self::region).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self.unknown_environment = None;
        self
    }

    /// The API host of `region`'s `environment`, such as `Region::EuropeWest` and
    /// `Environment::Sandbox`; the same as giving its [`Region::base_url`] to
    /// [`base_url`](Self::base_url). An environment this version does not know is refused
    /// by [`build`](Self::build).
    ///
    /// ```
    /// use ordercloud_models::Environment;
    /// use ordercloud_transport::{ApiClient, Region};
    ///
    /// # fn main() -> Result<(), ordercloud_transport::Error> {
    /// let client = ApiClient::builder().region(Region::JapanEast, Environment::Staging).build()?;
    /// assert_eq!(client.base_url(), "https://japaneast-staging.ordercloud.io/v1");
    /// # Ok(())
    /// # }
    /// ```
    pub fn region(mut self, region: Region, environment: Environment) -> Self {
        match region.base_url(&environment) {
            Some(base_url) => self.base_url = Some(base_url.to_owned()),
            None => self.unknown_environment = Some(environment),
        }
        self
    }

    /// The token sent as `Authorization: Bearer <token>`. Without one, no `Authorization`
    /// header is sent at all (the forgotten-credentials endpoints need none).
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// How long a call may take in all, retries and waits included: longer than zero, and
    /// at most [`MAX_TIMEOUT`](crate::MAX_TIMEOUT), to which a longer one is shortened.
    /// Default: [`DEFAULT_TIMEOUT`] (30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The HTTP transport. Default: a [`HyperTransport`](crate::HyperTransport) with its
    /// defaults (feature `hyper`); without that feature a transport must be given.
    pub fn transport(mut self, transport: impl HttpTransport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Your application's name and version, such as `my-shop/1.2`, appended to the
    /// User-Agent.
    pub fn application_name(mut self, name: impl Into<String>) -> Self {
        self.application_name = Some(name.into());
        self
    }

    /// Accept an `http://` base URL for a host that is not loopback. Off by default:
    /// passwords and tokens would cross the network in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Which failures are retried. Default: [`RetryPolicy::default`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// How many calls run at once across the client and its clones (at least 1); the
    /// rest wait their turn. Default: [`DEFAULT_MAX_IN_FLIGHT`].
    pub fn max_in_flight(mut self, max: usize) -> Self {
        self.max_in_flight = Some(max);
        self
    }

    /// Validates the configuration and builds the client.
    pub fn build(self) -> Result<ApiClient, Error> {
        if let Some(environment) = &self.unknown_environment {
            return Err(Error::config(format!(
                "no OrderCloud host is known for the environment {environment:?}; give base_url instead"
            )));
        }
        let base = BaseUrl::parse(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL), self.allow_insecure_http)
            .map_err(Error::config_url)?;
        let authorization = self.access_token.as_deref().map(bearer).transpose().map_err(Error::config)?;
        let application_name =
            self.application_name.as_deref().map(str::trim).filter(|name| !name.is_empty()).map(str::to_owned);
        let user_agent = user_agent(None, application_name.as_deref())
            .map_err(|_| Error::config("the application name has characters that cannot be sent in an HTTP header"))?;
        let timeout = checked_timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT), "the timeout").map_err(Error::config)?;
        let max_in_flight = self.max_in_flight.unwrap_or(DEFAULT_MAX_IN_FLIGHT);
        if max_in_flight == 0 || max_in_flight > Semaphore::MAX_PERMITS {
            return Err(Error::config(format!("max_in_flight must be from 1 to {}", Semaphore::MAX_PERMITS)));
        }
        let transport = match self.transport {
            Some(transport) => transport,
            None => default_transport()?,
        };
        Ok(ApiClient {
            shared: Arc::new(Shared {
                transport,
                base,
                application_name,
                retry: self.retry_policy.unwrap_or_default(),
                in_flight: Semaphore::new(max_in_flight),
            }),
            user_agent,
            authorization,
            provider: None,
            timeout,
        })
    }
}

/// The User-Agent: `ordercloud-rust/<version>`, then the API crate and the application
/// when given.
fn user_agent(
    api_crate: Option<&str>,
    application: Option<&str>,
) -> Result<HeaderValue, http::header::InvalidHeaderValue> {
    if api_crate.is_none() && application.is_none() {
        return Ok(HeaderValue::from_static(USER_AGENT));
    }
    let products: Vec<&str> = [Some(USER_AGENT), api_crate, application].into_iter().flatten().collect();
    HeaderValue::try_from(products.join(" "))
}

#[cfg(feature = "hyper")]
fn default_transport() -> Result<Arc<dyn HttpTransport>, Error> {
    Ok(Arc::new(crate::stack::hyper::HyperTransport::builder().build()?))
}

#[cfg(not(feature = "hyper"))]
fn default_transport() -> Result<Arc<dyn HttpTransport>, Error> {
    Err(Error::config("no HTTP transport: give one with .transport(..), or enable the `hyper` feature"))
}

impl fmt::Debug for ApiClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(crate::address::base_url::without_userinfo))
            .field("access_token", &self.access_token.as_ref().map(|_| ordercloud_models::REDACTED))
            .field("timeout", &self.timeout)
            .field("transport", &self.transport)
            .field("application_name", &self.application_name)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("retry_policy", &self.retry_policy)
            .field("max_in_flight", &self.max_in_flight)
            .field("unknown_environment", &self.unknown_environment)
            .finish()
    }
}
