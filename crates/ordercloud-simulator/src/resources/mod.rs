//! Every resource of OrderCloud's API description, served from an in-memory store: routes,
//! roles, bodies and answers come from the description (`described.rs`, generated), and
//! what is the same for every resource is done once here.
//!
//! - **Objects**: create (an ID is generated when none is given; a taken ID is `IdExists`),
//!   get, save (create or replace), patch (only the fields sent, `null` clears, objects merge)
//!   and delete (204). A path's parents must exist (`/buyers/{buyerID}/users` of an unknown
//!   buyer is `NotFound` for the buyer); read-only fields are set by the server, never by a
//!   request; a body missing a field the operation requires is `ValidationFailure`.
//! - **Lists** with OrderCloud's paging, search, sort and filters (see [`query`]).
//! - **Assignments**: saved, listed and deleted by the fields and path parameters given.
//! - **The storefront's actions** (`Me.ListProducts` and the other views of the signed-in
//!   user, orders with their line items and totals, `Orders.Submit`); every other action
//!   answers 501 naming the operation.

mod actions;
mod described;
pub(crate) mod query;
pub(crate) mod store;

use std::sync::OnceLock;

use http::{Method, StatusCode};
use ordercloud_models::ErrorCode;
use serde_json::{Map, Value, json};

use crate::reply::Reply;
pub(crate) use crate::reply::{invalid_token, not_found};
pub(crate) use actions::recompute_order;
use query::{ListQuery, without};
use store::Store;

/// One operation of the description, as the simulator serves it.
pub(crate) struct Described {
    /// `Products.List`.
    pub(crate) id: &'static str,
    pub(crate) method: &'static str,
    /// The path after `/v1`, `{name}` for each parameter.
    pub(crate) path: &'static str,
    /// The roles any one of which grants it; none for an anonymous operation, or for one
    /// whose roles are not known.
    pub(crate) roles: &'static [&'static str],
    /// Whether `roles` are known. An operation whose roles OrderCloud's reference did not
    /// give takes any signed-in caller, never an anonymous one.
    pub(crate) roles_known: bool,
    /// The schema of the body.
    pub(crate) body: Option<&'static str>,
    /// The fields the body must hold.
    pub(crate) required: &'static [&'static str],
    /// The schema answered (of each item, for a list).
    pub(crate) answer: Option<&'static str>,
    pub(crate) list: bool,
    /// Whether the list counts facets.
    pub(crate) facets: bool,
    /// For an assignment operation, the schema assignments are made of.
    pub(crate) assignment: Option<&'static str>,
    /// Whether it lists, gets, creates, saves, patches or deletes stored objects; otherwise it
    /// is an action, served only if simulated.
    pub(crate) stored: bool,
}

/// The path parameter naming the point of view of an order operation, not a stored parent.
const DIRECTION: &str = "{direction}";

/// An operation found for a request, with its path parameters' values.
pub(crate) struct Call {
    pub(crate) op: &'static Described,
    /// Its place in [`operations`].
    pub(crate) index: usize,
    /// `(name, value)` of each path parameter, in path order, decoded.
    pub(crate) params: Vec<(&'static str, String)>,
}

/// What a request's method and path find among the described operations.
pub(crate) enum Route {
    Found(Call),
    /// The path is described, but not for this method.
    WrongMethod(Vec<&'static str>),
    Unknown,
}

/// Finds the operation of `method` and `path` (after `/v1`, its segments still encoded): the
/// one with the most literal segments when several match.
pub(crate) fn route(method: &Method, path: &str) -> Route {
    let segments: Vec<Option<String>> =
        path.trim_matches('/').split('/').map(crate::incoming::percent_decode).collect();
    if segments.iter().any(Option::is_none) {
        return Route::Unknown;
    }
    let segments: Vec<String> = segments.into_iter().flatten().collect();
    let mut best: Option<(usize, Call)> = None;
    let mut methods = Vec::new();
    for (index, (op, template)) in described::OPERATIONS.iter().zip(templates()).enumerate() {
        let Some(params) = matches(&template.parts, &segments) else { continue };
        if !op.method.eq_ignore_ascii_case(method.as_str()) {
            methods.push(op.method);
            continue;
        }
        if best.as_ref().is_none_or(|(most, _)| template.literals > *most) {
            best = Some((template.literals, Call { op, index, params }));
        }
    }
    match best {
        Some((_, call)) => Route::Found(call),
        None if !methods.is_empty() => Route::WrongMethod(methods),
        None => Route::Unknown,
    }
}

/// An operation's path, split once.
struct Template {
    parts: Vec<&'static str>,
    /// How many of its segments are literal, not parameters.
    literals: usize,
}

/// The path of each operation of [`described::OPERATIONS`], in the same order, split into
/// segments the first time a request is routed.
fn templates() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        described::OPERATIONS
            .iter()
            .map(|op| {
                let parts: Vec<&'static str> = op.path.trim_matches('/').split('/').collect();
                let literals = parts.iter().filter(|part| !part.starts_with('{')).count();
                Template { parts, literals }
            })
            .collect()
    })
}

