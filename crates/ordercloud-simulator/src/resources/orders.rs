//! Orders as a storefront's checkout drives them: created for the caller, listed as the
//! caller may see them, line items priced from the buyer's price schedules (exact
//! decimals, see [`money`]) with the order's totals kept, ship-to and bill-to addresses,
//! the from-user of a guest checkout, validation, submission (with approval rules), and
//! approval or decline.

use http::StatusCode;
use ordercloud_models::Decimal;
use serde_json::{Map, Value, json};

use super::access::{self, Need};
use super::expression::{self, Scope};
use super::store::Store;
use super::{
    Caller, CallerKind, Place, Request, body_object, cart, create, list_query, money, not_found, not_simulated, output,
    patch, promotions, required, save,
};
use crate::clock::Clock;
use crate::reply::Reply;

/// Serves `request` if its operation is one of these; `None` for any other.
pub(crate) fn serve(store: &mut Store, request: &Request<'_>, clock: &mut Clock) -> Result<Option<Reply>, Reply> {
    let caller = request.caller;
    let op = request.call.op;
    let order_id = request.path_value("{orderID}");
    let direction = request.call.param("{direction}");
    Ok(Some(match op.id {
        "Orders.List" => {
            let query = list_query(request)?;
            let (buyer, supplier) = (request.param("buyerID"), request.param("supplierID"));
            let matches = |value: &Value, field: &str, wanted: Option<&str>| {
                wanted
                    .is_none_or(|wanted| value[field].as_str().is_some_and(|found| found.eq_ignore_ascii_case(wanted)))
            };
            let orders: Vec<Value> = store
                .list("orders")
                .filter(|order| access::may(store, caller, order, direction, Need::Read))
                .filter(|order| matches(order, "FromCompanyID", buyer) && matches(order, "ToCompanyID", supplier))
                .cloned()
                .collect();
            Reply::ok(query.answer(orders, false))
        }
        "Me.ListOrders" => {
            let query = list_query(request)?;
            let orders: Vec<Value> =
                store.list("orders").filter(|order| access::own(store, caller, order)).cloned().collect();
            Reply::ok(query.answer(orders, false))
        }
        "Me.ListApprovableOrders" => {
            let query = list_query(request)?;
            let orders: Vec<Value> =
                store.list("orders").filter(|order| access::approver(store, caller, order)).cloned().collect();
            Reply::ok(query.answer(orders, false))
        }
        "LineItems.ListAcrossOrders" => {
            let query = list_query(request)?;
            let lines: Vec<Value> = store
                .list("orders")
                .filter(|order| access::may(store, caller, order, direction, Need::Read))
                .filter_map(|order| order["ID"].as_str())
                .flat_map(|id| store.list(&line_items(id)).cloned().map(output).collect::<Vec<_>>())
                .collect();
            Reply::ok(query.answer(lines, false))
        }
        "Orders.Create" => Reply::created(create_order(store, request, body_object(request)?, clock)?),
        "Orders.Save" => {
            let body = body_object(request)?;
            match store.get("orders", &order_id).cloned() {
                None => {
                    let mut body = body;
                    body.insert("ID".to_owned(), json!(order_id));
                    Reply::ok(create_order(store, request, body, clock)?)
                }
                Some(existing) => {
                    unsubmitted(&existing)?;
                    let place = Place::of(request)?;
                    let mut order = save(store, &place, op, &order_id, body, clock)?;
                    keep_owner(&mut order, &existing, caller);
                    let id = order["ID"].as_str().unwrap_or(&order_id).to_owned();
                    given_to_user(store, &id, &existing, &order);
                    store.put("orders", &id, order);
                    if !id.eq_ignore_ascii_case(&order_id) {
                        cart::renamed(store, &order_id, &id);
                    }
                    recompute_order(store, &id)?;
                    Reply::ok(order_of(store, &id)?)
                }
            }
        }
        "Orders.Patch" => {
            let existing = order_of(store, &order_id)?;
            let body = body_object(request)?;
            let shipping = body.get("ShippingAddressID").and_then(Value::as_str).map(str::to_owned);
            let billing = body.get("BillingAddressID").and_then(Value::as_str).map(str::to_owned);
            let mut order = patch(store, "orders", op, &order_id, body)?;
            keep_owner(&mut order, &existing, caller);
            given_to_user(store, &order_id, &existing, &order);
            if let Some(id) = billing {
                order["BillingAddress"] = saved_address(store, caller, &id)?;
            }
            store.put("orders", &order_id, order);
            if let Some(id) = shipping {
                let address = saved_address(store, caller, &id)?;
                ship_to(store, &order_id, Some(&id), address);
            }
            recompute_order(store, &order_id)?;
            Reply::ok(order_of(store, &order_id)?)
        }
        "Orders.Submit" => Reply::created(submit(store, &order_id, clock)?),
        "Orders.Validate" => {
            let order = store.get("orders", &order_id).ok_or_else(|| not_found("Order", &order_id))?;
            unsubmitted(order)?;
            has_line_items(store, &order_id)?;
            Reply::no_content()
        }
        "Orders.Approve" | "Orders.Decline" => {
            let mut order = order_of(store, &order_id)?;
            let info = body_object(request)?;
            let approve = op.id == "Orders.Approve";
            let now = clock.now_text();
            let profile = caller.profile(store);
            let approvals = access::approvals_of(&order_id);
            let pending: Vec<Value> = store.list(&approvals).filter(|a| a["Status"] == "Pending").cloned().collect();
            for mut approval in pending {
                approval["Status"] = json!(if approve { "Approved" } else { "Declined" });
                approval["DateCompleted"] = json!(now);
                approval["Approver"] = profile.clone();
                approval["Comments"] = info.get("Comments").cloned().unwrap_or(Value::Null);
                approval["AllowResubmit"] = info.get("AllowResubmit").cloned().unwrap_or(json!(false));
                let id = approval["ApprovalRuleID"].as_str().unwrap_or_default().to_owned();
                store.put(&approvals, &id, approval);
            }
            order["Status"] = json!(if approve { "Open" } else { "Declined" });
            order[if approve { "DateApproved" } else { "DateDeclined" }] = json!(now);
            store.put("orders", &order_id, order.clone());
            Reply::ok(order)
        }
        "Orders.ListApprovals" => {
            let query = list_query(request)?;
            Reply::ok(query.answer(store.list(&access::approvals_of(&order_id)).cloned(), false))
        }
        "Orders.SetShippingAddress" | "Orders.PatchShippingAddress" => {
            let order = store.get("orders", &order_id).ok_or_else(|| not_found("Order", &order_id))?;
            let body = body_object(request)?;
            let address = if op.id == "Orders.SetShippingAddress" {
                required(op, &body)?;
                Value::Object(body)
            } else {
                if order.get("ShippingAddressID").is_some_and(|id| !id.is_null()) {
                    return Err(saved_address_set("ShippingAddressID"));
                }
                merged(shipping_address(store, &order_id).as_ref(), body)
            };
            ship_to(store, &order_id, None, address);
            Reply::ok(order_of(store, &order_id)?)
        }
        "Orders.SetBillingAddress" | "Orders.PatchBillingAddress" => {
            let mut order = order_of(store, &order_id)?;
            let body = body_object(request)?;
            if op.id == "Orders.SetBillingAddress" {
                required(op, &body)?;
                order["BillingAddress"] = Value::Object(body);
            } else {
                if order.get("BillingAddressID").is_some_and(|id| !id.is_null()) {
                    return Err(saved_address_set("BillingAddressID"));
                }
                order["BillingAddress"] = merged(order.get("BillingAddress"), body);
            }
            if let Value::Object(fields) = &mut order {
                fields.remove("BillingAddressID");
            }
            store.put("orders", &order_id, order.clone());
            Reply::ok(order)
        }
        "Orders.PatchFromUser" => {
            let mut order = order_of(store, &order_id)?;
            let body = body_object(request)?;
            // Only these can change: the guest's name and address.
            let changes: Map<String, Value> = body
                .into_iter()
                .filter(|(key, _)| ["FirstName", "LastName", "Email"].iter().any(|name| name.eq_ignore_ascii_case(key)))
                .collect();
            order["FromUser"] = merged(order.get("FromUser"), changes);
            store.put("orders", &order_id, order.clone());
            Reply::ok(order)
        }
        "LineItems.Create" => {
            let order = order_of(store, &order_id)?;
            unsubmitted(&order)?;
            let body = body_object(request)?;
            required(op, &body)?;
            let priced = priced_line(store, order.get("FromCompanyID").and_then(Value::as_str), &body, None, clock)?;
            let place = Place::of(request)?;
            let mut created = create(store, &place, op, body, clock)?;
            // What the server sets, after `create` dropped any the request sent.
            if let Value::Object(line) = &mut created {
                line.extend(priced);
                if let Some(address) = shipping_address(store, &order_id) {
                    line.insert("ShippingAddress".to_owned(), address);
                }
            }
            let id = created["ID"].as_str().unwrap_or_default().to_owned();
            store.put(&place.collection, &id, created);
            recompute_order(store, &order_id)?;
            Reply::created(line_of(store, &order_id, &id)?)
        }
        "LineItems.Save" | "LineItems.Patch" => {
            let order = order_of(store, &order_id)?;
            unsubmitted(&order)?;
            let line_id = request.path_value("{lineItemID}");
            let place = Place::of(request)?;
            let existing = store.get(&place.collection, &line_id).cloned();
            let body = body_object(request)?;
            let line = match (op.id, &existing) {
                ("LineItems.Patch", None) => return Err(not_found("LineItem", &line_id)),
                ("LineItems.Patch", Some(_)) => patch(store, &place.collection, op, &line_id, body)?,
                _ => save(store, &place, op, &line_id, body, clock)?,
            };
            let fields = line.as_object().cloned().unwrap_or_default();
            let buyer = order.get("FromCompanyID").and_then(Value::as_str);
            let mut priced = priced_line(store, buyer, &fields, existing.as_ref(), clock)?;
            let id = line["ID"].as_str().unwrap_or(&line_id).to_owned();
            let mut line = line;
            if let Value::Object(fields) = &mut line {
                if existing.is_some() {
                    // Added when it was first added.
                    priced.remove("DateAdded");
                }
                fields.extend(priced);
            }
            store.put(&place.collection, &id, line);
            recompute_order(store, &order_id)?;
            Reply::ok(line_of(store, &order_id, &id)?)
        }
        "LineItems.SetShippingAddress" | "LineItems.PatchShippingAddress" => {
            let line_id = request.path_value("{lineItemID}");
            let mut line =
                store.get(&line_items(&order_id), &line_id).cloned().ok_or_else(|| not_found("LineItem", &line_id))?;
            let body = body_object(request)?;
            if op.id == "LineItems.SetShippingAddress" {
                required(op, &body)?;
                line["ShippingAddress"] = Value::Object(body);
            } else {
                line["ShippingAddress"] = merged(line.get("ShippingAddress"), body);
            }
            store.put(&line_items(&order_id), &line_id, line.clone());
            Reply::ok(output(line))
        }
        "Orders.ListEligibleApprovers"
        | "Orders.Cancel"
        | "Orders.Complete"
        | "Orders.Forward"
        | "Orders.Split"
        | "Orders.Ship" => return Err(not_simulated(op)),
        _ => return Ok(None),
    }))
}

