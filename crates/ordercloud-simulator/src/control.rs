//! The control routes under `/_simulator/`, off OrderCloud's `/v1` and `/oauth`, so tests in
//! any language can drive the simulator over HTTP.

use std::time::Duration;

use http::{Method, StatusCode};
use ordercloud_models::ErrorCode;
use serde_json::{Value, json};

use crate::OutboxMessage;
use crate::routes::{Incoming, Reply};
use crate::seed::SeedUser;
use crate::state::State;

/// `GET outbox`, `GET requests`, `POST advance?seconds=N`, `POST reset`, `POST users`;
/// `None` for any other route (a 404 like the rest).
pub(crate) fn handle(state: &mut State, request: &Incoming<'_>, route: &[&str]) -> Option<Reply> {
    Some(match (request.method, route) {
        (&Method::GET, ["outbox"]) => {
            Reply::ok(Value::Array(state.outbox.iter().map(OutboxMessage::to_json).collect()))
        }
        (&Method::GET, ["requests"]) => Reply::ok(crate::RequestLog::of(state).to_json()),
        (&Method::POST, ["advance"]) => {
            let seconds = request
                .query
                .unwrap_or("")
                .split('&')
                .find_map(|pair| pair.strip_prefix("seconds="))
                .and_then(|value| value.parse::<u64>().ok());
            match seconds {
                Some(seconds) => {
                    state.advance(Duration::from_secs(seconds));
                    Reply::ok(json!({"AdvancedSeconds": seconds}))
                }
                None => invalid("advance takes ?seconds=N, a whole number of seconds"),
            }
        }
        (&Method::POST, ["reset"]) => {
            state.reset();
            Reply::ok(json!({"Reset": true}))
        }
        (&Method::POST, ["users"]) => match SeedUser::parse(request.body) {
            Ok(user) => {
                state.add_user(user.to_user());
                Reply { status: StatusCode::CREATED, body: Some(json!({"Added": true})) }
            }
            Err(message) => invalid(&message),
        },
        _ => return None,
    })
}

fn invalid(message: &str) -> Reply {
    Reply::bad_request(ErrorCode::InvalidRequestBody, message)
}
