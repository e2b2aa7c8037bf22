//! The control routes under `/_simulator/`, off OrderCloud's `/v1` and `/oauth`, so tests in
//! any language can drive the simulator over HTTP.

use std::time::Duration;

use http::{Method, StatusCode};
use ordercloud_models::ErrorCode;
use serde_json::{Value, json};

use crate::OutboxMessage;
use crate::incoming::Incoming;
use crate::reply::Reply;
use crate::seed::{SeedFile, SeedUser};
use crate::state::State;

/// `GET outbox`, `GET callouts` (the calls to webhooks and integration events), `GET
/// requests`, `POST advance?seconds=N`, `POST reset`, `POST users`, `POST seed` (a seed
/// file's users, API clients, message senders and resources, until the next reset), `GET
/// resources`; `None` for any other route (a 404 like the rest).
pub(crate) fn handle(state: &mut State, request: &Incoming<'_>, route: &[&str]) -> Option<Reply> {
    Some(match (request.method, route) {
        (&Method::GET, ["outbox"]) => {
            Reply::ok(Value::Array(state.outbox.iter().map(OutboxMessage::to_json).collect()))
        }
        (&Method::GET, ["callouts"]) => {
            Reply::ok(Value::Array(state.callouts.iter().map(crate::Callout::to_json).collect()))
        }
        (&Method::GET, ["requests"]) => Reply::ok(crate::RequestLog::of(state).to_json()),
        (&Method::POST, ["advance"]) => {
            let seconds = request
                .query_pairs()
                .into_iter()
                .find_map(|(name, value)| (name == "seconds").then(|| value.parse::<u64>().ok()).flatten());
            match seconds {
                Some(seconds) => {
                    state.clock.advance(Duration::from_secs(seconds));
                    Reply::ok(json!({"AdvancedSeconds": seconds}))
                }
                None => invalid("advance takes ?seconds=N, a whole number of seconds"),
            }
        }
        (&Method::POST, ["reset"]) => {
            state.reset();
            Reply::ok(json!({"Reset": true}))
        }
        (&Method::GET, ["resources"]) => Reply::ok(crate::resources::dump(&state.store)),
        (&Method::POST, ["seed"]) => match std::str::from_utf8(request.body)
            .map_err(|_| "the seed is not UTF-8".to_owned())
            .and_then(SeedFile::parse)
        {
            Ok(seed) => {
                for client in seed.api_clients() {
                    state.add_client(client);
                }
                for user in &seed.users {
                    state.add_user(user.to_user());
                }
                state.senders.extend(seed.message_senders());
                let mut created = Vec::new();
                for (path, object) in seed.resources() {
                    match state.create_resource(&path, object) {
                        Ok(object) => created.push(json!({"Path": path, "Object": object})),
                        Err(error) => {
                            return Some(Reply::error_with(
                                StatusCode::BAD_REQUEST,
                                ErrorCode::InvalidRequestBody,
                                &format!("the resource at {path} was refused; all before it were added"),
                                json!({"Path": path, "Error": error, "Created": created}),
                            ));
                        }
                    }
                }
                Reply::created(json!({"Created": created}))
            }
            Err(message) => invalid(&message),
        },
        (&Method::POST, ["users"]) => match SeedUser::parse(request.body) {
            Ok(user) => {
                state.add_user(user.to_user());
                Reply::created(json!({"Added": true}))
            }
            Err(message) => invalid(&message),
        },
        _ => return None,
    })
}

fn invalid(message: &str) -> Reply {
    Reply::bad_request(ErrorCode::InvalidRequestBody, message)
}
