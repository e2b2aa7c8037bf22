//! The models of `ordercloud-models`'s `resources` feature: one file per schema (with its
//! partial form when a PATCH sends one), one file of enums, and the module that gathers them.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::names::{ident, snake_case};
use super::spec::{EnumSchema, HAND_WRITTEN_SCHEMAS, Property, Schema, Spec, Ty};
use super::{Files, doc, header};

/// Where the models go.
pub(crate) const DIRECTORY: &str = "crates/ordercloud-models/src/resources";

pub(crate) fn write(spec: &Spec, files: &mut Files) {
    let mut module = header(spec, "//");
    writeln!(
        module,
        "\n//! The models of every OrderCloud resource (feature `resources`), from OrderCloud's API\n\
         //! description {}: one struct per schema, and a `Partial*` struct for each one a PATCH\n\
         //! sends.\n//!\n\
         //! Every field is an `Option`, left out of the JSON when `None`, under its exact OrderCloud\n\
         //! name; unknown fields are accepted; open sets keep values this version does not know.\n\
         //! Read-only fields are read, and never sent. Extended properties are [`Xp`](crate::Xp):\n\
         //! untyped until you ask for your own type. Money and other decimals are `f64`: it\n\
         //! carries every value OrderCloud sends (at most 15 significant digits) exactly through a\n\
         //! read and a write, without a decimal crate in every user's build; convert to a decimal\n\
         //! type for arithmetic. Dates are RFC 3339 text, as sent.\n",
        spec.version
    )
    .ok();
    let mut uses = String::new();
    for schema in &spec.schemas {
        let file = snake_case(&schema.name);
        writeln!(module, "mod {};", ident(&file)).ok();
        let mut names = vec![schema.name.clone()];
        if spec.partials.contains(&schema.name) {
            names.insert(0, format!("Partial{}", schema.name));
        }
        writeln!(uses, "pub use {}::{{{}}};", ident(&file), names.join(", ")).ok();
        files.push((format!("{DIRECTORY}/{file}.rs"), schema_file(spec, schema)));
    }
    writeln!(module, "mod enums;\n\n{uses}").ok();
    let enum_names: Vec<&str> = spec.enums.iter().map(|e| e.name.as_str()).collect();
    writeln!(module, "pub use enums::{{{}}};", enum_names.join(", ")).ok();
    files.push((format!("{DIRECTORY}/mod.rs"), module));
    files.push((format!("{DIRECTORY}/enums.rs"), enums_file(spec)));
}

/// The Rust type of a field (without its `Option`).
fn rust_type(property: &Property) -> String {
    type_of(&property.ty)
}

fn type_of(ty: &Ty) -> String {
    match ty {
        Ty::Text | Ty::DateTime => "String".to_owned(),
        Ty::Integer => "i32".to_owned(),
        Ty::Number => "f64".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::Xp => "Xp".to_owned(),
        Ty::Object => "RawJson".to_owned(),
        Ty::Named(name) => named(name),
        Ty::List(inner) => format!("Vec<{}>", type_of(inner)),
    }
}

/// A schema by name, as the models refer to it.
pub(crate) fn named(name: &str) -> String {
    match HAND_WRITTEN_SCHEMAS.iter().find(|(schema, _)| *schema == name) {
        Some((_, path)) => path.to_string(),
        None => name.to_owned(),
    }
}

/// The type of a field of a partial form: a nested object's own partial form.
fn partial_type(spec: &Spec, property: &Property) -> String {
    match &property.ty {
        Ty::Named(name) if spec.partials.contains(name) => format!("Partial{name}"),
        _ => rust_type(property),
    }
}

