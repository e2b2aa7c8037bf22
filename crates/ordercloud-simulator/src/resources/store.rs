//! The in-memory store of resources: objects by collection and ID, and assignments by the
//! schema they are made of, each with the path's parameters that scope it.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::query::lookup;

/// Where a collection's objects live: the route's literal segments and the values of the
/// path parameters before them (`buyers/b1/users`), lower case.
pub(crate) type CollectionKey = String;

/// Every object and assignment the simulator holds.
#[derive(Clone, Debug, Default)]
pub(crate) struct Store {
    /// Objects by collection, then by ID (in ID order, as lists answer by default).
    collections: HashMap<CollectionKey, BTreeMap<String, Value>>,
    /// Assignments by schema (`CatalogAssignment`): each with the path parameters it was
    /// saved under that it has no field of (`buyerID` for an address assignment).
    assignments: HashMap<String, Vec<Assignment>>,
}

#[derive(Clone, Debug)]
pub(crate) struct Assignment {
    pub(crate) body: Value,
    scope: Vec<(String, String)>,
    /// Its IDs and scope, sorted, lower case: an assignment with the same replaces it.
    identity: Vec<(String, String)>,
}

impl Store {
    pub(crate) fn get(&self, collection: &str, id: &str) -> Option<&Value> {
        self.collections.get(collection)?.get(&id.to_lowercase())
    }

    pub(crate) fn contains(&self, collection: &str, id: &str) -> bool {
        self.get(collection, id).is_some()
    }

    /// Puts `object` under `id`, in place of any there.
    pub(crate) fn put(&mut self, collection: &str, id: &str, object: Value) {
        self.collections.entry(collection.to_owned()).or_default().insert(id.to_lowercase(), object);
    }

    /// Removes the object and every collection under it; whether it was there.
    pub(crate) fn remove(&mut self, collection: &str, id: &str) -> bool {
        let removed = self.collections.get_mut(collection).and_then(|objects| objects.remove(&id.to_lowercase()));
        if removed.is_some() {
            let prefix = format!("{collection}/{}/", id.to_lowercase());
            self.collections.retain(|key, _| !key.starts_with(&prefix));
        }
        removed.is_some()
    }

    /// Moves the object `from` of `collection`, with every collection under it, to `to`
    /// (where nothing is: the caller checked). Whether it was there.
    pub(crate) fn rename(&mut self, collection: &str, from: &str, to: &str) -> bool {
        let (from, to) = (from.to_lowercase(), to.to_lowercase());
        let Some(object) = self.collections.get_mut(collection).and_then(|objects| objects.remove(&from)) else {
            return false;
        };
        self.put(collection, &to, object);
        let (old, new) = (format!("{collection}/{from}/"), format!("{collection}/{to}/"));
        // Nothing can be under an object that is not there; whatever is goes.
        self.collections.retain(|key, _| !key.starts_with(&new));
        let moved: Vec<CollectionKey> = self.collections.keys().filter(|key| key.starts_with(&old)).cloned().collect();
        for key in moved {
            if let Some(objects) = self.collections.remove(&key) {
                self.collections.insert(format!("{new}{}", &key[old.len()..]), objects);
            }
        }
        true
    }

    /// The objects of a collection, in ID order.
    pub(crate) fn list(&self, collection: &str) -> impl Iterator<Item = &Value> {
        self.collections.get(collection).into_iter().flat_map(BTreeMap::values)
    }

    /// The objects of a collection, to change in place.
    pub(crate) fn list_mut(&mut self, collection: &str) -> impl Iterator<Item = &mut Value> {
        self.collections.get_mut(collection).into_iter().flat_map(BTreeMap::values_mut)
    }

    /// Every collection, for the simulator's own control route.
    pub(crate) fn collections(&self) -> impl Iterator<Item = (&CollectionKey, &BTreeMap<String, Value>)> {
        self.collections.iter()
    }

    /// Saves an assignment: one with the same IDs (and scope) is replaced.
    pub(crate) fn assign(&mut self, schema: &str, body: Value, scope: Vec<(String, String)>) {
        let mut identity: Vec<(String, String)> = body
            .as_object()
            .into_iter()
            .flatten()
            // A price schedule is what an assignment gives, not who it is for.
            .filter(|(key, _)| key.ends_with("ID") && key.as_str() != "PriceScheduleID")
            .map(|(key, value)| (key.to_lowercase(), value.to_string().to_lowercase()))
            .collect();
        identity.extend(scope.iter().cloned());
        identity.sort();
        let list = self.assignments.entry(schema.to_owned()).or_default();
        list.retain(|existing| existing.identity != identity);
        list.push(Assignment { body, scope, identity });
    }

