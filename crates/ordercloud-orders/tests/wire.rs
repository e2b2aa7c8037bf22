//! Generated actions on the wire: an enum in the path, a list's own parameters, a body
//! whose required fields are checked before sending.

use ordercloud_orders::models::{LineItem, OrderDirection, OrderStatus, SearchType};
use ordercloud_orders::{ApiClient, LineItemsApi, OrdersApi};
use ordercloud_transport::MockTransport;
use ordercloud_transport::http::Method;
use serde_json::{Value, json};

fn client(mock: &MockTransport) -> ApiClient {
    ApiClient::builder().transport(mock.clone()).access_token("t").build().unwrap()
}

#[tokio::test]
async fn submit_takes_its_direction_as_a_typed_path_segment() {
    let mock = MockTransport::new();
    mock.push_status(201, r#"{"ID":"o 1","Status":"Open","IsSubmitted":true}"#);
    let order = OrdersApi::new(client(&mock)).submit(OrderDirection::Outgoing, "o 1").send().await.unwrap();
    assert_eq!((order.status, order.is_submitted), (Some(OrderStatus::Open), Some(true)));
    let request = &mock.requests()[0];
    assert_eq!((request.method.clone(), request.uri.path()), (Method::POST, "/v1/orders/Outgoing/o%201/submit"));
    assert!(request.body.is_empty());
    // An unknown direction is sent as written, still one segment.
    mock.push_status(201, r#"{"ID":"o1"}"#);
    OrdersApi::new(client(&mock)).submit(OrderDirection::from("Sideways/x"), "o1").send().await.unwrap();
    assert_eq!(mock.requests()[1].uri.path(), "/v1/orders/Sideways%2Fx/o1/submit");
}

#[tokio::test]
async fn a_list_sends_its_own_parameters() {
    let mock = MockTransport::new();
    mock.push_status(200, r#"{"Meta":{"Page":1,"TotalPages":1},"Items":[{"ID":"o1","Total":12.5}]}"#);
    let page = OrdersApi::new(client(&mock))
        .list(OrderDirection::Incoming)
        .buyer_id("b1")
        .from("2026-12-01T00:00:00Z")
        .search_type(SearchType::ExactPhrase)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items[0].total, Some(ordercloud_models::decimal!(12.5)));
    assert_eq!(mock.requests()[0].uri.query(), Some("buyerID=b1&from=2026-12-01T00%3A00%3A00Z&searchType=ExactPhrase"));
}

#[tokio::test]
async fn a_line_item_needs_its_product() {
    let mock = MockTransport::new();
    let line_items = LineItemsApi::new(client(&mock));
    let error = line_items.create(OrderDirection::Outgoing, "o1", &LineItem::new().with_quantity(1)).send().await;
    assert!(error.unwrap_err().to_string().ends_with("the body of LineItems.Create needs ProductID"));
    assert!(mock.requests().is_empty(), "nothing sent");
    mock.push_status(201, r#"{"ID":"l1","ProductID":"bike","Quantity":0,"LineTotal":0}"#);
    let line =
        line_items.create(OrderDirection::Outgoing, "o1", &LineItem::new().with_product_id("bike").with_quantity(0));
    assert_eq!(line.send().await.unwrap().quantity, Some(0));
    assert_eq!(mock.requests()[0].body_json::<Value>().unwrap(), json!({"ProductID": "bike", "Quantity": 0}));
}

#[tokio::test]
async fn an_address_in_the_us_needs_its_state_and_zip() {
    use ordercloud_orders::models::Address;
    let mock = MockTransport::new();
    let orders = OrdersApi::new(client(&mock));
    let reno = Address::new().with_street1("1 Main St").with_city("Reno").with_country("US").with_zip("89501");
    let error = orders.set_shipping_address(OrderDirection::Outgoing, "o1", &reno).send().await.unwrap_err();
    assert!(error.to_string().ends_with("the body of Orders.SetShippingAddress needs State in US"), "{error}");
    assert!(mock.requests().is_empty());
    mock.push_status(200, r#"{"ID":"o1"}"#);
    let lyon = Address::new().with_street1("1 Rue de la République").with_city("Lyon").with_country("FR");
    orders.set_shipping_address(OrderDirection::Outgoing, "o1", &lyon).send().await.unwrap();
    assert_eq!(mock.requests().len(), 1);
}
