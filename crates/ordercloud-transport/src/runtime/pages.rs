//! `Pages`: a list endpoint walked page by page, several pages in flight, by Last ID past
//! page 30; and `PageItems`, the same walk as a stream of items.

use std::cmp::Ordering;
use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::Response;
use ordercloud_models::{Filter, ListMeta, ListPage, ListPageWithFacets};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, PaginationError, PaginationErrorKind, TransportErrorKind, json_text};
use crate::runtime::flight::{DEFAULT_CONCURRENCY, Woken};
use crate::runtime::request::{ApiRequest, PageAt};
use crate::runtime::secrets::Secrets;
use crate::runtime::send::decode_answer;

/// The last page a walk asks for by number, when it can go on by Last ID instead: OrderCloud
/// recommends the "Last ID" method past page 30.
const LAST_PAGE_BY_NUMBER: u32 = 30;

/// The longest page key (or last ID) the walk sends on, in bytes: each becomes part of the
/// next URL, and OrderCloud answers no URL longer than 2,086 characters.
pub(crate) const MAX_PAGE_KEY_LENGTH: usize = 4096;

/// How many times a page that fails with an error that may pass is asked for, in all;
/// after that many failures the walk ends.
const MOST_ATTEMPTS_PER_PAGE: u32 = 5;

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
    /// Walks a list endpoint page by page, fetched as they are asked for (several in flight
    /// after the first): see [`Pages`].
    pub fn pages<T: DeserializeOwned>(self) -> Pages<T> {
        Pages::new(self)
    }

    /// Walks a list endpoint that counts facets (`Products.List`, `Me.ListProducts`), each
    /// page a [`ListPageWithFacets`] keeping its facets: see [`Pages`].
    pub fn pages_with_facets<T: DeserializeOwned>(self) -> Pages<T, ListPageWithFacets<T>> {
        Pages::new(self)
    }
}

