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
//! - **The storefront's actions**: the Cart ([`cart`]), the signed-in user's views
//!   ([`me`]), orders with their line items, exact totals, addresses, submission and
//!   approval ([`orders`]), promotions ([`promotions`]) and the rule expressions both use
//!   ([`expression`]), and who may see which orders ([`access`]); every other action
//!   answers 501 naming the operation.
//!
//! An operation is found through the generated route tree ([`route`]), in as many steps as
//! the path has segments, whatever the number of operations.

mod access;
mod cart;
mod described;
pub(crate) mod expression;
mod me;
pub(crate) mod money;
mod orders;
mod promotions;
pub(crate) mod query;
pub(crate) mod store;

use http::{Method, StatusCode};
use ordercloud_models::ErrorCode;
use serde_json::{Map, Value, json};

use crate::clock::Clock;
use crate::reply::Reply;
pub(crate) use crate::reply::{invalid_token, not_found};
pub(crate) use cart::active_cart;
pub(crate) use orders::transfer_orders;
pub(crate) use orders::{line_items, recompute_order};
pub(crate) use promotions::applied_of;
use query::{ListQuery, without};
use store::Store;

/// One operation of the description, as the simulator serves it.
pub(crate) struct Described {
    /// `Products.List`.
    pub(crate) id: &'static str,
    pub(crate) method: &'static str,
    /// `/v1` and the path after it (see [`Described::path`]): the route the request log
    /// counts it under.
    pub(crate) label: &'static str,
    /// The roles any one of which grants it; none for an anonymous operation, or for one
    /// whose roles are not known.
    pub(crate) roles: &'static [&'static str],
    /// Where `roles` come from.
    pub(crate) roles_from: RolesFrom,
    /// The schema of the body.
    pub(crate) body: Option<&'static str>,
    /// The body schema's fields, by their exact names.
    pub(crate) fields: &'static [&'static str],
    /// The body schema's read-only fields, which the server sets and a request never does.
    pub(crate) read_only: &'static [&'static str],
    /// The fields the body must hold.
    pub(crate) required: &'static [&'static str],
    /// The schema answered (of each item, for a list).
    pub(crate) answer: Option<&'static str>,
    /// The status of its success.
    pub(crate) status: u16,
    pub(crate) list: bool,
    /// Whether the list counts facets.
    pub(crate) facets: bool,
    /// For an assignment operation, the schema assignments are made of.
    pub(crate) assignment: Option<&'static str>,
    /// Whether it lists, gets, creates, saves, patches or deletes stored objects; otherwise it
    /// is an action, served only if simulated.
    pub(crate) stored: bool,
    /// The path's parameters, `{name}`, in path order.
    pub(crate) params: &'static [&'static str],
    /// The query parameters it takes besides the list options (which filters are not).
    pub(crate) query: &'static [&'static str],
    /// The parents the path names, outermost first.
    pub(crate) parents: &'static [Parent],
    /// For an operation of the Cart, the index of the order operation it stands for.
    pub(crate) cart: Option<usize>,
}

impl Described {
    /// The path after `/v1`, `{name}` for each parameter.
    pub(crate) fn path(&self) -> &'static str {
        self.label.strip_prefix("/v1").unwrap_or(self.label)
    }
}

/// Where an operation's roles come from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum RolesFrom {
    /// OrderCloud's API reference.
    Reference,
    /// A rule of the simulator's, for an operation the reference gives no roles for
    /// (docs/local-ordercloud.md lists them).
    Rule,
    /// Not known: any signed-in caller may call it.
    Unknown,
}

/// A parent a path names: its parameter and the schema stored there.
pub(crate) struct Parent {
    /// `{buyerID}`.
    pub(crate) param: &'static str,
    /// `Buyer`.
    pub(crate) schema: &'static str,
}

/// A node of the route tree.
pub(crate) struct Node {
    /// The literal segments after it, lower case and in order, and the node each leads to.
    pub(crate) literals: &'static [(&'static str, usize)],
    /// The node after a parameter.
    pub(crate) param: Option<usize>,
    /// The operations whose path ends here, by index.
    pub(crate) operations: &'static [usize],
}