/// Creates an order for the caller from `body`: theirs (`FromUserID`, `FromCompanyID`,
/// `FromUser`), `Unsubmitted`, zero totals; for a buyer user, their cart from now on.
pub(crate) fn create_order(
    store: &mut Store,
    request: &Request<'_>,
    mut body: Map<String, Value>,
    clock: &mut Clock,
) -> Result<Value, Reply> {
    let caller = request.caller;
    if caller.kind == CallerKind::Buyer {
        // A shopper's orders are their own.
        body.insert("FromUserID".to_owned(), json!(caller.user_id));
        body.insert("FromCompanyID".to_owned(), json!(caller.buyer_id));
    }
    // A new order follows the body rules of `Orders.Create`, however it was asked for.
    let orders_op = super::operation_named("Orders.Create").ok_or_else(|| not_simulated(request.call.op))?;
    let place = Place { collection: "orders".to_owned(), item: None, parents: Vec::new() };
    let mut order = create(store, &place, orders_op, body, clock)?;
    let totals = json!({"Status": "Unsubmitted", "IsSubmitted": false, "LineItemCount": 0, "Subtotal": 0,
                        "ShippingCost": 0, "TaxCost": 0, "PromotionDiscount": 0, "Total": 0});
    if let (Value::Object(order), Value::Object(totals)) = (&mut order, totals) {
        for (field, value) in totals {
            order.entry(field).or_insert(value);
        }
        if caller.kind == CallerKind::Buyer {
            order.insert("FromUser".to_owned(), caller.profile(store));
        }
    }
    let id = order["ID"].as_str().unwrap_or_default().to_owned();
    store.put("orders", &id, order.clone());
    access::mark_anonymous(store, &id, caller.anonymous);
    if caller.kind == CallerKind::Buyer {
        cart::set_active(store, caller, &id);
    }
    Ok(order)
}

