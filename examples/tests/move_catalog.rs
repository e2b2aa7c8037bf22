//! The `move_catalog` example's export and import, between two simulators: every product of
//! the catalog written once, in order, and saved in the other marketplace as it was; a line
//! that is not a product is a failure kept with its text, and the rest still move.
//!
//! Products are compared as a save sends them: `DateCreated` is read-only and set by each
//! marketplace when the product is first saved there, so it is checked apart.

use ordercloud::catalogs::ProductsApi;
use ordercloud::catalogs::models::Product;
use ordercloud::{ApiClient, ListOptions};
use ordercloud_examples::catalog_move::{CATALOG, back_office, count, export, import, marketplaces};
use ordercloud_models::to_request_body;

async fn catalog(client: &ApiClient) -> Vec<Product> {
    let products = ProductsApi::new(client.clone()).list().catalog_id(CATALOG);
    products.options(&ListOptions::new().page_size(100)).pages().all_items().await.unwrap()
}

/// Each product's body as a save sends it: every writable field, known or not.
fn as_saved(products: &[Product]) -> Vec<String> {
    products.iter().map(|product| String::from_utf8(to_request_body(product).unwrap()).unwrap()).collect()
}

#[tokio::test]
async fn a_catalog_moves_through_json_lines_and_a_bad_line_is_kept_with_its_text() {
    let (first, second) = marketplaces(450).await.unwrap();
    let (from, to) = (back_office(&first).unwrap(), back_office(&second).unwrap());

    let mut file = Vec::new();
    let mut shown = Vec::new();
    let exported = export(&from, CATALOG, &mut file, |written, total| shown.push((written, total))).await.unwrap();
    assert_eq!(exported, 450);
    assert_eq!(shown.last(), Some(&(450, 450)));
    let text = String::from_utf8(file).unwrap();
    let ids: Vec<String> =
        text.lines().map(|line| serde_json::from_str::<Product>(line).unwrap().id.unwrap()).collect();
    assert_eq!(
        ids,
        (0..450).map(|n| format!("SUMMER-{n:05}")).collect::<Vec<_>>(),
        "the catalog's products only, once"
    );

    let input = format!("{text}not a product\n");
    let mut steps = Vec::new();
    let report = import(&to, CATALOG, input.as_bytes(), |step| steps.push(step)).await.unwrap();
    assert_eq!(report.succeeded.len(), 450);
    assert_eq!(report.failed.len(), 1);
    let failure = &report.failed[0];
    assert_eq!((failure.index, failure.input.as_ref().unwrap().as_str()), (450, "not a product"));
    assert!(failure.error.starts_with("not a product: "), "{}", failure.error);
    let last = steps.last().unwrap();
    assert_eq!((last.done, last.failed, last.remaining), (450, 1, 0));

    // The other marketplace's catalog holds the same products, field for field.
    assert_eq!(count(&to, CATALOG).await.unwrap(), 450);
    let (moved, original) = (catalog(&to).await, catalog(&from).await);
    assert_eq!(as_saved(&moved), as_saved(&original));
    assert!(moved.iter().all(|product| product.date_created.is_some()), "set by the other marketplace");
    assert_eq!(moved[1].xp.as_ref().unwrap().to_value()["Color"], "Blue");

    // Moving it again changes nothing: each save is a PUT.
    let again = import(&to, CATALOG, text.as_bytes(), |_| {}).await.unwrap();
    assert_eq!((again.succeeded.len(), again.failed.len()), (450, 0));
    let again = catalog(&to).await;
    assert_eq!(as_saved(&again), as_saved(&original));
    let created = |products: &[Product]| products.iter().map(|p| p.date_created.clone()).collect::<Vec<_>>();
    assert_eq!(created(&again), created(&moved), "a PUT of an existing product keeps its DateCreated");
}
