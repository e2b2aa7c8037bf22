//! Promotions that apply, as OrderCloud's rules engine decides them: a promotion is
//! available to a buyer user when it is `AllowAllBuyers` or assigned to their buyer (or one
//! of their user groups), active, and within its dates; it applies to an order when its
//! `EligibleExpression` holds, for the amount its `ValueExpression` computes (see
//! [`expression`]), rounded to the cent and never more than what it discounts. A
//! line-level promotion (`LineItemLevel`) is evaluated for each line item, and discounts
//! those it holds for. Amounts follow every change of the order; submitting refuses an
//! order with a promotion that no longer applies.

use serde_json::{Value, json};

use ordercloud_models::Decimal;

use super::expression::{self, Scope};
use super::orders::{expression_not_simulated, line_items, order_of, recompute_order};
use super::store::Store;
use super::{Caller, Request, list_query, money, not_found};
use crate::clock::Clock;
use crate::reply::Reply;

/// Serves `request` if its operation is one of the promotions'; `None` for any other.
pub(crate) fn serve(store: &mut Store, request: &Request<'_>, clock: &mut Clock) -> Result<Option<Reply>, Reply> {
    const OPERATIONS: &[&str] = &[
        "Me.ListPromotions",
        "Me.GetPromotion",
        "Orders.ListPromotions",
        "Orders.ListEligiblePromotions",
        "Orders.AddPromotion",
        "Orders.RemovePromotion",
        "Orders.ApplyPromotions",
        "Orders.RefreshPromotions",
    ];
    if !OPERATIONS.contains(&request.call.op.id) {
        return Ok(None);
    }
    let caller = request.caller;
    let order_id = request.path_value("{orderID}");
    let now = clock.now_text();
    Ok(Some(match request.call.op.id {
        "Me.ListPromotions" => {
            let query = list_query(request)?;
            Reply::ok(query.answer(available(store, caller, &now), false))
        }
        "Me.GetPromotion" => {
            let id = request.path_value("{promotionID}");
            available(store, caller, &now)
                .into_iter()
                .find(|promotion| promotion["ID"].as_str().is_some_and(|found| found.eq_ignore_ascii_case(&id)))
                .map(Reply::ok)
                .ok_or_else(|| not_found("Promotion", &id))?
        }
        "Orders.ListPromotions" => {
            order_of(store, &order_id)?;
            let query = list_query(request)?;
            Reply::ok(query.answer(store.list(&applied_of(&order_id)).cloned(), false))
        }
        "Orders.ListEligiblePromotions" => {
            let order = order_of(store, &order_id)?;
            let query = list_query(request)?;
            let mut eligible = Vec::new();
            for promotion in available(store, caller, &now) {
                if let Some(amount) = amount_for(store, &order, &promotion)? {
                    let mut promotion = promotion;
                    promotion["Amount"] = money::number(amount);
                    eligible.push(promotion);
                }
            }
            Reply::ok(query.answer(eligible, false))
        }
        "Orders.AddPromotion" => {
            let order = order_of(store, &order_id)?;
            let code = request.path_value("{promoCode}");
            let promotion = available(store, caller, &now)
                .into_iter()
                .find(|promotion| promotion["Code"].as_str().is_some_and(|found| found.eq_ignore_ascii_case(&code)))
                .ok_or_else(|| not_found("Promotion", &code))?;
            let applied = apply(store, &order, promotion, &now)?;
            recompute_order(store, &order_id)?;
            let id = applied["ID"].as_str().unwrap_or_default().to_owned();
            Reply::created(store.get(&applied_of(&order_id), &id).cloned().unwrap_or(applied))
        }
        "Orders.RemovePromotion" => {
            order_of(store, &order_id)?;
            let code = request.path_value("{promoCode}");
            let found = store
                .list(&applied_of(&order_id))
                .find(|applied| applied["Code"].as_str().is_some_and(|found| found.eq_ignore_ascii_case(&code)))
                .and_then(|applied| applied["ID"].as_str().map(str::to_owned))
                .ok_or_else(|| not_found("Promotion", &code))?;
            store.remove(&applied_of(&order_id), &found);
            recompute_order(store, &order_id)?;
            Reply::ok(order_of(store, &order_id)?)
        }
        "Orders.ApplyPromotions" => {
            auto_apply(store, caller, &order_id, &now)?;
            Reply::ok(order_of(store, &order_id)?)
        }
        "Orders.RefreshPromotions" => {
            let removed = remove_ineligible(store, &order_id)?;
            let added = auto_apply(store, caller, &order_id, &now)?;
            Reply::ok(json!({"PromosAdded": added, "PromosRemoved": removed}))
        }
        _ => return Ok(None),
    }))
}

/// Where an order's applied promotions are kept, by promotion ID.
pub(crate) fn applied_of(order_id: &str) -> String {
    format!("orders/{}/promotions", order_id.to_lowercase())
}

