//! How a request is answered when the simulator must call out while answering it: the
//! pre-hooks first (any of which can stop it), then the operation, calling the integration
//! event it takes, then the post-hooks, in the background. The state is never locked while
//! a call is out, so the middleware called can call the simulator back. A request that
//! calls nothing out is answered as before, in one turn of the lock.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::auth::Holder;
use crate::callout::{self, Answer, Callout, CalloutKind, Outgoing, PendingCallout};
use crate::hooks::{self, Report, Webhook};
use crate::incoming::Incoming;
use crate::integration_events::{self, Event, Step};
use crate::reply::Reply;
use crate::resources::{self, Call, Route};
use crate::routes;
use crate::state::State;
use crate::{DeliveryOutcome, delivery};

/// Answers `request`, calling out as it must, and starts what is left to do in the
/// background (message deliveries, post-hooks).
pub(crate) async fn answer(state: &Arc<Mutex<State>>, request: &Incoming<'_>) -> Reply {
    let plan = plan(&mut lock(state), request);
    let reply = match plan {
        None => routes::handle(&mut lock(state), request),
        Some(plan) => plan.run(state, request).await,
    };
    let (deliveries, callouts) = {
        let mut locked = lock(state);
        (std::mem::take(&mut locked.pending), std::mem::take(&mut locked.pending_callouts))
    };
    // In the background: the API call answers as OrderCloud's does, whatever the receiver.
    for delivery in deliveries {
        tokio::spawn(delivery::deliver(state.clone(), delivery));
    }
    for pending in callouts {
        tokio::spawn(callout::finish(state.clone(), pending));
    }
    reply
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The integration event an operation calls.
enum Need {
    Checkout(Step),
    AddToCart,
}

/// What a request calls out: the webhooks of its operation through its caller's API client,
/// and the integration event its operation calls.
struct Plan {
    call: Call,
    /// The order the call is about: the one its path names, or the caller's cart.
    order_id: Option<String>,
    holder: Holder,
    token: String,
    pre_hooks: Vec<Webhook>,
    post_hooks: Vec<Webhook>,
    event: Option<(Event, Need)>,
}

/// The plan of `request`, when it is an operation of the API made with a live token that
/// may make it, and a webhook or an integration event applies; `None` otherwise (the request
/// is answered as any other: refused, or served without calling out).
fn plan(state: &mut State, request: &Incoming<'_>) -> Option<Plan> {
    // No webhook and no integration event: nothing to call, and no second routing.
    if state.store.list("webhooks").next().is_none() && state.store.list("integrationevents").next().is_none() {
        return None;
    }
    let rest = request.path.strip_prefix("/v1").filter(|rest| rest.starts_with('/'))?;
    let Route::Found(call) = resources::route(request.method, rest) else { return None };
    let token = request.bearer()?;
    let holder = routes::authorized(state, request, &call)?;
    let (pre_hooks, post_hooks) = hooks::matching(&state.store, call.op.method, call.op.path(), &holder.client_id);
    // A Cart operation calls what the order operation it stands for calls, on the cart.
    let (target, order_id) = match call.op.cart {
        Some(index) => {
            let caller = routes::caller(state, holder.clone());
            (resources::operation(index), resources::active_cart(&state.store, &caller))
        }
        None => (call.op, call.param("{orderID}").map(str::to_owned)),
    };
    // Who may see the order: an order the caller may not see is answered as any other
    // request (404), never handed to a middleware or changed by its answer.
    if call.op.cart.is_none() {
        let caller = routes::caller(state, holder.clone());
        if !resources::may_call_on_order(&state.store, &call, &caller) {
            return None;
        }
    }
    let need = match target.id {
        "IntegrationEvents.EstimateShipping" => Some(Need::Checkout(Step::ShippingRates)),
        "IntegrationEvents.Calculate" => Some(Need::Checkout(Step::Calculate)),
        "Orders.Submit" => Some(Need::Checkout(Step::Submit)),
        "LineItems.Create" => Some(Need::AddToCart),
        _ => None,
    };
    let event = need.and_then(|need| {
        let field = match need {
            Need::Checkout(_) => "OrderCheckoutIntegrationEventID",
            Need::AddToCart => "AddToCartIntegrationEventID",
        };
        integration_events::assigned(&state.store, &holder.client_id, field).map(|event| (event, need))
    });
    if pre_hooks.is_empty() && post_hooks.is_empty() && event.is_none() {
        return None;
    }
    Some(Plan { call, order_id, holder, token, pre_hooks, post_hooks, event })
}

impl Plan {
    async fn run(mut self, state: &Arc<Mutex<State>>, request: &Incoming<'_>) -> Reply {
        let (timeout, date, log_id) = {
            let mut locked = lock(state);
            let log_id = log_id(&mut locked);
            (locked.callout_timeout, locked.clock.now_text(), log_id)
        };
        let query = request.query_pairs();
        let report = Report {
            route: self.call.op.label.trim_start_matches('/').to_owned(),
            route_params: &self.call.params,
            query: &query,
            verb: self.call.op.method,
            date,
            log_id,
            user_token: &self.token,
            request_body: request.json_value().ok().flatten(),
        };
        for hook in &self.pre_hooks {
            let outgoing = hook.call(&report, None);
            let answer = self.call_out(state, CalloutKind::PreHook, &hook.id, &outgoing, timeout).await;
            if let Err(reply) = hooks::verdict(hook, &answer) {
                return self.counted(&mut lock(state), request, reply);
            }
        }
        let reply = match self.event.take() {
            None => routes::handle(&mut lock(state), request),
            Some((event, need)) => self.serve_event(state, request, event, need, timeout).await,
        };
        if reply.status.is_success() && !self.post_hooks.is_empty() {
            let mut locked = lock(state);
            for hook in &self.post_hooks {
                let outgoing = hook.call(&report, reply.body.as_ref());
                let number = locked.callouts.push(self.record(CalloutKind::PostHook, &hook.id, &outgoing));
                locked.pending_callouts.push(PendingCallout { number, call: outgoing, timeout });
            }
        }
        reply
    }

    /// The operation, calling its integration event.
    async fn serve_event(
        &self,
        state: &Arc<Mutex<State>>,
        request: &Incoming<'_>,
        event: Event,
        need: Need,
        timeout: std::time::Duration,
    ) -> Reply {
        let order_id = self.order_id.clone().unwrap_or_default();
        match need {
            Need::Checkout(Step::Submit) => {
                // The order is submitted, then the event hears of it.
                let (reply, outgoing) = {
                    let mut locked = lock(state);
                    let reply = routes::handle(&mut locked, request);
                    let outgoing = reply.status.is_success().then(|| {
                        locked.answering(request.api_url(), |state| {
                            event.checkout_call(state, &self.holder, &order_id, Step::Submit)
                        })
                    });
                    (reply, outgoing.flatten())
                };
                if let Some(outgoing) = outgoing {
                    let answer =
                        self.call_out(state, CalloutKind::IntegrationEvent, &event.id, &outgoing, timeout).await;
                    let locked = &mut *lock(state);
                    integration_events::apply(&mut locked.store, &mut locked.clock, &order_id, Step::Submit, &answer);
                }
                reply
            }
            Need::Checkout(step) => {
                let outgoing = {
                    lock(state)
                        .answering(request.api_url(), |state| event.checkout_call(state, &self.holder, &order_id, step))
                };
                // No such order: answered as any other request.
                let Some(outgoing) = outgoing else { return routes::handle(&mut lock(state), request) };
                let answer = self.call_out(state, CalloutKind::IntegrationEvent, &event.id, &outgoing, timeout).await;
                let locked = &mut *lock(state);
                let reply = integration_events::apply(&mut locked.store, &mut locked.clock, &order_id, step, &answer);
                self.counted(locked, request, reply)
            }
            Need::AddToCart => {
                // The Cart's line item may start the cart: no order is needed before.
                let cart = self.call.op.cart.is_some();
                let outgoing = {
                    let line = request.json_value().ok().flatten();
                    lock(state).answering(request.api_url(), |state| {
                        line.filter(|_| cart || state.store.contains("orders", &order_id))
                            .and_then(|line| event.add_to_cart_call(state, &self.holder, &line))
                    })
                };
                // No such order, or no product named: refused as any other request.
                let Some(outgoing) = outgoing else { return routes::handle(&mut lock(state), request) };
                let answer = self.call_out(state, CalloutKind::IntegrationEvent, &event.id, &outgoing, timeout).await;
                let mut locked = lock(state);
                match integration_events::add_to_cart_price(&answer) {
                    Err(reply) => self.counted(&mut locked, request, reply),
                    Ok((price, product)) => {
                        let mut reply = routes::handle(&mut locked, request);
                        let order_id = match cart {
                            true => {
                                let caller = routes::caller(&mut locked, self.holder.clone());
                                resources::active_cart(&locked.store, &caller).unwrap_or_default()
                            }
                            false => order_id,
                        };
                        if reply.status.is_success() {
                            integration_events::price_added_line(
                                &mut locked.store,
                                &order_id,
                                &mut reply,
                                price,
                                product,
                            );
                        }
                        reply
                    }
                }
            }
        }
    }

    /// Makes `outgoing`, recorded as a callout of `kind` to `id`, and returns its answer.
    async fn call_out(
        &self,
        state: &Mutex<State>,
        kind: CalloutKind,
        id: &str,
        outgoing: &Outgoing,
        timeout: std::time::Duration,
    ) -> Result<Answer, String> {
        let number = lock(state).callouts.push(self.record(kind, id, outgoing));
        let answer = callout::call(outgoing, timeout).await;
        if let Some(record) = lock(state).callouts.get_mut(number) {
            record.outcome = callout::outcome(&answer);
        }
        answer
    }

    fn record(&self, kind: CalloutKind, id: &str, outgoing: &Outgoing) -> Callout {
        Callout {
            kind,
            id: id.to_owned(),
            url: outgoing.url.clone(),
            operation: self.call.op.id.to_owned(),
            outcome: DeliveryOutcome::Pending,
        }
    }

    /// `reply`, counted in the request log under the operation's route.
    fn counted(&self, state: &mut State, request: &Incoming<'_>, reply: Reply) -> Reply {
        state.count(request.method, self.call.op.label, None, reply.status);
        reply
    }
}

/// A log ID, as OrderCloud gives each call one: a GUID.
fn log_id(state: &mut State) -> String {
    let (high, low) = (state.clock.random(), state.clock.random());
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}