/// A list endpoint walked lazily, from [`ApiRequest::pages`] (pages of [`ListPage`]) or
/// [`ApiRequest::pages_with_facets`] (pages of [`ListPageWithFacets`]), or a list call's
/// [`pages`](crate::ListCall::pages).
///
/// The first page is the one the request's [`ListOptions`](ordercloud_models::ListOptions)
/// name (the first, by default); every later request is the same, with only the page
/// changed, so other query parameters (`depth`, `catalogID`...) go with every page. After
/// the first page it goes on with the `NextPageKey` the server gave (sent as `pageKey`), one
/// page at a time, or else with the next page numbers up to `TotalPages`, up to
/// [`concurrency`](Self::concurrency) of them in flight at once (8 by default); it stops
/// after the last page, or at a page with no items. Pages come back in order whatever order
/// their answers arrive in, and each answer is read when its turn comes; at most
/// `concurrency` pages are in flight or waiting for their turn.
///
/// **Past page 30.** OrderCloud recommends its "Last ID" method over page numbers past page
/// 30. When the first page says the list has more than 30 pages, and the walk starts at the
/// first page, the caller gave no `sortBy` and every item has an `ID`, the walk starts over
/// in ID order (`sortBy=ID`): pages 1 to 30, then pages 1 to 30 of the items after the last
/// ID seen (`ID=>{last ID}`), and so on. The first page is then asked for twice (its first
/// answer, in the list's own order, is not returned), and the items come in ID order. Each
/// page's `Meta` is the server's answer to its request, so in this walk it counts from the
/// last ID. Inside each window of 30 pages the IDs must come in increasing order, after the
/// window's last ID; a server that answers otherwise (one that ignores `sortBy=ID` or the
/// `ID` filter) ends the walk with an [`Error::Pagination`]. IDs are compared only where
/// every usual order agrees (ASCII letters and digits, ordinal or without regard to letter
/// case); where the server's collation decides (`-`, `_`, letters outside ASCII), its order
/// is trusted. A list sorted by the caller, started at a later page or without IDs is
/// walked by page numbers to its end, as asked; so is the rest of a window whose last ID
/// cannot be written as a filter (such as one holding `*` or `|`): there pages past 30 are
/// asked for.
///
/// **Errors.** A failed page is returned as the error in its turn; the pages after it that
/// were fetched ahead keep their answers. When the error may pass (a timeout, a connection
/// that failed, a `429` or a `5xx` answer), the next call asks for the page again, so
/// nothing is skipped, up to 5 times in all. Any other error (a `404`, a body that does not
/// decode), or a fifth failure of the same page, ends the walk after it is returned, so a
/// caller that skips errors does not ask for the same page forever.
///
/// A walk always ends: a server that gives the key (or last ID) of a page already fetched,
/// answers a page exactly as it answered an earlier one, answers another page number than
/// the one asked for (as one that ignores `page` does), or gives a page key (or last ID)
/// longer than 4,096 bytes ends it with an [`Error::Pagination`] that says which, after the
/// pages it had returned.
///
/// **Pages fetched ahead.** The requests run inside the task that awaits the walk, on
/// whatever runtime the transport uses; nothing is spawned. Pages fetched ahead move on only
/// while the walk is awaited (or its [`items`](Self::items) polled). Meanwhile each holds a
/// place among the client's calls in flight
/// ([`max_in_flight`](crate::ApiClientBuilder::max_in_flight)), and its call's timeout keeps
/// running. A page that was in flight when the walk last returned, and whose time ran out,
/// is asked for again once without an error; still, if handling one page can take longer
/// than a call's timeout, or other calls of the same client must not wait behind the walk,
/// keep `concurrency(1)`: then no page is in flight while the walk is not awaited.
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
    /// An error found while building the request, returned by the first `next_page`.
    error: Option<Error>,
    concurrency: usize,
    /// The pages to return next, in order: asked for, in flight, or answered.
    queue: VecDeque<Slot>,
    walk: Walk,
    /// The order of the pages being planned: the list's own, or by ID after a last ID.
    order: Order,
    /// The last page number queued in the current run of numbers.
    planned: u32,
    /// The last page number of the current run, as the latest answer gives it.
    end: u32,
    /// The highest page number the current run may ask for.
    limit: u32,
    /// A hash of each page key, and of each last ID, asked for so far.
    keys: HashSet<u64>,
    /// A hash of each page's body so far.
    bodies: HashSet<u64>,
    /// A hasher keyed for this walk, so a server cannot aim at collisions.
    hasher: RandomState,
    /// In the Last ID walk, the last ID seen in the current window (at first, the one it
    /// starts after): the next must come after it.
    window_last: Option<String>,
    /// The pages read so far (the first page of the Last ID walk, not returned, aside).
    fetched: u32,
    woken: Woken,
    pages: PhantomData<fn() -> (T, P)>,
}

/// How the walk goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Walk {
    /// The first page is yet to be read.
    First,
    /// By page number.
    Numbers,
    /// By page number in ID order, 30 pages at a time after each last ID.
    LastId,
    /// By the server's page keys, one at a time.
    Keys,
    Done,
}

/// The order a request asks for.
#[derive(Clone, Debug)]
enum Order {
    /// The list's own (or the caller's `sortBy`).
    AsGiven,
    /// `sortBy=ID`, and `ID=>{after}` after the first window.
    ById { after: Option<Arc<str>> },
}

/// An answer as it came, read when its page's turn comes.
type Answer = Result<(Response<Bytes>, Secrets), Error>;

/// One page of the walk: what it asks for, and how far it got.
struct Slot {
    page: Option<PageAt>,
    order: Order,
    state: SlotState,
    /// How many times this page failed so far.
    failures: u32,
    /// Whether this page's request was in flight while the walk was left alone (after it
    /// returned a page or an item, until it was polled again).
    idle: bool,
    /// Whether this page was already asked for again after its time ran out while idle.
    excused: bool,
}

impl Slot {
    fn new(page: Option<PageAt>, order: Order) -> Self {
        Self { page, order, state: SlotState::Waiting, failures: 0, idle: false, excused: false }
    }
}