/// The promotions available to `caller` at `now`: active, within their dates, and for
/// every buyer or assigned to the caller's buyer or one of their user groups.
fn available(store: &Store, caller: &Caller, now: &str) -> Vec<Value> {
    let assigned = |promotion: &Value| {
        if promotion["AllowAllBuyers"] == true || caller.is_admin() {
            return true;
        }
        let (Some(id), Some(buyer)) = (promotion["ID"].as_str(), caller.buyer_id.as_deref()) else { return false };
        let to_buyer = [("PromotionID".to_owned(), id.to_owned()), ("BuyerID".to_owned(), buyer.to_owned())];
        store.assignments("PromotionAssignment", &to_buyer).any(|assignment| {
            match assignment.body.get("UserGroupID").and_then(Value::as_str) {
                None => true,
                // An anonymous shopper is a member of no user group, whatever ID they have.
                Some(_) if caller.anonymous => false,
                Some(group) => caller.user_id.as_deref().is_some_and(|user| {
                    let member = [
                        ("UserGroupID".to_owned(), group.to_owned()),
                        ("UserID".to_owned(), user.to_owned()),
                        ("buyerID".to_owned(), buyer.to_owned()),
                    ];
                    store.assignments("UserGroupAssignment", &member).next().is_some()
                }),
            }
        })
    };
    store
        .list("promotions")
        .filter(|promotion| promotion["Active"] != false)
        .filter(|promotion| within_dates(promotion, now))
        .filter(|promotion| assigned(promotion))
        .cloned()
        .collect()
}

/// Whether `now` is on or after the promotion's start and before its expiration (the dates
/// compared to the second, their time zones aside).
fn within_dates(promotion: &Value, now: &str) -> bool {
    // To the second: the first 19 characters (`2027-06-01T00:00:00`), or the whole text when
    // it is shorter or not of that form.
    let second = |date: &str| date.get(..19).unwrap_or(date).to_owned();
    let date = |field: &str| promotion[field].as_str().filter(|date| !date.is_empty()).map(second);
    let now = second(now);
    date("StartDate").is_none_or(|start| start <= now) && date("ExpirationDate").is_none_or(|end| now < end)
}

/// What `promotion` discounts `order` by, rounded to the cent and at most what it
/// discounts; `None` when its `EligibleExpression` does not hold (for a line-level one,
/// for no line item).
fn amount_for(store: &Store, order: &Value, promotion: &Value) -> Result<Option<Decimal>, Reply> {
    Ok(line_amounts(store, order, promotion)?.map(|(total, _)| total))
}

/// What a promotion discounts: in all, and each line item's share (by its ID) of a
/// line-level one.
type Amounts = (Decimal, Vec<(String, Decimal)>);

/// The promotion's amount for `order` and, for a line-level one, each line item's share.
fn line_amounts(store: &Store, order: &Value, promotion: &Value) -> Result<Option<Amounts>, Reply> {
    let order_id = order["ID"].as_str().unwrap_or_default();
    let items: Vec<Value> = store.list(&line_items(order_id)).cloned().collect();
    let eligible = promotion["EligibleExpression"].as_str().unwrap_or_default();
    let value = promotion["ValueExpression"].as_str().unwrap_or_default();
    fn failed(expression: &str) -> impl Fn(expression::Unsupported) -> Reply + '_ {
        move |error| expression_not_simulated(expression, &error.0)
    }
    if promotion["LineItemLevel"] == true {
        let mut shares = Vec::new();
        for item in &items {
            let scope = Scope { order, items: &items, item: Some(item) };
            if !expression::holds(eligible, scope).map_err(failed(eligible))? {
                continue;
            }
            let most = money::or_zero(item.get("LineSubtotal"));
            let amount = expression::amount(value, scope).map_err(failed(value))?.round_dp(2).max(Decimal::ZERO);
            shares.push((item["ID"].as_str().unwrap_or_default().to_owned(), amount.min(most)));
        }
        if shares.is_empty() {
            return Ok(None);
        }
        let total = money::sum(shares.iter().map(|(_, amount)| *amount))?;
        return Ok(Some((total, shares)));
    }
    let scope = Scope { order, items: &items, item: None };
    if !expression::holds(eligible, scope).map_err(failed(eligible))? {
        return Ok(None);
    }
    let most = money::add(money::or_zero(order.get("Subtotal")), money::or_zero(order.get("ShippingCost")))?;
    let amount = expression::amount(value, scope).map_err(failed(value))?.round_dp(2).max(Decimal::ZERO);
    Ok(Some((amount.min(most), Vec::new())))
}

/// Applies `promotion` to `order`: refused when it does not hold, is applied already, or
/// cannot be combined with those applied.
fn apply(store: &mut Store, order: &Value, promotion: Value, now: &str) -> Result<Value, Reply> {
    let order_id = order["ID"].as_str().unwrap_or_default();
    let code = promotion["Code"].as_str().unwrap_or_default().to_owned();
    let applied: Vec<Value> = store.list(&applied_of(order_id)).cloned().collect();
    if applied.iter().any(|other| other["ID"] == promotion["ID"]) {
        return Err(Reply::bad_request(
            "Promotion.AlreadyApplied",
            &format!("The promotion {code} is already applied to this order."),
        ));
    }
    if !applied.is_empty()
        && (promotion["CanCombine"] != true || applied.iter().any(|other| other["CanCombine"] != true))
    {
        return Err(Reply::bad_request(
            "Promotion.CannotCombine",
            &format!("The promotion {code} cannot be combined with the promotions applied to this order."),
        ));
    }
    if amount_for(store, order, &promotion)?.is_none() {
        return Err(Reply::bad_request(
            "Promotion.NotEligible",
            &format!("The order does not meet the conditions of the promotion {code}."),
        ));
    }
    let mut entry = promotion;
    entry["Amount"] = json!(0);
    entry["DateApplied"] = json!(now);
    entry["AmountOverridden"] = json!(false);
    let id = entry["ID"].as_str().unwrap_or_default().to_owned();
    store.put(&applied_of(order_id), &id, entry.clone());
    Ok(entry)
}

