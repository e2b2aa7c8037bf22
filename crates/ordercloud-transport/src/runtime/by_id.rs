//! `ListCall::by_id`: many objects of a list by their IDs (`ID=a|b|c`), in requests that fit
//! OrderCloud's URL limit, in the order asked, with the IDs not found.

use std::collections::HashMap;
use std::marker::PhantomData;

use ordercloud_models::{Filter, ListPage};
use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde_json::value::RawValue;

use crate::address::encode::push_encoded;
use crate::error::Error;
use crate::runtime::call::ListCall;
use crate::runtime::flight::try_join_ordered;
use crate::runtime::pages::{DEFAULT_CONCURRENCY, ListEnvelope, Pages, has_query_parameter};
use crate::runtime::request::ApiRequest;

/// The longest URL OrderCloud answers, in characters, from `https://` to the end of the
/// query: 2,086.
pub const MAX_URL_LENGTH: usize = 2086;

/// The most items OrderCloud puts in a page, and so the most IDs one request asks for.
const MAX_PAGE_SIZE: usize = 100;

/// Room kept in each URL for a later page's `&page=N`.
const PAGE_ROOM: usize = "&page=".len() + 10;

/// The ID filter's separator (`|`) as sent.
const ENCODED_BAR: usize = "%7C".len();

impl<T: DeserializeOwned, P: ListEnvelope<Item = T>> ListCall<T, P> {
    /// The objects of this list whose IDs are `ids`, however many: asked for with `ID`
    /// filters (`ID=a|b|c`), as many IDs to a request as fit both a page (100, or the page
    /// size the call sets) and OrderCloud's URL limit of [`MAX_URL_LENGTH`] characters,
    /// counted on the very URL sent (base URL, path, the call's own query and the IDs,
    /// encoded), with room left for a page number. The requests run up to 8 at a time
    /// ([`ByIdCall::concurrency`]) and each walks its pages; the call's own query parameters
    /// and filters go with every request, so they narrow what is found.
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
        // Each request starts at its first page, whatever page the call names.
        let (_, error) = request.take_page_and_error();
        if let Some(error) = error {
            return Err(error);
        }
        let (asked, positions) = distinct(ids)?;
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
        let walks: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let chunk_request = request.duplicate(None).query("ID", &chunk.join("|"));
                Pages::<WithId<T>, ListPage<WithId<T>>>::new(chunk_request).concurrency(1).all_items()
            })
            .collect();
        let answers = try_join_ordered(walks, concurrency).await?;
        let mut found: Vec<Option<T>> = asked.iter().map(|_| None).collect();
        for WithId { id, item } in answers.into_iter().flatten() {
            let place = id.and_then(|id| positions.get(&id.to_lowercase()).copied());
            if let Some(slot) = place.and_then(|at| found.get_mut(at)).filter(|slot| slot.is_none()) {
                *slot = Some(item);
            }
        }
        let mut answer = FoundById { items: Vec::with_capacity(asked.len()), missing: Vec::new() };
        for (id, item) in asked.into_iter().zip(found) {
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

/// The IDs, each once (letter case aside), checked; and where each (in lower case) stands.
fn distinct(ids: Vec<String>) -> Result<(Vec<String>, HashMap<String, usize>), Error> {
    let mut asked = Vec::with_capacity(ids.len());
    let mut positions = HashMap::with_capacity(ids.len());
    for (position, id) in ids.into_iter().enumerate() {
        if let Err(error) = Filter::eq("ID", id.as_str()).into_pair() {
            return Err(Error::invalid_with(format!("ids[{position}] cannot be looked up: {error}"), error));
        }
        if let std::collections::hash_map::Entry::Vacant(place) = positions.entry(id.to_lowercase()) {
            place.insert(asked.len());
            asked.push(id);
        }
    }
    Ok((asked, positions))
}

/// The IDs in groups of at most `per_request`, each group's URL (`request`'s, with `&ID=`
/// and the group) at most [`MAX_URL_LENGTH`] characters with room for a page number.
fn chunks<'a>(request: &ApiRequest, asked: &'a [String], per_request: usize) -> Result<Vec<Vec<&'a str>>, Error> {
    let base = &request.shared.base;
    let origin = base.as_string().len() - base.path_buffer(0, true).len();
    let query = if request.query.is_empty() { 0 } else { request.query.len() + 1 };
    let fixed = origin + request.path.len() + query + "?ID=".len() + PAGE_ROOM;
    let room = MAX_URL_LENGTH.saturating_sub(fixed);
    let mut chunks: Vec<Vec<&str>> = Vec::new();
    let mut length = 0;
    let mut encoded = String::new();
    for (position, id) in asked.iter().enumerate() {
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
                chunk.push(id);
                length += ENCODED_BAR + encoded.len();
            }
            _ => {
                chunks.push(vec![id]);
                length = encoded.len();
            }
        }
    }
    Ok(chunks)
}

