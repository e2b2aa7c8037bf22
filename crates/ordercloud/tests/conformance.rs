//! Every operation of today's API description (`spec/ordercloud-today.json`) is in exactly
//! one `OPERATIONS` table, with the same method, path and roles; every table's entry is in
//! the description, but for the token endpoint; and every operation of OrderCloud's 2022
//! description is still there, by method and path.

use std::collections::BTreeMap;

use ordercloud_transport::Operation;
use serde_json::Value;

/// Operations the description lacks: the token endpoint, which the official SDKs write by
/// hand.
const NOT_IN_THE_DESCRIPTION: &[&str] = &["Auth.Token"];

fn tables() -> Vec<(&'static str, &'static [Operation])> {
    vec![
        ("ordercloud-security", ordercloud_security::OPERATIONS),
        ("ordercloud-seller", ordercloud_seller::OPERATIONS),
        ("ordercloud-buyers", ordercloud_buyers::OPERATIONS),
        ("ordercloud-suppliers", ordercloud_suppliers::OPERATIONS),
        ("ordercloud-catalogs", ordercloud_catalogs::OPERATIONS),
        ("ordercloud-orders", ordercloud_orders::OPERATIONS),
        ("ordercloud-me", ordercloud_me::OPERATIONS),
        ("ordercloud-integrations", ordercloud_integrations::OPERATIONS),
        ("ordercloud-password-reset", ordercloud_password_reset::OPERATIONS),
        ("ordercloud-auth", ordercloud_auth::OPERATIONS),
    ]
}

/// `(method, path, roles)` of each operation of a description in `spec/`, by ID.
fn described_in(file: &str) -> BTreeMap<String, (String, String, Vec<String>)> {
    let path = format!("{}/../../spec/{file}", env!("CARGO_MANIFEST_DIR"));
    let description: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut operations = BTreeMap::new();
    for (path, item) in description["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let roles = operation["security"][0]["OAuth2"].as_array().unwrap();
            let roles = roles.iter().map(|role| role.as_str().unwrap().to_owned()).collect();
            let path = if path.starts_with('/') { path.clone() } else { format!("/{path}") };
            let id = operation["operationId"].as_str().unwrap().to_owned();
            let previous = operations.insert(id.clone(), (method.to_uppercase(), path, roles));
            assert!(previous.is_none(), "{id} is described twice");
        }
    }
    operations
}

fn described() -> BTreeMap<String, (String, String, Vec<String>)> {
    described_in("ordercloud-today.json")
}

#[test]
fn every_described_operation_is_in_exactly_one_table_as_described() {
    let described = described();
    assert_eq!(described.len(), 618, "today's description has 618 operations (617 of the SDKs, and Certs)");
    let tables = tables();
    for (id, (method, path, roles)) in &described {
        let holders: Vec<(&str, &Operation)> = tables
            .iter()
            .flat_map(|(name, table)| table.iter().map(move |operation| (*name, operation)))
            .filter(|(_, operation)| operation.id == id)
            .collect();
        assert_eq!(
            holders.len(),
            1,
            "{id} is in {} tables: {:?}",
            holders.len(),
            holders.iter().map(|h| h.0).collect::<Vec<_>>()
        );
        let (crate_name, operation) = holders[0];
        assert_eq!(operation.method, method, "{id} in {crate_name}");
        assert_eq!(operation.path, path, "{id} in {crate_name}");
        assert_eq!(operation.roles, roles.as_slice(), "{id} in {crate_name}");
    }
}

#[test]
fn every_table_entry_is_described_or_known_to_be_newer() {
    let described = described();
    let mut total = 0;
    for (crate_name, table) in tables() {
        for operation in table {
            total += 1;
            assert!(
                described.contains_key(operation.id) || NOT_IN_THE_DESCRIPTION.contains(&operation.id),
                "{crate_name} lists {}, which the description lacks",
                operation.id
            );
            assert!(operation.path.starts_with('/'), "{}: {}", operation.id, operation.path);
            assert_eq!(
                operation.path_parameters().count(),
                operation.path.matches('{').count(),
                "{}: every parameter is closed",
                operation.id
            );
        }
    }
    assert_eq!(total, described.len() + NOT_IN_THE_DESCRIPTION.len());
}

/// A path with its parameters' names left out: `/products/{}`.
fn shape(path: &str) -> Vec<&str> {
    path.split('/').map(|part| if part.starts_with('{') { "{}" } else { part }).collect()
}

#[test]
fn every_operation_of_2022_is_still_there() {
    let today: Vec<(String, String)> = tables()
        .iter()
        .flat_map(|(_, table)| table.iter())
        .map(|operation| (operation.method.to_owned(), operation.path.to_owned()))
        .collect();
    let of_2022 = described_in("ordercloud-openapi.json");
    assert_eq!(of_2022.len(), 402);
    for (id, (method, path, _)) in of_2022 {
        assert!(
            today.iter().any(|(m, p)| *m == method && shape(p) == shape(&path)),
            "{id} ({method} {path}) of 2022 is in no table"
        );
    }
}
