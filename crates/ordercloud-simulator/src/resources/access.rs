//! Who may see what of orders, as OrderCloud decides (docs/local-ordercloud.md gives the
//! sources):
//!
//! - The marketplace owner's context (an integration's client credentials) sees every order.
//! - A buyer user sees their own orders, outgoing: a buyer has no incoming orders. Their own
//!   are those whose `FromUserID` is their ID and `FromCompanyID` their buyer (a user ID is
//!   unique only within its buyer), and that an anonymous shopper started if and only if
//!   the caller is one: an anonymous shopper given a user's ID is not that user. With
//!   `OrderReader` (or `OrderAdmin`, `FullAccess`) they also read every order of their
//!   buyer (`FromCompanyID`), and with `OrderAdmin` (or `FullAccess`) change them.
//!   As an approver (a member of the user group an approval rule of the order names) they
//!   read an order awaiting approval, and approve or decline it.
//! - A supplier user sees the orders to their supplier as incoming (`ToCompanyID`), and
//!   those from it as outgoing.
//!
//! An order the caller may not see is `404 NotFound`, as if it did not exist: for the order
//! itself, its line items, payments, promotions, worksheet and every action on it; lists
//! hold only what the caller may see.

use serde_json::{Value, json};

use super::store::Store;
use super::{Caller, CallerKind, Request, not_found};
use crate::reply::Reply;

/// What a caller wants to do with an order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Need {
    Read,
    Write,
    /// Approve or decline it.
    Approve,
}

/// Whether `caller` may do `need` with `order`, seen from `direction` (`Incoming`,
/// `Outgoing` or `All`; none for a view of the user's own, such as `/me/orders`).
pub(crate) fn may(store: &Store, caller: &Caller, order: &Value, direction: Option<&str>, need: Need) -> bool {
    let field = |name: &str| order.get(name).and_then(Value::as_str);
    let same = |value: Option<&str>, of: Option<&str>| value.zip(of).is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
    let incoming = direction.is_some_and(|direction| direction.eq_ignore_ascii_case("Incoming"));
    let outgoing = direction.is_some_and(|direction| direction.eq_ignore_ascii_case("Outgoing"));
    match caller.kind {
        CallerKind::Seed | CallerKind::Admin => true,
        CallerKind::Buyer => {
            if incoming {
                return false;
            }
            let own = own(store, caller, order);
            let company = same(field("FromCompanyID"), caller.buyer_id.as_deref());
            match need {
                Need::Read => {
                    own || (company && caller.has_any(&["FullAccess", "OrderAdmin", "OrderReader"]))
                        || approver(store, caller, order)
                }
                Need::Write => own || (company && caller.has_any(&["FullAccess", "OrderAdmin"])),
                Need::Approve => approver(store, caller, order),
            }
        }
        CallerKind::Supplier => {
            let to = same(field("ToCompanyID"), caller.supplier_id.as_deref());
            let from = same(field("FromCompanyID"), caller.supplier_id.as_deref());
            (to && !outgoing) || (from && !incoming)
        }
    }
}

/// Whether `order` is the caller's own: from their ID in their organization, and started
/// by an anonymous shopper exactly when the caller is one.
pub(crate) fn own(store: &Store, caller: &Caller, order: &Value) -> bool {
    let anonymous = order.get("ID").and_then(Value::as_str).is_some_and(|id| started_anonymously(store, id));
    caller.is_from(order) && anonymous == caller.anonymous
}

/// Where the mark of an order an anonymous shopper started is kept: under the order, so it
/// goes with it when it is deleted or renamed.
fn anonymous_mark(order_id: &str) -> String {
    format!("orders/{}/anonymous", order_id.to_lowercase())
}

/// Whether an anonymous shopper started the order (and it was not given to a user since).
pub(crate) fn started_anonymously(store: &Store, order_id: &str) -> bool {
    store.contains(&anonymous_mark(order_id), "shopper")
}

/// Marks the order as started by an anonymous shopper, or (`false`) as a user's.
pub(crate) fn mark_anonymous(store: &mut Store, order_id: &str, anonymous: bool) {
    match anonymous {
        true => store.put(&anonymous_mark(order_id), "shopper", json!({"Anonymous": true})),
        false => {
            store.remove(&anonymous_mark(order_id), "shopper");
        }
    }
}

/// Whether `caller` may approve `order`: it awaits approval, and one of its pending
/// approvals names a user group the caller is a member of (never an anonymous shopper's).
pub(crate) fn approver(store: &Store, caller: &Caller, order: &Value) -> bool {
    if caller.anonymous {
        return false;
    }
    let (Some(user), Some(buyer), Some(id)) =
        (caller.user_id.as_deref(), caller.buyer_id.as_deref(), order.get("ID").and_then(Value::as_str))
    else {
        return false;
    };
    if order.get("Status").and_then(Value::as_str) != Some("AwaitingApproval") {
        return false;
    }
    store.list(&approvals_of(id)).filter(|approval| approval["Status"] == "Pending").any(|approval| {
        let Some(group) = approval.get("ApprovingGroupID").and_then(Value::as_str) else { return false };
        let member = [
            ("UserGroupID".to_owned(), group.to_owned()),
            ("UserID".to_owned(), user.to_owned()),
            ("buyerID".to_owned(), buyer.to_owned()),
        ];
        store.assignments("UserGroupAssignment", &member).next().is_some()
    })
}

/// Where an order's approvals are kept.
pub(crate) fn approvals_of(order_id: &str) -> String {
    format!("orders/{}/approvals", order_id.to_lowercase())
}

/// For an operation on one order (`/orders/{direction}/{orderID}...`): `404 NotFound` when
/// the order exists and the caller may not do what the operation does with it.
pub(crate) fn check_order(store: &Store, request: &Request<'_>) -> Result<(), Reply> {
    let op = request.call.op;
    let Some(order_id) = request.call.param("{orderID}").filter(|_| op.path().starts_with("/orders/")) else {
        return Ok(());
    };
    let Some(order) = store.get("orders", order_id) else { return Ok(()) };
    let need = match op.id {
        "Orders.Approve" | "Orders.Decline" => Need::Approve,
        "Orders.Validate" | "IntegrationEvents.GetWorksheet" => Need::Read,
        _ if op.method == "GET" => Need::Read,
        _ => Need::Write,
    };
    if may(store, request.caller, order, request.call.param("{direction}"), need) {
        Ok(())
    } else {
        Err(not_found("Order", order_id))
    }
}