/// The doc comment of a field.
fn field_doc(property: &Property, partial: bool) -> String {
    let mut text = if property.description.is_empty() && property.ty == Ty::Xp {
        "The marketplace's extended properties: free-form, read as your own type with `Xp::get`, written \
         with `Xp::new`."
            .to_owned()
    } else if property.description.is_empty() {
        format!("`{}`.", property.json)
    } else {
        ensure_period(&property.description)
    };
    if property.ty == Ty::DateTime {
        text.push_str(" An RFC 3339 date-time.");
    }
    if let Some(length) = property.max_length {
        write!(text, " At most {length} characters.").ok();
    }
    if let Some(default) = &property.default {
        write!(text, " OrderCloud's default: `{default}`.").ok();
    }
    if property.read_only && !partial {
        text.push_str(" Read-only: OrderCloud sets it, and it is never sent.");
    }
    if property.secret {
        text.push_str(" A secret: redacted in `Debug`.");
    }
    text
}

fn ensure_period(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?', ')']) { text.to_owned() } else { format!("{text}.") }
}

fn schema_file(spec: &Spec, schema: &Schema) -> String {
    let name = &schema.name;
    let has_partial = spec.partials.contains(name);
    let mut out = header(spec, "//");
    writeln!(
        out,
        "\n//! `{name}`{}.\n",
        if has_partial { format!(", and `Partial{name}` for a PATCH") } else { String::new() }
    )
    .ok();
    out.push_str("use serde::{Deserialize, Serialize};\n\n");
    // What the file refers to.
    let mut siblings = BTreeSet::new();
    let mut crate_items = BTreeSet::new();
    for property in &schema.properties {
        let mut types = vec![rust_type(property)];
        if has_partial && !property.read_only {
            types.push(partial_type(spec, property));
        }
        for ty in types {
            for word in ty.split(['<', '>']).filter(|word| !word.is_empty()) {
                match word {
                    "Xp" | "RawJson" => {
                        crate_items.insert(word.to_owned());
                    }
                    "String" | "i32" | "f64" | "bool" | "Vec" => {}
                    _ if word.starts_with("crate::") => {}
                    _ => {
                        siblings.insert(word.to_owned());
                    }
                }
            }
        }
    }
    siblings.remove(name);
    siblings.remove(&format!("Partial{name}"));
    if schema.properties.iter().any(|property| property.read_only) {
        crate_items.insert("skip_read_only".to_owned());
    }
    if has_partial {
        crate_items.insert("Patch".to_owned());
    }
    let secret = schema.properties.iter().any(|property| property.secret);
    if !siblings.is_empty() {
        writeln!(out, "use super::{{{}}};", siblings.iter().cloned().collect::<Vec<_>>().join(", ")).ok();
    }
    if secret {
        crate_items.insert("common::redact::RedactedOption".to_owned());
    }
    if !crate_items.is_empty() {
        writeln!(out, "use crate::{{{}}};", crate_items.iter().cloned().collect::<Vec<_>>().join(", ")).ok();
    }
    out.push('\n');

    // The model.
    let description = if schema.description.is_empty() {
        format!("OrderCloud's `{name}`.")
    } else {
        ensure_period(&schema.description)
    };
    out.push_str(&doc(
        &format!(
            "{description}\n\nMade with [`new`](Self::new) and a `with_*` method per field; every field is public."
        ),
        "",
    ));
    let derive_debug = if secret { "" } else { "Debug, " };
    writeln!(out, "#[derive(Clone, {derive_debug}Default, PartialEq, Serialize, Deserialize)]\n#[non_exhaustive]\npub struct {name} {{").ok();
    for property in &schema.properties {
        out.push_str(&doc(&field_doc(property, false), "    "));
        let skip = if property.read_only { "skip_read_only" } else { "Option::is_none" };
        writeln!(
            out,
            "    #[serde(rename = \"{}\", default, skip_serializing_if = \"{skip}\")]\n    pub {}: Option<{}>,",
            property.json,
            ident(&property.rust),
            rust_type(property)
        )
        .ok();
    }
    out.push_str("}\n\n");
    writeln!(out, "impl {name} {{\n    /// A `{name}` with no field set.\n    pub fn new() -> Self {{\n        Self::default()\n    }}").ok();
    for property in &schema.properties {
        let field = ident(&property.rust);
        let setter = format!("with_{}", property.rust);
        let ty = rust_type(property);
        writeln!(
            out,
            "\n    /// Sets `{}`.\n    #[must_use]\n    pub fn {setter}(mut self, value: impl Into<{ty}>) -> Self {{\n        self.{field} = Some(value.into());\n        self\n    }}",
            property.json
        )
        .ok();
    }
    out.push_str("}\n");
    if secret {
        out.push_str(&debug_impl(name, &schema.properties.iter().collect::<Vec<_>>(), false));
    }

    // Its partial form.
    if has_partial {
        let writable: Vec<&Property> = schema.properties.iter().filter(|property| !property.read_only).collect();
        out.push('\n');
        out.push_str(&doc(
            &format!(
                "A partial `{name}`: the body of a PATCH, which changes only the fields it holds.\n\n\
                 Each field is left out ([`Patch::Unchanged`], the default: it keeps its value), sent as\n\
                 `null` ([`Patch::Null`], with `clear_*`: it is cleared) or sent ([`Patch::Set`], with\n\
                 `with_*`). A nested object is itself partial. Read-only fields are not in it."
            ),
            "",
        ));
        writeln!(out, "#[derive(Clone, {derive_debug}Default, PartialEq, Serialize, Deserialize)]\n#[non_exhaustive]\npub struct Partial{name} {{").ok();
        for property in &writable {
            out.push_str(&doc(&field_doc(property, true), "    "));
            writeln!(
                out,
                "    #[serde(rename = \"{}\", default, skip_serializing_if = \"Patch::is_unchanged\")]\n    pub {}: Patch<{}>,",
                property.json,
                ident(&property.rust),
                partial_type(spec, property)
            )
            .ok();
        }
        out.push_str("}\n\n");
        writeln!(out, "impl Partial{name} {{\n    /// A PATCH that changes nothing yet.\n    pub fn new() -> Self {{\n        Self::default()\n    }}").ok();
        for property in &writable {
            let field = ident(&property.rust);
            let ty = partial_type(spec, property);
            writeln!(
                out,
                "\n    /// Sets `{json}` to `value`.\n    #[must_use]\n    pub fn with_{rust}(mut self, value: impl Into<{ty}>) -> Self {{\n        self.{field} = Patch::Set(value.into());\n        self\n    }}\n\n    /// Clears `{json}`: sends it as `null`.\n    #[must_use]\n    pub fn clear_{rust}(mut self) -> Self {{\n        self.{field} = Patch::Null;\n        self\n    }}",
                json = property.json,
                rust = property.rust,
            )
            .ok();
        }
        out.push_str("}\n");
        if secret {
            out.push_str(&debug_impl(&format!("Partial{name}"), &writable, true));
        }
    }
    out
}