/// The orders `anonymous` (an anonymous shopper who registered or signed in) started become
/// `user`'s (`profile` their `FromUser`), and so does their cart.
pub(crate) fn transfer_orders(store: &mut Store, anonymous: &Caller, user: &Caller, profile: &Value) {
    let started: Vec<String> = store
        .list("orders")
        .filter(|order| access::own(store, anonymous, order))
        .filter_map(|order| order["ID"].as_str().map(str::to_owned))
        .collect();
    let company = user.company().map(|company| company.id().to_owned());
    for id in started {
        let Some(mut order) = store.get("orders", &id).cloned() else { continue };
        order["FromUserID"] = json!(user.user_id);
        order["FromCompanyID"] = json!(company);
        order["FromUser"] = output(profile.clone());
        store.put("orders", &id, order);
        access::mark_anonymous(store, &id, false);
    }
    cart::hand_over(store, anonymous, user);
}

/// For a caller who is no admin, the owner of `existing` stays the owner of `order`.
fn keep_owner(order: &mut Value, existing: &Value, caller: &Caller) {
    if caller.is_admin() {
        return;
    }
    for field in ["FromUserID", "FromCompanyID", "FromUser"] {
        match existing.get(field) {
            Some(value) => order[field] = value.clone(),
            None => {
                if let Value::Object(fields) = order {
                    fields.remove(field);
                }
            }
        }
    }
}

