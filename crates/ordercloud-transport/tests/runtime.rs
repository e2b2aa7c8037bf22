//! What a generated family needs from the runtime: owned pages of either shape that stream,
//! typed filters, required and read-only fields, typed calls, per-crate identity.

use std::time::Duration;

use ordercloud_models::{Filter, ListFacet, ListMeta, ListOptions, ListPage, ListPageWithFacets, MetaWithFacets};
use ordercloud_transport::{
    ApiClient, Call, Error, ListCall, MockTransport, Operation, PageItems, Pages, TransportError, TransportErrorKind,
    USER_AGENT, operation_request,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

const LIST: Operation = Operation { id: "Products.List", method: "GET", path: "/products", roles: &["ProductReader"] };
const GET: Operation =
    Operation { id: "Products.Get", method: "GET", path: "/products/{productID}", roles: &["ProductReader"] };
const CREATE: Operation =
    Operation { id: "Products.Create", method: "POST", path: "/products", roles: &["ProductAdmin"] };
const DELETE: Operation =
    Operation { id: "Products.Delete", method: "DELETE", path: "/products/{productID}", roles: &["ProductAdmin"] };

fn client(mock: &MockTransport) -> ApiClient {
    ApiClient::builder().transport(mock.clone()).build().unwrap()
}

fn page(number: u32, total_pages: u32, items: &[u32]) -> ListPage<u32> {
    ListPage::new(ListMeta::new(number, 2, 5, total_pages), items.to_vec())
}

/// An API handle that owns its client, as a generated one does.
struct Products {
    client: ApiClient,
}

impl Products {
    /// Returns the walk itself: it borrows nothing from `self`.
    fn all(&self) -> Pages<u32> {
        self.client.call(&LIST).listing().pages()
    }
}

fn assert_send_static<T: Send + 'static>(value: T) -> T {
    value
}

#[tokio::test]
async fn pages_own_themselves_and_can_be_spawned() {
    let mock = MockTransport::new();
    mock.push_json(200, &page(1, 2, &[1, 2])).push_json(200, &page(2, 2, &[3]));
    let pages = assert_send_static(Products { client: client(&mock) }.all());
    let items = tokio::spawn(pages.all_items()).await.unwrap().unwrap();
    assert_eq!(items, [1, 2, 3]);
    let items: PageItems<u32> = assert_send_static(client(&mock).call(&LIST).listing().items());
    drop(items);
}

#[tokio::test]
async fn facets_stay_with_each_page_and_the_stream_spans_pages() {
    let mock = MockTransport::new();
    let facets = vec![
        serde_json::from_value::<ListFacet>(
            json!({"Name": "Color", "XpPath": "Color", "Values": [{"Value": "red", "Count": 3}]}),
        )
        .unwrap(),
    ];
    mock.push_json(200, &ListPageWithFacets::new(MetaWithFacets::new(1, 2, 3, 2, facets.clone()), vec![1u32, 2]))
        .push_error(TransportError::from_kind(TransportErrorKind::Io))
        .push_json(200, &ListPageWithFacets::new(MetaWithFacets::new(2, 2, 3, 2, facets), vec![3u32]));
    let client = client(&mock);
    let mut pages = client.call(&LIST).listing_with_facets::<u32>().pages();
    let first = pages.next_page().await.unwrap().unwrap();
    assert_eq!(first.meta.facets[0].values[0].count, 3);
    let plain: ListPage<u32> = first.into();
    assert_eq!(plain.items, [1, 2]);
    assert!(matches!(pages.next_page().await, Err(Error::Transport(_))));
    assert_eq!(pages.next_page().await.unwrap().unwrap().items, [3]);
    assert!(pages.next_page().await.unwrap().is_none());
    mock.assert_all_used();

    mock.push_json(200, &ListPageWithFacets::new(MetaWithFacets::new(1, 2, 3, 2, vec![]), vec![1u32, 2]))
        .push_error(TransportError::from_kind(TransportErrorKind::Io))
        .push_json(200, &ListPageWithFacets::new(MetaWithFacets::new(2, 2, 3, 2, vec![]), vec![3u32]));
    let mut items = client.call(&LIST).listing_with_facets::<u32>().items();
    let mut seen = Vec::new();
    while let Some(item) = items.next().await {
        seen.push(item.map_err(|error| error.is_retryable()));
    }
    assert_eq!(seen, [Ok(1), Ok(2), Err(false), Ok(3)], "a failed page is one error, then asked for again");
}

