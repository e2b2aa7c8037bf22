//! The models' round-trip test: for every model and its partial form, a realistic JSON
//! object with every field set, nested objects and lists, exact decimals and fields the
//! model does not know at every level, which must read and write back to the same text;
//! and the same model as a request body, which must be that text less its read-only
//! fields. Generated, so every model the description adds is covered.

use std::fmt::Write as _;

use super::spec::{Property, Schema, Spec, Ty};
use super::{Files, header, raw_string};

pub(crate) const FILE: &str = "crates/ordercloud-models/tests/round_trip.rs";

/// How deep nested objects go in a sample (a schema may hold itself).
const DEPTH: usize = 3;

/// Fields no version of the models knows, added to every object of a sample.
const UNKNOWN: &str =
    r#""FieldFromTheFuture":{"Digits":1234567890.123456789,"List":[1,"two",null]},"FlagFromTheFuture":true"#;

pub(crate) fn write(spec: &Spec, files: &mut Files) {
    let mut out = header(spec, "//");
    out.push_str(
        "\n//! Every generated model, and its partial form, against a realistic JSON object with every\n\
         //! field set, nested objects and lists, exact decimals and fields the model does not know\n\
         //! at every level: read and written back, it is the same text; as a request body, it is\n\
         //! that text less the read-only fields, the unknown ones included. Its `Debug` shows no\n\
         //! value of a field that holds a secret.\n\
         #![cfg(feature = \"resources\")]\n\n\
         use ordercloud_models::resources::*;\n\
         use ordercloud_models::to_request_body;\n\
         use serde::Serialize;\n\
         use serde::de::DeserializeOwned;\n\n\
         /// `sample` read as `T` and written back is `sample`; as a request body, `body`; in\n\
         /// `Debug`, without the values of the `secrets` fields.\n\
         fn round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug>(name: &str, sample: &str, body: &str, secrets: &[&str]) {\n\
         \x20   let model: T = serde_json::from_str(sample).unwrap_or_else(|error| panic!(\"{name} does not read: {error}\"));\n\
         \x20   assert_eq!(serde_json::to_string(&model).unwrap(), sample, \"{name} written back\");\n\
         \x20   let sent = to_request_body(&model).unwrap();\n\
         \x20   assert_eq!(std::str::from_utf8(&sent).unwrap(), body, \"{name} as a request body\");\n\
         \x20   let again: T = serde_json::from_reader(sample.as_bytes()).unwrap();\n\
         \x20   assert_eq!(serde_json::to_string(&again).unwrap(), sample, \"{name} read from a reader\");\n\
         \x20   let shown = format!(\"{model:?}\");\n\
         \x20   for secret in secrets {\n\
         \x20       assert!(!shown.contains(&format!(\"\\\"{secret} text\")), \"{name}'s Debug shows {secret}: {shown}\");\n\
         \x20   }\n\
         }\n\n\
         #[test]\n\
         fn every_model_keeps_what_it_does_not_know() {\n",
    );
    for schema in &spec.schemas {
        let (sample, body) = (object(spec, schema, DEPTH, false), object(spec, schema, DEPTH, true));
        let secrets: Vec<String> = schema
            .properties
            .iter()
            .filter(|property| property.secret && property.ty == Ty::Text)
            .map(|property| format!("\"{}\"", property.json))
            .collect();
        let secrets = secrets.join(", ");
        writeln!(
            out,
            "    round_trip::<{0}>(\"{0}\", {1}, {2}, &[{secrets}]);",
            schema.name,
            raw_string(&sample),
            raw_string(&body)
        )
        .ok();
        if spec.partials.contains(&schema.name) {
            let sample = partial_object(spec, schema, DEPTH);
            writeln!(
                out,
                "    round_trip::<Partial{0}>(\"Partial{0}\", {1}, {1}, &[{secrets}]);",
                schema.name,
                raw_string(&sample)
            )
            .ok();
        }
    }
    out.push_str("}\n");
    files.push((FILE.to_owned(), out));
}

/// A sample of `schema` as compact JSON in the models' field order, unknown fields last;
/// as a request body, without its read-only fields.
fn object(spec: &Spec, schema: &Schema, depth: usize, body: bool) -> String {
    let members = schema.properties.iter().filter(|property| !(body && property.read_only)).filter_map(|property| {
        Some(format!("\"{}\":{}", property.json, value(spec, property, &property.ty, depth, body, false)?))
    });
    let mut members: Vec<String> = members.collect();
    members.push(UNKNOWN.to_owned());
    format!("{{{}}}", members.join(","))
}

/// A sample of `schema`'s partial form: its writable fields, nested objects partial too.
fn partial_object(spec: &Spec, schema: &Schema, depth: usize) -> String {
    let members = schema.properties.iter().filter(|property| !property.read_only).filter_map(|property| {
        Some(format!("\"{}\":{}", property.json, value(spec, property, &property.ty, depth, true, true)?))
    });
    let mut members: Vec<String> = members.collect();
    members.push(UNKNOWN.to_owned());
    format!("{{{}}}", members.join(","))
}

/// A sample value of type `ty`, or `None` for a field the sample leaves out (too deep, or a
/// hand-written type that is not an enum).
fn value(spec: &Spec, property: &Property, ty: &Ty, depth: usize, body: bool, partial: bool) -> Option<String> {
    Some(match ty {
        Ty::Text => format!("\"{} text, with \\\"quotes\\\" and é\"", property.json),
        Ty::DateTime => "\"2026-12-07T08:30:00.123+00:00\"".to_owned(),
        Ty::Integer => "7".to_owned(),
        Ty::Number => "1234567890.123456789".to_owned(),
        Ty::Bool => "true".to_owned(),
        Ty::Xp => r#"{"Color":"red","Sizes":["S","M"],"Price":19.990}"#.to_owned(),
        Ty::Object => r#"{"Any":[1,"x",{"y":null}]}"#.to_owned(),
        // A list is replaced whole: its items are full models, even in a partial form.
        Ty::List(inner) => format!("[{}]", value(spec, property, inner, depth, body, false)?),
        Ty::Named(name) => {
            if let Some(values) = spec.enums.iter().find(|e| &e.name == name).map(|e| &e.values) {
                format!("\"{}\"", values.first()?)
            } else if name == "MessageType" {
                "\"ForgottenPassword\"".to_owned()
            } else {
                let schema = spec.schema(name)?;
                if depth == 0 {
                    return None;
                }
                if (partial || property.partial) && spec.partials.contains(name) {
                    partial_object(spec, schema, depth - 1)
                } else {
                    object(spec, schema, depth - 1, body)
                }
            }
        }
    })
}