/// After an admin changed whom `existing` is from (`FromUserID`, `FromCompanyID`), it is
/// the order of the user named there, no longer one an anonymous shopper started.
fn given_to_user(store: &mut Store, order_id: &str, existing: &Value, order: &Value) {
    let from = |order: &Value, field: &str| order.get(field).and_then(Value::as_str).map(str::to_lowercase);
    if ["FromUserID", "FromCompanyID"].iter().any(|field| from(existing, field) != from(order, field)) {
        access::mark_anonymous(store, order_id, false);
    }
}

/// Submits the order: `Open`, or `AwaitingApproval` when an approval rule of its buyer
/// holds for it; refused when it is not unsubmitted or has no line items.
pub(crate) fn submit(store: &mut Store, order_id: &str, clock: &Clock) -> Result<Value, Reply> {
    let mut order = order_of(store, order_id)?;
    if order["Status"].as_str() != Some("Unsubmitted") {
        return Err(Reply::bad_request(
            "Order.CannotSubmitBadStatus",
            "Cannot submit order with this status. Order status must be Unsubmitted.",
        ));
    }
    has_line_items(store, order_id)?;
    promotions::check_still_eligible(store, order_id)?;
    let now = clock.now_text();
    let rules = approval_rules(store, &order)?;
    let approvals = access::approvals_of(order_id);
    for rule in &rules {
        let approval = json!({
            "ApprovalRuleID": rule["ID"], "ApprovingGroupID": rule["ApprovingGroupID"], "Status": "Pending",
            "AllowResubmit": false, "DateCreated": now,
        });
        store.put(&approvals, rule["ID"].as_str().unwrap_or_default(), approval);
    }
    order["Status"] = json!(if rules.is_empty() { "Open" } else { "AwaitingApproval" });
    order["IsSubmitted"] = json!(true);
    order["DateSubmitted"] = json!(now);
    store.put("orders", order_id, order.clone());
    Ok(order)
}

/// The approval rules of the order's buyer whose `RuleExpression` holds for it.
fn approval_rules(store: &Store, order: &Value) -> Result<Vec<Value>, Reply> {
    let Some(buyer) = order["FromCompanyID"].as_str() else { return Ok(Vec::new()) };
    let id = order["ID"].as_str().unwrap_or_default();
    let items: Vec<Value> = store.list(&line_items(id)).cloned().collect();
    let mut applying = Vec::new();
    for rule in store.list(&format!("buyers/{}/approvalrules", buyer.to_lowercase())) {
        let expression = rule["RuleExpression"].as_str().unwrap_or_default();
        let scope = Scope { order, items: &items, item: None };
        if expression::holds(expression, scope).map_err(|error| expression_not_simulated(expression, &error.0))? {
            applying.push(rule.clone());
        }
    }
    Ok(applying)
}

