//! Which part of the simulator answers a request: the forgotten-credentials endpoints, the
//! token endpoint, every other operation of OrderCloud's API description (after the
//! token's roles are checked), and the control routes. Each request is counted by route.

use http::{Method, StatusCode};
use ordercloud_models::ErrorCode;
use serde_json::{Value, json};

use crate::auth::{self, Holder};
use crate::forgotten::{self, FIELDS};
use crate::incoming::{Incoming, percent_decode};
use crate::reply::{Reply, insufficient_roles, invalid_token, unknown_route, wrong_method};
use crate::resources::{self, Call, Caller, CallerKind, RolesFrom, Route};
use crate::state::State;

/// The route a request counts under when it matches none of the simulator's.
pub(crate) const OTHER_ROUTE: &str = "(other)";

/// Answers a request, and counts it by route (control routes are not counted).
pub(crate) fn handle(state: &mut State, request: &Incoming<'_>) -> Reply {
    if let Some(route) = request.path.strip_prefix("/_simulator/") {
        let route: Vec<&str> = route.split('/').collect();
        return crate::control::handle(state, request, &route).unwrap_or_else(|| unknown_route(request.path));
    }
    let (route, reply) = state.answering(request.api_url(), |state| match (request.method, request.path) {
        (&Method::POST, "/oauth/token") => ("/oauth/token", auth::token(state, request)),
        (&Method::GET, path) if path.starts_with("/oauth/certs/") => ("/oauth/certs/{ID}", certs(path)),
        (_, path) => match path.strip_prefix("/v1").filter(|rest| rest.is_empty() || rest.starts_with('/')) {
            Some(rest) => api(state, request, rest),
            None => (OTHER_ROUTE, unknown_route(path)),
        },
    });
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
    granted(call, &holder).then_some(holder)
}

/// Whether `holder` has one of the roles `call`'s operation takes (or it takes none).
fn granted(call: &Call, holder: &Holder) -> bool {
    call.op.roles.is_empty() || holder.facts.roles.iter().any(|role| call.op.roles.contains(&role.as_str()))
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
            Route::Found(call) => (call.op.label, answer(described(state, request, &call))),
            Route::WrongMethod(allowed) => (OTHER_ROUTE, wrong_method(request.path, &allowed)),
            Route::Unknown => (OTHER_ROUTE, unknown_route(request.path)),
        },
    }
}

/// An operation of the description: the token's roles checked, then served from the
/// resources.
fn described(state: &mut State, request: &Incoming<'_>, call: &Call) -> Result<Reply, Reply> {
    let holder = request.bearer().and_then(|token| auth::signed_in(state, &token));
    if !call.op.roles.is_empty() || call.op.roles_from == RolesFrom::Unknown {
        let holder = holder.as_ref().ok_or_else(invalid_token)?;
        if !granted(call, holder) {
            return Err(insufficient_roles(call.op.roles, &holder.facts.roles));
        }
    }
    let body = request.json_value()?.map(|body| resources::with_schema_names(body, call.op));
    match call.op.id {
        "Me.Register" => return register(state, holder.as_ref(), call, body),
        "Me.TransferAnonUserOrder" => return transfer_anonymous_orders(state, holder, request),
        _ => {}
    }
    let caller = match holder {
        Some(holder) => caller(state, holder),
        None => Caller { kind: CallerKind::Buyer, ..Caller::seed() },
    };
    let query = request.query_pairs();
    let served = resources::Request { call, query: &query, body, caller: &caller };
    let (reply, effects) = resources::serve(&mut state.store, &served, &mut state.clock);
    state.apply(effects);
    Ok(reply)
}

/// Who `holder` is, for the resources: the user's ID (a stored user's, or the username of
/// an anonymous shopper or an integration's context), organization and roles. Their
/// profile is built only when an operation shows it. An anonymous shopper is never looked
/// up among the users: the ID they asked for (`anonuserid`) may be any user's, and they
/// are not that user ([`Caller::own_key`] keeps them apart).
pub(crate) fn caller(state: &mut State, holder: Holder) -> Caller {
    let kind = match holder.facts.user_type {
        "admin" => CallerKind::Admin,
        "supplier" => CallerKind::Supplier,
        _ => CallerKind::Buyer,
    };
    let record = match holder.facts.anonymous {
        true => None,
        false => state.find_user(&holder.client_id, Some(&holder.username), None),
    };
    let (user_id, contact) = match record {
        Some(record) => {
            let contact = record.company.is_none().then(|| (record.user.email.clone(), record.user.first_name.clone()));
            (record.user.id.clone(), contact)
        }
        None => (holder.username.clone(), None),
    };
    Caller {
        kind,
        user_id: Some(user_id),
        username: holder.username,
        buyer_id: holder.facts.buyer_id,
        supplier_id: holder.facts.supplier_id,
        roles: holder.facts.roles,
        anonymous: holder.facts.anonymous,
        contact,
    }
}

/// `PUT /v1/me/orders?anonUserToken=..`: the orders an anonymous shopper started (their
/// token in the query) become the signed-in user's, their cart too.
fn transfer_anonymous_orders(
    state: &mut State,
    holder: Option<Holder>,
    request: &Incoming<'_>,
) -> Result<Reply, Reply> {
    let holder = holder.ok_or_else(invalid_token)?;
    let token = request.query_pairs().into_iter().find(|(name, _)| name.eq_ignore_ascii_case("anonUserToken"));
    let anonymous = token.and_then(|(_, token)| auth::signed_in(state, &token)).filter(|anon| anon.facts.anonymous);
    let anonymous = anonymous.ok_or_else(|| {
        Reply::bad_request("Order.InvalidAnonUserToken", "anonUserToken is not the live token of an anonymous shopper")
    })?;
    if holder.facts.anonymous {
        return Err(Reply::bad_request("User.IsTemp", "The current user is an anonymous shopper."));
    }
    let anonymous = caller(state, anonymous);
    let user = caller(state, holder);
    let profile = user.profile(&state.store);
    resources::transfer_orders(&mut state.store, &anonymous, &user, &profile);
    Ok(Reply::no_content())
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
    let token = auth::token_for(state, &holder.client_id, &username, Some(buyer)).ok_or_else(invalid_token)?;
    let user = auth::signed_in(state, &token).ok_or_else(invalid_token)?;
    let (anonymous, user) = (caller(state, holder.clone()), caller(state, user));
    resources::transfer_orders(&mut state.store, &anonymous, &user, &created);
    Ok(Reply::ok(json!({"access_token": token})))
}
