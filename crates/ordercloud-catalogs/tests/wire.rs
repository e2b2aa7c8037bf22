//! Generated calls on the wire, one of each shape: lists with options and typed filters,
//! facets walked as a stream, an ID that needs encoding, a required field missing, a save,
//! a three-state PATCH and a DELETE answered 204.

use ordercloud_catalogs::models::{PartialInventory, PartialProduct, Product};
use ordercloud_catalogs::{ApiClient, CategoriesApi, Filter, ListOptions, ProductsApi, ProductsListSort};
use ordercloud_transport::MockTransport;
use ordercloud_transport::http::Method;
use serde_json::{Value, json};

fn products(mock: &MockTransport) -> ProductsApi {
    ProductsApi::new(ApiClient::builder().transport(mock.clone()).access_token("t").build().unwrap())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect()
}

#[tokio::test]
async fn a_list_sends_its_options_typed_filters_and_own_parameters_never_dropping_false_or_0() {
    let mock = MockTransport::new();
    mock.push_status(
        200,
        r#"{"Meta":{"Page":1,"PageSize":100,"TotalCount":1,"TotalPages":1,"Facets":[]},"Items":[{"ID":"p1"}]}"#,
    );
    let options = ListOptions::new()
        .page(1)
        .page_size(100)
        .search("road bike")
        .search_on(["Name", "Description"])
        .sort_by(["!Name"])
        .filter_with(Filter::eq("Active", false))
        .filter_with(Filter::eq("xp.Stock", 0))
        .filter_with(Filter::ge("xp.Price", 10))
        .filter_with(Filter::any_of("xp.Color", ["red", "blue"]));
    let page = products(&mock).list().catalog_id("summer sale").options(&options).send().await.unwrap();
    assert_eq!(page.items[0].id.as_deref(), Some("p1"));
    let request = &mock.requests()[0];
    assert_eq!((request.method.clone(), request.uri.path()), (Method::GET, "/v1/products"));
    assert_eq!(
        request.query_pairs(),
        pairs(&[
            ("catalogID", "summer sale"),
            ("pageSize", "100"),
            ("search", "road bike"),
            ("searchOn", "Name,Description"),
            ("sortBy", "!Name"),
            ("Active", "false"),
            ("xp.Stock", "0"),
            ("xp.Price", "!<10"),
            ("xp.Color", "red|blue"),
            ("page", "1"),
        ])
    );
    assert!(
        request.header("user-agent").unwrap().contains(concat!(" ordercloud-catalogs/", env!("CARGO_PKG_VERSION")))
    );
}

