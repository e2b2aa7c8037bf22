//! Webhooks, as OrderCloud calls them: those created with `Webhooks.Create` whose
//! `WebhookRoutes` name an operation (`{"Route": "v1/buyers/{buyerID}", "Verb": "PUT"}`)
//! and whose `ApiClientIDs` list the caller's API client are called for it, signed with
//! their `HashKey`; a pre-hook (`BeforeProcessRequest`) before it, a post-hook after it
//! succeeded. Only operations that write (POST, PUT, PATCH, DELETE) call webhooks.

use std::collections::BTreeMap;

use bytes::Bytes;
use http::StatusCode;
use serde_json::{Map, Value, json};

use crate::callout::{Answer, Outgoing};
use crate::reply::Reply;
use crate::resources::store::Store;

/// A webhook to call for an operation.
#[derive(Clone)]
pub(crate) struct Webhook {
    pub(crate) id: String,
    url: String,
    hash_key: String,
    config_data: Value,
}

/// What a webhook's payload says of the call: OrderCloud's names, as its documentation
/// shows them.
pub(crate) struct Report<'a> {
    /// `v1/buyers/{buyerID}`.
    pub(crate) route: String,
    pub(crate) route_params: &'a [(&'static str, String)],
    pub(crate) query: &'a [(String, String)],
    pub(crate) verb: &'a str,
    pub(crate) date: String,
    pub(crate) log_id: String,
    pub(crate) user_token: &'a str,
    pub(crate) request_body: Option<Value>,
}

/// The webhooks for `verb` on `path` (the operation's path after `/v1`) through
/// `client_id`: the pre-hooks, then the post-hooks.
pub(crate) fn matching(store: &Store, verb: &str, path: &str, client_id: &str) -> (Vec<Webhook>, Vec<Webhook>) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    if !matches!(verb, "POST" | "PUT" | "PATCH" | "DELETE") {
        return (before, after);
    }
    let route = format!("v1{path}");
    for webhook in store.list("webhooks") {
        let text = |name: &str| webhook.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
        let routes = webhook.get("WebhookRoutes").and_then(Value::as_array).into_iter().flatten();
        let named = routes.into_iter().any(|named| {
            let named_route = named.get("Route").and_then(Value::as_str).unwrap_or_default();
            let named_verb = named.get("Verb").and_then(Value::as_str).unwrap_or_default();
            named_verb.eq_ignore_ascii_case(verb) && same_route(named_route, &route)
        });
        let clients = webhook.get("ApiClientIDs").and_then(Value::as_array).into_iter().flatten();
        let listed = clients.into_iter().filter_map(Value::as_str).any(|listed| listed.eq_ignore_ascii_case(client_id));
        if !named || !listed || text("Url").is_empty() {
            continue;
        }
        let hook = Webhook {
            id: text("ID"),
            url: text("Url"),
            hash_key: text("HashKey"),
            config_data: webhook.get("ConfigData").cloned().unwrap_or(Value::Null),
        };
        if webhook.get("BeforeProcessRequest").and_then(Value::as_bool) == Some(true) {
            before.push(hook);
        } else {
            after.push(hook);
        }
    }
    (before, after)
}

/// Whether two routes are the same, a leading `/` and letter case aside.
fn same_route(named: &str, route: &str) -> bool {
    named.trim().trim_start_matches('/').eq_ignore_ascii_case(route)
}

impl Webhook {
    /// The call reporting `report`, with `response_body` for a post-hook.
    pub(crate) fn call(&self, report: &Report<'_>, response_body: Option<&Value>) -> Outgoing {
        let params: Map<String, Value> = report
            .route_params
            .iter()
            .map(|(name, value)| (name.trim_matches(['{', '}']).to_owned(), json!(value)))
            .collect();
        let query: BTreeMap<&str, &str> =
            report.query.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
        let payload = json!({
            "Route": report.route,
            "RouteParams": params,
            "QueryParams": query,
            "Verb": report.verb,
            "Date": report.date,
            "LogID": report.log_id,
            "UserToken": report.user_token,
            "Request": {"Body": report.request_body, "Headers": null},
            "Response": {"Body": response_body, "Headers": null},
            "ConfigData": self.config_data,
        });
        Outgoing { url: self.url.clone(), body: Bytes::from(payload.to_string()), hash_key: self.hash_key.clone() }
    }
}