    /// The assignments of `schema` that every `(name, value)` condition holds for: the field
    /// of that name (any letter case), or the scope, has that value.
    pub(crate) fn assignments<'a>(
        &'a self,
        schema: &str,
        conditions: &'a [(String, String)],
    ) -> impl Iterator<Item = &'a Assignment> {
        self.assignments.get(schema).into_iter().flatten().filter(move |assignment| assignment.meets(conditions))
    }

    /// Removes the assignments `conditions` name; how many.
    pub(crate) fn unassign(&mut self, schema: &str, conditions: &[(String, String)]) -> usize {
        let Some(list) = self.assignments.get_mut(schema) else { return 0 };
        let before = list.len();
        list.retain(|assignment| !assignment.meets(conditions));
        before - list.len()
    }

    /// Every assignment, for the simulator's own control route.
    pub(crate) fn all_assignments(&self) -> impl Iterator<Item = (&String, &Vec<Assignment>)> {
        self.assignments.iter()
    }
}

impl Assignment {
    fn meets(&self, conditions: &[(String, String)]) -> bool {
        conditions.iter().all(|(name, value)| {
            let field = lookup(&self.body, name).map(|field| match field {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            });
            let scoped =
                self.scope.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.clone());
            field.or(scoped).is_some_and(|found| found.eq_ignore_ascii_case(value))
        })
    }
}

/// `patch` merged into `target`, as OrderCloud's PATCH does: only the fields sent change, a
/// `null` removes one, and objects (`xp` included) merge field by field.
pub(crate) fn merge(target: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (key, value) in patch {
        let existing = target.keys().find(|name| name.eq_ignore_ascii_case(&key)).cloned();
        match (value, existing.as_ref().and_then(|name| target.get_mut(name))) {
            (Value::Null, _) => {
                if let Some(name) = existing {
                    target.remove(&name);
                }
            }
            (Value::Object(inner), Some(Value::Object(current))) => merge(current, inner),
            (value, _) => {
                target.insert(existing.unwrap_or(key), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_by_id_in_any_case_and_nested_collections_go_with_their_parent() {
        let mut store = Store::default();
        store.put("buyers", "B1", json!({"ID": "B1"}));
        store.put("buyers/b1/users", "jdoe", json!({"ID": "jdoe"}));
        assert!(store.contains("buyers", "b1"));
        assert!(store.remove("buyers", "b1"));
        assert_eq!(store.list("buyers/b1/users").count(), 0);
        assert!(!store.remove("buyers", "b1"));
    }

    #[test]
    fn a_renamed_object_takes_what_is_under_it_and_nothing_of_another() {
        let mut store = Store::default();
        store.put("orders", "A", json!({"ID": "A"}));
        store.put("orders/a/lineitems", "l1", json!({"ID": "l1"}));
        store.put("orders/a/lineitems/l1/extra", "x", json!({}));
        store.put("orders/ab/lineitems", "l2", json!({"ID": "l2"}));
        store.put("orders/b/lineitems", "stale", json!({"ID": "stale"}));
        assert!(store.rename("orders", "a", "B"));
        assert!(!store.contains("orders", "a") && store.contains("orders", "b"));
        let lines: Vec<&Value> = store.list("orders/b/lineitems").collect();
        assert_eq!(lines, [&json!({"ID": "l1"})]);
        assert_eq!(store.list("orders/b/lineitems/l1/extra").count(), 1);
        assert_eq!(store.list("orders/a/lineitems").count(), 0);
        assert_eq!(store.list("orders/ab/lineitems").count(), 1, "another order's");
        assert!(!store.rename("orders", "a", "c"));
    }

    #[test]
    fn assignments_are_replaced_by_their_ids_and_found_by_field_or_scope() {
        let mut store = Store::default();
        let scope = vec![("buyerID".to_owned(), "b1".to_owned())];
        store.assign(
            "AddressAssignment",
            json!({"AddressID": "home", "UserID": "u1", "IsShipping": true}),
            scope.clone(),
        );
        store.assign(
            "AddressAssignment",
            json!({"AddressID": "home", "UserID": "u1", "IsShipping": false}),
            scope.clone(),
        );
        store.assign("AddressAssignment", json!({"AddressID": "work"}), scope);
        let all = [("buyerID".to_owned(), "B1".to_owned())];
        assert_eq!(store.assignments("AddressAssignment", &all).count(), 2);
        let home = [("addressID".to_owned(), "home".to_owned()), ("isShipping".to_owned(), "false".to_owned())];
        assert_eq!(store.assignments("AddressAssignment", &home).count(), 1);
        let user = [("addressID".to_owned(), "work".to_owned()), ("userID".to_owned(), "u1".to_owned())];
        assert_eq!(store.unassign("AddressAssignment", &user), 0, "a company-level assignment has no user");
        assert_eq!(store.unassign("AddressAssignment", &[("addressID".to_owned(), "work".to_owned())]), 1);
    }

    #[test]
    fn patches_merge_objects_and_null_removes() {
        let mut target = json!({"Name": "Bike", "Description": "old", "xp": {"Color": "red", "Size": "L"}});
        let patch = json!({"name": "Bike 2", "Description": null, "xp": {"Size": null, "New": 1}});
        merge(target.as_object_mut().unwrap(), patch.as_object().unwrap().clone());
        assert_eq!(target, json!({"Name": "Bike 2", "xp": {"Color": "red", "New": 1}}));
    }
}