/// Applies the available `AutoApply` promotions that hold for the order, by `Priority`
/// (lowest first); the codes applied.
fn auto_apply(store: &mut Store, caller: &Caller, order_id: &str, now: &str) -> Result<Vec<Value>, Reply> {
    let mut candidates: Vec<Value> =
        available(store, caller, now).into_iter().filter(|promotion| promotion["AutoApply"] == true).collect();
    candidates.sort_by_key(|promotion| promotion["Priority"].as_i64().unwrap_or(i64::MAX));
    let mut added = Vec::new();
    for promotion in candidates {
        let order = order_of(store, order_id)?;
        let code = promotion["Code"].clone();
        if apply(store, &order, promotion, now).is_ok() {
            recompute_order(store, order_id)?;
            added.push(json!({"Code": code}));
        }
    }
    Ok(added)
}

/// Removes the applied promotions that no longer hold; the codes removed.
fn remove_ineligible(store: &mut Store, order_id: &str) -> Result<Vec<Value>, Reply> {
    let order = order_of(store, order_id)?;
    let mut removed = Vec::new();
    let applied: Vec<Value> = store.list(&applied_of(order_id)).cloned().collect();
    for promotion in applied {
        if amount_for(store, &order, &promotion)?.is_none() {
            store.remove(&applied_of(order_id), promotion["ID"].as_str().unwrap_or_default());
            removed.push(json!({"Code": promotion["Code"]}));
        }
    }
    recompute_order(store, order_id)?;
    Ok(removed)
}

/// The amounts of the promotions applied to the order, again: each promotion's `Amount`,
/// each line item's `PromotionDiscount` and `LineTotal`. The order's whole discount.
pub(crate) fn refresh_amounts(store: &mut Store, order_id: &str) -> Result<Decimal, Reply> {
    let order = order_of(store, order_id)?;
    let applied: Vec<Value> = store.list(&applied_of(order_id)).cloned().collect();
    let mut shares: Vec<(String, Decimal)> = Vec::new();
    let mut total = Decimal::ZERO;
    for mut promotion in applied {
        let (amount, lines) = line_amounts(store, &order, &promotion)?.unwrap_or((Decimal::ZERO, Vec::new()));
        shares.extend(lines);
        total = money::add(total, amount)?;
        if promotion["AmountOverridden"] != true {
            promotion["Amount"] = money::number(amount);
        }
        let id = promotion["ID"].as_str().unwrap_or_default().to_owned();
        store.put(&applied_of(order_id), &id, promotion);
    }
    let collection = line_items(order_id);
    let lines: Vec<Value> = store.list(&collection).cloned().collect();
    for mut line in lines {
        let id = line["ID"].as_str().unwrap_or_default().to_owned();
        let discount = money::sum(shares.iter().filter(|(line, _)| *line == id).map(|(_, amount)| *amount))?;
        line["PromotionDiscount"] = money::number(discount);
        line["LineTotal"] = money::number(money::sub(money::or_zero(line.get("LineSubtotal")), discount)?);
        store.put(&collection, &id, line);
    }
    Ok(total)
}

/// Refuses to submit an order with a promotion applied that no longer holds.
pub(crate) fn check_still_eligible(store: &Store, order_id: &str) -> Result<(), Reply> {
    let order = order_of(store, order_id)?;
    for promotion in store.list(&applied_of(order_id)) {
        if amount_for(store, &order, promotion)?.is_none() {
            let code = promotion["Code"].as_str().unwrap_or_default();
            return Err(Reply::bad_request(
                "Promotion.NotEligible",
                &format!("The order no longer meets the conditions of the promotion {code}."),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_compare_to_the_second_whatever_their_text() {
        let promotion = json!({"StartDate": "2027-06-01T00:00:00+00:00", "ExpirationDate": "2027-07-01T00:00:00Z"});
        assert!(within_dates(&promotion, "2027-06-15T12:00:00Z"));
        assert!(!within_dates(&promotion, "2027-05-31T23:59:59Z"));
        assert!(!within_dates(&promotion, "2027-07-01T00:00:00Z"));
        // Text that is no date, a multi-byte character at the cut included: compared as text,
        // no panic.
        let odd = json!({"StartDate": "2027-06-01T00:00:0é", "ExpirationDate": "2027-06-0é"});
        assert!(!within_dates(&odd, "2027-06-15T12:00:00Z"));
    }
}