/// The value of the first parameter called `name` (in any letter case) of the encoded
/// `query`, still encoded.
fn query_value<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    if !has_query_parameter(query, name) {
        return None;
    }
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.eq_ignore_ascii_case(name).then_some(value)
    })
}

/// An item with its `ID`, read from the same JSON.
struct WithId<T> {
    id: Option<String>,
    item: T,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for WithId<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Id {
            #[serde(rename = "ID", default)]
            id: Option<String>,
        }
        let raw = <&RawValue>::deserialize(deserializer)?;
        let item = serde_json::from_str(raw.get()).map_err(D::Error::custom)?;
        let id = serde_json::from_str::<Id>(raw.get()).ok().and_then(|id| id.id);
        Ok(Self { id, item })
    }
}

/// The `by_id` of the list calls [`operation_request!`](crate::operation_request) declares.
#[doc(hidden)]
pub trait ListById {
    type Call;
    fn list_by_id(self, ids: Vec<String>) -> Self::Call;
}

impl<T: DeserializeOwned, P: ListEnvelope<Item = T>> ListById for ListCall<T, P> {
    type Call = ByIdCall<T>;

    fn list_by_id(self, ids: Vec<String>) -> ByIdCall<T> {
        self.by_id(ids)
    }
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

    #[test]
    fn chunks_fill_the_url_to_the_limit_and_no_further() {
        let base = "https://sandboxapi.ordercloud.io";
        let ids: Vec<String> = (0..500).map(|n| format!("product-{n:05}-with-a-long-identifier")).collect();
        let request = request(base);
        let groups = chunks(&request, &ids, 100).unwrap();
        assert!(groups.len() > 1);
        assert_eq!(groups.iter().map(Vec::len).sum::<usize>(), 500);
        for (index, chunk) in groups.iter().enumerate() {
            let mut url = format!("{base}/v1/products?pageSize=100&ID=");
            push_encoded(&mut url, &chunk.join("|"));
            url.push_str("&page=4294967295");
            assert!(url.len() <= MAX_URL_LENGTH, "{}", url.len());
            // One more ID would not have fit (but in the last group, which holds the rest).
            let mut longer = url.clone();
            longer.push_str("%7Cproduct-00000-with-a-long-identifier");
            assert!(longer.len() > MAX_URL_LENGTH || index == groups.len() - 1, "group {index}");
        }
        let short: Vec<String> = (0..250).map(|n| format!("p{n}")).collect();
        assert_eq!(chunks(&request, &short, 100).unwrap().iter().map(Vec::len).collect::<Vec<_>>(), [100, 100, 50]);
    }

    #[test]
    fn ids_are_checked_and_asked_once() {
        let error = distinct(vec!["a".into(), "b|c".into()]).unwrap_err();
        assert!(error.is_invalid_request());
        assert!(error.to_string().contains("ids[1] cannot be looked up"), "{error}");
        for bad in ["", "a*", "!a", ">a", "<a"] {
            assert!(distinct(vec![bad.to_owned()]).is_err(), "{bad:?}");
        }
        let (asked, positions) = distinct(vec!["a".into(), "B".into(), "A".into(), "b".into(), "c".into()]).unwrap();
        assert_eq!(asked, ["a", "B", "c"]);
        assert_eq!(positions["b"], 1);
        let long = vec!["x".repeat(MAX_URL_LENGTH)];
        let error = chunks(&request("https://api.ordercloud.io"), &long, 100).unwrap_err();
        assert!(error.to_string().contains("longer than OrderCloud's 2086 characters"), "{error}");
    }

    #[test]
    fn query_values_are_found_by_name() {
        assert_eq!(query_value("pageSize=20&ID=a", "pagesize"), Some("20"));
        assert_eq!(query_value("sortBy=ID", "pageSize"), None);
    }
}
