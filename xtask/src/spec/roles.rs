//! The roles table (`spec/roles.json`): the roles OrderCloud's API reference lists for each
//! operation, and the page each came from. Neither SDK carries roles.

use std::collections::BTreeMap;

use crate::json::Json;

#[derive(Debug, Default, PartialEq)]
pub(crate) struct Roles {
    /// Whether a table was read at all.
    pub(crate) present: bool,
    /// By operation (`Cart.CreateLineItem`): the roles and the page they came from.
    pub(crate) operations: BTreeMap<String, (Vec<String>, String)>,
    /// Operations the table says it found no roles for.
    pub(crate) not_found: Vec<String>,
}

impl Roles {
    /// Reads a table: `{"operations": {"<Op>": {"roles": [..], "page": ".."}}, "not_found": [..]}`,
    /// or the operations at the top level.
    pub(crate) fn parse(table: &Json) -> Result<Self, String> {
        let operations = table.get("operations").unwrap_or(table);
        let mut out = Roles { present: true, ..Roles::default() };
        for (id, entry) in operations.members() {
            let Some(roles) = entry.get("roles") else { continue };
            let roles: Option<Vec<String>> =
                roles.as_array().iter().map(|role| role.as_str().map(str::to_owned)).collect();
            let roles = roles.ok_or_else(|| format!("roles table: {id}: roles that are not text"))?;
            out.operations.insert(id.clone(), (roles, entry.text("page").to_owned()));
        }
        for id in table.get("not_found").map(Json::as_array).unwrap_or(&[]) {
            out.not_found.extend(id.as_str().map(str::to_owned));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_shapes() {
        let nested = crate::json::parse(
            r#"{"source": "x", "operations": {"Cart.Get": {"page": "https://p", "roles": ["Shopper"]}}, "not_found": ["Cart.Save"]}"#,
        )
        .unwrap();
        let roles = Roles::parse(&nested).unwrap();
        assert_eq!(roles.operations["Cart.Get"], (vec!["Shopper".to_owned()], "https://p".to_owned()));
        assert_eq!(roles.not_found, ["Cart.Save"]);
        let flat = crate::json::parse(r#"{"Cart.Get": {"roles": [], "page": "p"}}"#).unwrap();
        assert_eq!(Roles::parse(&flat).unwrap().operations["Cart.Get"].0, Vec::<String>::new());
        let bad = crate::json::parse(r#"{"Cart.Get": {"roles": [1]}}"#).unwrap();
        assert!(Roles::parse(&bad).is_err());
    }
}