/// The path parameter naming the point of view of an order operation, not a stored parent.
const DIRECTION: &str = "{direction}";

/// An operation found for a request, with its path parameters' values.
pub(crate) struct Call {
    pub(crate) op: &'static Described,
    /// `(name, value)` of each path parameter, in path order, decoded.
    pub(crate) params: Vec<(&'static str, String)>,
}

impl Call {
    /// The call of the operation at `index` with `params`.
    pub(crate) fn of(index: usize, params: Vec<(&'static str, String)>) -> Self {
        Self { op: &described::OPERATIONS[index], params }
    }

    /// The value of the path parameter `name` (`{orderID}`).
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(key, _)| *key == name).map(|(_, value)| value.as_str())
    }
}

/// What a request's method and path find among the described operations.
pub(crate) enum Route {
    Found(Call),
    /// The path is described, but not for this method.
    WrongMethod(Vec<&'static str>),
    Unknown,
}

/// Finds the operation of `method` and `path` (after `/v1`, its segments still encoded) in
/// the route tree, a step a segment: at each, a literal segment (in any letter case) before
/// a parameter, going back to the parameter when the literal leads nowhere.
pub(crate) fn route(method: &Method, path: &str) -> Route {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut values = Vec::with_capacity(segments.len());
    let mut methods = Vec::new();
    let Some(index) = walk(0, &segments, &mut values, method.as_str(), &mut methods) else {
        return if methods.is_empty() { Route::Unknown } else { Route::WrongMethod(methods) };
    };
    let op = &described::OPERATIONS[index];
    let mut params = Vec::with_capacity(values.len());
    for (name, value) in op.params.iter().zip(values) {
        // A value that is not UTF-8 names nothing.
        let Ok(value) = String::from_utf8(ordercloud_transport::encode::decode(value)) else { return Route::Unknown };
        params.push((*name, value));
    }
    Route::Found(Call { op, params })
}

/// The operation for `method` at the end of `segments` from `node`, the parameters' values
/// (still encoded) in `values`; the methods of the paths that match but not the method in
/// `methods`.
fn walk<'a>(
    node: usize,
    segments: &[&'a str],
    values: &mut Vec<&'a str>,
    method: &str,
    methods: &mut Vec<&'static str>,
) -> Option<usize> {
    let node = &described::ROUTES[node];
    let Some((segment, rest)) = segments.split_first() else {
        for &index in node.operations {
            let op = &described::OPERATIONS[index];
            if op.method == method {
                return Some(index);
            }
            methods.push(op.method);
        }
        return None;
    };
    let literal = node
        .literals
        .binary_search_by(|(literal, _)| literal.bytes().cmp(segment.bytes().map(|byte| byte.to_ascii_lowercase())));
    if let Ok(found) = literal {
        if let Some(index) = walk(node.literals[found].1, rest, values, method, methods) {
            return Some(index);
        }
    }
    let next = node.param.filter(|_| !segment.is_empty())?;
    values.push(segment);
    let found = walk(next, rest, values, method, methods);
    if found.is_none() {
        values.pop();
    }
    found
}

/// An organization users belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Company {
    Buyer(String),
    Supplier(String),
}

impl Company {
    /// The collection of its users: `buyers/{id}/users`.
    pub(crate) fn users(&self) -> String {
        match self {
            Self::Buyer(id) => format!("buyers/{}/users", id.to_lowercase()),
            Self::Supplier(id) => format!("suppliers/{}/users", id.to_lowercase()),
        }
    }

    /// Its ID.
    pub(crate) fn id(&self) -> &str {
        match self {
            Self::Buyer(id) | Self::Supplier(id) => id,
        }
    }

    /// Whether `other` is the same organization, its ID in any letter case.
    pub(crate) fn same(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Buyer(a), Self::Buyer(b)) | (Self::Supplier(a), Self::Supplier(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        }
    }
}