enum SlotState {
    Waiting,
    Sent(Pin<Box<dyn Future<Output = Answer> + Send>>),
    /// Boxed: most slots are waiting or in flight.
    Answered(Box<Answer>),
}

/// What reading a page's answer came to.
enum Settled<P> {
    Page(P),
    Error(Error),
    /// Nothing to return yet: the first page of a list walked by Last ID (fetched again in
    /// ID order), or a page asked for again.
    Skipped,
}

impl<T, P: ListEnvelope<Item = T>> Pages<T, P> {
    pub(crate) fn new(mut request: ApiRequest) -> Self {
        let (first, error) = request.take_page_and_error();
        let mut queue = VecDeque::new();
        if error.is_none() {
            queue.push_back(Slot::new(first, Order::AsGiven));
        }
        Self {
            template: request,
            error,
            concurrency: DEFAULT_CONCURRENCY,
            queue,
            walk: Walk::First,
            order: Order::AsGiven,
            planned: 0,
            end: 0,
            limit: u32::MAX,
            keys: HashSet::new(),
            bodies: HashSet::new(),
            hasher: RandomState::new(),
            window_last: None,
            fetched: 0,
            woken: Woken::new(),
            pages: PhantomData,
        }
    }

    /// How many pages may be in flight (or fetched and waiting for their turn) at once, after
    /// the first: 8 by default ([`DEFAULT_CONCURRENCY`]); `1` walks one page at a time, and
    /// `0` counts as `1`. Lists paged by key, and the first page, are always fetched alone.
    /// The client's own limit on calls in flight still holds.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Fetches the next page; `None` once the list is done.
    pub async fn next_page(&mut self) -> Result<Option<P>, Error> {
        std::future::poll_fn(|cx| self.poll_next_page(cx)).await
    }

