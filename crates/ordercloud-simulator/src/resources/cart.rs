//! The Cart, as OrderCloud documents it: a buyer user's unsubmitted order without its ID.
//! Each operation of the Cart stands for the order operation of the same method at
//! `/orders/Outgoing/{orderID}/...` (`described.rs` names it), on the user's active cart, so
//! it is served, and calls out to webhooks and integration events, as that one is.
//!
//! - The active cart is the order `Cart.SetActiveCart` chose or the user's newest
//!   unsubmitted order; after a submit, the newest of those left, else none.
//! - Without one, `Cart.Get` answers an order with a null `ID`, the lists are empty and
//!   `Cart.Delete` does nothing; adding a line item (or saving, patching, setting an address
//!   or the from-user) starts a new cart; `Cart.Submit` is refused as an order without line
//!   items is, and any other operation answers `404 NotFound` for the order.
//! - Only for buyer users (anonymous shoppers included); an anonymous shopper has one cart.
//! - Each user's cart is their own, kept by [`Caller::own_key`]: the same user ID in another
//!   buyer, or an anonymous shopper given a user's ID, is another user.

use http::StatusCode;
use serde_json::{Value, json};

use super::orders::create_order;
use super::store::Store;
use super::{Call, Caller, CallerKind, Effect, Request, access, body_object, list_query, not_found, serve_operation};
use crate::clock::Clock;
use crate::reply::Reply;

/// Where each user's chosen cart is kept: `{"OrderID": ..}` by [`Caller::own_key`].
const CARTS: &str = "carts";

/// The operations that start a cart when the user has none.
const STARTERS: &[&str] = &[
    "Cart.CreateLineItem",
    "Cart.SaveLineItem",
    "Cart.CreateBundleItem",
    "Cart.Patch",
    "Cart.SetShippingAddress",
    "Cart.SetBillingAddress",
    "Cart.PatchFromUser",
];

/// Serves an operation of the Cart.
pub(crate) fn serve(
    store: &mut Store,
    request: &Request<'_>,
    clock: &mut Clock,
    effects: &mut Vec<Effect>,
) -> Result<Reply, Reply> {
    let caller = request.caller;
    let op = request.call.op;
    match (caller.kind, caller.own_key()) {
        (CallerKind::Buyer, Some(_)) => {}
        _ => {
            return Err(Reply::error(
                StatusCode::FORBIDDEN,
                "Cart.BuyerUsersOnly",
                "The Cart is only available to buyer users.",
            ));
        }
    };
    if op.id == "Cart.SetActiveCart" {
        return set_active_cart(store, request);
    }
    let order_id = match active_cart(store, caller) {
        Some(order_id) => order_id,
        None => match op.id {
            "Cart.Get" => return Ok(Reply::ok(empty_cart(request))),
            "Cart.ListLineItems" | "Cart.ListPayments" | "Cart.ListPromotions" | "Cart.ListEligiblePromotions" => {
                return Ok(Reply::ok(list_query(request)?.answer(Vec::new(), false)));
            }
            "Cart.Delete" => return Ok(Reply::no_content()),
            "Cart.Submit" => {
                return Err(Reply::bad_request(
                    "Order.CannotSubmitWithNoLineItems",
                    "Cannot submit an order without any line items.",
                ));
            }
            "Cart.Save" => return Ok(Reply::ok(create_order(store, request, body_object(request)?, clock)?)),
            id if STARTERS.contains(&id) => {
                let order = create_order(store, request, serde_json::Map::new(), clock)?;
                order["ID"].as_str().unwrap_or_default().to_owned()
            }
            _ => return Err(not_found("Order", "cart")),
        },
    };
    let Some(index) = op.cart else { return Err(super::not_simulated(op)) };
    let mut params = vec![("{direction}", "Outgoing".to_owned()), ("{orderID}", order_id)];
    params.extend(request.call.params.iter().cloned());
    let call = Call::of(index, params);
    let order = Request { call: &call, query: request.query, body: request.body.clone(), caller };
    // Answered as the Cart's own operation is described (`as_described`).
    serve_operation(store, &order, clock, effects)
}

/// The caller's active cart: the order they chose, while it is still an unsubmitted order
/// of their own, else their newest unsubmitted order.
pub(crate) fn active_cart(store: &Store, caller: &Caller) -> Option<String> {
    let open = |order: &Value| order["Status"].as_str() == Some("Unsubmitted") && access::own(store, caller, order);
    let key = caller.own_key()?;
    let chosen = store.get(CARTS, &key).and_then(|cart| cart["OrderID"].as_str());
    if let Some(id) = chosen.filter(|id| store.get("orders", id).is_some_and(open)) {
        return Some(id.to_owned());
    }
    store
        .list("orders")
        .filter(|order| open(order))
        .max_by(|a, b| a["DateCreated"].as_str().cmp(&b["DateCreated"].as_str()))
        .and_then(|order| order["ID"].as_str().map(str::to_owned))
}

/// Makes `order_id` the caller's active cart.
pub(crate) fn set_active(store: &mut Store, caller: &Caller, order_id: &str) {
    if let Some(key) = caller.own_key() {
        store.put(CARTS, &key, json!({"OrderID": order_id}));
    }
}

/// The cart `from` chose becomes the one `to` chose (an anonymous shopper's, when they
/// registered or signed in).
pub(crate) fn hand_over(store: &mut Store, from: &Caller, to: &Caller) {
    let (Some(from), Some(to)) = (from.own_key(), to.own_key()) else { return };
    if let Some(cart) = store.get(CARTS, &from).cloned() {
        store.remove(CARTS, &from);
        store.put(CARTS, &to, cart);
    }
}

/// After the order `from` was renamed `to`: each user who chose it as their cart keeps it.
pub(crate) fn renamed(store: &mut Store, from: &str, to: &str) {
    for cart in store.list_mut(CARTS) {
        if cart["OrderID"].as_str().is_some_and(|id| id.eq_ignore_ascii_case(from)) {
            cart["OrderID"] = json!(to);
        }
    }
}

/// `PUT /cart/{orderID}`: one of the user's own unsubmitted orders becomes their cart.
fn set_active_cart(store: &mut Store, request: &Request<'_>) -> Result<Reply, Reply> {
    let caller = request.caller;
    if caller.anonymous {
        return Err(Reply::bad_request(
            "Cart.MultipleCartsNotSupported",
            "An anonymous shopper has one cart: sign in to shop with several.",
        ));
    }
    let order_id = request.path_value("{orderID}");
    let order = store.get("orders", &order_id).ok_or_else(|| not_found("Order", &order_id))?;
    if !access::own(store, caller, order) || !access::may(store, caller, order, Some("Outgoing"), access::Need::Write) {
        return Err(not_found("Order", &order_id));
    }
    if order["Status"].as_str() != Some("Unsubmitted") {
        return Err(Reply::bad_request(
            "Order.CannotModifySubmittedOrder",
            "Only an unsubmitted order can be the cart.",
        ));
    }
    set_active(store, caller, &order_id);
    Ok(Reply::no_content())
}

/// The cart of a user who has none: an order with a null `ID`, which OrderCloud answers so
/// a storefront can show an empty cart without a special case.
fn empty_cart(request: &Request<'_>) -> Value {
    let caller = request.caller;
    json!({
        "ID": null, "FromCompanyID": caller.buyer_id, "FromUserID": caller.user_id, "LineItemCount": 0,
        "Status": "Unsubmitted", "Subtotal": 0, "ShippingCost": 0, "TaxCost": 0, "PromotionDiscount": 0,
        "Total": 0, "IsSubmitted": false, "xp": null,
    })
}