#[tokio::test]
async fn a_list_with_facets_is_walked_as_a_stream_keeping_each_pages_facets() {
    let mock = MockTransport::new();
    let facets =
        r#"[{"Name":"Color","XpPath":"Color","Values":[{"Value":"red","Count":2},{"Value":"blue","Count":1}]}]"#;
    mock.push_status(
        200,
        format!(r#"{{"Meta":{{"Page":1,"TotalPages":2,"Facets":{facets}}},"Items":[{{"ID":"a"}},{{"ID":"b"}}]}}"#),
    )
    .push_status(200, format!(r#"{{"Meta":{{"Page":2,"TotalPages":2,"Facets":{facets}}},"Items":[{{"ID":"c"}}]}}"#));
    let api = products(&mock);
    let mut pages = api.list().options(&ListOptions::new().page_size(2)).pages();
    let first = pages.next_page().await.unwrap().unwrap();
    assert_eq!(first.meta.facets[0].values[1].count, 1);
    let second = pages.next_page().await.unwrap().unwrap();
    assert_eq!((second.meta.page, second.items.len()), (2, 1));
    assert!(pages.next_page().await.unwrap().is_none());

    mock.push_status(
        200,
        format!(r#"{{"Meta":{{"Page":1,"TotalPages":2,"Facets":{facets}}},"Items":[{{"ID":"a"}},{{"ID":"b"}}]}}"#),
    )
    .push_status(200, format!(r#"{{"Meta":{{"Page":2,"TotalPages":2,"Facets":{facets}}},"Items":[{{"ID":"c"}}]}}"#));
    let mut items = api.list().options(&ListOptions::new().page_size(2)).items();
    let mut ids = Vec::new();
    while let Some(product) = items.next().await {
        ids.extend(product.unwrap().id);
    }
    assert_eq!(ids, ["a", "b", "c"]);
    let requests = mock.requests();
    assert_eq!(requests[3].uri.query(), Some("pageSize=2&page=2"));
}

#[tokio::test]
async fn an_id_is_one_path_segment_whatever_it_holds() {
    let mock = MockTransport::new();
    mock.push_status(200, r#"{"ID":"p/1 ?#%","Name":"Odd"}"#);
    let product = products(&mock).get("p/1 ?#%").send().await.unwrap();
    assert_eq!(product.name.as_deref(), Some("Odd"));
    assert_eq!(mock.requests()[0].uri.path(), "/v1/products/p%2F1%20%3F%23%25");
    let error = products(&mock).get("..").send().await.unwrap_err();
    assert!(error.is_invalid_request(), "{error}");
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn a_create_missing_a_required_field_sends_nothing_and_a_save_replaces() {
    let mock = MockTransport::new();
    let error = products(&mock).create(&Product::new().with_id("p1")).send().await.unwrap_err();
    assert_eq!(error.to_string(), "invalid request, nothing was sent: the body of Products.Create needs Name");
    assert!(mock.requests().is_empty());

    mock.push_status(200, r#"{"ID":"p1","Name":"Bike","SpecCount":3}"#);
    let stored: Product = serde_json::from_value(json!({"ID": "p1", "Name": "Bike", "SpecCount": 3})).unwrap();
    let saved = products(&mock).save("p1", &stored.with_active(true)).send().await.unwrap();
    assert_eq!(saved.spec_count, Some(3));
    let request = &mock.requests()[0];
    assert_eq!((request.method.clone(), request.uri.path()), (Method::PUT, "/v1/products/p1"));
    assert_eq!(
        request.body_json::<Value>().unwrap(),
        json!({"ID": "p1", "Name": "Bike", "Active": true}),
        "read-only SpecCount not sent"
    );
}

#[tokio::test]
async fn a_patch_sends_a_value_a_null_and_leaves_the_rest_out() {
    let mock = MockTransport::new();
    mock.push_status(200, r#"{"ID":"p1","Name":"Bike 2"}"#);
    let patch = PartialProduct::new()
        .with_name("Bike 2")
        .clear_description()
        .with_inventory(PartialInventory::new().with_quantity_available(0).clear_notification_point());
    products(&mock).patch("p1", &patch).send().await.unwrap();
    let request = &mock.requests()[0];
    assert_eq!(request.method, Method::PATCH);
    assert_eq!(
        request.body_json::<Value>().unwrap(),
        json!({"Name": "Bike 2", "Description": null, "Inventory": {"QuantityAvailable": 0, "NotificationPoint": null}})
    );
}

#[tokio::test]
async fn a_delete_answered_204_is_unit_and_an_assignment_list_sends_its_own_parameters() {
    let mock = MockTransport::new();
    mock.push_status(204, "");
    let deleted: () = products(&mock).delete("p1").send().await.unwrap();
    assert_eq!(deleted, ());
    mock.push_status(200, r#"{"Meta":{"Page":1,"TotalPages":1},"Items":[]}"#);
    let categories = CategoriesApi::new(ApiClient::builder().transport(mock.clone()).build().unwrap());
    let page = categories
        .list_assignments("summer")
        .category_id("bikes")
        .buyer_id("b1")
        .level(ordercloud_catalogs::models::PartyType::Company)
        .send()
        .await
        .unwrap();
    assert!(page.items.is_empty());
    let requests = mock.requests();
    assert_eq!((requests[0].method.clone(), requests[0].uri.path()), (Method::DELETE, "/v1/products/p1"));
    assert_eq!(requests[1].uri.path(), "/v1/catalogs/summer/categories/assignments");
    assert_eq!(requests[1].query_pairs(), pairs(&[("categoryID", "bikes"), ("buyerID", "b1"), ("level", "Company")]));
}

#[tokio::test]
async fn a_get_then_a_put_sends_back_every_field_and_every_digit() {
    let mock = MockTransport::new();
    // OrderCloud may send fields the models do not know yet, at the top and nested.
    let sent = r#"{"ID":"shirt-red","Name":"Shirt","ShipWeight":1234567890.123456789,"ShipHeight":19.990,
        "Inventory":{"Enabled":true,"NotificationPoint":5,"LastUpdated":"2026-12-01T08:00:00+00:00","Reserved":3},
        "ParentID":"shirt","IsParent":false,"IsBundle":false,"Seo":{"Slug":"red-shirt"}}"#;
    mock.push_status(200, sent);
    mock.push_status(200, sent);
    let api = products(&mock);
    let mut product = api.get("shirt-red").send().await.unwrap();
    assert_eq!(product.parent_id.as_deref(), Some("shirt"));
    assert_eq!(product.other_fields.get("Seo"), Some(r#"{"Slug":"red-shirt"}"#));
    product.name = Some("Red shirt".into());
    api.save("shirt-red", &product).send().await.unwrap();
    let body = std::str::from_utf8(&mock.requests()[1].body).unwrap().to_owned();
    assert_eq!(
        body,
        r#"{"ID":"shirt-red","Name":"Red shirt","ShipWeight":1234567890.123456789,"ShipHeight":19.990,"Inventory":{"Enabled":true,"NotificationPoint":5,"Reserved":3},"ParentID":"shirt","IsParent":false,"Seo":{"Slug":"red-shirt"}}"#,
        "the variant family, unknown fields and every digit survive; read-only LastUpdated and IsBundle are not sent"
    );
}

#[tokio::test]
async fn a_list_option_the_operation_does_not_take_sends_nothing() {
    let mock = MockTransport::new();
    let api = products(&mock);
    let refused = |options: ListOptions| {
        let api = api.clone();
        async move { api.list().options(&options).send().await.unwrap_err().to_string() }
    };
    let paged = ListOptions::new().page(2).filter_with(Filter::eq("page", 7));
    assert!(refused(paged).await.contains("the filter on page"));
    let own = ListOptions::new().filter("CatalogID", "summer");
    assert!(refused(own).await.contains("the operation's query parameter"));
    let typo = ListOptions::new().filter("Nmae", "Bike*");
    assert!(refused(typo).await.contains("no such property"));
    let sort = ListOptions::new().sort_by(["!Price"]);
    assert!(refused(sort).await.ends_with("the list cannot be sorted by Price: it sorts by OwnerID, Name, ID"));
    assert!(mock.requests().is_empty());

    // xp paths, nested properties and typed sorts go.
    mock.push_status(200, r#"{"Meta":{"Page":1,"TotalPages":1,"Facets":[]},"Items":[]}"#);
    let fine = ListOptions::new()
        .filter("xp.Colour", "red")
        .filter("Inventory.QuantityAvailable", ">0")
        .sort_by([ProductsListSort::Name.descending(), ProductsListSort::Id.ascending()]);
    api.list().options(&fine).send().await.unwrap();
    assert_eq!(
        mock.requests()[0].query_pairs(),
        pairs(&[("sortBy", "!Name,ID"), ("xp.Colour", "red"), ("Inventory.QuantityAvailable", ">0")])
    );
}
