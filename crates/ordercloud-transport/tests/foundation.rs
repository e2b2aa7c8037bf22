//! The general request features other OrderCloud crates build on: list options and pages,
//! typed responses, extra headers, form bodies and routes outside `/v1`.

use ordercloud_models::{ListMeta, ListOptions, ListPage};
use ordercloud_transport::http::{Method, StatusCode};
use ordercloud_transport::{ApiClient, Error, MockTransport, PaginationErrorKind, TransportError, TransportErrorKind};

fn client(mock: &MockTransport) -> ApiClient {
    ApiClient::builder().transport(mock.clone()).build().unwrap()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect()
}

fn page(number: u32, total_pages: u32, items: &[&str]) -> ListPage<String> {
    ListPage::new(ListMeta::new(number, 2, 5, total_pages), items.iter().map(|item| (*item).to_owned()).collect())
}

#[tokio::test]
async fn list_options_arrive_encoded_with_operators_intact() {
    let mock = MockTransport::new();
    mock.push_json(200, &page(3, 3, &["x"]));
    let options = ListOptions::new()
        .page(3)
        .page_size(2)
        .search("red bike & co")
        .search_on(["Name", "xp.Label"])
        .sort_by(["!DateCreated", "Name"])
        .filter("xp.Color", "red|blue")
        .filter("Price", ">=10")
        .filter("Name", "Bi*")
        .filter("Active", "!false");
    let listed: ListPage<String> =
        client(&mock).request(Method::GET, "/me/addresses").list_options(&options).send_json().await.unwrap();
    assert_eq!(listed.items, ["x"]);
    let request = &mock.requests()[0];
    assert_eq!(request.uri.path(), "/v1/me/addresses");
    assert_eq!(
        request.query_pairs(),
        pairs(&[
            ("pageSize", "2"),
            ("search", "red bike & co"),
            ("searchOn", "Name,xp.Label"),
            ("sortBy", "!DateCreated,Name"),
            ("xp.Color", "red|blue"),
            ("Price", ">=10"),
            ("Name", "Bi*"),
            ("Active", "!false"),
            ("page", "3"),
        ])
    );
    let raw = request.uri.query().unwrap();
    assert!(raw.contains("search=red%20bike%20%26%20co") && raw.contains("xp.Color=red%7Cblue"), "{raw}");
}

#[tokio::test]
async fn pages_walk_to_total_pages_lazily() {
    let mock = MockTransport::new();
    mock.push_json(200, &page(1, 3, &["a", "b"]))
        .push_json(200, &page(2, 3, &["c", "d"]))
        .push_json(200, &page(3, 3, &["e"]));
    let client = client(&mock);
    let mut pages =
        client.request(Method::GET, "/me/addresses").list_options(&ListOptions::new().page_size(2)).pages::<String>();
    assert!(mock.requests().is_empty(), "nothing is fetched before it is asked for");
    let first = pages.next_page().await.unwrap().unwrap();
    assert_eq!((first.meta.page, first.items.len()), (1, 2));
    assert_eq!(mock.requests().len(), 1);
    let rest = pages.all_items().await.unwrap();
    assert_eq!(rest, ["c", "d", "e"]);
    let requests = mock.requests();
    assert_eq!(requests.len(), 3, "no request past the last page");
    assert_eq!(requests[0].query_pairs(), pairs(&[("pageSize", "2")]));
    assert_eq!(requests[2].query_pairs(), pairs(&[("pageSize", "2"), ("page", "3")]));
    mock.assert_all_used();
}

#[tokio::test]
async fn pages_follow_next_page_keys_and_stop_when_none_is_given() {
    let mock = MockTransport::new();
    mock.push_json(200, &ListPage::new(ListMeta::default().with_next_page_key("k/2"), vec![1]))
        .push_json(200, &ListPage::new(ListMeta::default().with_next_page_key("k 3"), vec![2]))
        .push_json(200, &ListPage::new(ListMeta::default(), vec![3]));
    let items = client(&mock).request(Method::GET, "/products").pages::<u8>().all_items().await.unwrap();
    assert_eq!(items, [1, 2, 3]);
    let requests = mock.requests();
    assert_eq!(requests[1].query_pairs(), pairs(&[("pageKey", "k/2")]));
    assert_eq!(requests[2].query_pairs(), pairs(&[("pageKey", "k 3")]));
    mock.assert_all_used();
}

