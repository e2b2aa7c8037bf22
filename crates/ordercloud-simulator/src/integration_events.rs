//! Integration events, as OrderCloud calls them: the `OrderCheckout` event assigned to the
//! shopper's API client (`OrderCheckoutIntegrationEventID`) is called on
//! `IntegrationEvents.EstimateShipping` (`/shippingrates`), `.Calculate`
//! (`/ordercalculate`) and `Orders.Submit` (`/ordersubmit`), and its answers are put where
//! OrderCloud puts them: the worksheet's `ShipEstimateResponse`, `OrderCalculateResponse`
//! and `OrderSubmitResponse`, the order's `ShippingCost`, `TaxCost` and `Total`, the line
//! items' `UnitPrice`. The `AddToCart` event (`AddToCartIntegrationEventID`, read from the
//! stored API client as JSON) is called before a line item is added, and prices it.
//!
//! What OrderCloud does not document, the simulator decides, and says so: a call that fails
//! (no answer, a status outside 2xx, an answer that is not JSON) is recorded on the
//! worksheet (`HttpStatusCode`, `UnhandledErrorBody`, `Succeeded: false`) and changes
//! nothing else; `EstimateShipping` and `Calculate` with no event assigned answer 400
//! `IntegrationEvent.NotConfigured`; a failed `/addtocart` stops the line item with 400
//! `IntegrationEvent.Failed`.

use http::StatusCode;
use ordercloud_models::Decimal;
use serde_json::{Value, json};

use crate::auth::{self, Holder};
use crate::callout::{Answer, Outgoing};
use crate::clock::Clock;
use crate::reply::Reply;
use crate::resources::store::Store;
use crate::resources::{self, Request, applied_of, line_items, money, not_found};
use crate::state::State;

/// The environment the simulator says it is.
const ENVIRONMENT: &str = "Sandbox";

/// An integration event to call: its URL, key, configuration and elevated roles.
pub(crate) struct Event {
    pub(crate) id: String,
    url: String,
    hash_key: String,
    config_data: Value,
    elevated_roles: Vec<String>,
}

/// The step of checkout an `OrderCheckout` call is for.
#[derive(Clone, Copy)]
pub(crate) enum Step {
    ShippingRates,
    Calculate,
    Submit,
}

impl Step {
    fn route(self) -> &'static str {
        match self {
            Self::ShippingRates => "/shippingrates",
            Self::Calculate => "/ordercalculate",
            Self::Submit => "/ordersubmit",
        }
    }

    /// Where the worksheet keeps the answer.
    fn field(self) -> &'static str {
        match self {
            Self::ShippingRates => "ShipEstimateResponse",
            Self::Calculate => "OrderCalculateResponse",
            Self::Submit => "OrderSubmitResponse",
        }
    }
}

/// The event the API client `client_id` has in `field` (`OrderCheckoutIntegrationEventID`,
/// `AddToCartIntegrationEventID`), when it exists and has a URL.
pub(crate) fn assigned(store: &Store, client_id: &str, field: &str) -> Option<Event> {
    let id = store.get("apiclients", client_id)?.get(field)?.as_str().filter(|id| !id.is_empty())?;
    let event = store.get("integrationevents", id)?;
    let text = |name: &str| event.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
    let url = text("CustomImplementationUrl");
    let roles = event.get("ElevatedRoles").and_then(Value::as_array).into_iter().flatten();
    (!url.is_empty()).then(|| Event {
        id: text("ID"),
        url,
        hash_key: text("HashKey"),
        config_data: event.get("ConfigData").cloned().unwrap_or(Value::Null),
        elevated_roles: roles.filter_map(Value::as_str).map(str::to_owned).collect(),
    })
}

impl Event {
    /// The call of `route` with `payload`.
    fn call(&self, route: &str, payload: &Value) -> Outgoing {
        Outgoing {
            url: format!("{}{route}", self.url.trim_end_matches('/')),
            body: payload.to_string().into(),
            hash_key: self.hash_key.clone(),
        }
    }