/// A `Debug` that shows whether each secret is set, never its value.
fn debug_impl(name: &str, properties: &[&Property], partial: bool) -> String {
    let mut out = format!(
        "\nimpl std::fmt::Debug for {name} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        f.debug_struct(\"{name}\")\n"
    );
    for property in properties {
        let field = ident(&property.rust);
        if property.secret {
            let set = if partial {
                format!("matches!(self.{field}, Patch::Set(_))")
            } else {
                format!("self.{field}.is_some()")
            };
            writeln!(out, "            .field(\"{}\", &RedactedOption({set}))", property.rust).ok();
        } else {
            writeln!(out, "            .field(\"{}\", &self.{field})", property.rust).ok();
        }
    }
    out.push_str("            .finish()\n    }\n}\n");
    out
}

fn enums_file(spec: &Spec) -> String {
    let mut out = header(spec, "//");
    out.push_str("\n//! The open sets of values of OrderCloud's API description.\n");
    for EnumSchema { name, description, values } in &spec.enums {
        let description =
            if description.is_empty() { format!("OrderCloud's `{name}`.") } else { ensure_period(description) };
        out.push_str("\ncrate::open_enum! {\n");
        out.push_str(&doc(
            &format!("{description}\n\nAn open set: a value this version does not know is kept in `Other`."),
            "    ",
        ));
        writeln!(out, "    pub enum {name} {{").ok();
        for value in values {
            writeln!(out, "        /// `{value}`.\n        {} = \"{value}\",", ident(value)).ok();
        }
        out.push_str("    }\n}\n");
    }
    out
}
