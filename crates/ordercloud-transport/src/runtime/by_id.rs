//! `ListCall::by_id`: many objects of a list by their IDs (`ID=a|b|c`), in requests that fit
//! OrderCloud's URL limit, in the order asked, with the IDs not found.

use std::collections::{HashMap, HashSet};
use std::marker::PhantomData;
use std::ops::Range;

use ordercloud_models::Filter;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::address::encode::push_encoded;
use crate::error::{Error, json_text};
use crate::runtime::call::ListCall;
use crate::runtime::flight::{DEFAULT_CONCURRENCY, try_join_ordered};
use crate::runtime::pages::ListEnvelope;
use crate::runtime::request::ApiRequest;

/// The longest URL OrderCloud answers, in characters, from `https://` to the end of the
/// query: 2,086.
pub const MAX_URL_LENGTH: usize = 2086;

/// The most items OrderCloud puts in a page, and so the most IDs one request asks for.
const MAX_PAGE_SIZE: usize = 100;

/// The ID filter's separator (`|`) as sent.
const ENCODED_BAR: usize = "%7C".len();

impl<T: DeserializeOwned, P: ListEnvelope<Item = T>> ListCall<T, P> {
    /// The objects of this list whose IDs are `ids`, however many: asked for with `ID`
    /// filters (`ID=a|b|c`), as many IDs to a request as fit both a page (100, or the page
    /// size the call sets) and OrderCloud's URL limit of [`MAX_URL_LENGTH`] characters,
    /// counted on the very URL sent (base URL, path, the call's own query and the IDs,
    /// encoded). The requests run up to 8 at a time ([`ByIdCall::concurrency`]); the call's
    /// own query parameters and filters go with every request, so they narrow what is found.
    ///
    /// Each request's IDs fit one page, so each is one request: its first page is all it
    /// reads, and of that page it keeps only the objects whose IDs it asked for, as the
    /// answer arrives. A server that ignores the filter therefore costs one page per
    /// request, never a walk over the whole list.
    ///
    /// The answer has the objects found in the order their IDs were asked, each once (IDs
    /// are compared without regard to letter case, as OrderCloud compares them), and the
    /// IDs not found: a missing ID is not an error. An ID the filter syntax cannot express
    /// (empty, holding `*` or `|`, or starting with `!`, `<` or `>`) or too long for a URL of
    /// its own is refused before anything is sent, with its position in `ids`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_transport::Error> {
    /// use ordercloud_models::{ListMeta, ListPage};
    /// use ordercloud_transport::{ApiClient, MockTransport, Operation};
    ///
    /// const LIST: Operation = Operation { id: "Products.List", method: "GET", path: "/products", roles: &[] };
    ///
    /// let mock = MockTransport::new();
    /// let found = serde_json::json!([{"ID": "p2", "Name": "Helmet"}, {"ID": "p1", "Name": "Bike"}]);
    /// mock.push_json(200, &ListPage::new(ListMeta::new(1, 100, 2, 1), found.as_array().unwrap().clone()));
    /// let client = ApiClient::builder().transport(mock.clone()).build()?;
    ///
    /// let products = client.call(&LIST).listing::<serde_json::Value>().by_id(["p1", "p9", "p2"]).send().await?;
    /// assert_eq!(products.items[0]["Name"], "Bike");
    /// assert_eq!(products.items[1]["Name"], "Helmet");
    /// assert_eq!(products.missing, ["p9"]);
    /// assert_eq!(mock.requests()[0].uri.query(), Some("pageSize=100&ID=p1%7Cp9%7Cp2"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn by_id<I: IntoIterator<Item = S>, S: Into<String>>(self, ids: I) -> ByIdCall<T> {
        ByIdCall {
            request: self.into_request(),
            ids: ids.into_iter().map(Into::into).collect(),
            concurrency: DEFAULT_CONCURRENCY,
            items: PhantomData,
        }
    }
}

/// Objects of a list by their IDs: from [`ListCall::by_id`]. Options first, then
/// [`send`](Self::send).
#[must_use = "a call does nothing until it is sent"]
pub struct ByIdCall<T> {
    request: ApiRequest,
    ids: Vec<String>,
    concurrency: usize,
    items: PhantomData<fn() -> T>,
}

/// What [`ByIdCall::send`] found: the objects, in the order their IDs were asked, and the
/// IDs no object has.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FoundById<T> {
    /// The objects found, in the order their IDs were asked, each once.
    pub items: Vec<T>,
    /// The IDs asked for that no object has, in the order asked, each once.
    pub missing: Vec<String>,
}