    /// Fetches every remaining page and returns their items, in order.
    pub async fn all_items(mut self) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await? {
            items.extend(page.into_items());
        }
        Ok(items)
    }

    /// The items of every remaining page as a stream, fetched lazily by the same rules as
    /// [`next_page`](Self::next_page): while the items of one page are used, the next pages
    /// are fetched, at most [`concurrency`](Self::concurrency) of them, so memory holds no
    /// more than those pages and the one being used. A failed page is one `Err` item;
    /// polling again asks for that page again when the error may pass, and otherwise (as
    /// after an [`Error::Pagination`]) the stream ends: see [`Pages`].
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
        PageItems { pages: Some(self), buffered: VecDeque::new() }
    }

    /// The next page, when its turn has come.
    fn poll_next_page(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<P>, Error>> {
        if let Some(error) = self.error.take() {
            self.finish();
            return Poll::Ready(Err(error));
        }
        loop {
            self.fill();
            let Some(front) = self.queue.front() else { return Poll::Ready(Ok(None)) };
            if matches!(front.state, SlotState::Answered(_)) {
                let Some(mut slot) = self.queue.pop_front() else { continue };
                let SlotState::Answered(answer) = std::mem::replace(&mut slot.state, SlotState::Waiting) else {
                    continue;
                };
                let settled = match self.settle(slot, *answer) {
                    Settled::Page(page) => Ok(Some(page)),
                    Settled::Error(error) => Err(error),
                    Settled::Skipped => continue,
                };
                self.leave();
                return Poll::Ready(settled);
            }
            if !self.advance(cx) {
                return Poll::Pending;
            }
        }
    }

    /// Notes that the walk hands control back to its caller: the requests in flight wait,
    /// their time running, until it is polled again.
    fn leave(&mut self) {
        for slot in &mut self.queue {
            if matches!(slot.state, SlotState::Sent(_)) {
                slot.idle = true;
            }
        }
    }

    /// Sends the pages whose place has come, and polls those in flight if one of them was
    /// woken; whether one was answered.
    fn advance(&mut self, cx: &Context<'_>) -> bool {
        self.fill();
        for slot in self.queue.iter_mut().take(self.concurrency) {
            if matches!(slot.state, SlotState::Waiting) {
                let request = page_request(&self.template, slot.page.clone(), &slot.order);
                slot.state = SlotState::Sent(Box::pin(request.execute()));
                self.woken.mark();
            }
        }
        if !self.woken.take(cx) {
            return false;
        }
        let mut context = Context::from_waker(self.woken.waker());
        let mut answered = false;
        for slot in &mut self.queue {
            if let SlotState::Sent(fetch) = &mut slot.state {
                if let Poll::Ready(answer) = fetch.as_mut().poll(&mut context) {
                    slot.state = SlotState::Answered(Box::new(answer));
                    answered = true;
                }
            }
        }
        answered
    }

    /// Queues the planned pages whose place has come.
    fn fill(&mut self) {
        while self.queue.len() < self.concurrency && self.planned < self.end {
            self.planned += 1;
            self.queue.push_back(Slot::new(Some(PageAt::Number(self.planned)), self.order.clone()));
        }
    }

    /// Reads the answer of the page whose turn it is, and plans what comes after it.
    fn settle(&mut self, slot: Slot, answer: Answer) -> Settled<P> {
        let decoded = answer.and_then(|(response, secrets)| {
            decode_answer(response, secrets, |body| serde_json::from_slice::<P>(json_text(body)))
        });
        let (page, body) = match decoded {
            Ok((response, body)) => (response.body, body),
            Err(error) => return self.failed(slot, error),
        };
        let Slot { page: at, order, .. } = slot;
        self.fetched = self.fetched.saturating_add(1);
        let (page_number, total_pages, next_key) = page.position();
        let next_key = next_key.filter(|key| !key.is_empty());
        if let Some(key) = next_key.filter(|key| key.len() > MAX_PAGE_KEY_LENGTH) {
            return self.stop(PaginationErrorKind::PageKeyTooLong { length: key.len() });
        }
        let next_key = next_key.map(str::to_owned);
        let number = match at {
            Some(PageAt::Number(number)) if page_number != 0 && page_number != number => {
                return self.stop(PaginationErrorKind::WrongPageNumber { asked: number, answered: page_number });
            }
            Some(PageAt::Number(number)) => number,
            Some(PageAt::Key(_)) => page_number,
            None => page_number.max(1),
        };
        if self.walk == Walk::First {
            self.walk = Walk::Numbers;
            self.planned = number;
            if next_key.is_none()
                && number == 1
                && total_pages > LAST_PAGE_BY_NUMBER
                && !page.is_empty()
                && !has_query_parameter(&self.template.query, "sortBy")
                && every_item_has_an_id(&body)
            {
                // This answer is not returned: the walk starts over in ID order.
                self.fetched -= 1;
                self.walk = Walk::LastId;
                self.begin_window(None, total_pages);
                return Settled::Skipped;
            }
        }
        if !self.bodies.insert(self.hasher.hash_one(&body)) {
            return self.stop(PaginationErrorKind::RepeatedPage);
        }
        // In ID order (the Last ID walk), each page's IDs, checked against the window's.
        let ids = match order {
            Order::ById { .. } => item_ids(&body),
            Order::AsGiven => None,
        };
        if let Some(ids) = &ids {
            if !in_id_order(self.window_last.as_deref(), ids) {
                return self.stop(PaginationErrorKind::OutOfOrder);
            }
            if let Some(last) = ids.iter().rev().flatten().next() {
                self.window_last = Some(last.clone());
            }
        }
        if page.is_empty() {
            self.finish();
            return Settled::Page(page);
        }
        let asked_key = matches!(&at, Some(PageAt::Key(_)));
        match next_key {
            Some(key) => {
                let repeated = matches!(&at, Some(PageAt::Key(asked)) if *asked == key);
                if repeated || !self.keys.insert(self.hasher.hash_one(key.as_str())) {
                    return self.stop(PaginationErrorKind::RepeatedPageKey);
                }
                self.walk = Walk::Keys;
                self.end = self.planned;
                self.queue.clear();
                self.queue.push_back(Slot::new(Some(PageAt::Key(key)), order));
            }
            None if asked_key || number >= total_pages => self.finish(),
            None if self.walk == Walk::LastId && number >= self.limit => match ids.as_deref().and_then(last_id) {
                Some(after) if after.len() > MAX_PAGE_KEY_LENGTH => {
                    return self.stop(PaginationErrorKind::PageKeyTooLong { length: after.len() });
                }
                Some(after) if !self.keys.insert(self.hasher.hash_one(after)) => {
                    return self.stop(PaginationErrorKind::RepeatedPageKey);
                }
                Some(after) => {
                    let after = after.into();
                    self.queue.clear();
                    self.begin_window(Some(after), total_pages - number);
                }
                None => {
                    // The last ID cannot be written as a filter: the rest by number.
                    self.limit = u32::MAX;
                    self.plan(total_pages);
                }
            },
            None => self.plan(total_pages),
        }
        Settled::Page(page)
    }

    /// A page that failed with `error`: asked for again when the error may pass, else the
    /// walk ends after it.
    fn failed(&mut self, mut slot: Slot, error: Error) -> Settled<P> {
        slot.state = SlotState::Waiting;
        if error.is_timeout() && slot.idle && !slot.excused {
            // Its time ran out while the walk was left alone, not while it was awaited:
            // asked for again at once, this once.
            slot.idle = false;
            slot.excused = true;
            self.queue.push_front(slot);
            return Settled::Skipped;
        }
        slot.idle = false;
        slot.failures += 1;
        if may_pass(&error) && slot.failures < MOST_ATTEMPTS_PER_PAGE {
            // Asked for again by the next call.
            self.queue.push_front(slot);
        } else {
            self.finish();
        }
        Settled::Error(error)
    }

    /// Starts a window of the Last ID walk: pages 1 to 30 (or `total_pages`) in ID order,
    /// after `after` when given.
    fn begin_window(&mut self, after: Option<Arc<str>>, total_pages: u32) {
        self.window_last = after.as_deref().map(str::to_owned);
        self.order = Order::ById { after };
        self.planned = 0;
        self.limit = LAST_PAGE_BY_NUMBER;
        self.plan(total_pages);
    }

    /// Goes on with the pages after the last one queued, up to `total_pages` (and the
    /// window's end); they are queued as their place comes.
    fn plan(&mut self, total_pages: u32) {
        self.end = total_pages.min(self.limit);
    }

    /// Ends the walk with a pagination error.
    fn stop(&mut self, kind: PaginationErrorKind) -> Settled<P> {
        self.finish();
        Settled::Error(Error::Pagination(PaginationError::new(kind, self.fetched)))
    }

    /// Ends the walk; any page still in flight is dropped.
    fn finish(&mut self) {
        self.walk = Walk::Done;
        self.end = self.planned;
        self.queue.clear();
    }
}

