//! `PaginationError`: a walk over a list's pages ended because it would never end, or its
//! pages cannot be trusted.

use std::error::Error as StdError;
use std::fmt;

use crate::runtime::pages::MAX_PAGE_KEY_LENGTH;

/// Why a walk over a list's pages was ended: the server's paging would never have ended,
/// or it cannot be followed.
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
    /// The server gave a page key (or, past page 30, a last ID) longer than the walk sends
    /// on: 4,096 bytes. Each key becomes part of the next URL, and OrderCloud answers no URL
    /// longer than 2,086 characters.
    PageKeyTooLong {
        /// The key's length, in bytes.
        length: usize,
    },
    /// Past page 30, walking by Last ID, the server's IDs did not increase, or did not come
    /// after the last ID the window started from: it ignores `sortBy=ID` or the `ID` filter,
    /// so items would be missed or returned twice.
    OutOfOrder,
}

/// A walk over a list's pages ended because the server's paging would never end, or cannot
/// be followed without missing items or returning some twice; the pages before it were
/// returned, and nothing more is fetched.
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

    /// How many pages were read before the walk ended, this one included (the first answer
    /// of a walk that starts over by Last ID, which is not returned, aside).
    pub fn pages(&self) -> u32 {
        self.pages
    }
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PaginationErrorKind::RepeatedPageKey => {
                f.write_str("the list's pages do not end: the server gave the key of an earlier page again")?
            }
            PaginationErrorKind::RepeatedPage => {
                f.write_str("the list's pages do not end: the server answered an earlier page again")?
            }
            PaginationErrorKind::WrongPageNumber { asked, answered } => {
                write!(f, "the list's pages do not end: asked for page {asked}, the server answered page {answered}")?
            }
            PaginationErrorKind::PageKeyTooLong { length } => write!(
                f,
                "the list's pages cannot be followed: the server gave a page key of {length} bytes, \
                 more than the {MAX_PAGE_KEY_LENGTH} a URL can carry"
            )?,
            PaginationErrorKind::OutOfOrder => f.write_str(
                "the list's pages cannot be followed: walking by last ID, the server's IDs were not in \
                 increasing order (it ignores sortBy=ID or the ID filter)",
            )?,
        }
        write!(f, " (stopped after {} pages)", self.pages)
    }
}

impl StdError for PaginationError {}
