//! The actions a storefront's journey needs, beyond storing objects: what the signed-in
//! user sees (`Me.*`: products of the catalogs assigned to their buyer, their orders),
//! orders created for the caller, line items priced and totalled into their order, and
//! `Orders.Submit`.

use serde_json::{Map, Value, json};

use super::store::Store;
use super::{Clock, Effect, Place, Request, body_object, create, list_query, not_found, output, required};
use crate::reply::Reply;

/// Serves `request` if its operation is one of these actions; `None` for any other.
pub(crate) fn serve(
    store: &mut Store,
    request: &Request<'_>,
    clock: &mut dyn Clock,
    effects: &mut Vec<Effect>,
) -> Result<Option<Reply>, Reply> {
    let caller = request.caller;
    let op = request.call.op;
    if let Some(answer) = crate::integration_events::serve(store, request) {
        return answer.map(Some);
    }
    Ok(Some(match op.id {
        "Certs.GetPublicKey" => {
            let id = path_value(request, "{ID}");
            crate::keys::public_key(&id).map(Reply::ok).ok_or_else(|| not_found("PublicKey", &id))?
        }
        "Me.Get" => {
            let profile = caller.profile.clone().ok_or_else(super::invalid_token)?;
            Reply::ok(profile)
        }
        "Me.Patch" | "Me.Save" => {
            // Only a buyer user stored under their buyer can change themselves; a user added
            // with `--user` or `SimUser` has no stored object.
            let user = caller.user_id.ok_or_else(super::invalid_token)?;
            let stored = caller.buyer_id.and_then(|buyer| {
                store.get(&format!("buyers/{}/users", buyer.to_lowercase()), user).cloned().map(|found| (buyer, found))
            });
            let (buyer, mut stored) = stored.ok_or_else(|| not_found("User", user))?;
            let body = body_object(request)?;
            if op.id == "Me.Save" {
                required(op, &body)?;
            }
            let changes = super::query::without(body, &["ID", "Active"]);
            if let Value::Object(fields) = &mut stored {
                super::store::merge(fields, super::query::without(changes, super::read_only(op.body)));
            }
            effects.push(Effect::UserSaved { buyer_id: buyer.to_owned(), user: stored.clone() });
            Reply::ok(output(stored))
        }
        "Me.ListProducts" => {
            let query = list_query(request)?;
            let products =
                visible_products(store, caller.buyer_id, param(request, "catalogID"), param(request, "categoryID"));
            Reply::ok(query.answer(products, true))
        }
        "Me.GetProduct" => {
            let id = path_value(request, "{productID}");
            visible_products(store, caller.buyer_id, None, None)
                .into_iter()
                .find(|product| product["ID"].as_str().is_some_and(|found| found.eq_ignore_ascii_case(&id)))
                .map(Reply::ok)
                .ok_or_else(|| not_found("Product", &id))?
        }
        "Me.ListCatalogs" => {
            let query = list_query(request)?;
            let catalogs: Vec<Value> = assigned_catalogs(store, caller.buyer_id)
                .iter()
                .filter_map(|id| store.get("catalogs", id).cloned())
                .collect();
            Reply::ok(query.answer(catalogs, false))
        }
        "Me.GetCatalog" => {
            let id = path_value(request, "{catalogID}");
            let assigned =
                assigned_catalogs(store, caller.buyer_id).iter().any(|catalog| catalog.eq_ignore_ascii_case(&id));
            assigned
                .then(|| store.get("catalogs", &id).cloned())
                .flatten()
                .map(Reply::ok)
                .ok_or_else(|| not_found("Catalog", &id))?
        }
        "Me.ListCategories" => {
            let query = list_query(request)?;
            let catalogs = match param(request, "catalogID") {
                Some(catalog) => vec![catalog.to_owned()],
                None => assigned_catalogs(store, caller.buyer_id),
            };
            let categories: Vec<Value> = catalogs
                .iter()
                .flat_map(|catalog| {
                    store.list(&format!("catalogs/{}/categories", catalog.to_lowercase())).cloned().collect::<Vec<_>>()
                })
                .collect();
            Reply::ok(query.answer(categories, false))
        }
        "Me.ListOrders" => {
            let query = list_query(request)?;
            let user = caller.user_id.unwrap_or_default();
            let orders: Vec<Value> = store
                .list("orders")
                .filter(|order| order["FromUserID"].as_str().is_some_and(|from| from.eq_ignore_ascii_case(user)))
                .cloned()
                .collect();
            Reply::ok(query.answer(orders, false))
        }
        "Orders.Create" => {
            let mut body = body_object(request)?;
            for (field, value) in [
                ("FromUserID", caller.user_id.map(str::to_owned)),
                ("FromCompanyID", caller.buyer_id.map(str::to_owned)),
            ] {
                if let Some(value) = value {
                    body.entry(field).or_insert(Value::String(value));
                }
            }
            let place = Place::of(request)?;
            let mut order = create(store, &place, request.call.op, body, clock)?;
            let totals = json!({"Status": "Unsubmitted", "IsSubmitted": false, "LineItemCount": 0, "Subtotal": 0.0,
                                "ShippingCost": 0.0, "TaxCost": 0.0, "PromotionDiscount": 0.0, "Total": 0.0});
            if let (Value::Object(order), Value::Object(totals)) = (&mut order, totals) {
                for (field, value) in totals {
                    order.entry(field).or_insert(value);
                }
            }
            let id = order["ID"].as_str().unwrap_or_default().to_owned();
            store.put("orders", &id, order.clone());
            Reply::created(order)
        }
        "LineItems.Create" => {
            let order_id = path_value(request, "{orderID}");
            let order = store.get("orders", &order_id).cloned().ok_or_else(|| not_found("Order", &order_id))?;
            let body = body_object(request)?;
            required(op, &body)?;
            let priced = priced_line(store, order.get("FromCompanyID").and_then(Value::as_str), &body, clock)?;
            let place = Place::of(request)?;
            let mut created = create(store, &place, op, body, clock)?;
            // What the server sets, after `create` dropped any the request sent.
            if let Value::Object(line) = &mut created {
                line.extend(priced);
            }
            let id = created["ID"].as_str().unwrap_or_default().to_owned();
            store.put(&place.collection, &id, created.clone());
            recompute_order(store, &order_id);
            Reply::created(output(created))
        }
        "Orders.Submit" => {
            let order_id = path_value(request, "{orderID}");
            let mut order = store.get("orders", &order_id).cloned().ok_or_else(|| not_found("Order", &order_id))?;
            if order["Status"].as_str() != Some("Unsubmitted") {
                return Err(Reply::bad_request(
                    "Order.CannotSubmitBadStatus",
                    "Cannot submit order with this status. Order status must be Unsubmitted.",
                ));
            }
            if store.list(&format!("orders/{}/lineitems", order_id.to_lowercase())).next().is_none() {
                return Err(Reply::bad_request(
                    "Order.CannotSubmitWithNoLineItems",
                    "Cannot submit an order without any line items.",
                ));
            }
            order["Status"] = json!("Open");
            order["IsSubmitted"] = json!(true);
            order["DateSubmitted"] = json!(clock.now());
            store.put("orders", &order_id, order.clone());
            Reply::created(order)
        }
        _ => return Ok(None),
    }))
}