/// The request of one page: the walk's request, at `page`, in `order`.
fn page_request(template: &ApiRequest, page: Option<PageAt>, order: &Order) -> ApiRequest {
    let request = template.duplicate(page);
    match order {
        Order::AsGiven => request,
        Order::ById { after: None } => request.query("sortBy", "ID"),
        Order::ById { after: Some(after) } => request.query("sortBy", "ID").query("ID", &format!(">{after}")),
    }
}

/// Whether the encoded `query` has a parameter called `name` (in any letter case, as
/// OrderCloud reads them).
fn has_query_parameter(query: &str, name: &str) -> bool {
    query.split('&').any(|pair| pair.split('=').next().is_some_and(|key| key.eq_ignore_ascii_case(name)))
}

/// The `ID` of each item of a list's answer, and nothing else of it.
#[derive(Deserialize)]
struct ItemIds {
    #[serde(rename = "Items", default)]
    items: Vec<ItemId>,
}

#[derive(Deserialize)]
struct ItemId {
    #[serde(rename = "ID", default)]
    id: Option<String>,
}

fn item_ids(body: &[u8]) -> Option<Vec<Option<String>>> {
    serde_json::from_slice::<ItemIds>(json_text(body))
        .ok()
        .map(|ids| ids.items.into_iter().map(|item| item.id).collect())
}

