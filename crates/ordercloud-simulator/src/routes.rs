//! Which part of the simulator answers a request: the forgotten-credentials endpoints, the
//! token endpoint, every other operation of OrderCloud's API description (after the
//! token's roles are checked), and the control routes. Each request is counted by route.

use std::sync::OnceLock;

use http::{Method, StatusCode};
use ordercloud_models::ErrorCode;
use serde_json::{Value, json};

use crate::auth::{self, Holder};
use crate::forgotten::{self, FIELDS};
use crate::incoming::{Incoming, percent_decode};
use crate::reply::{Reply, insufficient_roles, invalid_token, unknown_route, wrong_method};
use crate::resources::{self, Call, Caller, Route};
use crate::state::State;

/// The route a request counts under when it matches none of the simulator's.
pub(crate) const OTHER_ROUTE: &str = "(other)";

/// Answers a request, and counts it by route (control routes are not counted).
pub(crate) fn handle(state: &mut State, request: &Incoming<'_>) -> Reply {
    if let Some(route) = request.path.strip_prefix("/_simulator/") {
        let route: Vec<&str> = route.split('/').collect();
        return crate::control::handle(state, request, &route).unwrap_or_else(|| unknown_route(request.path));
    }
    state.request_api_url = request.api_url();
    let (route, reply) = match (request.method, request.path) {
        (&Method::POST, "/oauth/token") => ("/oauth/token", auth::token(state, request)),
        (&Method::GET, path) if path.starts_with("/oauth/certs/") => ("/oauth/certs/{ID}", certs(path)),
        (_, path) => match path.strip_prefix("/v1").filter(|rest| rest.is_empty() || rest.starts_with('/')) {
            Some(rest) => api(state, request, rest),
            None => (OTHER_ROUTE, unknown_route(path)),
        },
    };
    let grant_type = (route == "/oauth/token").then(|| auth::grant_type(request.body));
    state.count(request.method, route, grant_type, reply.status);
    reply
}

/// `GET /oauth/certs/{ID}`: the public key the simulator signs its tokens with, as
/// OrderCloud serves its keys (outside `/v1`, anonymous).
fn certs(path: &str) -> Reply {
    match path.strip_prefix("/oauth/certs/").and_then(percent_decode) {
        Some(id) if !id.is_empty() && !id.contains('/') => {
            crate::keys::public_key(&id).map_or_else(|| crate::reply::not_found("PublicKey", &id), Reply::ok)
        }
        _ => unknown_route(path),
    }
}

/// The holder of the request's token, when the token is live and has one of the roles
/// `call`'s operation takes (or it takes none).
pub(crate) fn authorized(state: &mut State, request: &Incoming<'_>, call: &Call) -> Option<Holder> {
    let holder = request.bearer().and_then(|token| auth::signed_in(state, &token))?;
    let allowed =
        call.op.roles.is_empty() || holder.facts.roles.iter().any(|role| call.op.roles.contains(&role.as_str()));
    allowed.then_some(holder)
}

/// A request under `/v1` (`path` is the rest): its route template and answer.
fn api(state: &mut State, request: &Incoming<'_>, path: &str) -> (&'static str, Reply) {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let answer = |result: Result<Reply, Reply>| result.unwrap_or_else(|reply| reply);
    match (request.method, segments.as_slice()) {
        (&Method::POST, ["password", "reset"]) => {
            ("/v1/password/reset", answer(request.json(FIELDS).map(|body| forgotten::send_code(state, body))))
        }
        (&Method::PUT, ["password", "reset", code]) => (
            "/v1/password/reset/{verificationCode}",
            match percent_decode(code) {
                Some(code) if !code.is_empty() => {
                    answer(request.json(FIELDS).map(|body| forgotten::reset(state, &code, body)))
                }
                _ => unknown_route(request.path),
            },
        ),
        (&Method::POST, ["password", "onetimepassword"]) => (
            "/v1/password/onetimepassword",
            answer(request.json(FIELDS).map(|body| forgotten::send_one_time_password(state, body))),
        ),
        (&Method::POST, ["username", "retrieve"]) => {
            ("/v1/username/retrieve", forgotten::retrieve_username(state, request))
        }
        (&Method::POST, ["me", "password"]) => (
            "/v1/me/password",
            match request.bearer() {
                Some(token) => answer(request.json(FIELDS).map(|body| forgotten::reset_by_token(state, &token, body))),
                None => invalid_token(),
            },
        ),
        _ => match resources::route(request.method, path) {
            Route::Found(call) => (label(&call), answer(described(state, request, &call))),
            Route::WrongMethod(allowed) => (OTHER_ROUTE, wrong_method(request.path, &allowed)),
            Route::Unknown => (OTHER_ROUTE, unknown_route(request.path)),
        },
    }
}