    /// The call of `step` for the order `order_id`, with a token for `holder` carrying the
    /// event's elevated roles; `None` when the order does not exist.
    pub(crate) fn checkout_call(
        &self,
        state: &mut State,
        holder: &Holder,
        order_id: &str,
        step: Step,
    ) -> Option<Outgoing> {
        let worksheet = worksheet(&state.store, order_id)?;
        let token = auth::integration_token(state, holder, &self.elevated_roles);
        let payload = json!({
            "OrderWorksheet": worksheet, "Environment": ENVIRONMENT,
            "OrderCloudAccessToken": token, "ConfigData": self.config_data,
        });
        Some(self.call(step.route(), &payload))
    }

    /// The `/addtocart` call for the line item `line` (the request's body) added by
    /// `holder`; `None` when the body names no product.
    pub(crate) fn add_to_cart_call(&self, state: &mut State, holder: &Holder, line: &Value) -> Option<Outgoing> {
        let product_id = line.get("ProductID").and_then(Value::as_str)?.to_owned();
        let buyer_id = holder.facts.buyer_id.clone();
        let buyer_user = crate::routes::caller(state, holder.clone()).profile(&state.store);
        let token = auth::integration_token(state, holder, &self.elevated_roles);
        let payload = json!({
            "ProductID": product_id, "Quantity": line.get("Quantity"), "BuyerID": buyer_id,
            "BuyerUser": buyer_user, "SellerID": null, "Environment": ENVIRONMENT,
            "OrderCloudAccessToken": token, "ConfigData": self.config_data,
        });
        Some(self.call("/addtocart", &payload))
    }
}

/// The worksheet of `order_id`: the order, its line items, its promotions and the answers
/// of its checkout event.
pub(crate) fn worksheet(store: &Store, order_id: &str) -> Option<Value> {
    let order = store.get("orders", order_id)?.clone();
    let lines: Vec<Value> = store.list(&line_items(order_id)).cloned().map(resources::output).collect();
    let promotions: Vec<Value> = store.list(&applied_of(order_id)).cloned().collect();
    let mut worksheet = json!({"Order": resources::output(order), "LineItems": lines, "OrderPromotions": promotions});
    if let Some(Value::Object(answers)) = store.get(&answers_of(order_id), "worksheet") {
        for (field, answer) in answers {
            worksheet[field] = answer.clone();
        }
    }
    Some(worksheet)
}

/// Where the answers of an order's checkout event are kept: a collection under the order,
/// so they go with it.
fn answers_of(order_id: &str) -> String {
    format!("orders/{}/worksheet", order_id.to_lowercase())
}

/// Keeps `answer` in the worksheet of `order_id` under `field`.
fn keep_answer(store: &mut Store, order_id: &str, field: &str, answer: Value) {
    let collection = answers_of(order_id);
    let mut answers = store.get(&collection, "worksheet").cloned().unwrap_or_else(|| json!({}));
    answers[field] = answer;
    store.put(&collection, "worksheet", answers);
}