/// Whether every item of the answer `body` has a text `ID`, so the list can be sorted by it.
fn every_item_has_an_id(body: &[u8]) -> bool {
    item_ids(body).is_some_and(|ids| ids.iter().all(|id| id.as_deref().is_some_and(|id| !id.is_empty())))
}

/// The `ID` of a page's last item (of its `ids`), if it can be written in a filter
/// (`ID=>{id}`).
fn last_id(ids: &[Option<String>]) -> Option<&str> {
    let id = ids.last()?.as_deref()?;
    Filter::gt("ID", id).into_pair().is_ok().then_some(id)
}

/// Whether `ids` (those of a page's items that have one) increase, each after the one
/// before and the first after `after`, as far as can be told: see [`id_order`].
fn in_id_order(after: Option<&str>, ids: &[Option<String>]) -> bool {
    let mut before = after;
    for id in ids.iter().flatten() {
        if before.is_some_and(|before| id_order(before, id).is_some_and(Ordering::is_ge)) {
            return false;
        }
        before = Some(id);
    }
    true
}

/// How `a` compares with `b` in every order a server may sort IDs in: ordinal, or without
/// regard to letter case (with `-` ignored, or punctuation before digits, as collations
/// do). `None` where those orders may disagree: at a first difference that is not two ASCII
/// letters or digits that compare alike with and without letter case, or where one ID
/// continues the other with anything but an ASCII letter or digit. Equal only when the
/// same.
fn id_order(a: &str, b: &str) -> Option<Ordering> {
    let decided = |c: char| c.is_ascii_alphanumeric();
    let (mut left, mut right) = (a.chars(), b.chars());
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Some(Ordering::Equal),
            (None, Some(next)) => return decided(next).then_some(Ordering::Less),
            (Some(next), None) => return decided(next).then_some(Ordering::Greater),
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) => {
                if !(decided(x) && decided(y)) {
                    return None;
                }
                let ordinal = x.cmp(&y);
                return (x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase()) == ordinal).then_some(ordinal);
            }
        }
    }
}

/// Whether a page that failed with `error` may succeed when asked for again: a timeout, a
/// failed connection, a `429`, a `408` or a `5xx`. Not an answer that does not decode, any
/// other status, a body over the limit, a TLS failure, nor an invalid request.
fn may_pass(error: &Error) -> bool {
    match error {
        Error::Transport(error) => !matches!(
            error.kind(),
            TransportErrorKind::BodyTooLarge | TransportErrorKind::Tls | TransportErrorKind::Runtime
        ),
        Error::Response(error) => {
            let status = error.status();
            status.is_server_error()
                || status == http::StatusCode::TOO_MANY_REQUESTS
                || status == http::StatusCode::REQUEST_TIMEOUT
        }
        _ => false,
    }
}

impl<T, P> std::fmt::Debug for Pages<T, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("request", &self.template)
            .field("walk", &self.walk)
            .field("concurrency", &self.concurrency)
            .field("queued", &self.queue.len())
            .field("error", &self.error)
            .field("fetched", &self.fetched)
            .finish_non_exhaustive()
    }
}

/// The items of a list across its pages, as a `futures_core::Stream`: from
/// [`Pages::items`]. `Send + 'static` when the items are, so it can be returned, moved into
/// a spawned task, or used with any stream combinators.
#[must_use = "streams do nothing unless polled"]
pub struct PageItems<T, P = ListPage<T>> {
    /// The walk; `None` once it is done.
    pages: Option<Pages<T, P>>,
    buffered: VecDeque<T>,
}

impl<T, P: ListEnvelope<Item = T>> PageItems<T, P> {
    /// The next item, fetching the next page when the items before are used up; `None`
    /// once the list is done. The same as the stream's next item, without needing a
    /// `futures` crate to ask for it.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *self), cx)).await
    }
}