#[tokio::test]
async fn a_failed_page_is_asked_for_again_and_an_empty_page_ends_the_walk() {
    let mock = MockTransport::new();
    mock.push_json(200, &page(1, 9, &["a"]))
        .push_error(TransportError::from_kind(TransportErrorKind::Io))
        .push_json(200, &page(2, 9, &["b"]))
        .push_json(200, &page(3, 9, &[]));
    let client = client(&mock);
    // One page at a time, so the script's answers go to the pages in order.
    let mut pages = client.request(Method::GET, "/x").pages::<String>().concurrency(1);
    assert_eq!(pages.next_page().await.unwrap().unwrap().items, ["a"]);
    assert!(matches!(pages.next_page().await, Err(Error::Transport(_))));
    assert_eq!(pages.next_page().await.unwrap().unwrap().items, ["b"]);
    assert!(pages.next_page().await.unwrap().unwrap().items.is_empty());
    assert!(pages.next_page().await.unwrap().is_none(), "a page with no items is the last");
    let requests = mock.requests();
    assert_eq!(requests[1].query_pairs(), requests[2].query_pairs(), "the failed page was asked for again");
    mock.assert_all_used();
}

/// A server whose paging never ends, as `answer` gives each page for the request's query.
fn endless(answer: impl Fn(&str) -> String + Send + Sync + 'static) -> MockTransport {
    MockTransport::from_fn(move |request| {
        let body = answer(request.uri.query().unwrap_or(""));
        Ok(http::Response::builder().status(200).body(body.into()).unwrap())
    })
}