/// What kind of caller a request has.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum CallerKind {
    /// The simulator itself, creating what it is seeded with: every right.
    Seed,
    /// An integration's own context (client credentials): the marketplace owner's rights.
    Admin,
    /// A buyer user, anonymous shoppers included.
    Buyer,
    /// A supplier user.
    Supplier,
}

/// Who is calling, as their token says.
pub(crate) struct Caller {
    pub(crate) kind: CallerKind,
    /// The user's ID (a user's, or an anonymous shopper's: see [`Caller::own_key`]).
    pub(crate) user_id: Option<String>,
    /// The username, or the anonymous shopper's ID.
    pub(crate) username: String,
    /// The user's buyer organization, when known.
    pub(crate) buyer_id: Option<String>,
    /// A supplier user's supplier.
    pub(crate) supplier_id: Option<String>,
    /// The token's roles.
    pub(crate) roles: Vec<String>,
    pub(crate) anonymous: bool,
    /// The email address and first name of a user no resource holds (added with `SimUser`).
    pub(crate) contact: Option<(String, Option<String>)>,
}

impl Caller {
    /// The simulator creating what it is seeded with.
    pub(crate) fn seed() -> Self {
        Self {
            kind: CallerKind::Seed,
            user_id: None,
            username: String::new(),
            buyer_id: None,
            supplier_id: None,
            roles: Vec::new(),
            anonymous: false,
            contact: None,
        }
    }

    /// Whether the token has any of `roles`.
    pub(crate) fn has_any(&self, roles: &[&str]) -> bool {
        self.roles.iter().any(|role| roles.contains(&role.as_str()))
    }

    /// Whether the caller acts for the marketplace owner (or is the seed).
    pub(crate) fn is_admin(&self) -> bool {
        matches!(self.kind, CallerKind::Seed | CallerKind::Admin)
    }

    /// The caller's organization: their supplier, else their buyer.
    pub(crate) fn company(&self) -> Option<Company> {
        match (&self.buyer_id, &self.supplier_id) {
            (_, Some(supplier)) => Some(Company::Supplier(supplier.clone())),
            (Some(buyer), None) => Some(Company::Buyer(buyer.clone())),
            (None, None) => None,
        }
    }

    /// The stored user the caller is, and their organization: none for an anonymous shopper
    /// (whatever ID they were given, they are no stored user) or a user no resource holds.
    pub(crate) fn stored_user<'s>(&self, store: &'s Store) -> Option<(Company, &'s Value)> {
        if self.anonymous {
            return None;
        }
        let (company, id) = self.company().zip(self.user_id.as_deref())?;
        let user = store.get(&company.users(), id)?;
        Some((company, user))
    }

    /// Whether `record` (an order, a subscription) is from the caller: its `FromUserID` is
    /// the caller's ID and its `FromCompanyID` their organization (user IDs are unique only
    /// within an organization). Whether an anonymous shopper started it is for the caller
    /// of this to check.
    pub(crate) fn is_from(&self, record: &Value) -> bool {
        let field = |name: &str| record.get(name).and_then(Value::as_str).filter(|value| !value.is_empty());
        let user = self.user_id.as_deref().zip(field("FromUserID")).is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
        let company = match (self.company(), field("FromCompanyID")) {
            (Some(company), Some(from)) => company.id().eq_ignore_ascii_case(from),
            (None, None) => true,
            _ => false,
        };
        user && company
    }

    /// The key of what is the caller's own (their cart, their `/me` collections): their
    /// organization, their ID, and whether they are an anonymous shopper, so that neither
    /// the same user ID in two organizations nor an anonymous shopper given a user's ID
    /// share anything. `None` without a user ID.
    pub(crate) fn own_key(&self) -> Option<String> {
        // Each part with `%`, `:` and `/` escaped: no two callers have the same key, and it
        // is one segment of a collection's path.
        let part = |text: &str| text.to_lowercase().replace('%', "%25").replace(':', "%3a").replace('/', "%2f");
        let user = self.user_id.as_deref()?;
        let (kind, company) = match self.company() {
            Some(Company::Buyer(id)) => ("buyer", id),
            Some(Company::Supplier(id)) => ("supplier", id),
            None => ("none", String::new()),
        };
        let who = if self.anonymous { "anonymous" } else { "user" };
        Some(format!("{who}:{kind}:{}:{}", part(&company), part(user)))
    }

    /// What `GET /v1/me` shows of the caller: a stored user as stored, else what the
    /// simulator knows. Built when asked for.
    pub(crate) fn profile(&self, store: &Store) -> Value {
        let stored = self.stored_user(store).map(|(_, user)| output(user.clone()));
        stored.unwrap_or_else(|| {
            let (email, first_name) = self.contact.clone().unzip();
            json!({
                "ID": self.user_id.as_deref().unwrap_or(&self.username), "Username": self.username,
                "Email": email, "FirstName": first_name.flatten(), "Active": true,
            })
        })
    }
}

