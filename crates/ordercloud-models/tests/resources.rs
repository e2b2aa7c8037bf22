//! The generated models against realistic OrderCloud JSON, one of each section: every known
//! field read, unknown fields kept, the JSON written back as it came (unknown fields
//! included), and read-only fields left out of a request body while unknown ones are sent.
#![cfg(feature = "resources")]

use ordercloud_models::resources::{ApiClient, MeUser, Order, OrderStatus, Product, SecurityProfile, Supplier, User};
use ordercloud_models::{decimal, to_request_body};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// `sample` read as `T` and written back equals `sample`; `T` as a request body lacks the
/// `read_only` members, nested ones included, and holds the `unknown` ones. Returns the
/// model.
fn round_trip<T: DeserializeOwned + Serialize>(sample: Value, unknown: &[&str], read_only: &[&str]) -> T {
    let model: T = serde_json::from_str(&sample.to_string()).expect("a realistic sample reads");
    let mut known = sample;
    assert_eq!(serde_json::to_value(&model).unwrap(), known, "written back as read");
    let body: Value = serde_json::from_slice(&to_request_body(&model).unwrap()).unwrap();
    // A read-only field is named by its path: `Inventory.LastUpdated` is nested.
    for path in read_only {
        let (parents, name) = path.rsplit_once('.').map_or(("", *path), |(parents, name)| (parents, name));
        let pointer: String =
            parents.split('.').filter(|part| !part.is_empty()).map(|part| format!("/{part}")).collect();
        assert!(known.pointer(&pointer).and_then(|object| object.get(name)).is_some(), "the sample has {path}");
        assert!(
            body.pointer(&pointer).is_none_or(|object| object.get(name).is_none()),
            "the read-only {path} is never sent"
        );
        known.pointer_mut(&pointer).unwrap().as_object_mut().unwrap().remove(name);
    }
    assert_eq!(body, known, "a request body is the rest");
    for name in unknown {
        assert!(body.get(*name).is_some(), "the unknown {name} is sent back");
    }
    model
}