/// 501 for an expression the simulator does not evaluate.
pub(crate) fn expression_not_simulated(expression: &str, what: &str) -> Reply {
    Reply::error_with(
        StatusCode::NOT_IMPLEMENTED,
        "Simulator.NotSimulated",
        &format!("The expression {expression:?} uses what the simulator does not evaluate: {what}"),
        json!({"Expression": expression}),
    )
}

/// `current` (an empty object when it is none, or no object) with `changes` merged in as
/// PATCH merges them: a partial address or from-user applied.
fn merged(current: Option<&Value>, changes: Map<String, Value>) -> Value {
    let mut fields = current.and_then(Value::as_object).cloned().unwrap_or_default();
    super::store::merge(&mut fields, changes);
    Value::Object(fields)
}

fn unsubmitted(order: &Value) -> Result<(), Reply> {
    match order["Status"].as_str() {
        Some("Unsubmitted") | None => Ok(()),
        Some(_) => Err(Reply::bad_request(
            "Order.CannotModifySubmittedOrder",
            "The order has been submitted and can no longer be changed this way.",
        )),
    }
}

fn has_line_items(store: &Store, order_id: &str) -> Result<(), Reply> {
    if store.list(&line_items(order_id)).next().is_none() {
        return Err(Reply::bad_request(
            "Order.CannotSubmitWithNoLineItems",
            "Cannot submit an order without any line items.",
        ));
    }
    Ok(())
}

fn saved_address_set(field: &str) -> Reply {
    Reply::bad_request(
        "Order.SavedAddressSet",
        &format!("The order's {field} is set: change the saved address through the Addresses resource"),
    )
}

/// The saved address `id` the caller may use: their own (`/me/addresses`), or one of their
/// buyer's.
fn saved_address(store: &Store, caller: &Caller, id: &str) -> Result<Value, Reply> {
    let own = caller.own_key().and_then(|owner| store.get(&format!("me:{owner}/addresses"), id));
    let buyer = caller
        .buyer_id
        .as_deref()
        .and_then(|buyer| store.get(&format!("buyers/{}/addresses", buyer.to_lowercase()), id));
    own.or(buyer).cloned().ok_or_else(|| not_found("Address", id))
}

/// Where an order's ad hoc shipping address is kept, for its line items to come.
fn ship_to_of(order_id: &str) -> String {
    format!("orders/{}/shipto", order_id.to_lowercase())
}

/// The address the order ships to, if set.
pub(crate) fn shipping_address(store: &Store, order_id: &str) -> Option<Value> {
    store.get(&ship_to_of(order_id), "address").cloned()
}

/// Ships the order to `address` (a saved one, `saved`, or ad hoc): each line item's
/// `ShippingAddress`, and those added later.
fn ship_to(store: &mut Store, order_id: &str, saved: Option<&str>, address: Value) {
    store.put(&ship_to_of(order_id), "address", address.clone());
    let collection = line_items(order_id);
    let lines: Vec<Value> = store.list(&collection).cloned().collect();
    for mut line in lines {
        line["ShippingAddress"] = address.clone();
        line["ShippingAddressID"] = json!(saved);
        let id = line["ID"].as_str().unwrap_or_default().to_owned();
        store.put(&collection, &id, line);
    }
    if let Some(mut order) = store.get("orders", order_id).cloned() {
        order["ShippingAddressID"] = json!(saved);
        store.put("orders", order_id, order);
    }
}

/// The collection of an order's line items.
pub(crate) fn line_items(order_id: &str) -> String {
    format!("orders/{}/lineitems", order_id.to_lowercase())
}

/// The order `order_id`, or `404 NotFound` for it.
pub(crate) fn order_of(store: &Store, order_id: &str) -> Result<Value, Reply> {
    store.get("orders", order_id).cloned().ok_or_else(|| not_found("Order", order_id))
}

fn line_of(store: &Store, order_id: &str, line_id: &str) -> Result<Value, Reply> {
    store.get(&line_items(order_id), line_id).cloned().map(output).ok_or_else(|| not_found("LineItem", line_id))
}