/// The path parameters of the template `parts` in `segments`, if it matches.
fn matches(parts: &[&'static str], segments: &[String]) -> Option<Vec<(&'static str, String)>> {
    if parts.len() != segments.len() {
        return None;
    }
    let mut params = Vec::new();
    for (part, segment) in parts.iter().zip(segments) {
        if part.starts_with('{') {
            if segment.is_empty() {
                return None;
            }
            params.push((*part, segment.clone()));
        } else if !part.eq_ignore_ascii_case(segment) {
            return None;
        }
    }
    Some(params)
}

/// Who is calling, as their token says.
pub(crate) struct Caller<'a> {
    /// The user's ID (a buyer user, or an anonymous shopper's).
    pub(crate) user_id: Option<&'a str>,
    /// The user's buyer organization, when known.
    pub(crate) buyer_id: Option<&'a str>,
    /// What `GET /v1/me` shows of the user.
    pub(crate) profile: Option<Value>,
}

/// What the store needs from the simulator: its clock and fresh IDs.
pub(crate) trait Clock {
    /// Now, as RFC 3339 text on the simulator's clock.
    fn now(&self) -> String;
    /// A new object ID, as OrderCloud makes them (22 URL-safe characters).
    fn new_id(&mut self) -> String;
}

/// What changed that the rest of the simulator keeps too: a buyer user (who can sign in
/// and reset a password) created, changed or deleted.
#[derive(Debug)]
pub(crate) enum Effect {
    UserSaved { buyer_id: String, user: Value },
    UserDeleted { buyer_id: String, user_id: String },
}

/// A request to serve.
pub(crate) struct Request<'a> {
    pub(crate) call: &'a Call,
    pub(crate) query: &'a [(String, String)],
    pub(crate) body: Option<Value>,
    pub(crate) caller: &'a Caller<'a>,
}

/// Serves `request` from `store`; what else changed comes back as effects.
pub(crate) fn serve(store: &mut Store, request: &Request<'_>, clock: &mut dyn Clock) -> (Reply, Vec<Effect>) {
    let mut effects = Vec::new();
    let reply = match serve_inner(store, request, clock, &mut effects) {
        Ok(reply) | Err(reply) => reply,
    };
    (reply, effects)
}

fn serve_inner(
    store: &mut Store,
    request: &Request<'_>,
    clock: &mut dyn Clock,
    effects: &mut Vec<Effect>,
) -> Result<Reply, Reply> {
    let op = request.call.op;
    if let Some(schema) = op.assignment {
        return assignment(store, request, schema);
    }
    if let Some(reply) = actions::serve(store, request, clock, effects)? {
        return Ok(reply);
    }
    if !op.stored {
        return Err(not_simulated(op));
    }
    let place = Place::of(request)?;
    let reply = objects(store, request, &place, clock, effects)?;
    if let Some(order_id) = place.order_of_line_items().filter(|_| op.method != "GET") {
        actions::recompute_order(store, &order_id);
    }
    Ok(reply)
}