/// After a line item changed: the order's `LineItemCount`, `Subtotal` and `Total` again.
pub(crate) fn recompute_order(store: &mut Store, order_id: &str) {
    let lines: Vec<Value> = store.list(&format!("orders/{}/lineitems", order_id.to_lowercase())).cloned().collect();
    let Some(mut order) = store.get("orders", order_id).cloned() else { return };
    let subtotal = lines.iter().filter_map(|line| line["LineSubtotal"].as_f64()).fold(0.0, |sum, line| sum + line);
    let number = |field: &str| order[field].as_f64().unwrap_or(0.0);
    let total = subtotal + number("ShippingCost") + number("TaxCost") - number("PromotionDiscount");
    order["LineItemCount"] = json!(lines.len());
    order["Subtotal"] = json!(subtotal);
    order["Total"] = json!(total);
    store.put("orders", order_id, order);
}

/// The fields the server sets on a new line item: its product, and the unit price of the
/// product's price schedule for the quantity (the one assigned to the buyer, else the
/// product's default) times the quantity.
fn priced_line(
    store: &Store,
    buyer: Option<&str>,
    line: &Map<String, Value>,
    clock: &dyn Clock,
) -> Result<Map<String, Value>, Reply> {
    let quantity = line.get("Quantity").and_then(Value::as_f64).unwrap_or(0.0);
    if quantity <= 0.0 {
        return Err(Reply::bad_request(
            "LineItem.QuantityMustBePositive",
            "Line Item's Quantity must be greater than 0.",
        ));
    }
    let product_id = line.get("ProductID").and_then(Value::as_str).unwrap_or_default().to_owned();
    let product = store.get("products", &product_id).cloned().ok_or_else(|| not_found("Product", &product_id))?;
    let schedule = price_schedule(store, &product, buyer);
    let unit_price = schedule
        .as_ref()
        .and_then(|schedule| schedule["PriceBreaks"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter(|price_break| price_break["Quantity"].as_f64().unwrap_or(1.0) <= quantity)
        .max_by(|a, b| a["Quantity"].as_f64().partial_cmp(&b["Quantity"].as_f64()).unwrap_or(std::cmp::Ordering::Equal))
        .and_then(|price_break| price_break["Price"].as_f64())
        .or_else(|| line.get("UnitPrice").and_then(Value::as_f64))
        .unwrap_or(0.0);
    let mut priced = Map::new();
    priced.insert("UnitPrice".to_owned(), json!(unit_price));
    priced.insert("LineSubtotal".to_owned(), json!(unit_price * quantity));
    priced.insert("LineTotal".to_owned(), json!(unit_price * quantity));
    priced.insert("DateAdded".to_owned(), json!(clock.now()));
    let mut snapshot = Map::new();
    for field in
        ["ID", "Name", "Description", "QuantityMultiplier", "ShipWeight", "ShipHeight", "ShipWidth", "ShipLength", "xp"]
    {
        if let Some(value) = product.get(field) {
            snapshot.insert(field.to_owned(), value.clone());
        }
    }
    priced.insert("Product".to_owned(), Value::Object(snapshot));
    Ok(priced)
}

/// The price schedule of `product` for `buyer`: assigned to the buyer, else the product's
/// default.
fn price_schedule(store: &Store, product: &Value, buyer: Option<&str>) -> Option<Value> {
    let product_id = product["ID"].as_str().unwrap_or_default();
    let mut conditions = vec![("ProductID".to_owned(), product_id.to_owned())];
    if let Some(buyer) = buyer {
        conditions.push(("BuyerID".to_owned(), buyer.to_owned()));
    }
    let assigned = store
        .assignments("ProductAssignment", &conditions)
        .find_map(|assignment| assignment.body["PriceScheduleID"].as_str().map(str::to_owned));
    let id = assigned.or_else(|| product["DefaultPriceScheduleID"].as_str().map(str::to_owned))?;
    store.get("priceschedules", &id).cloned()
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

/// A query parameter's value.
fn param<'a>(request: &'a Request<'_>, name: &str) -> Option<&'a str> {
    request.query.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
}

/// A path parameter's value.
fn path_value(request: &Request<'_>, name: &str) -> String {
    request.call.params.iter().find(|(key, _)| *key == name).map(|(_, value)| value.clone()).unwrap_or_default()
}
