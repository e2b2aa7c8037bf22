//! `SessionExpired`: a call refused, nothing sent, because its session has ended.

use std::error::Error as StdError;
use std::fmt;

/// Why a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionEnd {
    /// The application ended it (a shopper logged out).
    LoggedOut,
    /// The token endpoint refused the session's refresh token (spent, expired or revoked).
    RefreshRefused,
    /// The access token expired or was refused, and the session had no refresh token to
    /// renew it with.
    NoRefreshToken,
}

impl SessionEnd {
    fn describe(self) -> &'static str {
        match self {
            Self::LoggedOut => "it was logged out",
            Self::RefreshRefused => "its refresh token was refused",
            Self::NoRefreshToken => "its token expired and it has no refresh token",
        }
    }
}

/// A call refused before anything was sent because its session has ended: the user must
/// sign in again. See [`Error::is_session_expired`](crate::Error::is_session_expired).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionExpired {
    end: SessionEnd,
}

impl SessionExpired {
    pub(crate) fn new(end: SessionEnd) -> Self {
        Self { end }
    }

    /// Why the session ended.
    pub fn reason(&self) -> SessionEnd {
        self.end
    }
}

impl fmt::Display for SessionExpired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the session has ended ({}); sign in again. Nothing was sent", self.end.describe())
    }
}

impl StdError for SessionExpired {}