/// The generic operations on objects: list, create, get, save, patch, delete.
fn objects(
    store: &mut Store,
    request: &Request<'_>,
    place: &Place,
    clock: &mut dyn Clock,
    effects: &mut Vec<Effect>,
) -> Result<Reply, Reply> {
    let op = request.call.op;
    match (op.method, &place.item) {
        ("GET", None) if op.list => list(store, request, place),
        ("POST", None) if op.body.is_some() => {
            let body = body_object(request)?;
            let created = create(store, place, op, body, clock)?;
            effects.extend(user_effect(place, &created));
            Ok(Reply::created(output(created)))
        }
        ("GET", Some(id)) if op.answer.is_some() => {
            parents_exist(store, place)?;
            store
                .get(&place.collection, id)
                .cloned()
                .map(|object| Reply::ok(output(object)))
                .ok_or_else(|| missing(op, id))
        }
        ("PUT", Some(id)) if op.body.is_some() => {
            let body = body_object(request)?;
            parents_exist(store, place)?;
            required(op, &body)?;
            let existing = store.get(&place.collection, id).cloned();
            let mut object = without(body, read_only(op.body));
            let target = object.get("ID").and_then(Value::as_str).unwrap_or(id).to_owned();
            object.insert("ID".to_owned(), Value::String(target.clone()));
            keep_read_only(&mut object, existing.as_ref(), op.body, clock);
            if !target.eq_ignore_ascii_case(id) {
                store.remove(&place.collection, id);
            }
            let object = Value::Object(object);
            store.put(&place.collection, &target, object.clone());
            effects.extend(user_effect(place, &object));
            Ok(Reply::ok(output(object)))
        }
        ("PATCH", Some(id)) if op.body.is_some() => {
            let body = body_object(request)?;
            parents_exist(store, place)?;
            let mut object = store.get(&place.collection, id).cloned().ok_or_else(|| missing(op, id))?;
            if let Value::Object(fields) = &mut object {
                store::merge(fields, without(body, read_only(op.body)));
            }
            store.put(&place.collection, id, object.clone());
            effects.extend(user_effect(place, &object));
            Ok(Reply::ok(output(object)))
        }
        ("DELETE", Some(id)) => {
            parents_exist(store, place)?;
            if !store.remove(&place.collection, id) {
                return Err(missing(op, id));
            }
            if let Some(buyer_id) = place.buyer_of_users() {
                effects.push(Effect::UserDeleted { buyer_id, user_id: id.clone() });
            }
            Ok(Reply::no_content())
        }
        _ => Err(not_simulated(op)),
    }
}

/// Where an operation's objects are: the collection, the item's ID for an item operation,
/// and the parents the path names.
pub(crate) struct Place {
    pub(crate) collection: String,
    pub(crate) item: Option<String>,
    /// `(collection, ID, schema)` of each parent, outermost first.
    parents: Vec<(String, String, &'static str)>,
}

impl Place {
    /// The place of `request`'s operation. A personal path (`/me/...`) is the signed-in user's
    /// own collection.
    fn of(request: &Request<'_>) -> Result<Self, Reply> {
        let op = request.call.op;
        let parts: Vec<&str> = op.path.trim_matches('/').split('/').filter(|part| *part != DIRECTION).collect();
        let mut values = request.call.params.iter().filter(|(name, _)| *name != DIRECTION).map(|(_, value)| value);
        let mut collection = String::new();
        if parts.first() == Some(&"me") {
            let user = request.caller.user_id.ok_or_else(invalid_token)?;
            collection = format!("me:{}", user.to_lowercase());
        }
        let mut parents = Vec::new();
        let mut item = None;
        let last = parts.len().saturating_sub(1);
        for (index, part) in parts.iter().enumerate() {
            if part.starts_with('{') {
                let value = values.next().cloned().unwrap_or_default();
                if index == last && matches!(op.method, "GET" | "PUT" | "PATCH" | "DELETE") && !op.list {
                    item = Some(value);
                } else {
                    parents.push((collection.clone(), value.clone(), schema_of(&parts[..=index])));
                    collection.push('/');
                    collection.push_str(&value.to_lowercase());
                }
            } else if *part != "me" {
                if !collection.is_empty() {
                    collection.push('/');
                }
                collection.push_str(&part.to_lowercase());
            }
        }
        Ok(Self { collection, item, parents })
    }