/// After a change of its line items, costs or promotions: the order's `LineItemCount`,
/// `Subtotal`, `PromotionDiscount` and `Total` again, exactly.
pub(crate) fn recompute_order(store: &mut Store, order_id: &str) -> Result<(), Reply> {
    let Some(mut order) = store.get("orders", order_id).cloned() else { return Ok(()) };
    let lines: Vec<Value> = store.list(&line_items(order_id)).cloned().collect();
    let subtotal = money::sum(lines.iter().map(|line| money::or_zero(line.get("LineSubtotal"))))?;
    order["LineItemCount"] = json!(lines.len());
    order["Subtotal"] = money::number(subtotal);
    store.put("orders", order_id, order);
    let discount = promotions::refresh_amounts(store, order_id)?;
    let Some(mut order) = store.get("orders", order_id).cloned() else { return Ok(()) };
    let costs = money::sum([
        money::or_zero(order.get("ShippingCost")),
        money::or_zero(order.get("TaxCost")),
        money::or_zero(order.get("Gratuity")),
    ])?;
    let total = money::sub(money::add(subtotal, costs)?, discount)?;
    order["PromotionDiscount"] = money::number(discount);
    order["Total"] = money::number(total);
    store.put("orders", order_id, order);
    Ok(())
}

/// The fields the server sets on a line item: its product, and the unit price of the
/// product's price schedule for the quantity (the one assigned to the buyer, else the
/// product's default) times the quantity. A line that had a price (`previous`) of the same
/// product keeps a price set by an integration (`PriceOverridden`).
fn priced_line(
    store: &Store,
    buyer: Option<&str>,
    line: &Map<String, Value>,
    previous: Option<&Value>,
    clock: &Clock,
) -> Result<Map<String, Value>, Reply> {
    let quantity = money::or_zero(line.get("Quantity"));
    if quantity <= Decimal::ZERO {
        return Err(Reply::bad_request(
            "LineItem.QuantityMustBePositive",
            "Line Item's Quantity must be greater than 0.",
        ));
    }
    let product_id = line.get("ProductID").and_then(Value::as_str).unwrap_or_default().to_owned();
    let product = store.get("products", &product_id).cloned().ok_or_else(|| not_found("Product", &product_id))?;
    let schedule = price_schedule(store, &product, buyer);
    let overridden = previous.filter(|previous| {
        previous["PriceOverridden"] == true
            && previous["ProductID"].as_str().is_some_and(|id| id.eq_ignore_ascii_case(&product_id))
    });
    let scheduled = schedule.as_ref().and_then(|schedule| {
        let breaks = schedule["PriceBreaks"].as_array()?;
        breaks
            .iter()
            .filter(|price_break| money::read(price_break.get("Quantity")).unwrap_or(Decimal::from(1)) <= quantity)
            .max_by_key(|price_break| money::read(price_break.get("Quantity")).unwrap_or(Decimal::ZERO))
            .and_then(|price_break| money::read(price_break.get("Price")))
    });
    let unit_price = match overridden {
        Some(previous) => money::or_zero(previous.get("UnitPrice")),
        None => scheduled.or_else(|| money::read(line.get("UnitPrice"))).unwrap_or(Decimal::ZERO),
    };
    let line_total = money::mul(unit_price, quantity)?;
    let mut priced = Map::new();
    priced.insert("UnitPrice".to_owned(), money::number(unit_price));
    priced.insert("LineSubtotal".to_owned(), money::number(line_total));
    priced.insert("LineTotal".to_owned(), money::number(line_total));
    priced.insert("PromotionDiscount".to_owned(), json!(0));
    priced.insert("PriceOverridden".to_owned(), json!(overridden.is_some()));
    priced.insert("DateAdded".to_owned(), json!(clock.now_text()));
    if let Some(id) = schedule.as_ref().and_then(|schedule| schedule.get("ID")) {
        priced.insert("PriceScheduleID".to_owned(), id.clone());
    }
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
pub(crate) fn price_schedule(store: &Store, product: &Value, buyer: Option<&str>) -> Option<Value> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_address_merges_into_the_one_set_or_into_none() {
        let changes = |value: Value| value.as_object().cloned().unwrap();
        let set = json!({"Street1": "1 Main St", "City": "Town", "xp": {"Gate": "B"}});
        let patched = merged(Some(&set), changes(json!({"city": "City", "xp": {"Floor": 2}})));
        assert_eq!(patched, json!({"Street1": "1 Main St", "City": "City", "xp": {"Gate": "B", "Floor": 2}}));
        assert_eq!(merged(None, changes(json!({"City": "Town"}))), json!({"City": "Town"}));
        assert_eq!(merged(Some(&Value::Null), changes(json!({"City": "Town"}))), json!({"City": "Town"}));
    }
}