impl<T: DeserializeOwned> ByIdCall<T> {
    /// How many requests may be in flight at once: 8 by default; `0` counts as `1`.
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Sends the requests; the objects found and the IDs missing.
    pub async fn send(self) -> Result<FoundById<T>, Error> {
        let ByIdCall { mut request, ids, concurrency, .. } = self;
        // Each request asks for the first page, whatever page the call names.
        let (_, error) = request.take_page_and_error();
        if let Some(error) = error {
            return Err(error);
        }
        let asked = distinct(ids)?;
        let per_request = match query_value(&request.query, "pageSize").and_then(|size| size.parse::<usize>().ok()) {
            Some(size) if size > 0 => size.min(MAX_PAGE_SIZE),
            _ => {
                request = request.query("pageSize", &MAX_PAGE_SIZE.to_string());
                MAX_PAGE_SIZE
            }
        };
        let chunks = chunks(&request, &asked, per_request)?;
        // Built before anything is awaited: a closure held across an await would keep this
        // future from being `Send`.
        let lookups: Vec<_> = chunks
            .into_iter()
            .map(|range| {
                let chunk = &asked[range.clone()];
                let filter = chunk.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>().join("|");
                let wanted: HashMap<String, usize> = chunk.iter().map(|(id, _)| id.to_lowercase()).zip(range).collect();
                let lookup = request.duplicate(None).query("ID", &filter);
                // Only what was asked for is kept, and the page's body is dropped at once.
                async move { lookup.send_with(|body| found_in::<T>(body, &wanted)).await.map(|(found, _)| found.body) }
            })
            .collect();
        let answers = try_join_ordered(lookups, concurrency).await?;
        let mut found: Vec<Option<T>> = asked.iter().map(|_| None).collect();
        for (at, item) in answers.into_iter().flatten() {
            if let Some(slot) = found.get_mut(at) {
                *slot = Some(item);
            }
        }
        let mut answer = FoundById { items: Vec::with_capacity(asked.len()), missing: Vec::new() };
        for ((id, _), item) in asked.into_iter().zip(found) {
            match item {
                Some(item) => answer.items.push(item),
                None => answer.missing.push(id),
            }
        }
        Ok(answer)
    }
}

impl<T> std::fmt::Debug for ByIdCall<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByIdCall")
            .field("request", &self.request)
            .field("ids", &self.ids.len())
            .field("concurrency", &self.concurrency)
            .finish()
    }
}

/// The IDs, each once (letter case aside), checked; each with its position in `ids`.
fn distinct(ids: Vec<String>) -> Result<Vec<(String, usize)>, Error> {
    let mut asked = Vec::with_capacity(ids.len());
    let mut seen = HashSet::with_capacity(ids.len());
    for (position, id) in ids.into_iter().enumerate() {
        if let Err(error) = Filter::eq("ID", id.as_str()).into_pair() {
            return Err(Error::invalid_with(format!("ids[{position}] cannot be looked up"), error));
        }
        if seen.insert(id.to_lowercase()) {
            asked.push((id, position));
        }
    }
    Ok(asked)
}

/// The IDs in consecutive groups of at most `per_request`, as ranges of `asked`, each
/// group's URL (`request`'s, with `&ID=` and the group) at most [`MAX_URL_LENGTH`]
/// characters.
fn chunks(request: &ApiRequest, asked: &[(String, usize)], per_request: usize) -> Result<Vec<Range<usize>>, Error> {
    let origin = request.shared.base.origin_len();
    let query = if request.query.is_empty() { 0 } else { request.query.len() + 1 };
    let fixed = origin + request.path.len() + query + "?ID=".len();
    let room = MAX_URL_LENGTH.saturating_sub(fixed);
    let mut chunks: Vec<Range<usize>> = Vec::new();
    let mut length = 0;
    let mut encoded = String::new();
    for (at, (id, position)) in asked.iter().enumerate() {
        encoded.clear();
        push_encoded(&mut encoded, id);
        if encoded.len() > room {
            return Err(Error::invalid(format!(
                "ids[{position}] cannot be looked up: a URL asking for it alone would be longer than \
                 OrderCloud's {MAX_URL_LENGTH} characters"
            )));
        }
        match chunks.last_mut() {
            Some(chunk) if chunk.len() < per_request && length + ENCODED_BAR + encoded.len() <= room => {
                chunk.end = at + 1;
                length += ENCODED_BAR + encoded.len();
            }
            _ => {
                chunks.push(at..at + 1);
                length = encoded.len();
            }
        }
    }
    Ok(chunks)
}

/// The value of the first parameter called `name` (in any letter case) of the encoded
/// `query`, still encoded.
fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.eq_ignore_ascii_case(name).then_some(value)
    })
}

