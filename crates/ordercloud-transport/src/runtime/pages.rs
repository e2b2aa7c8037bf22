//! `Pages`: a list endpoint walked page by page.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};
use std::marker::PhantomData;

use ordercloud_models::ListPage;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::error::{PaginationError, PaginationErrorKind};
use crate::request::ApiRequest;

/// Which page a list request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PageAt {
    /// `page=N`.
    Number(u32),
    /// `pageKey=K`, for lists paged by key.
    Key(String),
}

/// A list endpoint walked lazily, one request per page, from
/// [`ApiRequest::pages`](crate::ApiRequest::pages).
///
/// The first page is the one the request's [`ListOptions`](ordercloud_models::ListOptions)
/// name (the first, by default); every later request is the same, with only the page
/// changed. After each page it goes on with the `NextPageKey` the server gave (sent as
/// `pageKey`), or else with the next page number up to `TotalPages`; it stops after the
/// last page, or at a page with no items. A failed page is returned as the error and is
/// asked for again by the next call, so nothing is skipped.
///
/// A walk always ends: a server that gives the key of a page already fetched, answers a
/// page exactly as it answered an earlier one, or answers another page number than the one
/// asked for (as one that ignores `page` does) ends it with an [`Error::Pagination`] that
/// says which, after the pages it had returned.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), ordercloud_transport::Error> {
/// use ordercloud_models::{ListMeta, ListOptions, ListPage};
/// use ordercloud_transport::{ApiClient, MockTransport, http::Method};
///
/// let mock = MockTransport::new();
/// mock.push_json(200, &ListPage::new(ListMeta::new(1, 2, 3, 2), vec!["a", "b"]));
/// mock.push_json(200, &ListPage::new(ListMeta::new(2, 2, 3, 2), vec!["c"]));
/// let client = ApiClient::builder().transport(mock.clone()).build()?;
///
/// let mut pages = client
///     .request(Method::GET, "/me/addresses")
///     .list_options(&ListOptions::new().page_size(2))
///     .pages::<String>();
/// let mut names = Vec::new();
/// while let Some(page) = pages.next_page().await? {
///     names.extend(page.items);
/// }
/// assert_eq!(names, ["a", "b", "c"]);
/// let query = mock.requests()[1].query_pairs();
/// assert_eq!(query, [("pageSize".to_owned(), "2".to_owned()), ("page".to_owned(), "2".to_owned())]);
/// # Ok(())
/// # }
/// ```
#[must_use = "pages are fetched only when asked for"]
pub struct Pages<'c, T> {
    template: ApiRequest<'c>,
    /// The page to fetch next; `None` once the list is done.
    next: Option<Option<PageAt>>,
    /// An error found while building the request, returned by the first `next_page`.
    error: Option<Error>,
    /// The page keys asked for so far.
    keys: HashSet<String>,
    /// A hash of each page's body so far.
    bodies: HashSet<u64>,
    /// A hasher keyed for this walk, so a server cannot aim at collisions.
    hasher: RandomState,
    fetched: u32,
    items: PhantomData<fn() -> T>,
}

impl<'c, T: DeserializeOwned> Pages<'c, T> {
    pub(crate) fn new(mut request: ApiRequest<'c>) -> Self {
        let (first, error) = request.take_page_and_error();
        Self {
            template: request,
            next: Some(first),
            error,
            keys: HashSet::new(),
            bodies: HashSet::new(),
            hasher: RandomState::new(),
            fetched: 0,
            items: PhantomData,
        }
    }

    /// Fetches the next page; `None` once the list is done.
    pub async fn next_page(&mut self) -> Result<Option<ListPage<T>>, Error> {
        if let Some(error) = self.error.take() {
            self.next = None;
            return Err(error);
        }
        let Some(at) = self.next.clone() else { return Ok(None) };
        let (response, body) = self.template.duplicate(at.clone()).send_decoded::<ListPage<T>>().await?;
        let page = response.body;
        self.fetched = self.fetched.saturating_add(1);
        let meta = &page.meta;
        let number = match at {
            Some(PageAt::Number(number)) if meta.page != 0 && meta.page != number => {
                return self.stop(PaginationErrorKind::WrongPageNumber { asked: number, answered: meta.page });
            }
            Some(PageAt::Number(number)) => number,
            Some(PageAt::Key(_)) => meta.page,
            None => meta.page.max(1),
        };
        if !self.bodies.insert(self.hasher.hash_one(&body)) {
            return self.stop(PaginationErrorKind::RepeatedPage);
        }
        self.next = match meta.next_page_key.as_deref().filter(|key| !key.is_empty()) {
            _ if page.items.is_empty() => None,
            Some(key) if at == Some(PageAt::Key(key.to_owned())) || self.keys.contains(key) => {
                return self.stop(PaginationErrorKind::RepeatedPageKey);
            }
            Some(key) => {
                self.keys.insert(key.to_owned());
                Some(Some(PageAt::Key(key.to_owned())))
            }
            None if matches!(at, Some(PageAt::Key(_))) => None,
            None if number < meta.total_pages => Some(Some(PageAt::Number(number + 1))),
            None => None,
        };
        Ok(Some(page))
    }

    /// Ends the walk with a pagination error.
    fn stop<R>(&mut self, kind: PaginationErrorKind) -> Result<R, Error> {
        self.next = None;
        Err(Error::Pagination(PaginationError::new(kind, self.fetched)))
    }

    /// Fetches every remaining page and returns their items, in order.
    pub async fn all_items(mut self) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await? {
            items.extend(page.items);
        }
        Ok(items)
    }
}

impl<T> std::fmt::Debug for Pages<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("request", &self.template)
            .field("next", &self.next)
            .field("error", &self.error)
            .finish()
    }
}
