//! What the signed-in user sees and keeps (`Me.*`): their profile; the products of the
//! catalogs assigned to their buyer, each with its price schedule, and those catalogs and
//! their categories; their product collections (lists of products they keep, such as a
//! wish list) and what is in them; and their subscriptions, which are the marketplace's
//! subscriptions from them. Their orders are [`super::orders`]', their promotions
//! [`super::promotions`]'.

use serde_json::{Map, Value, json};

use super::store::Store;
use super::{
    Effect, Request, Route, body_object, list_query, not_found, orders::price_schedule, output, required,
    serve_operation,
};
use crate::clock::Clock;
use crate::reply::Reply;

/// Serves `request` if its operation is one of these actions; `None` for any other.
pub(crate) fn serve(
    store: &mut Store,
    request: &Request<'_>,
    clock: &mut Clock,
    effects: &mut Vec<Effect>,
) -> Result<Option<Reply>, Reply> {
    let caller = request.caller;
    let op = request.call.op;
    let buyer = caller.buyer_id.as_deref();
    if op.path().starts_with("/me/subscriptions") {
        return subscriptions(store, request, clock, effects).map(Some);
    }
    Ok(Some(match op.id {
        "Me.Get" => {
            caller.user_id.as_ref().ok_or_else(super::invalid_token)?;
            Reply::ok(caller.profile(store))
        }
        "Me.Patch" | "Me.Save" => {
            // Only a user stored under their buyer can change themselves; a user added with
            // `--user` or `SimUser`, or an anonymous shopper, has no stored object.
            let user = caller.user_id.as_deref().ok_or_else(super::invalid_token)?;
            let stored = caller.stored_user(store).map(|(company, found)| (company, found.clone()));
            let (company, mut stored) = stored.ok_or_else(|| not_found("User", user))?;
            let body = body_object(request)?;
            if op.id == "Me.Save" {
                required(op, &body)?;
            }
            let changes = super::query::without(body, &["ID", "Active"]);
            if let Value::Object(fields) = &mut stored {
                super::store::merge(fields, super::query::without(changes, op.read_only));
            }
            effects.push(Effect::UserSaved { company, user: stored.clone() });
            Reply::ok(output(stored))
        }
        "Me.ListProducts" => {
            let query = list_query(request)?;
            let products = visible_products(store, buyer, request.param("catalogID"), request.param("categoryID"));
            Reply::ok(query.answer(products, true))
        }
        "Me.GetProduct" => {
            let id = request.path_value("{productID}");
            visible_product(store, buyer, &id).map(Reply::ok).ok_or_else(|| not_found("Product", &id))?
        }
        "Me.ListCatalogs" => {
            let query = list_query(request)?;
            let catalogs: Vec<Value> =
                assigned_catalogs(store, buyer).iter().filter_map(|id| store.get("catalogs", id).cloned()).collect();
            Reply::ok(query.answer(catalogs, false))
        }
        "Me.GetCatalog" => {
            let id = request.path_value("{catalogID}");
            let assigned = assigned_catalogs(store, buyer).iter().any(|catalog| catalog.eq_ignore_ascii_case(&id));
            assigned
                .then(|| store.get("catalogs", &id).cloned())
                .flatten()
                .map(Reply::ok)
                .ok_or_else(|| not_found("Catalog", &id))?
        }
        "Me.ListCategories" => {
            let query = list_query(request)?;
            let catalogs = match request.param("catalogID") {
                Some(catalog) => vec![catalog.to_owned()],
                None => assigned_catalogs(store, buyer),
            };
            let categories: Vec<Value> = catalogs
                .iter()
                .flat_map(|catalog| {
                    store.list(&format!("catalogs/{}/categories", catalog.to_lowercase())).cloned().collect::<Vec<_>>()
                })
                .collect();
            Reply::ok(query.answer(categories, false))
        }
        "Me.ListProductCollectionEntries" => {
            let entries = own_collection(store, request)?;
            let query = list_query(request)?;
            // What the user sees, worked out once for every entry.
            let visible = visible_products(store, buyer, None, None);
            let products: Vec<Value> = store
                .list(&entries)
                .filter_map(|entry| {
                    let id = entry["ProductID"].as_str()?;
                    let mut product = find_product(&visible, id)?.clone();
                    product["ListOrder"] = entry.get("ListOrder").cloned().unwrap_or(Value::Null);
                    product["DateAdded"] = entry.get("DateAdded").cloned().unwrap_or(Value::Null);
                    Some(product)
                })
                .collect();
            Reply::ok(query.answer(products, false))
        }
        "Me.CreateProductCollectionEntry" | "Me.SaveProductCollectionEntry" => {
            let entries = own_collection(store, request)?;
            let (product, order) = match op.id {
                "Me.CreateProductCollectionEntry" => (request.path_value("{productID}"), None),
                _ => {
                    let body = body_object(request)?;
                    required(op, &body)?;
                    let product = body.get("ProductID").and_then(Value::as_str).unwrap_or_default().to_owned();
                    (product, body.get("ListOrder").cloned())
                }
            };
            visible_product(store, buyer, &product).ok_or_else(|| not_found("Product", &product))?;
            let mut entry = Map::new();
            entry.insert("ProductID".to_owned(), json!(product));
            entry.insert("ListOrder".to_owned(), order.unwrap_or(Value::Null));
            entry.insert("DateAdded".to_owned(), json!(clock.now_text()));
            store.put(&entries, &product, Value::Object(entry));
            Reply::no_content()
        }
        "Me.DeleteProductCollectionEntry" => {
            let entries = own_collection(store, request)?;
            let product = request.path_value("{productID}");
            if !store.remove(&entries, &product) {
                return Err(not_found("Product", &product));
            }
            Reply::no_content()
        }
        _ => return Ok(None),
    }))
}