// Nothing in a `PageItems` is ever pinned in place: the pages in flight are boxed, and the
// items are plain values moved out one by one.
impl<T, P> Unpin for PageItems<T, P> {}

impl<T, P: ListEnvelope<Item = T>> futures_core::Stream for PageItems<T, P> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffered.pop_front() {
                // The pages fetched ahead move on while this page's items are used, and wait
                // while the caller does something else.
                if let Some(pages) = &mut this.pages {
                    pages.advance(cx);
                    pages.leave();
                }
                return Poll::Ready(Some(Ok(item)));
            }
            let Some(pages) = &mut this.pages else { return Poll::Ready(None) };
            match pages.poll_next_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(Some(page))) => this.buffered.extend(page.into_items()),
                Poll::Ready(Ok(None)) => {
                    this.pages = None;
                    return Poll::Ready(None);
                }
                Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
            }
        }
    }
}

impl<T, P> std::fmt::Debug for PageItems<T, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageItems").field("pages", &self.pages).field("buffered", &self.buffered.len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(ids: &[&str]) -> Vec<Option<String>> {
        ids.iter().map(|id| Some((*id).to_owned())).collect()
    }

    #[test]
    fn ids_are_compared_only_where_every_usual_order_agrees() {
        assert_eq!(id_order("p00001", "p00002"), Some(Ordering::Less));
        assert_eq!(id_order("p2", "p10"), Some(Ordering::Greater));
        assert_eq!(id_order("abc", "ab"), Some(Ordering::Greater));
        assert_eq!(id_order("ab", "abc"), Some(Ordering::Less));
        assert_eq!(id_order("a", "a"), Some(Ordering::Equal));
        // Digits before letters, and letters of the same case, in every order.
        assert_eq!(id_order("a9", "aa"), Some(Ordering::Less));
        assert_eq!(id_order("aB", "aC"), Some(Ordering::Less));
        // `b` after `A` both with and without letter case.
        assert_eq!(id_order("b", "A"), Some(Ordering::Greater));
        // Where collations disagree: letter case, `-` (ignored by some), `_`, other letters.
        assert_eq!(id_order("B", "a"), None);
        assert_eq!(id_order("A", "a"), None);
        assert_eq!(id_order("a-c", "ab"), None);
        assert_eq!(id_order("a_1", "a1"), None);
        assert_eq!(id_order("ab", "ab-"), None);
        assert_eq!(id_order("é", "f"), None);
    }

    #[test]
    fn a_window_must_increase_after_its_last_id() {
        assert!(in_id_order(None, &ids(&["a", "b", "c"])));
        assert!(in_id_order(Some("a"), &ids(&["b", "c"])));
        assert!(in_id_order(Some("a"), &[]));
        // Items without an ID, and pairs a collation decides, pass.
        assert!(in_id_order(Some("a"), &[Some("b".to_owned()), None, Some("c".to_owned())]));
        assert!(in_id_order(Some("ab"), &ids(&["a-c", "ad"])));
        assert!(!in_id_order(Some("b"), &ids(&["a", "c"])), "not after the window's last ID");
        assert!(!in_id_order(Some("b"), &ids(&["b", "c"])), "the last ID again");
        assert!(!in_id_order(None, &ids(&["a", "c", "b"])), "not increasing");
        assert!(!in_id_order(None, &ids(&["a", "a"])), "twice");
    }

    #[test]
    fn what_may_pass_is_asked_for_again() {
        use crate::error::TransportError;
        let transport = |kind| Error::from(TransportError::from_kind(kind));
        assert!(may_pass(&transport(TransportErrorKind::Timeout)));
        assert!(may_pass(&transport(TransportErrorKind::Io)));
        assert!(may_pass(&transport(TransportErrorKind::Connect)));
        assert!(!may_pass(&transport(TransportErrorKind::BodyTooLarge)));
        assert!(!may_pass(&transport(TransportErrorKind::Tls)));
        assert!(!may_pass(&Error::invalid("no")));
    }
}