#[tokio::test]
async fn typed_filters_reach_the_wire_or_are_refused_before_sending() {
    let mock = MockTransport::new();
    mock.push_json(200, &page(1, 1, &[]));
    let options = ListOptions::new()
        .page(1)
        .filter_with(Filter::eq("Active", false))
        .filter_with(Filter::eq("Quantity", 0))
        .filter_with(Filter::ge("DateCreated", "2026-01-01T00:00:00Z"))
        .filter_with(Filter::lt("DateCreated", "2026-02-01T00:00:00Z"))
        .filter_with(Filter::any_of("xp.Color", ["red", "blue"]));
    let client = client(&mock);
    client.call(&LIST).listing::<u32>().options(&options).send().await.unwrap();
    let pairs = mock.requests()[0].query_pairs();
    let expected = [
        ("Active", "false"),
        ("Quantity", "0"),
        ("DateCreated", "!<2026-01-01T00:00:00Z"),
        ("DateCreated", "<2026-02-01T00:00:00Z"),
        ("xp.Color", "red|blue"),
        ("page", "1"),
    ];
    assert_eq!(pairs, expected.map(|(name, value)| (name.to_owned(), value.to_owned())));

    let refused = ListOptions::new().filter_with(Filter::eq("xp.Code", "A*B"));
    let error = client.call(&LIST).listing::<u32>().options(&refused).send().await.unwrap_err();
    assert!(error.is_invalid_request(), "{error}");
    assert!(error.to_string().contains("the filter on xp.Code cannot be sent"), "{error}");
    assert_eq!(mock.requests().len(), 1, "nothing sent for a filter that cannot be written");
}

/// A model with a read-only field.
#[derive(Serialize, Deserialize, Default, Debug, PartialEq)]
struct Product {
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(rename = "Name", default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(rename = "DateCreated", default, skip_serializing_if = "ordercloud_models::skip_read_only")]
    date_created: Option<String>,
}