/// Puts what the event answered for `step` where OrderCloud puts it, and returns the
/// worksheet.
pub(crate) fn apply(
    store: &mut Store,
    clock: &mut Clock,
    order_id: &str,
    step: Step,
    answer: &Result<Answer, String>,
) -> Reply {
    let Some(mut response) = answer.as_ref().ok().and_then(Answer::json).filter(Value::is_object) else {
        let mut failure = json!({"Succeeded": false});
        match answer {
            Ok(answer) => {
                failure["HttpStatusCode"] = json!(answer.status);
                failure["UnhandledErrorBody"] = json!(answer.text());
            }
            Err(error) => failure["UnhandledErrorBody"] = json!(error),
        }
        keep_answer(store, order_id, step.field(), failure);
        return worksheet_reply(store, order_id);
    };
    response["HttpStatusCode"] = json!(answer.as_ref().map_or(200, |answer| answer.status));
    response["Succeeded"] = json!(true);
    match step {
        Step::ShippingRates => {
            for estimate in response["ShipEstimates"].as_array_mut().into_iter().flatten() {
                if estimate.get("ID").and_then(Value::as_str).is_none_or(str::is_empty) {
                    estimate["ID"] = json!(clock.new_id());
                }
            }
            let cost = selected_cost(&response);
            keep_answer(store, order_id, step.field(), response);
            if let Err(reply) = set_order(store, order_id, &[("ShippingCost", cost)]) {
                return reply;
            }
        }
        Step::Calculate => {
            for line in response["LineItemOverrides"].as_array().into_iter().flatten() {
                let (Some(id), Some(price)) = (line["LineItemID"].as_str(), money::read(line.get("UnitPrice"))) else {
                    continue;
                };
                if let Err(reply) = price_line(store, order_id, id, price) {
                    return reply;
                }
            }
            let (shipping, tax) = (money::read(response.get("ShippingTotal")), money::read(response.get("TaxTotal")));
            keep_answer(store, order_id, step.field(), response);
            if let Err(reply) = set_order(store, order_id, &[("ShippingCost", shipping), ("TaxCost", tax)]) {
                return reply;
            }
        }
        Step::Submit => keep_answer(store, order_id, step.field(), response),
    }
    worksheet_reply(store, order_id)
}

/// The price the `/addtocart` answer gives, when it gives one: its `UnitPrice`, and its
/// `Product` (for an ad hoc product).
pub(crate) fn add_to_cart_price(answer: &Result<Answer, String>) -> Result<(Option<Decimal>, Option<Value>), Reply> {
    match answer.as_ref().ok().and_then(Answer::json).filter(Value::is_object) {
        Some(answer) => Ok((
            money::read(answer.get("UnitPrice")),
            answer.get("Product").filter(|product| product.is_object()).cloned(),
        )),
        None => {
            let data = match answer {
                Ok(answer) => json!({"Status": answer.status, "Body": answer.text()}),
                Err(error) => json!({"Error": error}),
            };
            Err(Reply::error_with(
                StatusCode::BAD_REQUEST,
                "IntegrationEvent.Failed",
                "The AddToCart integration event did not price the line item",
                data,
            ))
        }
    }
}

/// Gives the line item just created (`reply`'s body) the price `/addtocart` answered, in
/// the store and in the reply.
pub(crate) fn price_added_line(
    store: &mut Store,
    order_id: &str,
    reply: &mut Reply,
    price: Option<Decimal>,
    product: Option<Value>,
) {
    let Some(id) = reply.body.as_ref().and_then(|line| line["ID"].as_str()).map(str::to_owned) else { return };
    if let Some(product) = product {
        if let Some(mut line) = store.get(&line_items(order_id), &id).cloned() {
            line["Product"] = product;
            store.put(&line_items(order_id), &id, line);
        }
    }
    if let Some(price) = price {
        let priced = price_line(store, order_id, &id, price).and_then(|()| resources::recompute_order(store, order_id));
        if let Err(refused) = priced {
            *reply = refused;
            return;
        }
    }
    if let Some(line) = store.get(&line_items(order_id), &id) {
        reply.body = Some(resources::output(line.clone()));
    }
}

/// Sets the unit price of a line item, as an integration set it, and its subtotal and
/// total.
fn price_line(store: &mut Store, order_id: &str, line_id: &str, price: Decimal) -> Result<(), Reply> {
    let Some(mut line) = store.get(&line_items(order_id), line_id).cloned() else { return Ok(()) };
    let subtotal = money::mul(price, money::or_zero(line.get("Quantity")))?;
    line["UnitPrice"] = money::number(price);
    line["LineSubtotal"] = money::number(subtotal);
    line["LineTotal"] = money::number(subtotal);
    line["PriceOverridden"] = json!(true);
    store.put(&line_items(order_id), line_id, line);
    Ok(())
}

