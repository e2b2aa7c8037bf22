//! The API base URL: parsed and validated once, so each call only appends its path.

use http::Uri;
use http::uri::{Authority, PathAndQuery, Scheme};

/// Why a base URL or a request URI was refused: a message for the user, and the cause.
#[derive(Debug)]
pub(crate) struct UrlError {
    pub(crate) message: &'static str,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl UrlError {
    fn new(message: &'static str) -> Self {
        Self { message, source: None }
    }

    fn with(message: &'static str, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self { message, source: Some(Box::new(source)) }
    }
}

/// The OrderCloud production host in US West, used when no base URL is given.
pub const DEFAULT_BASE_URL: &str = "https://api.ordercloud.io";

/// A validated base URL: scheme, host and the path prefix ending in `/v1`.
#[derive(Clone, Debug)]
pub(crate) struct BaseUrl {
    scheme: Scheme,
    authority: Authority,
    /// The path before each route, without a trailing slash: `/v1`, or `/proxy/v1`.
    prefix: String,
    /// The `Host` header: the authority without userinfo, port only when not the default.
    host: http::HeaderValue,
}

impl BaseUrl {
    /// Parses `input`, with or without `/v1` and trailing slashes; spaces around it are
    /// ignored, any other white space or control character refuses it.
    ///
    /// `http://` is accepted for loopback hosts, or anywhere when `allow_insecure_http`.
    pub(crate) fn parse(input: &str, allow_insecure_http: bool) -> Result<Self, UrlError> {
        let input = input.trim_matches(' ');
        if input.chars().any(|character| character.is_control() || character.is_whitespace()) {
            return Err(UrlError::new("the base URL contains white space or a control character"));
        }
        let uri: Uri =
            input.parse().map_err(|source| UrlError::with("the base URL is not a valid absolute URL", source))?;
        let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
            return Err(UrlError::new("the base URL must be absolute, like https://api.ordercloud.io"));
        };
        if authority.as_str().contains('@') {
            return Err(UrlError::new("the base URL must not contain credentials"));
        }
        if authority.host().is_empty() {
            return Err(UrlError::new("the base URL has no host"));
        }
        // `http` reads a port it cannot represent (65536, 99999) as no port at all, which
        // would send the request, token included, to the scheme's default port instead.
        let port_text = &authority.as_str()[authority.host().len()..];
        if let Some(port) = port_text.strip_prefix(':') {
            if !matches!(port.parse::<u16>(), Ok(1..)) {
                return Err(UrlError::new("the base URL's port must be a number from 1 to 65535"));
            }
        }
        if uri.query().is_some() {
            return Err(UrlError::new("the base URL must not have a query"));
        }
        if *scheme == Scheme::HTTP {
            if !allow_insecure_http && !is_loopback(authority.host()) {
                return Err(UrlError::new(
                    "the base URL uses http:// for a host that is not loopback; use https://, \
                     or allow_insecure_http(true) if you really mean it",
                ));
            }
        } else if *scheme != Scheme::HTTPS {
            return Err(UrlError::new("the base URL must start with https:// (or http:// for loopback)"));
        }
        let mut prefix = uri.path().trim_end_matches('/').to_owned();
        while prefix.contains("//") {
            prefix = prefix.replace("//", "/");
        }
        if !prefix.ends_with("/v1") {
            prefix.push_str("/v1");
        }
        let default_port = if *scheme == Scheme::HTTPS { 443 } else { 80 };
        let host = match authority.port_u16() {
            Some(port) if port != default_port => format!("{}:{port}", authority.host()),
            _ => authority.host().to_owned(),
        };
        let host = http::HeaderValue::try_from(host)
            .map_err(|source| UrlError::with("the base URL's host is not a valid Host header", source))?;
        Ok(Self { scheme: scheme.clone(), authority: authority.clone(), prefix, host })
    }

    /// The `Host` header of every request.
    pub(crate) fn host_header(&self) -> http::HeaderValue {
        self.host.clone()
    }

    /// The base URL as given to routes, ending in `/v1`.
    pub(crate) fn as_string(&self) -> String {
        format!("{}://{}{}", self.scheme, self.authority, self.prefix)
    }

    /// The length of `scheme://authority`, which every URL of this base starts with.
    pub(crate) fn origin_len(&self) -> usize {
        self.scheme.as_str().len() + "://".len() + self.authority.as_str().len()
    }

    /// A path of the API, starting with this base's prefix (with `/v1` when `versioned`,
    /// else the host's root or the gateway's path) and room for `extra` more bytes.
    pub(crate) fn path_buffer(&self, extra: usize, versioned: bool) -> String {
        let prefix = if versioned { &self.prefix } else { &self.prefix[..self.prefix.len() - "/v1".len()] };
        let mut path = String::with_capacity(prefix.len() + extra);
        path.push_str(prefix);
        path
    }

    /// The absolute URI of `path_and_query` (built from [`path_buffer`](Self::path_buffer)).
    pub(crate) fn uri(&self, path_and_query: String) -> Result<Uri, UrlError> {
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(
            PathAndQuery::try_from(path_and_query)
                .map_err(|source| UrlError::with("the request path is not valid", source))?,
        );
        Uri::from_parts(parts).map_err(|source| UrlError::with("the request URI is not valid", source))
    }
}