    /// The order whose line items this place holds (`orders/{orderID}/lineitems`).
    fn order_of_line_items(&self) -> Option<String> {
        let mut parts = self.collection.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("orders"), Some(order), Some("lineitems"), None) => Some(order.to_owned()),
            _ => None,
        }
    }

    /// The buyer whose users this place holds (`buyers/{buyerID}/users`).
    fn buyer_of_users(&self) -> Option<String> {
        let mut parts = self.collection.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("buyers"), Some(buyer), Some("users"), None) => {
                self.parents.first().map(|(_, id, _)| id.clone()).or(Some(buyer.to_owned()))
            }
            _ => None,
        }
    }
}

/// The schema stored at the path `parts` (`buyers/{buyerID}`), as its get operation answers;
/// `Object` when none says.
fn schema_of(parts: &[&str]) -> &'static str {
    let path = format!("/{}", parts.join("/"));
    described::OPERATIONS
        .iter()
        .find(|op| op.method == "GET" && !op.list && op.path.eq_ignore_ascii_case(&path))
        .or_else(|| {
            let with_direction = path.replacen("/orders/", "/orders/{direction}/", 1);
            described::OPERATIONS.iter().find(|op| op.method == "GET" && !op.list && op.path == with_direction)
        })
        .and_then(|op| op.answer)
        .unwrap_or("Object")
}

fn parents_exist(store: &Store, place: &Place) -> Result<(), Reply> {
    for (collection, id, schema) in &place.parents {
        // What a personal collection holds is the user's own, with no stored parent.
        if collection.starts_with("me:") {
            continue;
        }
        if !store.contains(collection, id) {
            return Err(not_found(schema, id));
        }
    }
    Ok(())
}

fn list(store: &Store, request: &Request<'_>, place: &Place) -> Result<Reply, Reply> {
    parents_exist(store, place)?;
    let query = list_query(request)?;
    let in_catalog = products_in_catalog(store, request);
    let items = store
        .list(&place.collection)
        .filter(|item| {
            in_catalog.as_ref().is_none_or(|ids| item["ID"].as_str().is_some_and(|id| ids.contains(&id.to_lowercase())))
        })
        .cloned()
        .map(output);
    Ok(Reply::ok(query.answer(items, request.call.op.facets)))
}

/// For `Products.List` with `catalogID`, the IDs (in lower case) of the products assigned to
/// that catalog.
fn products_in_catalog(store: &Store, request: &Request<'_>) -> Option<std::collections::HashSet<String>> {
    if request.call.op.id != "Products.List" {
        return None;
    }
    let (_, catalog) = request.query.iter().find(|(name, _)| name.eq_ignore_ascii_case("catalogID"))?;
    let in_catalog = [("CatalogID".to_owned(), catalog.clone())];
    let ids = store
        .assignments("ProductCatalogAssignment", &in_catalog)
        .filter_map(|assignment| assignment.body["ProductID"].as_str().map(str::to_lowercase))
        .collect();
    Some(ids)
}

/// The list options of `request`, its operation's own parameters aside.
pub(crate) fn list_query(request: &Request<'_>) -> Result<ListQuery, Reply> {
    let own = own_parameters(request.call.op);
    ListQuery::parse(request.query, &own).map_err(|error| Reply::bad_request(error.code, &error.message))
}

/// The query parameters an operation takes besides the list options (which filters are not).
fn own_parameters(op: &Described) -> Vec<&'static str> {
    match op.id {
        "Products.List" => vec!["catalogID", "categoryID", "supplierID"],
        "Me.ListProducts" => vec!["catalogID", "categoryID", "sellerID"],
        "Me.ListCategories" => vec!["catalogID", "productID"],
        "Me.ListSpecs" | "Me.GetCategory" | "Me.GetSpec" => vec!["catalogID"],
        "Orders.List" | "Me.ListOrders" | "LineItems.ListAcrossOrders" | "Me.ListApprovableOrders" => {
            vec!["buyerID", "supplierID", "from", "to"]
        }
        "Users.List" | "SupplierUsers.List" => vec!["userGroupID"],
        "Shipments.List" | "Me.ListShipments" | "Me.ListShipmentItems" => vec!["orderID"],
        "OrderReturns.List" => vec!["approvable"],
        _ => Vec::new(),
    }
}