/// Sets the order's `fields` (those given) and its totals again.
fn set_order(store: &mut Store, order_id: &str, fields: &[(&str, Option<Decimal>)]) -> Result<(), Reply> {
    if let Some(mut order) = store.get("orders", order_id).cloned() {
        for (field, value) in fields {
            if let Some(value) = value {
                order[*field] = money::number(*value);
            }
        }
        store.put("orders", order_id, order);
    }
    resources::recompute_order(store, order_id)
}

/// The cost of the ship methods selected in a `ShipEstimateResponse`.
fn selected_cost(response: &Value) -> Option<Decimal> {
    let costs = response["ShipEstimates"].as_array().into_iter().flatten().filter_map(|estimate| {
        let selected = estimate["SelectedShipMethodID"].as_str()?;
        let methods = estimate["ShipMethods"].as_array()?;
        money::read(methods.iter().find(|method| method["ID"].as_str() == Some(selected))?.get("Cost"))
    });
    money::sum(costs).ok()
}

fn worksheet_reply(store: &Store, order_id: &str) -> Reply {
    match worksheet(store, order_id) {
        Some(worksheet) => Reply::ok(worksheet),
        None => not_found("Order", order_id),
    }
}

/// `IntegrationEvents.GetWorksheet`, `.SelectShipmethods`, and `.EstimateShipping` and
/// `.Calculate` when no event is assigned (with one, the request never comes here).
pub(crate) fn serve(store: &mut Store, request: &Request<'_>) -> Option<Result<Reply, Reply>> {
    let order_id = request.call.param("{orderID}")?.to_owned();
    Some(match request.call.op.id {
        "IntegrationEvents.GetWorksheet" => Ok(worksheet_reply(store, &order_id)),
        "IntegrationEvents.SelectShipmethods" => select_ship_methods(store, &order_id, request.body.as_ref()),
        "IntegrationEvents.EstimateShipping" | "IntegrationEvents.Calculate" => {
            if !store.contains("orders", &order_id) {
                return Some(Err(not_found("Order", &order_id)));
            }
            Err(Reply::bad_request(
                "IntegrationEvent.NotConfigured",
                "The API client has no OrderCheckout integration event (OrderCheckoutIntegrationEventID)",
            ))
        }
        _ => return None,
    })
}

/// Selects ship methods of the worksheet's ship estimates; the order's `ShippingCost` is
/// then theirs.
fn select_ship_methods(store: &mut Store, order_id: &str, body: Option<&Value>) -> Result<Reply, Reply> {
    if !store.contains("orders", order_id) {
        return Err(not_found("Order", order_id));
    }
    let answers = store.get(&answers_of(order_id), "worksheet").cloned().unwrap_or_else(|| json!({}));
    let mut response =
        answers.get("ShipEstimateResponse").cloned().filter(|response| response["Succeeded"] == true).ok_or_else(
            || Reply::bad_request("ShipEstimate.NotFound", "Estimate shipping before selecting ship methods"),
        )?;
    let selections =
        body.and_then(|body| body.get("ShipMethodSelections")).and_then(Value::as_array).cloned().unwrap_or_default();
    for selection in &selections {
        let text = |name: &str| selection.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
        let (estimate_id, method_id) = (text("ShipEstimateID"), text("ShipMethodID"));
        let estimates = response["ShipEstimates"].as_array_mut().into_iter().flatten();
        let estimate = estimates
            .into_iter()
            .find(|estimate| estimate["ID"].as_str() == Some(estimate_id.as_str()))
            .ok_or_else(|| not_found("ShipEstimate", &estimate_id))?;
        let offered = estimate["ShipMethods"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|method| method["ID"].as_str() == Some(&method_id));
        if !offered {
            return Err(not_found("ShipMethod", &method_id));
        }
        estimate["SelectedShipMethodID"] = json!(method_id);
    }
    let cost = selected_cost(&response);
    keep_answer(store, order_id, "ShipEstimateResponse", response);
    set_order(store, order_id, &[("ShippingCost", cost)])?;
    Ok(worksheet_reply(store, order_id))
}