/// The entries of the caller's product collection the path names, which must exist.
fn own_collection(store: &Store, request: &Request<'_>) -> Result<String, Reply> {
    let owner = request.caller.own_key().ok_or_else(super::invalid_token)?;
    let id = request.path_value("{productCollectionID}");
    let collections = format!("me:{owner}/productcollections");
    if !store.contains(&collections, &id) {
        return Err(not_found("ProductCollection", &id));
    }
    Ok(format!("{collections}/{}/products", id.to_lowercase()))
}

/// `/me/subscriptions...`: the marketplace's subscriptions (`/subscriptions...`) from the
/// caller (their ID in their organization), served as those are: one of another user is
/// `NotFound`, a new one is from the caller, and the list holds the caller's own. An
/// anonymous shopper has none: 400 `User.IsTemp`, as for the other things only a user has.
fn subscriptions(
    store: &mut Store,
    request: &Request<'_>,
    clock: &mut Clock,
    effects: &mut Vec<Effect>,
) -> Result<Reply, Reply> {
    let caller = request.caller;
    let user = caller.user_id.as_deref().ok_or_else(super::invalid_token)?;
    if caller.anonymous {
        return Err(Reply::bad_request(
            "User.IsTemp",
            "An anonymous shopper has no subscriptions: register or sign in first.",
        ));
    }
    let own = |subscription: &Value| caller.is_from(subscription);
    if let Some(id) = request.call.param("{subscriptionID}") {
        if !store.get("subscriptions", id).is_some_and(own) {
            return Err(not_found("Subscription", id));
        }
    }
    // The same call at `/subscriptions...`, with the values of the caller's path.
    let mut path = request.call.op.path().trim_start_matches("/me").to_owned();
    for (name, value) in &request.call.params {
        path = path.replace(name, &ordercloud_transport::encode::encode(value));
    }
    let method = http::Method::from_bytes(request.call.op.method.as_bytes()).unwrap_or(http::Method::GET);
    let Route::Found(call) = super::route(&method, &path) else {
        return Err(super::not_simulated(request.call.op));
    };
    let mut body = request.body.clone();
    if call.op.id == "Subscriptions.Create" {
        if let Some(Value::Object(fields)) = &mut body {
            fields.insert("FromUserID".to_owned(), json!(user));
            fields.insert("FromCompanyID".to_owned(), json!(caller.company().map(|company| company.id().to_owned())));
        }
    }
    if call.op.id == "Subscriptions.List" {
        let query = list_query(request)?;
        let mine: Vec<Value> = store.list("subscriptions").filter(|subscription| own(subscription)).cloned().collect();
        return Ok(Reply::ok(query.answer(mine, false)));
    }
    let admin = super::Request { call: &call, query: request.query, body, caller };
    serve_operation(store, &admin, clock, effects)
}

/// The catalogs assigned to `buyer`.
fn assigned_catalogs(store: &Store, buyer: Option<&str>) -> Vec<String> {
    let Some(buyer) = buyer else { return Vec::new() };
    let conditions = [("BuyerID".to_owned(), buyer.to_owned())];
    store
        .assignments("CatalogAssignment", &conditions)
        .filter_map(|assignment| assignment.body["CatalogID"].as_str().map(str::to_owned))
        .collect()
}

/// The product `id` as `buyer`'s users see it, if they do.
fn visible_product(store: &Store, buyer: Option<&str>, id: &str) -> Option<Value> {
    find_product(&visible_products(store, buyer, None, None), id).cloned()
}

/// The product `id` (in any letter case) among `products`.
fn find_product<'p>(products: &'p [Value], id: &str) -> Option<&'p Value> {
    products.iter().find(|product| product["ID"].as_str().is_some_and(|found| found.eq_ignore_ascii_case(id)))
}

/// The active products in the catalogs assigned to `buyer` (only `catalog`, and only those of
/// `category`, when given), each with its price schedule, as `Me.ListProducts` answers them.
fn visible_products(store: &Store, buyer: Option<&str>, catalog: Option<&str>, category: Option<&str>) -> Vec<Value> {
    let catalogs: Vec<String> = assigned_catalogs(store, buyer)
        .into_iter()
        .filter(|assigned| catalog.is_none_or(|catalog| assigned.eq_ignore_ascii_case(catalog)))
        .collect();
    let mut ids: Vec<String> = Vec::new();
    for catalog in &catalogs {
        let in_catalog = [("CatalogID".to_owned(), catalog.clone())];
        let mut products: Vec<String> = store
            .assignments("ProductCatalogAssignment", &in_catalog)
            .filter_map(|assignment| assignment.body["ProductID"].as_str().map(str::to_owned))
            .collect();
        if let Some(category) = category {
            let in_category =
                [("catalogID".to_owned(), catalog.clone()), ("CategoryID".to_owned(), category.to_owned())];
            let categorized: Vec<String> = store
                .assignments("CategoryProductAssignment", &in_category)
                .filter_map(|assignment| assignment.body["ProductID"].as_str().map(str::to_lowercase))
                .collect();
            products.retain(|product| categorized.contains(&product.to_lowercase()));
        }
        for product in products {
            if !ids.iter().any(|id| id.eq_ignore_ascii_case(&product)) {
                ids.push(product);
            }
        }
    }
    ids.sort_by_key(|id| id.to_lowercase());
    ids.iter()
        .filter_map(|id| store.get("products", id).cloned())
        .filter(|product| product["Active"].as_bool() != Some(false))
        .map(|mut product| {
            if let Some(schedule) = price_schedule(store, &product, buyer) {
                product["PriceSchedule"] = schedule;
            }
            output(product)
        })
        .collect()
}