#[test]
fn catalogs_product() {
    let product: Product = round_trip(
        json!({
            "OwnerID": "seller", "DefaultPriceScheduleID": "retail", "AutoForward": false, "ID": "bike-1",
            "Name": "Road bike", "Description": "Light, fast.", "QuantityMultiplier": 1, "ShipWeight": 9.5,
            "ShipHeight": 1.1, "ShipWidth": 0.25, "ShipLength": 1.8, "Active": true, "SpecCount": 2,
            "VariantCount": 6, "ShipFromAddressID": "warehouse",
            "Inventory": {"Enabled": true, "NotificationPoint": 3, "VariantLevelTracking": true,
                          "OrderCanExceed": false, "QuantityAvailable": 40, "LastUpdated": "2026-12-01T08:00:00+00:00"},
            "DefaultSupplierID": "acme", "AllSuppliersCanSell": false, "Returnable": true,
            "xp": {"Color": "red", "Sizes": ["S", "M"], "Price": 1299.99},
            "BrandNewField": {"nested": [1, 2]}
        }),
        &["BrandNewField"],
        &["SpecCount", "VariantCount", "Inventory.LastUpdated"],
    );
    assert_eq!(product.ship_weight, Some(decimal!(9.5)));
    assert_eq!(product.other_fields.get("BrandNewField"), Some(r#"{"nested":[1,2]}"#));
    assert_eq!(product.inventory.and_then(|inventory| inventory.quantity_available), Some(40));
    assert_eq!(product.xp.unwrap().to_value()["Price"], 1299.99);
}

#[test]
fn orders_order() {
    let order: Order = round_trip(
        json!({
            "ID": "o-1001", "FromCompanyID": "buyer-1", "ToCompanyID": "seller", "FromUserID": "jdoe",
            "BillingAddressID": "home", "ShippingAddressID": "home", "Comments": "Leave at the door",
            "LineItemCount": 2, "Status": "Open", "DateCreated": "2026-12-01T08:00:00+00:00",
            "DateSubmitted": "2026-12-01T08:05:00+00:00", "Subtotal": 2599.98, "ShippingCost": 12.5,
            "TaxCost": 208.0, "PromotionDiscount": 0.0, "Currency": "USD", "Total": 2820.48, "IsSubmitted": true,
            "xp": {}, "Unheard": "of"
        }),
        &["Unheard"],
        &[
            "LineItemCount",
            "Status",
            "DateCreated",
            "DateSubmitted",
            "Subtotal",
            "PromotionDiscount",
            "Currency",
            "Total",
            "IsSubmitted",
        ],
    );
    assert_eq!(order.status, Some(OrderStatus::Open));
    assert_eq!(order.total, Some(decimal!(2820.48)), "money arrives exactly");
}

#[test]
fn buyers_user_hides_its_password() {
    let user: User = round_trip(
        json!({
            "ID": "jdoe", "Username": "jdoe", "Password": "S3cret-Passw0rd", "FirstName": "Jane", "LastName": "Doe",
            "Email": "jdoe@example.com", "Phone": "555-0100", "TermsAccepted": "2026-01-01T00:00:00+00:00",
            "Active": true, "xp": {"Tier": "gold"}, "AvailableRoles": ["Shopper", "MeAdmin"],
            "DateCreated": "2025-06-01T00:00:00+00:00", "Extra": null
        }),
        &["Extra"],
        &["AvailableRoles", "DateCreated"],
    );
    let shown = format!("{user:?}");
    assert!(!shown.contains("S3cret-Passw0rd") && shown.contains("jdoe"), "{shown}");
}

#[test]
fn seller_api_client_hides_its_secret() {
    let client: ApiClient = round_trip(
        json!({
            "ID": "storefront", "ClientSecret": "the-client-secret", "AccessTokenDuration": 600, "Active": true,
            "AppName": "Storefront", "RefreshTokenDuration": 10080, "DefaultContextUserName": "anon-template",
            "xp": {}, "AllowAnyBuyer": true, "AllowAnySupplier": false, "AllowSeller": false, "IsAnonBuyer": true,
            "AssignedBuyerCount": 1, "AssignedSupplierCount": 0, "MinimumRequiredRoles": ["Shopper"],
            "MaximumGrantedRoles": ["Shopper", "MeAdmin", "Something.New"], "Future": 1
        }),
        &["Future"],
        &["ID", "AssignedBuyerCount", "AssignedSupplierCount"],
    );
    assert!(!format!("{client:?}").contains("the-client-secret"));
    let roles = client.maximum_granted_roles.unwrap();
    assert_eq!(roles[2].as_str(), "Something.New", "an unknown role is kept");
}

#[test]
fn security_supplier_and_me() {
    let profile: SecurityProfile = round_trip(
        json!({"ID": "shopper", "Name": "Shopper", "Roles": ["Shopper", "MeAdmin"], "CustomRoles": ["Reviewer"],
               "PasswordConfig": {"LimitPasswordReuse": 5, "MinimumCharacterCount": 12, "UpperCaseRequired": true},
               "NewSetting": true}),
        &["NewSetting"],
        &[],
    );
    assert_eq!(profile.password_config.and_then(|config| config.minimum_character_count), Some(12));
    let supplier: Supplier = round_trip(
        json!({"ID": "acme", "Name": "Acme", "Active": true, "DateCreated": "2024-03-01T00:00:00+00:00",
               "AllBuyersCanOrder": false, "xp": {"Region": "EU"}, "Extra": []}),
        &["Extra"],
        &["DateCreated"],
    );
    assert_eq!(supplier.name.as_deref(), Some("Acme"));
    let me: MeUser = round_trip(
        json!({"Buyer": {"ID": "buyer-1", "DefaultCatalogID": "summer"}, "ID": "jdoe", "Username": "jdoe",
               "FirstName": "Jane", "Email": "jdoe@example.com", "Active": true, "xp": {},
               "AvailableRoles": ["Shopper"], "Unknown": {"a": 1}}),
        &["Unknown"],
        &["Buyer", "AvailableRoles"],
    );
    assert_eq!(me.buyer.and_then(|buyer| buyer.default_catalog_id).as_deref(), Some("summer"));
}