/// What changed that the rest of the simulator keeps too: a buyer or supplier user (who
/// can sign in and reset a password) created, changed or deleted.
#[derive(Debug)]
pub(crate) enum Effect {
    UserSaved { company: Company, user: Value },
    UserDeleted { company: Company, user_id: String },
}

/// Whether `caller` may make `call` on the order it names, if it names one (`access`'s rule,
/// for a request that is handled outside `serve`: the integration events).
pub(crate) fn may_call_on_order(store: &Store, call: &Call, caller: &Caller) -> bool {
    let request = Request { call, query: &[], body: None, caller };
    access::check_order(store, &request).is_ok()
}

/// A request to serve.
pub(crate) struct Request<'a> {
    pub(crate) call: &'a Call,
    pub(crate) query: &'a [(String, String)],
    pub(crate) body: Option<Value>,
    pub(crate) caller: &'a Caller,
}

impl Request<'_> {
    /// A query parameter's value.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// A path parameter's value (`{orderID}`), or empty.
    pub(crate) fn path_value(&self, name: &str) -> String {
        self.call.param(name).unwrap_or_default().to_owned()
    }
}

/// Serves `request` from `store`; what else changed comes back as effects.
pub(crate) fn serve(store: &mut Store, request: &Request<'_>, clock: &mut Clock) -> (Reply, Vec<Effect>) {
    let mut effects = Vec::new();
    let reply = match serve_inner(store, request, clock, &mut effects) {
        Ok(reply) | Err(reply) => reply,
    };
    (reply, effects)
}

fn serve_inner(
    store: &mut Store,
    request: &Request<'_>,
    clock: &mut Clock,
    effects: &mut Vec<Effect>,
) -> Result<Reply, Reply> {
    let op = request.call.op;
    let reply = if op.cart.is_some() || op.id == "Cart.SetActiveCart" {
        cart::serve(store, request, clock, effects)?
    } else {
        serve_operation(store, request, clock, effects)?
    };
    Ok(as_described(reply, op))
}

/// A success answered with the status the description gives the operation (the Cart's
/// `Submit` is 200 where the order's is 201), and without a body when that is 204.
fn as_described(mut reply: Reply, op: &Described) -> Reply {
    if !reply.status.is_success() {
        return reply;
    }
    if let Ok(status) = StatusCode::from_u16(op.status) {
        reply.status = status;
    }
    if reply.status == StatusCode::NO_CONTENT {
        reply.body = None;
        reply.written = None;
    }
    reply
}

/// Serves an operation of the description (the Cart's stand in for these).
fn serve_operation(
    store: &mut Store,
    request: &Request<'_>,
    clock: &mut Clock,
    effects: &mut Vec<Effect>,
) -> Result<Reply, Reply> {
    let op = request.call.op;
    // An order's own operations (its line items, payments, promotions, worksheet...) only
    // for those who may see it.
    access::check_order(store, request)?;
    if let Some(schema) = op.assignment {
        return assignment(store, request, schema);
    }
    if let Some(answer) = crate::integration_events::serve(store, request) {
        return answer;
    }
    if op.id == "Certs.GetPublicKey" {
        let id = request.path_value("{ID}");
        return crate::keys::public_key(&id).map(Reply::ok).ok_or_else(|| not_found("PublicKey", &id));
    }
    if let Some(reply) = me::serve(store, request, clock, effects)? {
        return Ok(reply);
    }
    if let Some(reply) = orders::serve(store, request, clock)? {
        return Ok(reply);
    }
    if let Some(reply) = promotions::serve(store, request, clock)? {
        return Ok(reply);
    }
    if !op.stored {
        return Err(not_simulated(op));
    }
    let place = Place::of(request)?;
    let reply = objects(store, request, &place, clock, effects)?;
    if let Some(order_id) = place.order_of_line_items().filter(|_| op.method != "GET") {
        recompute_order(store, &order_id)?;
    }
    Ok(reply)
}

