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
         //! name; open sets keep values this version does not know. Every model keeps the fields it\n\
         //! has no member for in its `other_fields` ([`OtherFields`](crate::OtherFields)), with\n\
         //! their JSON exactly as it came, and writes them back: a GET then a PUT sends back every\n\
         //! field OrderCloud sent, at every level. Read-only fields are read, and never sent; fields\n\
         //! that are only written (passwords, secrets) print redacted in `Debug`. Extended\n\
         //! properties are [`Xp`](crate::Xp): untyped until you ask for your own type. Money and\n\
         //! other decimals are [`Decimal`](crate::Decimal), exact: the digits OrderCloud sends are\n\
         //! the digits written back. Dates are RFC 3339 text, as sent.\n",
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

/// The Rust type of a field (without its `Option`): a nested object OrderCloud takes in its
/// partial form is that form.
fn rust_type(property: &Property) -> String {
    match &property.ty {
        Ty::Named(name) if property.partial => format!("Partial{name}"),
        ty => type_of(ty),
    }
}

fn type_of(ty: &Ty) -> String {
    match ty {
        Ty::Text | Ty::DateTime => "String".to_owned(),
        Ty::Integer => "i32".to_owned(),
        Ty::Number => "Decimal".to_owned(),
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
        format!("`{}`: {}", property.json, ensure_period(&property.description))
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

pub(crate) fn ensure_period(text: &str) -> String {
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
    // What the file refers to.
    let mut siblings = BTreeSet::new();
    let mut crate_items: BTreeSet<String> = ["OtherFields".to_owned(), "RawJson".to_owned()].into();
    for property in &schema.properties {
        let mut types = vec![rust_type(property)];
        if has_partial && !property.read_only {
            types.push(partial_type(spec, property));
        }
        for ty in types {
            for word in ty.split(['<', '>']).filter(|word| !word.is_empty()) {
                match word {
                    "Xp" | "RawJson" | "Decimal" => {
                        crate_items.insert(word.to_owned());
                    }
                    "String" | "i32" | "bool" | "Vec" => {}
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
    if has_partial {
        crate_items.insert("Patch".to_owned());
    }
    let secret = schema.properties.iter().any(|property| property.secret);
    let mut model_items = vec!["Fields", "read"];
    if schema.properties.iter().any(|property| !property.read_only) {
        model_items.push("field");
    }
    if schema.properties.iter().any(|property| property.read_only) {
        model_items.push("read_only");
    }
    writeln!(out, "use serde::de::MapAccess;\nuse serde::ser::SerializeMap;\n").ok();
    if !siblings.is_empty() {
        writeln!(out, "use super::{{{}}};", siblings.iter().cloned().collect::<Vec<_>>().join(", ")).ok();
    }
    writeln!(out, "use crate::common::model::{{{}}};", model_items.join(", ")).ok();
    if secret {
        crate_items.insert("common::redact::RedactedOption".to_owned());
    }
    writeln!(out, "use crate::{{{}}};", crate_items.iter().cloned().collect::<Vec<_>>().join(", ")).ok();
    out.push('\n');

    // The model.
    let description = if schema.description.is_empty() {
        format!("OrderCloud's `{name}`.")
    } else {
        ensure_period(&schema.description)
    };
    out.push_str(&doc(
        &format!(
            "{description}\n\nMade with [`new`](Self::new) and a `with_*` method per field it sends; every field is \
             public. Fields this version has no member for are kept in [`other_fields`](Self::other_fields) and \
             sent back."
        ),
        "",
    ));
    let all: Vec<&Property> = schema.properties.iter().collect();
    out.push_str(&model_struct(name, &all, secret, false, spec));
    let names: Vec<String> = schema.properties.iter().map(|property| format!("\"{}\"", property.json)).collect();
    writeln!(
        out,
        "\nimpl {name} {{\n    /// The JSON names of its fields, in order: the properties a list of them can be filtered on.\n    pub const FIELD_NAMES: &'static [&'static str] = &[{}];\n\n    /// A `{name}` with no field set.\n    pub fn new() -> Self {{\n        Self::default()\n    }}",
        names.join(", ")
    )
    .ok();
    for property in schema.properties.iter().filter(|property| !property.read_only) {
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
    out.push_str(OTHER_FIELD_SETTER);
    out.push_str("}\n");
    out.push_str(&fields_impl(name, &all, false));
    if secret {
        out.push_str(&debug_impl(name, &all, false));
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
                 `with_*`). A nested object is itself partial. Read-only fields are not in it; fields this\n\
                 version has no member for are sent from [`other_fields`](Self::other_fields)."
            ),
            "",
        ));
        let partial = format!("Partial{name}");
        out.push_str(&model_struct(&partial, &writable, secret, true, spec));
        writeln!(out, "\nimpl {partial} {{\n    /// A PATCH that changes nothing yet.\n    pub fn new() -> Self {{\n        Self::default()\n    }}").ok();
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
        out.push_str(OTHER_FIELD_SETTER);
        out.push_str("}\n");
        out.push_str(&fields_impl(&partial, &writable, true));
        if secret {
            out.push_str(&debug_impl(&partial, &writable, true));
        }
    }
    out
}

/// The builder method every model has for a field it has no member for.
const OTHER_FIELD_SETTER: &str = "\n    /// Sets the field `name`, which this version has no member for, to `value`: see\n    /// [`OtherFields::set`].\n    #[must_use]\n    pub fn with_other_field(mut self, name: impl Into<String>, value: impl Into<RawJson>) -> Self {\n        self.other_fields.set(name, value);\n        self\n    }\n";

/// A model's struct: its fields, each an `Option` (a `Patch` in a partial form), and its
/// other fields.
fn model_struct(name: &str, properties: &[&Property], secret: bool, partial: bool, spec: &Spec) -> String {
    let derive_debug = if secret { "" } else { "Debug, " };
    let mut out =
        format!("#[derive(Clone, {derive_debug}Default, PartialEq)]\n#[non_exhaustive]\npub struct {name} {{\n");
    for property in properties {
        out.push_str(&doc(&field_doc(property, partial), "    "));
        let ty = if partial {
            format!("Patch<{}>", partial_type(spec, property))
        } else {
            format!("Option<{}>", rust_type(property))
        };
        writeln!(out, "    pub {}: {ty},", ident(&property.rust)).ok();
    }
    out.push_str(
        "    /// The fields this version has no member for, as they came: sent back as they are.\n    pub other_fields: OtherFields,\n}\n",
    );
    out
}

/// How a model reads and writes its fields by their JSON names.
fn fields_impl(name: &str, properties: &[&Property], partial: bool) -> String {
    // A model's own fields are its public `FIELD_NAMES`; a partial form's, its writable ones.
    let fields = if partial {
        let names: Vec<String> = properties.iter().map(|property| format!("\"{}\"", property.json)).collect();
        format!("&[{}]", names.join(", "))
    } else {
        "Self::FIELD_NAMES".to_owned()
    };
    let mut out = format!(
        "\nimpl Fields for {name} {{\n    const NAME: &'static str = \"{name}\";\n    const FIELDS: &'static [&'static str] = {fields};\n\n"
    );
    out.push_str(
        "    #[inline(always)]\n    fn read_field<'de, A: MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<bool, A::Error> {\n        match name {\n",
    );
    for property in properties {
        writeln!(out, "            \"{}\" => read(map, &mut self.{})?,", property.json, ident(&property.rust)).ok();
    }
    out.push_str("            _ => return Ok(false),\n        }\n        Ok(true)\n    }\n\n");
    out.push_str("    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {\n");
    for property in properties {
        let writer = if property.read_only && !partial { "read_only" } else { "field" };
        writeln!(out, "        {writer}(map, \"{}\", &self.{})?;", property.json, ident(&property.rust)).ok();
    }
    out.push_str("        Ok(())\n    }\n\n");
    out.push_str(
        "    fn others(&self) -> &OtherFields {\n        &self.other_fields\n    }\n\n    fn others_mut(&mut self) -> &mut OtherFields {\n        &mut self.other_fields\n    }\n}\n",
    );
    writeln!(out, "\ncrate::common::model::serde_by_fields!({name});").ok();
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
    out.push_str("            .field(\"other_fields\", &self.other_fields)\n            .finish()\n    }\n}\n");
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
