//! The paths a user guesses: every model at `ordercloud::models::X`, the error types at the
//! top, each section's handles and models at `ordercloud::<section>::...`.

use ordercloud::models::{Decimal, Order, Product, decimal, xp};
use ordercloud::{ErrorCategory, ErrorCode};

#[test]
fn models_errors_and_sections_are_where_a_user_looks() {
    // The same type through the section and through `models`.
    let product: ordercloud::catalogs::models::Product =
        Product::new().with_name("Bike").with_xp(xp!({"Color": "red"}));
    let order: ordercloud::orders::models::Order = Order::new().with_comments("at the door");
    let price: Decimal = decimal!(19.99);
    assert_eq!(serde_json::to_string(&product).unwrap(), r#"{"Name":"Bike","xp":{"Color":"red"}}"#);
    assert_eq!(order.comments.as_deref(), Some("at the door"));
    assert_eq!(price.to_string(), "19.99");
    assert_eq!(ErrorCategory::NotFound.http_status(), 404);
    assert_eq!(ErrorCode::from("NotFound").as_str(), "NotFound");
    let _handle: fn(ordercloud::ApiClient) -> ordercloud::catalogs::ProductsApi =
        ordercloud::catalogs::ProductsApi::new;
}
