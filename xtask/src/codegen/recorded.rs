//! The replay of what OrderCloud's official JS SDK sends: `spec/today/recorded.json` holds,
//! for every operation, the arguments a maintainer's run of `spec/today/record.mjs` gave the
//! JS SDK 12 and the request it sent. This writes a test of the facade that calls each Rust
//! operation with the same arguments through the mock transport and compares method, path,
//! query and body with what the JS SDK sent.

use std::fmt::Write as _;

use super::apis::method;
use super::names::ident;
use super::spec::{LIST_PARAMETERS, Op, ParamKind, Spec};
use super::{Files, header, raw_string};
use crate::json::Json;

const RECORDING: &str = "spec/today/recorded.json";
const FILE: &str = "crates/ordercloud/tests/recorded/calls.rs";

pub(crate) fn write(spec: &Spec, files: &mut Files, description_sha256: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(RECORDING).map_err(|error| format!("could not read {RECORDING}: {error}"))?;
    let recording = crate::json::parse(&text)?;
    let recorded_for = recording.text("description_sha256");
    if recorded_for != description_sha256 {
        return Err(format!(
            "{RECORDING} was recorded for another description (SHA-256 {recorded_for}); run spec/today/record.mjs again"
        ));
    }
    let recorded: Vec<&Json> = recording.get("operations").map(Json::as_array).unwrap_or(&[]).iter().collect();
    let mut out = header(spec, "//");
    out.push_str(
        "\n//! Every generated operation called with the arguments OrderCloud's official JS SDK 12 was\n\
         //! given in `spec/today/recorded.json`, each request checked against what the JS SDK sent\n\
         //! (see `recorded.rs`).\n\n\
         use ordercloud_models::ListOptions;\n\
         use ordercloud_transport::{ApiClient, MockTransport};\n\n\
         use super::Recording;\n",
    );
    let mut calls = String::new();
    let mut count = 0;
    for section in &spec.sections {
        for resource in &section.resources {
            let mut body = String::new();
            for op in &resource.operations {
                let Some(entry) = recorded.iter().find(|entry| entry.text("id") == op.id) else {
                    return Err(format!("{RECORDING} has no {}: run spec/today/record.mjs again", op.id));
                };
                let call = call(section.suffix, &resource.name, op, entry.get("args").unwrap_or(&Json::Null))?;
                writeln!(body, "    {call}.await.expect(\"{}\");\n    recording.check(mock, \"{}\");", op.id, op.id)
                    .ok();
                count += 1;
            }
            let function = format!("{}_{}", section.suffix, resource.module);
            writeln!(
                out,
                "\nasync fn {function}(client: &ApiClient, mock: &MockTransport, recording: &mut Recording) {{\n{body}}}"
            )
            .ok();
            writeln!(calls, "    {function}(client, mock, recording).await;").ok();
        }
    }
    write!(
        out,
        "\n/// How many operations [`every_operation`] calls.\npub(crate) const COUNT: usize = {count};\n\n/// Calls every generated operation, each checked by `recording`.\npub(crate) async fn every_operation(client: &ApiClient, mock: &MockTransport, recording: &mut Recording) {{\n{calls}}}\n"
    )
    .ok();
    files.push((FILE.to_owned(), out));
    Ok(())
}

/// The Rust call of `op` with the recorded arguments, up to `.send()`.
fn call(suffix: &str, resource: &str, op: &Op, args: &Json) -> Result<String, String> {
    let path = args.get("path").unwrap_or(&Json::Null);
    let query = args.get("query").unwrap_or(&Json::Null);
    let mut arguments = Vec::new();
    for param in &op.path_params {
        let value = path.get(&param.name).ok_or_else(|| format!("{}: no recorded {}", op.id, param.name))?;
        arguments.push(literal(suffix, &param.kind, value));
    }
    for param in &op.required_query {
        let value = query.get(&param.name).ok_or_else(|| format!("{}: no recorded {}", op.id, param.name))?;
        arguments.push(literal(suffix, &param.kind, value));
    }
    if let Some(body) = &op.body {
        let json = args.get("body").filter(|body| **body != Json::Null);
        let value = match json {
            Some(json) => {
                let model = if body.partial { format!("Partial{}", body.schema) } else { body.schema.clone() };
                format!(
                    "&serde_json::from_str::<ordercloud_{suffix}::models::{model}>({}).unwrap()",
                    raw_string(&json.compact())
                )
            }
            None if body.optional => String::new(),
            None => return Err(format!("{}: no recorded body", op.id)),
        };
        arguments.push(match (body.optional, value.is_empty()) {
            (true, true) => "None".to_owned(),
            (true, false) => format!("Some({value})"),
            (false, _) => value,
        });
    }
    let mut out =
        format!("ordercloud_{suffix}::{resource}Api::new(client.clone()).{}({})", method(op), arguments.join(", "));
    for param in &op.optional_query {
        if let Some(value) = query.get(&param.name) {
            write!(out, ".{}({})", ident(&param.rust), literal(suffix, &param.kind, value)).ok();
        }
    }
    let options: Vec<String> =
        LIST_PARAMETERS.iter().filter_map(|name| Some(list_option(name, query.get(name)?))).collect();
    if !options.is_empty() {
        write!(out, ".options(&ListOptions::new(){})", options.concat()).ok();
    }
    out.push_str(".send()");
    Ok(out)
}

/// A recorded value as a Rust argument of `kind`.
fn literal(suffix: &str, kind: &ParamKind, value: &Json) -> String {
    match kind {
        ParamKind::Enum(name) => format!("ordercloud_{suffix}::models::{name}::from({})", rust(value)),
        _ => rust(value),
    }
}

/// A recorded scalar as a Rust literal.
fn rust(value: &Json) -> String {
    match value {
        Json::String(text) => format!("{text:?}"),
        other => other.compact(),
    }
}

/// A list option as a `ListOptions` method call.
fn list_option(name: &str, value: &Json) -> String {
    let list = |value: &Json| value.as_array().iter().map(rust).collect::<Vec<_>>().join(", ");
    match name {
        "page" => format!(".page({})", rust(value)),
        "pageSize" => format!(".page_size({})", rust(value)),
        "search" => format!(".search({})", rust(value)),
        "searchOn" => format!(".search_on([{}])", list(value)),
        "sortBy" => format!(".sort_by([{}])", list(value)),
        _ => value
            .members()
            .iter()
            .map(|(field, filter)| match filter {
                Json::String(text) => format!(".filter({field:?}, {text:?})"),
                other => format!(".filter({field:?}, {:?})", other.compact()),
            })
            .collect(),
    }
}