/// The generic operations on objects: list, create, get, save, patch, delete.
fn objects(
    store: &mut Store,
    request: &Request<'_>,
    place: &Place,
    clock: &mut Clock,
    effects: &mut Vec<Effect>,
) -> Result<Reply, Reply> {
    let op = request.call.op;
    if place.item.is_none() && !op.list && matches!(op.method, "GET" | "PUT" | "PATCH" | "DELETE") {
        return singleton(store, request, place, clock);
    }
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
            // Written from the store as it is, without a copy.
            let object = store.get(&place.collection, id).ok_or_else(|| missing(op, id))?;
            let json = serde_json::to_vec(&Output(object)).map_err(|_| missing(op, id))?;
            Ok(Reply::ok_written(json.into()))
        }
        ("PUT", Some(id)) if op.body.is_some() => {
            let body = body_object(request)?;
            parents_exist(store, place)?;
            let object = save(store, place, op, id, body, clock)?;
            effects.extend(user_effect(place, &object));
            Ok(Reply::ok(output(object)))
        }
        ("PATCH", Some(id)) if op.body.is_some() => {
            let body = body_object(request)?;
            parents_exist(store, place)?;
            let object = patch(store, &place.collection, op, id, body)?;
            effects.extend(user_effect(place, &object));
            Ok(Reply::ok(output(object)))
        }
        ("DELETE", Some(id)) => {
            parents_exist(store, place)?;
            if !store.remove(&place.collection, id) {
                return Err(missing(op, id));
            }
            if let Some(company) = place.company_of_users() {
                effects.push(Effect::UserDeleted { company, user_id: id.clone() });
            }
            Ok(Reply::no_content())
        }
        _ => Err(not_simulated(op)),
    }
}

/// A resource there is one of, at a path with no ID (`/integrations/ErrorConfig`, the
/// marketplace's configurations): got, saved (created or replaced), patched and deleted
/// whole; `NotFound` before it is saved.
fn singleton(store: &mut Store, request: &Request<'_>, place: &Place, clock: &Clock) -> Result<Reply, Reply> {
    /// The key the one object is kept under.
    const ONE: &str = "configuration";
    let op = request.call.op;
    let absent = || missing(op, "");
    parents_exist(store, place)?;
    match op.method {
        "GET" => store.get(&place.collection, ONE).cloned().map(|object| Reply::ok(output(object))).ok_or_else(absent),
        "PUT" => {
            let body = body_object(request)?;
            required(op, &body)?;
            let existing = store.get(&place.collection, ONE).cloned();
            let mut object = without(body, op.read_only);
            keep_read_only(&mut object, existing.as_ref(), op, clock);
            store.put(&place.collection, ONE, Value::Object(object.clone()));
            Ok(Reply::ok(output(Value::Object(object))))
        }
        "PATCH" => {
            store.get(&place.collection, ONE).ok_or_else(absent)?;
            Ok(Reply::ok(output(patch(store, &place.collection, op, ONE, body_object(request)?)?)))
        }
        _ => match store.remove(&place.collection, ONE) {
            true => Ok(Reply::no_content()),
            false => Err(absent()),
        },
    }
}