/// The objects of a list page's answer `body` whose IDs are in `wanted` (in lower case,
/// with the place of each among the IDs asked), each once, with its place. The other items
/// are not decoded.
fn found_in<T: DeserializeOwned>(
    body: &[u8],
    wanted: &HashMap<String, usize>,
) -> Result<Vec<(usize, T)>, serde_json::Error> {
    #[derive(Deserialize)]
    struct Page<'a> {
        #[serde(rename = "Items", default, borrow)]
        items: Option<Vec<&'a RawValue>>,
    }
    #[derive(Deserialize)]
    struct Id {
        #[serde(rename = "ID", default)]
        id: Option<String>,
    }
    let page: Page<'_> = serde_json::from_slice(json_text(body))?;
    let mut found: Vec<(usize, T)> = Vec::new();
    for item in page.items.unwrap_or_default() {
        let Ok(Id { id: Some(id) }) = serde_json::from_str::<Id>(item.get()) else { continue };
        let Some(&at) = wanted.get(&id.to_lowercase()) else { continue };
        if found.iter().all(|(place, _)| *place != at) {
            found.push((at, serde_json::from_str(item.get())?));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiClient;
    use http::Method;

    fn request(base_url: &str) -> ApiRequest {
        let client = ApiClient::builder().base_url(base_url).build().unwrap();
        let mut request = client.request(Method::GET, "/products").query("pageSize", "100");
        request.finish_route();
        request
    }

    fn asked(ids: &[String]) -> Vec<(String, usize)> {
        ids.iter().cloned().zip(0..).collect()
    }

    #[test]
    fn chunks_fill_the_url_to_the_limit_and_no_further() {
        let base = "https://sandboxapi.ordercloud.io";
        let ids: Vec<String> = (0..500).map(|n| format!("product-{n:05}-with-a-long-identifier")).collect();
        let request = request(base);
        let groups = chunks(&request, &asked(&ids), 100).unwrap();
        assert!(groups.len() > 1);
        assert_eq!(groups.iter().map(ExactSizeIterator::len).sum::<usize>(), 500);
        assert!(groups.windows(2).all(|pair| pair[0].end == pair[1].start), "{groups:?}");
        for (index, chunk) in groups.iter().enumerate() {
            let mut url = format!("{base}/v1/products?pageSize=100&ID=");
            push_encoded(&mut url, &ids[chunk.clone()].join("|"));
            assert!(url.len() <= MAX_URL_LENGTH, "{}", url.len());
            // One more ID would not have fit (but in the last group, which holds the rest).
            let mut longer = url.clone();
            longer.push_str("%7Cproduct-00000-with-a-long-identifier");
            assert!(longer.len() > MAX_URL_LENGTH || index == groups.len() - 1, "group {index}");
        }
        let short: Vec<String> = (0..250).map(|n| format!("p{n}")).collect();
        let sizes: Vec<usize> =
            chunks(&request, &asked(&short), 100).unwrap().iter().map(ExactSizeIterator::len).collect();
        assert_eq!(sizes, [100, 100, 50]);
    }

    #[test]
    fn ids_are_checked_and_asked_once() {
        let error = distinct(vec!["a".into(), "b|c".into()]).unwrap_err();
        assert!(error.is_invalid_request());
        assert_eq!(error.to_string(), "invalid request, nothing was sent: ids[1] cannot be looked up");
        assert!(std::error::Error::source(&error).is_some_and(|cause| cause.to_string().contains('|')));
        for bad in ["", "a*", "!a", ">a", "<a"] {
            assert!(distinct(vec![bad.to_owned()]).is_err(), "{bad:?}");
        }
        let asked = distinct(vec!["a".into(), "B".into(), "A".into(), "b".into(), "c".into()]).unwrap();
        assert_eq!(asked, [("a".to_owned(), 0), ("B".to_owned(), 1), ("c".to_owned(), 4)]);
    }

    #[test]
    fn an_id_too_long_for_a_url_is_refused_at_its_place_in_the_callers_ids() {
        let long = "x".repeat(MAX_URL_LENGTH);
        let asked = distinct(vec!["a".into(), "A".into(), "b".into(), long]).unwrap();
        let error = chunks(&request("https://api.ordercloud.io"), &asked, 100).unwrap_err();
        assert!(error.to_string().contains("ids[3] cannot be looked up"), "{error}");
        assert!(error.to_string().contains("longer than OrderCloud's 2086 characters"), "{error}");
    }

    #[test]
    fn only_the_items_asked_for_are_kept_each_once() {
        let wanted: HashMap<String, usize> = [("p1".to_owned(), 4), ("p2".to_owned(), 7)].into();
        let body = br#"{"Meta":{"TotalPages":40000},"Items":[{"ID":"P2","N":1},{"ID":"x","N":"not a number"},{"N":3},{"ID":"p1","N":4},{"ID":"p2","N":5}]}"#;
        #[derive(Debug, Deserialize, PartialEq)]
        struct Item {
            #[serde(rename = "N")]
            n: u32,
        }
        let found: Vec<(usize, Item)> = found_in(body, &wanted).unwrap();
        assert_eq!(found, [(7, Item { n: 1 }), (4, Item { n: 4 })], "an item not asked for is not even decoded");
        assert!(found_in::<Item>(br#"{"Items":null}"#, &wanted).unwrap().is_empty());
        assert!(found_in::<Item>(br#"{"Items":[{"ID":"p1","N":"x"}]}"#, &wanted).is_err());
    }

    #[test]
    fn query_values_are_found_by_name() {
        assert_eq!(query_value("pageSize=20&ID=a", "pagesize"), Some("20"));
        assert_eq!(query_value("sortBy=ID", "pageSize"), None);
    }
}