/// What a pre-hook's answer means for the operation: go on, or the answer to give instead.
pub(crate) fn verdict(webhook: &Webhook, answer: &Result<Answer, String>) -> Result<(), Reply> {
    let failed = |reason: String| {
        Reply::error_with(
            StatusCode::BAD_GATEWAY,
            "Webhook.Failed",
            &format!("The pre-hook {} failed: {reason}", webhook.id),
            json!({"WebhookID": webhook.id}),
        )
    };
    let answer = answer.as_ref().map_err(|error| failed(error.clone()))?;
    if !(200..300).contains(&answer.status) {
        return Err(failed(format!("it answered {}", answer.status)));
    }
    let proceed = answer.json().and_then(|body| Some((body.get("proceed")?.as_bool()?, body.get("body").cloned())));
    match proceed {
        Some((true, _)) => Ok(()),
        Some((false, body)) => Err(Reply::error_with(
            StatusCode::BAD_REQUEST,
            "Webhook.Blocked",
            &format!("The pre-hook {} did not let the request proceed", webhook.id),
            json!({"WebhookID": webhook.id, "Body": body.unwrap_or(Value::Null)}),
        )),
        None => Err(failed("its answer is not {\"proceed\": true|false, \"body\": ...}".to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(webhook: Value) -> Store {
        let mut store = Store::default();
        let id = webhook["ID"].as_str().unwrap().to_owned();
        store.put("webhooks", &id, webhook);
        store
    }

    #[test]
    fn only_the_routes_verbs_and_clients_listed_match() {
        let store = store_with(json!({
            "ID": "w1", "Url": "http://127.0.0.1:1/hook", "HashKey": "k", "BeforeProcessRequest": true,
            "ApiClientIDs": ["Shop"], "WebhookRoutes": [{"Route": "v1/orders/{direction}/{orderID}/submit", "Verb": "post"}],
        }));
        let (before, after) = matching(&store, "POST", "/orders/{direction}/{orderID}/submit", "shop");
        assert_eq!((before.len(), after.len()), (1, 0));
        for (verb, path, client) in [
            ("PUT", "/orders/{direction}/{orderID}/submit", "shop"),
            ("POST", "/orders/{direction}/{orderID}/approve", "shop"),
            ("POST", "/orders/{direction}/{orderID}/submit", "other"),
            ("GET", "/orders/{direction}/{orderID}/submit", "shop"),
        ] {
            let (before, after) = matching(&store, verb, path, client);
            assert!(before.is_empty() && after.is_empty(), "{verb} {path} {client}");
        }
    }

    #[test]
    fn a_pre_hook_proceeds_blocks_or_fails() {
        let hook = Webhook { id: "w1".into(), url: String::new(), hash_key: String::new(), config_data: Value::Null };
        let answer = |status: u16, body: &str| Ok(Answer { status, body: Bytes::from(body.to_owned()) });
        assert!(verdict(&hook, &answer(200, r#"{"proceed":true}"#)).is_ok());
        let blocked = verdict(&hook, &answer(200, r#"{"proceed":false,"body":"No PO boxes"}"#)).unwrap_err();
        assert_eq!(blocked.status, StatusCode::BAD_REQUEST);
        assert_eq!(blocked.body.unwrap()["Errors"][0]["Data"]["Body"], "No PO boxes");
        for failed in
            [answer(500, "{}"), answer(200, "not json"), answer(200, r#"{"proceed":"yes"}"#), Err("timeout".into())]
        {
            assert_eq!(verdict(&hook, &failed).unwrap_err().status, StatusCode::BAD_GATEWAY);
        }
    }
}