/// `/v1` and the operation's path template, as the request log counts it.
pub(crate) fn label(call: &Call) -> &'static str {
    static LABELS: OnceLock<Vec<String>> = OnceLock::new();
    let labels = LABELS.get_or_init(|| resources::operations().map(|op| format!("/v1{}", op.path)).collect());
    labels.get(call.index).map_or(OTHER_ROUTE, String::as_str)
}

/// An operation of the description: the token's roles checked, then served from the
/// resources.
fn described(state: &mut State, request: &Incoming<'_>, call: &Call) -> Result<Reply, Reply> {
    let holder = request.bearer().and_then(|token| auth::signed_in(state, &token));
    if !call.op.roles.is_empty() || !call.op.roles_known {
        let holder = holder.as_ref().ok_or_else(invalid_token)?;
        let granted =
            call.op.roles.is_empty() || holder.facts.roles.iter().any(|role| call.op.roles.contains(&role.as_str()));
        if !granted {
            return Err(insufficient_roles(call.op.roles, &holder.facts.roles));
        }
    }
    let body = request.json_value()?.map(|body| resources::with_schema_names(body, call.op.body));
    if call.op.id == "Me.Register" {
        return register(state, holder.as_ref(), call, body);
    }
    let (user_id, profile) = match &holder {
        Some(holder) => profile(state, holder),
        None => (None, None),
    };
    let buyer_id = holder.as_ref().and_then(|holder| holder.facts.buyer_id.clone());
    let caller = Caller { user_id: user_id.as_deref(), buyer_id: buyer_id.as_deref(), profile };
    let query = request.query_pairs();
    let served = resources::Request { call, query: &query, body, caller: &caller };
    let mut store = std::mem::take(&mut state.store);
    let (reply, effects) = resources::serve(&mut store, &served, state);
    state.store = store;
    state.apply(effects);
    Ok(reply)
}

/// The signed-in user's ID and what `GET /v1/me` shows of them.
fn profile(state: &mut State, holder: &Holder) -> (Option<String>, Option<Value>) {
    let Some(record) = state.find_user(&holder.client_id, Some(&holder.username), None) else {
        // An anonymous shopper, or an integration's own context.
        let profile = json!({"ID": holder.username, "Username": holder.username, "Active": true});
        return (Some(holder.username.clone()), Some(profile));
    };
    let (id, buyer) = (record.user.id.clone(), record.buyer_id.clone());
    let minimal = json!({
        "ID": record.user.id, "Username": record.user.username, "Email": record.user.email,
        "FirstName": record.user.first_name, "Active": true,
    });
    let stored =
        buyer.and_then(|buyer| state.store.get(&format!("buyers/{}/users", buyer.to_lowercase()), &id).cloned());
    (Some(id), Some(stored.map_or(minimal, resources::output)))
}

/// `PUT /v1/me/register`: an anonymous shopper becomes a user of their buyer, and gets a
/// token as that user.
fn register(state: &mut State, holder: Option<&Holder>, call: &Call, body: Option<Value>) -> Result<Reply, Reply> {
    let holder = holder.ok_or_else(invalid_token)?;
    if !holder.facts.anonymous {
        return Err(Reply::bad_request("User.IsNotTemp", "The current user is not a temp user."));
    }
    let buyer = holder.facts.buyer_id.clone().ok_or_else(|| {
        Reply::bad_request("Buyer.RequiredIDWhenAnon", "The API client's anonymous shoppers belong to no buyer")
    })?;
    let Some(Value::Object(mut user)) = body else {
        return Err(Reply::bad_request(ErrorCode::InvalidRequestBody, "The request body must be a JSON object"));
    };
    resources::required(call.op, &user)?;
    let username = user.get("Username").and_then(Value::as_str).unwrap_or_default().to_owned();
    if state.find_user(&holder.client_id, Some(&username), None).is_some() {
        return Err(Reply::bad_request("User.UsernameMustBeUnique", "Username already exists in this Buying Network."));
    }
    user.insert("Active".to_owned(), json!(true));
    let created = state
        .create_resource(&format!("/buyers/{buyer}/users"), Value::Object(user))
        .map_err(|body| Reply::new(StatusCode::BAD_REQUEST, Some(body)))?;
    let user_id = created["ID"].as_str().unwrap_or_default().to_owned();
    let anonymous_id = holder.username.clone();
    state.store.transfer_orders(&anonymous_id, &user_id);
    let token = auth::token_for(state, &holder.client_id, &username, Some(buyer)).ok_or_else(invalid_token)?;
    Ok(Reply::ok(json!({"access_token": token})))
}