/// Creates `body` in `place`'s collection: its ID given or generated, its read-only fields the
/// server's, its required fields checked.
pub(crate) fn create(
    store: &mut Store,
    place: &Place,
    op: &Described,
    body: Map<String, Value>,
    clock: &mut dyn Clock,
) -> Result<Value, Reply> {
    parents_exist(store, place)?;
    required(op, &body)?;
    let mut object = without(body, read_only(op.body));
    let id = match object.get("ID").and_then(Value::as_str).filter(|id| !id.is_empty()) {
        Some(id) => id.to_owned(),
        None => clock.new_id(),
    };
    if store.contains(&place.collection, &id) {
        return Err(Reply::error_with(
            StatusCode::CONFLICT,
            "IdExists",
            &format!("An object with ID {id} already exists"),
            json!({"ObjectType": op.body.unwrap_or("Object"), "ObjectID": id}),
        ));
    }
    object.insert("ID".to_owned(), Value::String(id.clone()));
    keep_read_only(&mut object, None, op.body, clock);
    let object = Value::Object(object);
    store.put(&place.collection, &id, object.clone());
    Ok(object)
}

/// Sets the read-only fields the server keeps: those of `existing`, and a new object's
/// `DateCreated`.
fn keep_read_only(object: &mut Map<String, Value>, existing: Option<&Value>, schema: Option<&str>, clock: &dyn Clock) {
    let fields = read_only(schema);
    match existing.and_then(Value::as_object) {
        Some(existing) => {
            for field in fields {
                if let Some(value) = existing.get(*field) {
                    object.insert((*field).to_owned(), value.clone());
                }
            }
        }
        None if fields.contains(&"DateCreated") => {
            object.insert("DateCreated".to_owned(), Value::String(clock.now()));
        }
        None => {}
    }
}

/// The read-only fields of `schema`.
pub(crate) fn read_only(schema: Option<&str>) -> &'static [&'static str] {
    schema
        .and_then(|schema| described::READ_ONLY.iter().find(|(name, _)| *name == schema))
        .map_or(&[], |(_, fields)| fields)
}