#[tokio::test]
async fn bodies_leave_read_only_fields_out_and_required_ones_are_checked() {
    let mock = MockTransport::new();
    mock.push_json(201, &json!({"ID": "p1", "Name": "Bike", "DateCreated": "2026-12-03"}));
    let client = client(&mock);
    let stored = Product { id: Some("p1".into()), name: Some("Bike".into()), date_created: Some("2026-12-03".into()) };
    let created: Product = client.call(&CREATE).json_requiring(&stored, &["Name"]).returning().send().await.unwrap();
    assert_eq!(created, stored, "a read-only field is read");
    assert_eq!(mock.requests()[0].body_json::<serde_json::Value>().unwrap(), json!({"ID": "p1", "Name": "Bike"}));
    assert!(serde_json::to_string(&stored).unwrap().contains("DateCreated"), "and kept when stored");

    for body in [json!({"ID": "p2"}), json!({"ID": "p2", "Name": null}), json!([1]), json!("Name")] {
        let error =
            client.call(&CREATE).json_requiring(&body, &["Name"]).returning::<Product>().send().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid request, nothing was sent: the body of Products.Create needs Name",
            "{body}"
        );
    }
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn typed_calls_read_their_answer_or_ignore_it() {
    let mock = MockTransport::new();
    mock.push_status(200, r#"{"unexpected": true}"#)
        .push_status(204, "")
        .push_status(200, "not json for a product")
        .push_status(200, r#"{"ID": "p/1"}"#);
    let client = client(&mock);
    let deleted: () = client.call(&DELETE).path_param("p1").returning_nothing().send().await.unwrap();
    assert_eq!(deleted, (), "a 2xx body of an empty answer is ignored, never a false failure");
    client.call(&DELETE).path_param("p1").returning_nothing().send().await.unwrap();
    let error = client.call(&GET).path_param("p1").returning::<Product>().send().await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    let response =
        client.call(&GET).path_param("p/1").returning::<Product>().timeout(Duration::from_secs(1)).send_response();
    let response = response.await.unwrap();
    assert_eq!((response.status.as_u16(), response.body.id.as_deref()), (200, Some("p/1")));
    assert_eq!(mock.requests()[3].uri.path(), "/v1/products/p%2F1");

    const BAD: Operation = Operation { id: "Bad.Method", method: "G T", path: "/x", roles: &[] };
    let error = client.call(&BAD).returning_nothing().send().await.unwrap_err();
    assert!(error.is_invalid_request() && error.to_string().contains("Bad.Method"), "{error}");
}

operation_request! {
    /// A list with a query parameter of its own.
    pub struct ListProducts: list ListCall<u32> {
        /// `catalogID`.
        fn catalog_id(catalog_id: &str) => "catalogID";
        /// `depth`, a number here.
        fn depth(depth: u32) => "depth";
    }
}

operation_request! {
    /// A call with a query parameter of its own.
    pub struct DeletePriceBreak: call Call<()> {
        /// `quantity`.
        fn quantity(quantity: i32) => "quantity";
    }
}

#[tokio::test]
async fn operations_with_query_parameters_of_their_own() {
    let mock = MockTransport::new();
    mock.push_json(200, &page(1, 1, &[7])).push_status(204, "");
    let client = client(&mock);
    let request = ListProducts::from(client.call(&LIST).listing()).catalog_id("c 1").depth(0);
    let items = request.options(&ListOptions::new().page_size(5)).pages().all_items().await.unwrap();
    assert_eq!(items, [7]);
    DeletePriceBreak::from(client.call(&DELETE).path_param("p1").returning_nothing()).quantity(0).send().await.unwrap();
    let requests = mock.requests();
    assert_eq!(requests[0].uri.query(), Some("catalogID=c%201&depth=0&pageSize=5"));
    assert_eq!(requests[1].uri.query(), Some("quantity=0"));
}

#[tokio::test]
async fn every_call_is_a_future_and_shares_its_options() {
    let mock = MockTransport::new();
    mock.push_json(200, &json!({"ID": "p/1"}))
        .push_json(200, &page(1, 1, &[7]))
        .push_json(200, &page(1, 1, &[8]))
        .push_status(204, "")
        .push_api_error(404, "NotFound", "Product not found: gone");
    let client = client(&mock);
    let product: Product = client.call(&GET).path_param("p/1").returning().query("depth", 2).await.unwrap();
    assert_eq!(product.id.as_deref(), Some("p/1"));
    let first: ListPage<u32> = client.call(&LIST).listing().timeout(Duration::from_secs(3)).await.unwrap();
    assert_eq!(first.items, [7]);
    let own = ListProducts::from(client.call(&LIST).listing()).catalog_id("c1").bearer_token("t-1").await.unwrap();
    assert_eq!(own.items, [8]);
    DeletePriceBreak::from(client.call(&DELETE).path_param("p1").returning_nothing()).quantity(2).await.unwrap();
    let error = client.call(&GET).path_param("gone").returning::<Product>().await.unwrap_err();
    assert!(error.is_not_found() && !error.is_conflict() && !error.is_forbidden(), "{error}");
    let requests = mock.requests();
    assert_eq!(requests[0].uri.query(), Some("depth=2"));
    assert_eq!(requests[2].uri.query(), Some("catalogID=c1"));
    assert_eq!(requests[2].header("authorization"), Some("Bearer t-1"));
    assert_eq!(requests[3].uri.query(), Some("quantity=2"));
    // A future that can move to another task.
    fn sendable<F: std::future::IntoFuture<IntoFuture: Send + 'static>>(_: &F) {}
    sendable(&client.call(&GET).path_param("p").returning::<Product>());
    sendable(&client.call(&LIST).listing::<u32>());
}

#[tokio::test]
async fn each_api_crate_names_itself_between_the_sdk_and_the_application() {
    let mock = MockTransport::new();
    mock.push_status(204, "").push_status(204, "").push_status(204, "");
    let plain = ApiClient::builder().transport(mock.clone()).application_name("shop/2").build().unwrap();
    let catalogs = plain.for_api_crate("ordercloud-catalogs/0.1.0");
    let orders = catalogs.for_api_crate("ordercloud-orders/0.1.0");
    for client in [&plain, &catalogs, &orders] {
        client.call(&DELETE).path_param("p").returning_nothing().send().await.unwrap();
    }
    let agents: Vec<String> =
        mock.requests().iter().map(|request| request.header("user-agent").unwrap().to_owned()).collect();
    assert_eq!(
        agents,
        [
            format!("{USER_AGENT} shop/2"),
            format!("{USER_AGENT} ordercloud-catalogs/0.1.0 shop/2"),
            format!("{USER_AGENT} ordercloud-orders/0.1.0 shop/2"),
        ]
    );
}
