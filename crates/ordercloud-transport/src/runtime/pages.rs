//! `Pages`: a list endpoint walked page by page, and `PageItems`, the same walk as a stream
//! of items.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use ordercloud_models::{ListMeta, ListPage, ListPageWithFacets};
use serde::de::DeserializeOwned;

use crate::error::{Error, PaginationError, PaginationErrorKind};
use crate::runtime::request::{ApiRequest, PageAt};

/// A page of a list endpoint's answer, whatever its shape: [`ListPage`], or
/// [`ListPageWithFacets`] for the lists that count facets. [`Pages`] walks either.
pub trait ListEnvelope: DeserializeOwned {
    /// The type of the list's items.
    type Item;

    /// This page's number, the number of pages, and the next page's key (for lists paged by
    /// key), as the answer's `Meta` gave them.
    fn position(&self) -> (u32, u32, Option<&str>);

    /// How many items this page holds.
    fn len(&self) -> usize;

    /// Whether this page holds no items.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
}

impl<T: DeserializeOwned> ListEnvelope for ListPage<T> {
    type Item = T;

    fn position(&self) -> (u32, u32, Option<&str>) {
        let ListMeta { page, total_pages, next_page_key, .. } = &self.meta;
        (*page, *total_pages, next_page_key.as_deref())
    }

    fn len(&self) -> usize {
        self.items.len()
    }

    fn into_items(self) -> Vec<T> {
        self.items
    }
}

impl<T: DeserializeOwned> ListEnvelope for ListPageWithFacets<T> {
    type Item = T;

    fn position(&self) -> (u32, u32, Option<&str>) {
        let ListMeta { page, total_pages, next_page_key, .. } = &self.meta.list;
        (*page, *total_pages, next_page_key.as_deref())
    }

    fn len(&self) -> usize {
        self.items.len()
    }

    fn into_items(self) -> Vec<T> {
        self.items
    }
}

impl ApiRequest {
    /// Walks a list endpoint page by page, each page fetched when asked for: see [`Pages`].
    pub fn pages<T: DeserializeOwned>(self) -> Pages<T> {
        Pages::new(self)
    }

    /// Walks a list endpoint that counts facets (`Products.List`, `Me.ListProducts`), each
    /// page a [`ListPageWithFacets`] keeping its facets: see [`Pages`].
    pub fn pages_with_facets<T: DeserializeOwned>(self) -> Pages<T, ListPageWithFacets<T>> {
        Pages::new(self)
    }
}

/// A list endpoint walked lazily, one request per page, from
/// [`ApiRequest::pages`] (pages of [`ListPage`]) or [`ApiRequest::pages_with_facets`] (pages
/// of [`ListPageWithFacets`]).
///
/// The first page is the one the request's [`ListOptions`](ordercloud_models::ListOptions)
/// name (the first, by default); every later request is the same, with only the page
/// changed, so other query parameters (`depth`, `catalogID`...) go with every page. After
/// each page it goes on with the `NextPageKey` the server gave (sent as `pageKey`), or else
/// with the next page number up to `TotalPages`; it stops after the last page, or at a page
/// with no items. A failed page is returned as the error and is asked for again by the next
/// call, so nothing is skipped.
///
/// A walk always ends: a server that gives the key of a page already fetched, answers a
/// page exactly as it answered an earlier one, or answers another page number than the one
/// asked for (as one that ignores `page` does) ends it with an [`Error::Pagination`] that
/// says which, after the pages it had returned.
///
/// `Pages` borrows nothing: it can be returned from a function or moved into a spawned
/// task. [`next_page`](Self::next_page) gives each page with its meta,
/// [`all_items`](Self::all_items) collects every item, and [`items`](Self::items) streams
/// them.
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
pub struct Pages<T, P = ListPage<T>> {
    template: ApiRequest,
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
    pages: PhantomData<fn() -> (T, P)>,
}

impl<T, P: ListEnvelope<Item = T>> Pages<T, P> {
    pub(crate) fn new(mut request: ApiRequest) -> Self {
        let (first, error) = request.take_page_and_error();
        Self {
            template: request,
            next: Some(first),
            error,
            keys: HashSet::new(),
            bodies: HashSet::new(),
            hasher: RandomState::new(),
            fetched: 0,
            pages: PhantomData,
        }
    }