/// The fields of `body` the operation requires but lacks, as OrderCloud refuses them.
pub(crate) fn required(op: &Described, body: &Map<String, Value>) -> Result<(), Reply> {
    let missing: Vec<&str> = op
        .required
        .iter()
        .copied()
        .filter(|field| !body.iter().any(|(key, value)| key.eq_ignore_ascii_case(field) && !value.is_null()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Reply::error_with(
        StatusCode::BAD_REQUEST,
        ErrorCode::ValidationFailure,
        &format!("{} is required", missing.join(", ")),
        json!({"Fields": missing}),
    ))
}

/// The request's body as a JSON object, or OrderCloud's refusal of it. No body at all is an
/// empty object when the operation requires no field (an order created with `{}` or
/// nothing), as clients that send nothing for an empty model expect.
pub(crate) fn body_object(request: &Request<'_>) -> Result<Map<String, Value>, Reply> {
    match &request.body {
        Some(Value::Object(object)) => Ok(object.clone()),
        None if request.call.op.required.is_empty() => Ok(Map::new()),
        _ => Err(Reply::bad_request(ErrorCode::InvalidRequestBody, "The request body must be a JSON object")),
    }
}

/// An object as answered: write-only fields (a password) are never sent back.
pub(crate) fn output(object: Value) -> Value {
    match object {
        Value::Object(fields) => Value::Object(without(fields, &["Password"])),
        other => other,
    }
}

fn user_effect(place: &Place, object: &Value) -> Option<Effect> {
    place.buyer_of_users().map(|buyer_id| Effect::UserSaved { buyer_id, user: object.clone() })
}

/// Saves, lists or deletes assignments of `schema`, by the fields and path parameters given.
fn assignment(store: &mut Store, request: &Request<'_>, schema: &str) -> Result<Reply, Reply> {
    let op = request.call.op;
    let mut conditions: Vec<(String, String)> = request
        .call
        .params
        .iter()
        .map(|(name, value)| (name.trim_matches(['{', '}']).to_owned(), value.clone()))
        .collect();
    match op.method {
        "POST" => {
            let body = body_object(request)?;
            required(op, &body)?;
            let body = Value::Object(body);
            let scope = conditions.into_iter().filter(|(name, _)| query::lookup(&body, name).is_none()).collect();
            store.assign(schema, body, scope);
            Ok(Reply::no_content())
        }
        "GET" => {
            let own: Vec<(String, String)> = request
                .query
                .iter()
                .filter(|(name, _)| {
                    !matches!(
                        name.as_str(),
                        "page" | "pageSize" | "level" | "commerceRole" | "search" | "searchOn" | "sortBy"
                    )
                })
                .cloned()
                .collect();
            conditions.extend(own);
            let items: Vec<Value> =
                store.assignments(schema, &conditions).map(|assignment| assignment.body.clone()).collect();
            let paging: Vec<(String, String)> = request
                .query
                .iter()
                .filter(|(name, _)| matches!(name.as_str(), "page" | "pageSize"))
                .cloned()
                .collect();
            let query =
                ListQuery::parse(&paging, &[]).map_err(|error| Reply::bad_request(error.code, &error.message))?;
            Ok(Reply::ok(query.answer(items, false)))
        }
        "DELETE" => {
            conditions.extend(
                request.query.iter().filter(|(name, _)| !matches!(name.as_str(), "level" | "commerceRole")).cloned(),
            );
            store.unassign(schema, &conditions);
            Ok(Reply::no_content())
        }
        _ => Err(not_simulated(op)),
    }
}

fn missing(op: &Described, id: &str) -> Reply {
    not_found(op.answer.or(op.body).unwrap_or("Object"), id)
}

/// 501 for an operation the simulator does not play.
pub(crate) fn not_simulated(op: &Described) -> Reply {
    Reply::error_with(
        StatusCode::NOT_IMPLEMENTED,
        "Simulator.NotSimulated",
        &format!("{} ({} /v1{}) is described by OrderCloud's API but not simulated", op.id, op.method, op.path),
        json!({"Operation": op.id}),
    )
}

/// Every object of the store, by collection, and every assignment, by schema: what
/// `GET /_simulator/resources` shows.
pub(crate) fn dump(store: &Store) -> Value {
    let mut collections: Vec<(&String, Vec<Value>)> =
        store.collections().map(|(key, objects)| (key, objects.values().cloned().map(output).collect())).collect();
    collections.sort_by(|a, b| a.0.cmp(b.0));
    let mut assignments: Vec<(&String, Vec<Value>)> = store
        .all_assignments()
        .map(|(schema, list)| (schema, list.iter().map(|assignment| assignment.body.clone()).collect()))
        .collect();
    assignments.sort_by(|a, b| a.0.cmp(b.0));
    json!({
        "Objects": collections.into_iter().map(|(key, objects)| (key.clone(), Value::Array(objects))).collect::<Map<_, _>>(),
        "Assignments": assignments.into_iter().map(|(schema, list)| (schema.clone(), Value::Array(list))).collect::<Map<_, _>>(),
    })
}

/// Every operation of the description.
pub(crate) fn operations() -> impl Iterator<Item = &'static Described> {
    described::OPERATIONS.iter()
}

/// `body` with its top-level property names in `schema`'s letter case when they match one
/// in another (OrderCloud reads JSON property names in any case); others as they are.
pub(crate) fn with_schema_names(body: Value, schema: Option<&str>) -> Value {
    let fields = schema.and_then(|schema| described::FIELDS.iter().find(|(name, _)| *name == schema));
    match fields {
        Some((_, fields)) => crate::incoming::with_field_names(body, fields),
        None => body,
    }
}