#[tokio::test]
async fn pages_whose_keys_cycle_end_with_a_pagination_error() {
    let cycles: [&[&str]; 3] = [&["A", "B"], &["k1", "k2", "k3"], &["same"]];
    for cycle in cycles {
        let next: Vec<String> = cycle.iter().map(|key| (*key).to_owned()).collect();
        let mock = endless(move |query| {
            let at = next.iter().position(|key| query == format!("pageKey={key}")).map_or(0, |index| index + 1);
            format!(r#"{{"Meta":{{"NextPageKey":"{}"}},"Items":[{at}]}}"#, next[at % next.len()])
        });
        let client = client(&mock);
        let pages = client.request(Method::GET, "/products").pages::<u32>();
        let error = pages.all_items().await.unwrap_err();
        let Error::Pagination(pagination) = &error else { panic!("{error:?}") };
        assert_eq!(pagination.kind(), PaginationErrorKind::RepeatedPageKey, "{cycle:?}");
        assert_eq!(mock.requests().len(), cycle.len() + 1, "{cycle:?}: each key asked for once");
        assert!(error.to_string().contains("the server gave the key of an earlier page again"), "{error}");
    }
}

#[tokio::test]
async fn a_page_key_too_long_for_a_url_ends_the_walk() {
    for (length, requests) in [(4096, 2), (5000, 1)] {
        let key = "k".repeat(length);
        let mock = MockTransport::new();
        mock.push_status(200, format!(r#"{{"Meta":{{"NextPageKey":"{key}"}},"Items":[1]}}"#))
            .push_status(200, r#"{"Meta":{},"Items":[2]}"#);
        let walk = client(&mock).request(Method::GET, "/products").pages::<u32>().all_items().await;
        assert_eq!(mock.requests().len(), requests, "{length}");
        if length > 4096 {
            let error = walk.unwrap_err();
            let Error::Pagination(pagination) = &error else { panic!("{error:?}") };
            assert_eq!(pagination.kind(), PaginationErrorKind::PageKeyTooLong { length });
            assert_eq!(pagination.pages(), 1);
            assert!(error.to_string().contains("a page key of 5000 bytes"), "{error}");
        } else {
            assert_eq!(walk.unwrap(), [1, 2]);
            assert_eq!(mock.requests()[1].query_pairs(), [("pageKey".to_owned(), key)]);
        }
    }
}

#[tokio::test]
async fn a_server_that_ignores_the_page_asked_for_ends_the_walk() {
    // Always page 1, claiming 4294967295 pages.
    let mock = endless(|_| r#"{"Meta":{"Page":1,"TotalPages":4294967295},"Items":["a"]}"#.to_owned());
    let ignoring = client(&mock);
    for (concurrency, requests) in [(1, 2), (8, 9)] {
        let mut pages = ignoring.request(Method::GET, "/products").pages::<String>().concurrency(concurrency);
        let before = mock.requests().len();
        assert_eq!(pages.next_page().await.unwrap().unwrap().items, ["a"]);
        let error = pages.next_page().await.unwrap_err();
        let Error::Pagination(pagination) = &error else { panic!("{error:?}") };
        assert_eq!(pagination.kind(), PaginationErrorKind::WrongPageNumber { asked: 2, answered: 1 });
        assert!(pages.next_page().await.unwrap().is_none(), "the walk has ended");
        assert_eq!(mock.requests().len() - before, requests, "the first page, then {concurrency} at once");
    }

    // The same page with no page number at all.
    let mock = endless(|_| r#"{"Meta":{"TotalPages":4294967295},"Items":["a"]}"#.to_owned());
    let pages = client(&mock).request(Method::GET, "/products").pages::<String>().concurrency(1);
    let error = pages.all_items().await.unwrap_err();
    assert!(matches!(&error, Error::Pagination(p) if p.kind() == PaginationErrorKind::RepeatedPage && p.pages() == 2));
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn a_request_error_comes_from_the_first_page() {
    let mock = MockTransport::new();
    let client = client(&mock);
    let mut pages = client.request(Method::GET, "/x/{id}").pages::<String>();
    assert!(pages.next_page().await.unwrap_err().is_invalid_request());
    assert!(pages.next_page().await.unwrap().is_none());
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn a_typed_body_comes_with_status_and_headers() {
    let mock = MockTransport::new();
    let mut answer = ordercloud_transport::http::Response::new(ordercloud_transport::bytes::Bytes::from_static(
        b"\xEF\xBB\xBF{\"ID\":\"jdoe\"}",
    ));
    *answer.status_mut() = StatusCode::CREATED;
    answer.headers_mut().insert("x-oc-logid", "abc".parse().unwrap());
    mock.push_response(answer).push_status(200, "not json");
    let client = client(&mock);
    let response = client.request(Method::POST, "/me").send_json_response::<serde_json::Value>().await.unwrap();
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.headers["x-oc-logid"], "abc");
    assert_eq!(response.body["ID"], "jdoe");
    let error = client.request(Method::GET, "/me").send_json_response::<serde_json::Value>().await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
}

#[tokio::test]
async fn extra_headers_are_validated_and_secret_ones_kept_out_of_errors() {
    let mock = MockTransport::new();
    mock.push_status(204, "").push_status(401, "bad key Key-Secret-123");
    let client = client(&mock);
    client.request(Method::GET, "/me").header("X-Custom", "one").header("x-custom", "two").send_empty().await.unwrap();
    let error =
        client.request(Method::GET, "/me").secret_header("X-Api-Key", "Key-Secret-123").send_empty().await.unwrap_err();
    assert!(!error.to_string().contains("Key-Secret-123"), "{error}");
    let requests = mock.requests();
    let values: Vec<_> = requests[0].headers.get_all("x-custom").iter().collect();
    assert_eq!(values, ["one", "two"]);
    assert!(requests[1].headers["x-api-key"].is_sensitive());
    for (name, value) in [
        ("Host", "x"),
        ("content-type", "text/plain"),
        ("Authorization", "Basic x"),
        ("bad name", "x"),
        ("X-Ok", "line\nbreak"),
        // Hop-by-hop and connection-level headers belong to the transport.
        ("Expect", "100-continue"),
        ("TE", "trailers"),
        ("Upgrade", "h2c"),
        ("Proxy-Authorization", "Basic x"),
        ("Keep-Alive", "timeout=5"),
        ("Proxy-Connection", "keep-alive"),
        ("Trailer", "X-Checksum"),
        ("Content-Encoding", "gzip"),
        ("Accept", "text/html"),
        ("connection", "close"),
        ("Transfer-Encoding", "chunked"),
    ] {
        let error = client.request(Method::GET, "/me").header(name, value).send_empty().await.unwrap_err();
        assert!(error.is_invalid_request(), "{name}: {error}");
        assert!(!error.to_string().contains("line\nbreak"), "{error}");
    }
    assert_eq!(mock.requests().len(), 2, "refused headers send nothing");
}

#[tokio::test]
async fn form_bodies_and_routes_outside_v1() {
    for base_url in ["https://api.ordercloud.io", "https://api.ordercloud.io/v1/", "https://gw.example.com/oc/v1"] {
        let mock = MockTransport::new();
        mock.push_status(200, "{}");
        let client = ApiClient::builder().transport(mock.clone()).base_url(base_url).build().unwrap();
        client
            .request_unversioned(Method::POST, "/oauth/token")
            .form([("grant_type", "password"), ("username", "j doe+1@example.com"), ("password", "P&ss=word %")])
            .redact("P&ss=word %")
            .send_empty()
            .await
            .unwrap();
        let request = &mock.requests()[0];
        let root = base_url.trim_end_matches('/').trim_end_matches("/v1");
        assert_eq!(request.uri.to_string(), format!("{root}/oauth/token"));
        assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
        assert_eq!(
            request.body_text(),
            "grant_type=password&username=j+doe%2B1%40example.com&password=P%26ss%3Dword+%25"
        );
        assert_eq!(
            request.form_pairs(),
            pairs(&[("grant_type", "password"), ("username", "j doe+1@example.com"), ("password", "P&ss=word %")])
        );
    }
}