    /// Fetches the next page; `None` once the list is done.
    pub async fn next_page(&mut self) -> Result<Option<P>, Error> {
        if let Some(error) = self.error.take() {
            self.next = None;
            return Err(error);
        }
        let Some(at) = self.next.clone() else { return Ok(None) };
        let (response, body) = self.template.duplicate(at.clone()).send_decoded::<P>().await?;
        let page = response.body;
        self.fetched = self.fetched.saturating_add(1);
        let (page_number, total_pages, next_key) = page.position();
        let number = match at {
            Some(PageAt::Number(number)) if page_number != 0 && page_number != number => {
                return self.stop(PaginationErrorKind::WrongPageNumber { asked: number, answered: page_number });
            }
            Some(PageAt::Number(number)) => number,
            Some(PageAt::Key(_)) => page_number,
            None => page_number.max(1),
        };
        if !self.bodies.insert(self.hasher.hash_one(&body)) {
            return self.stop(PaginationErrorKind::RepeatedPage);
        }
        self.next = match next_key.filter(|key| !key.is_empty()) {
            _ if page.is_empty() => None,
            Some(key) if matches!(&at, Some(PageAt::Key(asked)) if asked == key) || self.keys.contains(key) => {
                return self.stop(PaginationErrorKind::RepeatedPageKey);
            }
            Some(key) => {
                self.keys.insert(key.to_owned());
                Some(Some(PageAt::Key(key.to_owned())))
            }
            None if matches!(at, Some(PageAt::Key(_))) => None,
            None if number < total_pages => Some(Some(PageAt::Number(number + 1))),
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
            items.extend(page.into_items());
        }
        Ok(items)
    }

    /// The items of every remaining page as a stream, fetched lazily, one request per page
    /// when the items before are used up, by the same rules as
    /// [`next_page`](Self::next_page). A failed page is one `Err` item; polling again asks
    /// for that page again, and after an [`Error::Pagination`] the stream ends.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_transport::Error> {
    /// use ordercloud_models::{ListMeta, ListPage};
    /// use ordercloud_transport::{ApiClient, MockTransport, http::Method};
    ///
    /// let mock = MockTransport::new();
    /// mock.push_json(200, &ListPage::new(ListMeta::new(1, 2, 3, 2), vec![1, 2]));
    /// mock.push_json(200, &ListPage::new(ListMeta::new(2, 2, 3, 2), vec![3]));
    /// let client = ApiClient::builder().transport(mock.clone()).build()?;
    ///
    /// let mut items = client.request(Method::GET, "/products").pages::<u32>().items();
    /// let mut sum = 0;
    /// while let Some(item) = items.next().await {
    ///     sum += item?;
    /// }
    /// assert_eq!(sum, 6);
    /// # Ok(())
    /// # }
    /// ```
    pub fn items(self) -> PageItems<T, P> {
        PageItems { pages: Some(self), buffered: VecDeque::new(), fetching: None }
    }
}

impl<T, P> std::fmt::Debug for Pages<T, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("request", &self.template)
            .field("next", &self.next)
            .field("error", &self.error)
            .field("fetched", &self.fetched)
            .finish_non_exhaustive()
    }
}

/// The page being fetched, with the walk it came from.
type Fetching<T, P> = Pin<Box<dyn Future<Output = (Pages<T, P>, Result<Option<P>, Error>)> + Send>>;

/// The items of a list across its pages, as a `futures_core::Stream`: from
/// [`Pages::items`]. `Send + 'static` when the items are, so it can be returned, moved into
/// a spawned task, or used with any stream combinators.
#[must_use = "streams do nothing unless polled"]
pub struct PageItems<T, P = ListPage<T>> {
    /// The walk, while no page is being fetched; `None` once it is done.
    pages: Option<Pages<T, P>>,
    buffered: VecDeque<T>,
    fetching: Option<Fetching<T, P>>,
}

impl<T, P> PageItems<T, P>
where
    T: Send + 'static,
    P: ListEnvelope<Item = T> + Send + 'static,
{
    /// The next item, fetching the next page when the items before are used up; `None`
    /// once the list is done. The same as the stream's next item, without needing a
    /// `futures` crate to ask for it.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *self), cx)).await
    }
}

// Nothing in a `PageItems` is ever pinned in place: the page being fetched is boxed, and
// the items are plain values moved out one by one.
impl<T, P> Unpin for PageItems<T, P> {}

impl<T, P> futures_core::Stream for PageItems<T, P>
where
    T: Send + 'static,
    P: ListEnvelope<Item = T> + Send + 'static,
{
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffered.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            let fetching = match &mut this.fetching {
                Some(fetching) => fetching,
                None => {
                    let Some(mut pages) = this.pages.take() else { return Poll::Ready(None) };
                    this.fetching.insert(Box::pin(async move {
                        let page = pages.next_page().await;
                        (pages, page)
                    }))
                }
            };
            let (pages, page) = match fetching.as_mut().poll(cx) {
                Poll::Ready(done) => done,
                Poll::Pending => return Poll::Pending,
            };
            this.fetching = None;
            match page {
                Ok(Some(page)) => {
                    this.buffered.extend(page.into_items());
                    this.pages = Some(pages);
                }
                Ok(None) => return Poll::Ready(None),
                Err(error) => {
                    this.pages = Some(pages);
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }
}

impl<T, P> std::fmt::Debug for PageItems<T, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageItems")
            .field("pages", &self.pages)
            .field("buffered", &self.buffered.len())
            .field("fetching", &self.fetching.is_some())
            .finish()
    }
}
