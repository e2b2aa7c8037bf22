//! `PaginationError`: a walk over a list's pages ended because it would never end.

use std::error::Error as StdError;
use std::fmt;

/// Why a walk over a list's pages was ended: the server's paging would never have ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaginationErrorKind {
    /// The server gave, as the next page's key, the key of a page already fetched: the keys
    /// go round in a cycle.
    RepeatedPageKey,
    /// The server answered a page exactly as it answered an earlier one.
    RepeatedPage,
    /// The server answered another page than the one asked for (it ignores `page`).
    WrongPageNumber {
        /// The page asked for.
        asked: u32,
        /// The page the answer says it is.
        answered: u32,
    },
}

/// A walk over a list's pages ended because the server's paging would never end; the
/// pages before it were returned, and nothing more is fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaginationError {
    kind: PaginationErrorKind,
    pages: u32,
}

impl PaginationError {
    pub(crate) fn new(kind: PaginationErrorKind, pages: u32) -> Self {
        Self { kind, pages }
    }

    /// What the server did.
    pub fn kind(&self) -> PaginationErrorKind {
        self.kind
    }

    /// How many pages were fetched before the walk ended, this one included.
    pub fn pages(&self) -> u32 {
        self.pages
    }
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the list's pages do not end: ")?;
        match self.kind {
            PaginationErrorKind::RepeatedPageKey => f.write_str("the server gave the key of an earlier page again")?,
            PaginationErrorKind::RepeatedPage => f.write_str("the server answered an earlier page again")?,
            PaginationErrorKind::WrongPageNumber { asked, answered } => {
                write!(f, "asked for page {asked}, the server answered page {answered}")?
            }
        }
        write!(f, " (stopped after {} pages)", self.pages)
    }
}

impl StdError for PaginationError {}
