//! The example on each section crate's front page: a few calls a user of that section makes
//! first, offline on a mock so that `cargo test` runs it. Written here by hand, since no
//! description says what a good first example is.

/// The lines every example starts with (hidden in the docs): a mock answering `answers` in
/// turn, and a client on it with a token.
fn setup(answers: &[&str]) -> String {
    let mut out = String::from(
        "# #[tokio::main(flavor = \"current_thread\")]\n\
         # async fn main() -> Result<(), Box<dyn std::error::Error>> {\n\
         # let mock = ordercloud_transport::MockTransport::new();\n",
    );
    for answer in answers {
        out.push_str(&format!("# mock.push_status({answer});\n"));
    }
    out.push_str(
        "# let client = ApiClient::builder().transport(mock.clone()).access_token(\"a-token\").build()?;\n\
         // In production: a session's client, an integration's `Session::new` with client\n\
         // credentials or a shopper's `Session::from_login`.\n",
    );
    out
}

const END: &str = "# Ok(())\n# }\n";

/// The example of the section `suffix`.
pub(crate) fn example(suffix: &str) -> String {
    match suffix {
        "security" => format!(
            "use ordercloud_security::{{ApiClient, ListOptions, SecurityProfilesApi}};\n\
             use ordercloud_security::models::SecurityProfile;\n\n{}\
             let profiles = SecurityProfilesApi::new(client);\n\
             let shopper = SecurityProfile::new().with_id(\"shopper\").with_name(\"Shopper\");\n\
             profiles.create(&shopper).send().await?;\n\
             profiles.save_assignment(&ordercloud_security::models::SecurityProfileAssignment::new()\n\
             \x20   .with_security_profile_id(\"shopper\").with_buyer_id(\"b1\")).send().await?;\n\
             let page = profiles.list().options(&ListOptions::new().search(\"Shop\")).send().await?;\n\
             assert_eq!(page.items[0].id.as_deref(), Some(\"shopper\"));\n\
             # assert_eq!(mock.requests()[1].uri.path(), \"/v1/securityprofiles/assignments\");\n{END}",
            setup(&[
                r##"201, r#"{"ID":"shopper","Name":"Shopper"}"#"##,
                r##"204, """##,
                r##"200, r#"{"Meta":{"Page":1,"TotalPages":1},"Items":[{"ID":"shopper"}]}"#"##
            ])
        ),
        "seller" => format!(
            "use ordercloud_seller::{{ApiClient, WebhooksApi}};\n\
             use ordercloud_seller::models::{{Webhook, WebhookRoute}};\n\n{}\
             let webhooks = WebhooksApi::new(client);\n\
             let on_submit = WebhookRoute::new().with_route(\"v1/orders/{{direction}}/{{orderID}}/submit\").with_verb(\"POST\");\n\
             let webhook = Webhook::new().with_name(\"Order submitted\").with_url(\"https://middleware.example.com/order-submitted\")\n\
             \x20   .with_hash_key(\"the-key\").with_webhook_routes(vec![on_submit]).with_api_client_ids(vec![\"storefront\".to_owned()]);\n\
             let created = webhooks.create(&webhook).send().await?;\n\
             // The hash key is a secret: Debug never shows it.\n\
             assert!(!format!(\"{{created:?}}\").contains(\"the-key\"));\n\
             # assert_eq!(mock.requests()[0].uri.path(), \"/v1/webhooks\");\n{END}",
            setup(&[r##"201, r#"{"ID":"w1","Name":"Order submitted","HashKey":"the-key"}"#"##])
        ),
        "integrations" => format!(
            "use ordercloud_integrations::{{ApiClient, MessageSendersApi}};\n\
             use ordercloud_integrations::models::{{MessageSender, PartialMessageSender}};\n\n{}\
             let senders = MessageSendersApi::new(client);\n\
             let sender = senders.get(\"reset-emails\").send().await?;\n\
             assert_eq!(sender.delivery_config_id.as_deref(), Some(\"smtp\"));\n\
             // The shared key is a secret: Debug never shows it.\n\
             assert!(!format!(\"{{sender:?}}\").contains(\"the-key\"));\n\
             let renamed = senders.patch(\"reset-emails\", &PartialMessageSender::new().with_name(\"Reset emails\")).send().await?;\n\
             # let _: MessageSender = renamed;\n{END}",
            setup(&[
                r##"200, r#"{"ID":"reset-emails","DeliveryConfigID":"smtp","SharedKey":"the-key"}"#"##,
                r##"200, r#"{"ID":"reset-emails","Name":"Reset emails"}"#"##
            ])
        ),
        "buyers" => format!(
            "use ordercloud_buyers::{{ApiClient, Filter, ListOptions, UsersApi}};\n\
             use ordercloud_buyers::models::User;\n\n{}\
             let users = UsersApi::new(client);\n\
             let jane = User::new().with_id(\"jdoe\").with_username(\"jdoe\").with_first_name(\"Jane\")\n\
             \x20   .with_last_name(\"Doe\").with_email(\"jdoe@example.com\").with_active(true);\n\
             users.create(\"buyer-1\", &jane).send().await?;\n\
             // A body without a field the operation requires is refused before anything is sent.\n\
             let refused = users.create(\"buyer-1\", &User::new().with_username(\"nobody\")).send().await;\n\
             assert!(refused.unwrap_err().is_invalid_request());\n\
             let active = ListOptions::new().filter_with(Filter::eq(\"Active\", true));\n\
             let everyone = users.list(\"buyer-1\").options(&active).pages().all_items().await?;\n\
             assert_eq!(everyone.len(), 1);\n\
             # assert_eq!(mock.requests().len(), 2);\n{END}",
            setup(&[
                r##"201, r#"{"ID":"jdoe","Username":"jdoe"}"#"##,
                r##"200, r#"{"Meta":{"Page":1,"TotalPages":1},"Items":[{"ID":"jdoe"}]}"#"##
            ])
        ),
        "suppliers" => format!(
            "use ordercloud_suppliers::{{ApiClient, SuppliersApi}};\n\
             use ordercloud_suppliers::models::Supplier;\n\n{}\
             let suppliers = SuppliersApi::new(client);\n\
             let acme = suppliers.create(&Supplier::new().with_id(\"acme\").with_name(\"Acme\").with_active(true)).send().await?;\n\
             assert_eq!(acme.name.as_deref(), Some(\"Acme\"));\n\
             suppliers.delete(\"acme\").send().await?;\n\
             # assert_eq!(mock.requests()[1].method, ordercloud_transport::http::Method::DELETE);\n{END}",
            setup(&[r##"201, r#"{"ID":"acme","Name":"Acme","Active":true}"#"##, r##"204, """##])
        ),
        "catalogs" => format!(
            "use ordercloud_catalogs::{{ApiClient, Filter, ListOptions, ProductsApi}};\n\
             use ordercloud_catalogs::models::{{PartialProduct, Product}};\n\n{}\
             let products = ProductsApi::new(client);\n\
             products.create(&Product::new().with_id(\"bike\").with_name(\"Bike\").with_active(true)).send().await?;\n\
             // PATCH: set the name, clear the description, leave the rest as it is.\n\
             products.patch(\"bike\", &PartialProduct::new().with_name(\"Bike 2\").clear_description()).send().await?;\n\
             // Every active product of a catalog, page after page, as a stream.\n\
             let options = ListOptions::new().page_size(100).filter_with(Filter::eq(\"Active\", true));\n\
             let mut items = products.list().catalog_id(\"summer\").options(&options).items();\n\
             while let Some(product) = items.next().await {{\n\
             \x20   println!(\"{{:?}}\", product?.name);\n\
             }}\n\
             # assert_eq!(mock.requests()[1].body_json::<serde_json::Value>()?, serde_json::json!({{\"Name\": \"Bike 2\", \"Description\": null}}));\n{END}",
            setup(&[
                r##"201, r#"{"ID":"bike","Name":"Bike"}"#"##,
                r##"200, r#"{"ID":"bike","Name":"Bike 2"}"#"##,
                r##"200, r#"{"Meta":{"Page":1,"TotalPages":1,"Facets":[]},"Items":[{"ID":"bike","Name":"Bike 2"}]}"#"##
            ])
        ),
        "orders" => format!(
            "use ordercloud_orders::{{ApiClient, CartApi}};\n\
             use ordercloud_orders::models::{{LineItem, OrderStatus}};\n\n{}\
             // The Cart: the shopper's one unsubmitted order, made by its first line item.\n\
             let cart = CartApi::new(client);\n\
             cart.create_line_item(&LineItem::new().with_product_id(\"bike\").with_quantity(2)).send().await?;\n\
             let worksheet = cart.get_order_worksheet().send().await?;\n\
             assert_eq!(worksheet.line_items.map_or(0, |lines| lines.len()), 1);\n\
             let submitted = cart.submit().send().await?;\n\
             assert_eq!(submitted.status, Some(OrderStatus::Open));\n\
             # assert_eq!(mock.requests()[2].uri.path(), \"/v1/cart/submit\");\n{END}",
            setup(&[
                r##"201, r#"{"ID":"l-1","ProductID":"bike","Quantity":2}"#"##,
                r##"200, r#"{"Order":{"ID":"o-1"},"LineItems":[{"ID":"l-1"}]}"#"##,
                r##"201, r#"{"ID":"o-1","Status":"Open"}"#"##
            ])
        ),
        "me" => format!(
            "use ordercloud_me::{{ApiClient, ListOptions, MeApi}};\n\n{}\
             let me = MeApi::new(client);\n\
             let user = me.get().send().await?;\n\
             assert_eq!(user.username.as_deref(), Some(\"jdoe\"));\n\
             let products = me.list_products().catalog_id(\"summer\").options(&ListOptions::new().search(\"bike\")).send().await?;\n\
             assert_eq!(products.meta.facets.len(), 1);\n{END}",
            setup(&[
                r##"200, r#"{"ID":"jdoe","Username":"jdoe"}"#"##,
                r##"200, r#"{"Meta":{"Page":1,"TotalPages":1,"Facets":[{"Name":"Color","XpPath":"Color","Values":[]}]},"Items":[]}"#"##
            ])
        ),
        _ => format!("use ordercloud_{suffix}::ApiClient;\n\n{}let _ = client;\n{END}", setup(&[])),
    }
}