/// Replaces the object `id` of `place` with `body` (creating it when there is none): its
/// read-only fields the server's, an `ID` in the body moving it, with every collection under
/// it (an order's line items, payments...). Moving it onto an ID another object has is 409
/// `IdExists`, as creating it there is; nothing changes.
pub(crate) fn save(
    store: &mut Store,
    place: &Place,
    op: &Described,
    id: &str,
    body: Map<String, Value>,
    clock: &Clock,
) -> Result<Value, Reply> {
    required(op, &body)?;
    let existing = store.get(&place.collection, id).cloned();
    let mut object = without(body, op.read_only);
    let target = object.get("ID").and_then(Value::as_str).filter(|target| !target.is_empty()).unwrap_or(id).to_owned();
    let moved = !target.eq_ignore_ascii_case(id);
    if moved && store.contains(&place.collection, &target) {
        return Err(id_exists(op, &target));
    }
    object.insert("ID".to_owned(), Value::String(target.clone()));
    keep_read_only(&mut object, existing.as_ref(), op, clock);
    if moved {
        store.rename(&place.collection, id, &target);
    }
    let object = Value::Object(object);
    store.put(&place.collection, &target, object.clone());
    Ok(object)
}

/// Merges `body` into the object `id` of `collection`, as OrderCloud's PATCH does.
pub(crate) fn patch(
    store: &mut Store,
    collection: &str,
    op: &Described,
    id: &str,
    body: Map<String, Value>,
) -> Result<Value, Reply> {
    let mut object = store.get(collection, id).cloned().ok_or_else(|| missing(op, id))?;
    if let Value::Object(fields) = &mut object {
        store::merge(fields, without(body, op.read_only));
    }
    store.put(collection, id, object.clone());
    Ok(object)
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
    pub(crate) fn of(request: &Request<'_>) -> Result<Self, Reply> {
        let op = request.call.op;
        let parts: Vec<&str> = op.path().trim_matches('/').split('/').filter(|part| *part != DIRECTION).collect();
        let mut collection = String::new();
        if parts.first() == Some(&"me") {
            let owner = request.caller.own_key().ok_or_else(invalid_token)?;
            collection = format!("me:{owner}");
        }
        let mut parents = Vec::new();
        let mut item = None;
        let last = parts.len().saturating_sub(1);
        for (index, part) in parts.iter().enumerate() {
            if part.starts_with('{') {
                let value = request.path_value(part);
                match op.parents.iter().find(|parent| parent.param == *part) {
                    Some(parent) => {
                        parents.push((collection.clone(), value.clone(), parent.schema));
                        collection.push('/');
                        collection.push_str(&value.to_lowercase());
                    }
                    None if index == last => item = Some(value),
                    // A parameter of an action's path that names no stored parent.
                    None => {
                        collection.push('/');
                        collection.push_str(&value.to_lowercase());
                    }
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
    pub(crate) fn order_of_line_items(&self) -> Option<String> {
        let mut parts = self.collection.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("orders"), Some(order), Some("lineitems"), None) => Some(order.to_owned()),
            _ => None,
        }
    }

    /// The organization whose users this place holds (`buyers/{buyerID}/users`,
    /// `suppliers/{supplierID}/users`).
    fn company_of_users(&self) -> Option<Company> {
        let mut parts = self.collection.split('/');
        let (kind, _, users, end) = (parts.next(), parts.next(), parts.next(), parts.next());
        let id = self.parents.first().map(|(_, id, _)| id.clone())?;
        match (kind, users, end) {
            (Some("buyers"), Some("users"), None) => Some(Company::Buyer(id)),
            (Some("suppliers"), Some("users"), None) => Some(Company::Supplier(id)),
            _ => None,
        }
    }
}

/// `404 NotFound` for the first parent `place`'s path names that is not stored.
pub(crate) fn parents_exist(store: &Store, place: &Place) -> Result<(), Reply> {
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
    Ok(ListQuery::parse(request.query, request.call.op.query)?)
}

impl From<query::ListError> for Reply {
    /// 400 with the list error's code and message.
    fn from(error: query::ListError) -> Self {
        Reply::bad_request(error.code, &error.message)
    }
}

/// Creates `body` in `place`'s collection: its ID given or generated, its read-only fields the
/// server's, its required fields checked.
pub(crate) fn create(
    store: &mut Store,
    place: &Place,
    op: &Described,
    body: Map<String, Value>,
    clock: &mut Clock,
) -> Result<Value, Reply> {
    parents_exist(store, place)?;
    required(op, &body)?;
    let mut object = without(body, op.read_only);
    let id = match object.get("ID").and_then(Value::as_str).filter(|id| !id.is_empty()) {
        Some(id) => id.to_owned(),
        None => clock.new_id(),
    };
    if store.contains(&place.collection, &id) {
        return Err(id_exists(op, &id));
    }
    object.insert("ID".to_owned(), Value::String(id.clone()));
    keep_read_only(&mut object, None, op, clock);
    let object = Value::Object(object);
    store.put(&place.collection, &id, object.clone());
    Ok(object)
}

/// 409 `IdExists`: another object of the collection has the ID `id`.
fn id_exists(op: &Described, id: &str) -> Reply {
    Reply::error_with(
        StatusCode::CONFLICT,
        "IdExists",
        &format!("An object with ID {id} already exists"),
        json!({"ObjectType": op.body.unwrap_or("Object"), "ObjectID": id}),
    )
}

/// Sets the read-only fields the server keeps: those of `existing`, and a new object's
/// `DateCreated`.
fn keep_read_only(object: &mut Map<String, Value>, existing: Option<&Value>, op: &Described, clock: &Clock) {
    match existing.and_then(Value::as_object) {
        Some(existing) => {
            for field in op.read_only {
                if let Some(value) = existing.get(*field) {
                    object.insert((*field).to_owned(), value.clone());
                }
            }
        }
        None if op.read_only.contains(&"DateCreated") => {
            object.insert("DateCreated".to_owned(), Value::String(clock.now_text()));
        }
        None => {}
    }
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

/// An object written as answered, from where it is: write-only fields (a password) are
/// never sent back.
struct Output<'a>(&'a Value);

impl serde::Serialize for Output<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Value::Object(fields) = self.0 else { return self.0.serialize(serializer) };
        let shown = fields.iter().filter(|(key, _)| !key.eq_ignore_ascii_case("Password"));
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in shown {
            map.serialize_entry(key, value)?;
        }
        map.end()
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
    place.company_of_users().map(|company| Effect::UserSaved { company, user: object.clone() })
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
            Ok(Reply::ok(ListQuery::parse(&paging, &[])?.answer(items, false)))
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

/// 404 `NotFound` for the object `id` of the schema `op` answers (or takes).
pub(crate) fn missing(op: &Described, id: &str) -> Reply {
    not_found(op.answer.or(op.body).unwrap_or("Object"), id)
}

/// 501 for an operation the simulator does not play.
pub(crate) fn not_simulated(op: &Described) -> Reply {
    Reply::error_with(
        StatusCode::NOT_IMPLEMENTED,
        "Simulator.NotSimulated",
        &format!("{} ({} {}) is described by OrderCloud's API but not simulated", op.id, op.method, op.label),
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

/// The operation at `index` of the table.
pub(crate) fn operation(index: usize) -> &'static Described {
    &described::OPERATIONS[index]
}

/// The operation `id` (`Orders.Create`) of the table.
pub(crate) fn operation_named(id: &str) -> Option<&'static Described> {
    described::OPERATIONS.iter().find(|op| op.id == id)
}

/// Every operation of the description.
#[cfg(test)]
pub(crate) fn operations() -> impl Iterator<Item = &'static Described> {
    described::OPERATIONS.iter()
}

/// `body` with its top-level property names in the letter case of `op`'s body schema when
/// they match one in another (OrderCloud reads JSON property names in any case); others as
/// they are.
pub(crate) fn with_schema_names(body: Value, op: &Described) -> Value {
    crate::incoming::with_field_names(body, op.fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path of `op` with each parameter given a value that is no literal anywhere.
    fn concrete(op: &Described) -> String {
        op.path().split('/').map(|part| if part.starts_with('{') { "x-1" } else { part }).collect::<Vec<_>>().join("/")
    }

    #[test]
    fn every_operation_is_found_at_its_own_path_in_any_letter_case() {
        for op in operations() {
            let method = Method::from_bytes(op.method.as_bytes()).unwrap();
            for path in [concrete(op), concrete(op).to_uppercase().replace("X-1", "x-1")] {
                match route(&method, &path) {
                    Route::Found(call) => {
                        assert_eq!(call.op.id, op.id, "{} {path}", op.method);
                        assert!(call.params.iter().all(|(_, value)| value == "x-1"), "{path}");
                        assert_eq!(call.params.len(), op.params.len());
                    }
                    _ => panic!("{} {path} is not routed", op.method),
                }
            }
        }
    }

    #[test]
    fn a_literal_comes_before_a_parameter_and_the_parameter_after_a_dead_end() {
        let found = |method: Method, path: &str| match route(&method, path) {
            Route::Found(call) => (call.op.id, call.params.into_iter().map(|(_, value)| value).collect::<Vec<_>>()),
            _ => panic!("{path} is not routed"),
        };
        assert_eq!(found(Method::PUT, "/cart/shipto").0, "Cart.SetShippingAddress");
        assert_eq!(found(Method::PUT, "/cart/o-1"), ("Cart.SetActiveCart", vec!["o-1".to_owned()]));
        // `assignments` is a literal under /catalogs, but a catalog may be named so too.
        assert_eq!(found(Method::GET, "/catalogs/assignments").0, "Catalogs.ListAssignments");
        assert_eq!(found(Method::GET, "/catalogs/assignments/categories").0, "Categories.List");
        assert_eq!(found(Method::GET, "/products/a%20b%2Fc"), ("Products.Get", vec!["a b/c".to_owned()]));
        match route(&Method::DELETE, "/me/register") {
            Route::WrongMethod(methods) => assert_eq!(methods, ["PUT"]),
            _ => panic!("DELETE /me/register"),
        }
        for unknown in ["", "/", "/nothing", "/products//specs", "/products/%FF"] {
            assert!(matches!(route(&Method::GET, unknown), Route::Unknown), "{unknown:?}");
        }
    }

    #[test]
    fn no_two_callers_share_an_own_key() {
        let caller = |buyer: Option<&str>, supplier: Option<&str>, user: &str, anonymous: bool| Caller {
            kind: CallerKind::Buyer,
            user_id: Some(user.to_owned()),
            username: user.to_owned(),
            buyer_id: buyer.map(str::to_owned),
            supplier_id: supplier.map(str::to_owned),
            roles: Vec::new(),
            anonymous,
            contact: None,
        };
        let keys = [
            caller(Some("b1"), None, "u1", false),
            caller(Some("b2"), None, "u1", false),
            caller(Some("b1"), None, "u1", true),
            caller(None, Some("b1"), "u1", false),
            caller(None, None, "u1", false),
            caller(Some("a:b"), None, "c", false),
            caller(Some("a"), None, "b:c", false),
            caller(Some("a/b"), None, "c", false),
            caller(Some("a%3ab"), None, "c", false),
        ]
        .map(|caller| caller.own_key().unwrap());
        for (at, key) in keys.iter().enumerate() {
            assert!(!keys[at + 1..].contains(key), "{key}");
            assert!(!key.contains('/'), "{key} is one segment");
        }
        assert_eq!(caller(Some("B1"), None, "U1", false).own_key(), caller(Some("b1"), None, "u1", false).own_key());
    }

    #[test]
    fn roles_the_reference_does_not_give_come_from_the_rules() {
        let op = |id: &str| operation_named(id).unwrap();
        assert_eq!(
            (op("Cart.Submit").roles, op("Cart.Submit").roles_from),
            (&["FullAccess", "Shopper"][..], RolesFrom::Rule)
        );
        assert_eq!(op("Orders.Get").roles_from, RolesFrom::Reference);
        assert_eq!(op("Bundles.Create").roles, ["FullAccess", "BundleAdmin"]);
        assert_eq!(op("Me.RevokeTokens").roles_from, RolesFrom::Unknown);
        assert!(operations().filter(|op| op.roles_from == RolesFrom::Unknown).count() <= 2);
    }
}