/// `url` with any `user:password@` replaced, for `Debug` output of a URL not yet validated.
pub(crate) fn without_userinfo(url: &str) -> std::borrow::Cow<'_, str> {
    let authority_start = url.find("://").map_or(0, |at| at + 3);
    let authority_end = url[authority_start..].find(['/', '?', '#']).map_or(url.len(), |at| authority_start + at);
    match url[authority_start..authority_end].rfind('@') {
        Some(at) => std::borrow::Cow::Owned(format!(
            "{}{}@{}",
            &url[..authority_start],
            ordercloud_models::REDACTED,
            &url[authority_start + at + 1..]
        )),
        None => std::borrow::Cow::Borrowed(url),
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(input: &str) -> String {
        BaseUrl::parse(input, false).unwrap().as_string()
    }

    #[test]
    fn v1_and_trailing_slashes_are_normalised() {
        for input in [
            "https://api.ordercloud.io",
            "https://api.ordercloud.io/",
            "https://api.ordercloud.io//",
            "https://api.ordercloud.io/v1",
            "https://api.ordercloud.io/v1/",
            " https://api.ordercloud.io/v1// ",
        ] {
            assert_eq!(parsed(input), "https://api.ordercloud.io/v1", "{input}");
        }
        assert_eq!(parsed("https://gw.example.com/oc"), "https://gw.example.com/oc/v1");
        assert_eq!(parsed("https://gw.example.com:8443/oc/v1/"), "https://gw.example.com:8443/oc/v1");
    }

    #[test]
    fn the_full_uri_has_no_double_slash() {
        let base = BaseUrl::parse("https://api.ordercloud.io/", false).unwrap();
        let mut path = base.path_buffer(16, true);
        path.push_str("/password/reset");
        assert_eq!(base.uri(path).unwrap().to_string(), "https://api.ordercloud.io/v1/password/reset");
        for (input, expected) in [
            ("https://api.ordercloud.io/v1/", "https://api.ordercloud.io/oauth/token"),
            ("https://api.ordercloud.io", "https://api.ordercloud.io/oauth/token"),
            ("https://gw.example.com/oc/v1", "https://gw.example.com/oc/oauth/token"),
        ] {
            let base = BaseUrl::parse(input, false).unwrap();
            let mut path = base.path_buffer(16, false);
            path.push_str("/oauth/token");
            assert_eq!(base.uri(path).unwrap().to_string(), expected, "{input}");
        }
    }

    #[test]
    fn the_host_header_names_a_port_only_when_it_is_not_the_default() {
        let host = |input: &str| BaseUrl::parse(input, false).unwrap().host_header();
        assert_eq!(host("https://api.ordercloud.io/v1"), "api.ordercloud.io");
        assert_eq!(host("https://api.ordercloud.io:443"), "api.ordercloud.io");
        assert_eq!(host("https://gw.example.com:8443/oc"), "gw.example.com:8443");
        assert_eq!(host("http://127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(host("http://[::1]:80"), "[::1]");
    }

    #[test]
    fn http_is_only_for_loopback_unless_allowed() {
        assert_eq!(parsed("http://127.0.0.1:8080"), "http://127.0.0.1:8080/v1");
        assert_eq!(parsed("http://localhost:1/"), "http://localhost:1/v1");
        assert_eq!(parsed("http://[::1]:9"), "http://[::1]:9/v1");
        let error = BaseUrl::parse("http://api.ordercloud.io", false).unwrap_err();
        assert!(error.message.contains("http://"), "{error:?}");
        assert!(BaseUrl::parse("http://api.ordercloud.io", true).is_ok());
    }

    #[test]
    fn malformed_urls_are_refused_with_a_reason() {
        for input in [
            "",
            "api.ordercloud.io",
            "/v1",
            "ftp://api.ordercloud.io",
            "https://u:p@x.io",
            "https://x.io/?a=1",
            "https://x y",
            "http://127.0.0.1:65536",
            "http://127.0.0.1:65616",
            "http://127.0.0.1:99999",
            "https://api.ordercloud.io:70000/v1",
            "https://api.ordercloud.io:0",
            "https://api.ordercloud.io:",
            "https://:443",
            "https://api.ordercloud.io\r\n",
            "https://api.ordercloud.io\n",
            "https://api.ordercloud.io/v1\t",
            "https://api.ordercloud\u{0}.io",
        ] {
            let error = BaseUrl::parse(input, false).unwrap_err();
            assert!(!error.message.contains("u:p"), "{input:?}: {error:?}");
        }
        let error = BaseUrl::parse("http://127.0.0.1:65536", false).unwrap_err();
        assert!(error.message.contains("port"), "{error:?}");
        assert_eq!(parsed("http://127.0.0.1:65535"), "http://127.0.0.1:65535/v1");
    }

    #[test]
    fn userinfo_is_redacted_for_debug() {
        assert_eq!(
            without_userinfo("https://svc-user:Url-Secret-Pass@gw.example.com/v1"),
            "https://** redacted **@gw.example.com/v1"
        );
        assert_eq!(without_userinfo("https://a@b@gw.example.com"), "https://** redacted **@gw.example.com");
        assert_eq!(without_userinfo("https://gw.example.com/a@b"), "https://gw.example.com/a@b");
        assert_eq!(without_userinfo("u:p@host"), "** redacted **@host");
    }
}
