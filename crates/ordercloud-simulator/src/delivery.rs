//! The simulator as OrderCloud's message sender: each message a registered endpoint handles
//! is POSTed to it, signed with `x-oc-hash`, in the background.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::DeliveryOutcome;
use crate::callout::{self, Outgoing};
use crate::state::{PendingDelivery, State};

/// POSTs `delivery` once, within its sender's timeout, and records the outcome in the
/// outbox. Never retried: OrderCloud's documentation describes no retries.
pub(crate) async fn deliver(state: Arc<Mutex<State>>, delivery: PendingDelivery) {
    let sender = &delivery.sender;
    let call = Outgoing { url: sender.url.clone(), body: delivery.body, hash_key: sender.shared_key.clone() };
    let outcome = callout::outcome(&callout::call(&call, sender.timeout).await);
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(record) = state.outbox.get_mut(delivery.number).and_then(|message| message.delivery.as_mut()) {
        record.outcome = outcome;
    }
}

/// Waits, polling, until no delivery to a message sender (and, with `callouts`, no call to
/// a post-hook) is pending or `timeout` passes; whether none is.
pub(crate) async fn settle(state: &Mutex<State>, timeout: Duration, callouts: bool) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let pending = {
            let state = state.lock().unwrap_or_else(PoisonError::into_inner);
            let delivering = state.outbox.iter().any(|message| {
                message.delivery.as_ref().is_some_and(|delivery| delivery.outcome == DeliveryOutcome::Pending)
            });
            delivering || (callouts && state.callouts.iter().any(|callout| callout.outcome == DeliveryOutcome::Pending))
        };
        if !pending {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
