//! `components.schemas` of today's description: every model and enum of today, each field
//! from every source that has it. The 2022 description gives descriptions, maximum lengths
//! and defaults where it has them; the JS models give today's fields, types and `readonly`;
//! the .NET models confirm them and add `[ApiWriteOnly]`, `[RequiredForCountries]`,
//! descriptions, lengths and defaults for what 2022 lacks.

use std::collections::{BTreeMap, BTreeSet};

use super::dotnet::{BETA, DotnetField, DotnetModel, DotnetSdk};
use super::js::{JsField, JsModel, JsSdk};
use super::report::Report;
use super::text::{is_identifier, without_arguments};
use super::{array, object, text};
use crate::json::Json;

/// JS types of the SDK itself, not of the API: they are never schemas.
const SDK_ONLY: &[&str] = &["Environment"];

/// What the three sources say about models and enums, by name.
pub(crate) struct Models<'a> {
    pub(crate) old: BTreeMap<&'a str, &'a Json>,
    old_order: Vec<&'a str>,
    js: BTreeMap<&'a str, &'a JsModel>,
    dotnet: BTreeMap<&'a str, &'a DotnetModel>,
    js_enums: BTreeMap<&'a str, &'a [String]>,
    dotnet_enums: BTreeMap<&'a str, &'a [String]>,
}

impl<'a> Models<'a> {
    pub(crate) fn new(old: &'a Json, js: &'a JsSdk, dotnet: &'a DotnetSdk) -> Result<Self, String> {
        let schemas =
            old.get("components").and_then(|c| c.get("schemas")).ok_or("the 2022 description has no schemas")?;
        Ok(Self {
            old: schemas.members().iter().map(|(name, schema)| (name.as_str(), schema)).collect(),
            old_order: schemas.members().iter().map(|(name, _)| name.as_str()).collect(),
            js: js.models.iter().map(|model| (model.name.as_str(), model)).collect(),
            dotnet: dotnet.models.iter().map(|model| (model.name.as_str(), model)).collect(),
            js_enums: js.enums.iter().map(|(name, values)| (name.as_str(), values.as_slice())).collect(),
            dotnet_enums: dotnet.enums.iter().map(|(name, values)| (name.as_str(), values.as_slice())).collect(),
        })
    }

    fn is_old_enum(&self, name: &str) -> bool {
        self.old.get(name).is_some_and(|schema| schema.get("enum").is_some())
    }

    /// Whether `name` is an enum in any source.
    pub(crate) fn is_enum(&self, name: &str) -> bool {
        self.is_old_enum(name) || self.js_enums.contains_key(name) || self.dotnet_enums.contains_key(name)
    }

    /// Whether `name` is a model or an enum in any source.
    pub(crate) fn knows(&self, name: &str) -> bool {
        self.old.contains_key(name)
            || self.js.contains_key(name)
            || self.dotnet.contains_key(name)
            || self.is_enum(name)
    }

    /// The JSON names of the fields `.NET` marks `[Required]` on `model`.
    pub(crate) fn dotnet_required(&self, model: &str) -> Option<Vec<String>> {
        let model = self.dotnet.get(model)?;
        Some(model.fields.iter().filter(|field| field.has("Required")).map(|field| field.name.clone()).collect())
    }

    /// Whether `field` of `model` exists in some source.
    pub(crate) fn has_field(&self, model: &str, field: &str) -> bool {
        let old = self.old.get(model).and_then(|schema| schema.get("properties")).and_then(|p| p.get(field));
        old.is_some()
            || self.js.get(model).is_some_and(|m| m.fields.iter().any(|f| f.name == field))
            || self.dotnet.get(model).is_some_and(|m| m.fields.iter().any(|f| f.name == field))
    }

    /// The schemas of today: the 2022 ones, the models both SDKs have, their enums, and
    /// everything these and `roots` (the operations' bodies and answers) name.
    pub(crate) fn write(&self, roots: &BTreeSet<String>, report: &mut Report) -> Result<Json, String> {
        let mut wanted: Vec<String> = self.old_order.iter().map(|name| (*name).to_owned()).collect();
        wanted.extend(self.js.keys().filter(|name| self.dotnet.contains_key(*name)).map(|name| (*name).to_owned()));
        wanted.extend(self.dotnet_enums.keys().map(|name| (*name).to_owned()));
        wanted.extend(roots.iter().cloned());
        let mut included = BTreeSet::new();
        while let Some(name) = wanted.pop() {
            if SDK_ONLY.contains(&name.as_str()) || !included.insert(name.clone()) {
                continue;
            }
            if !self.knows(&name) {
                return Err(format!("{name} is named but is no model or enum of any source"));
            }
            for reference in self.references(&name) {
                wanted.push(reference);
            }
        }
        // 2022's order, then the new ones by name.
        let mut order: Vec<&str> = self.old_order.iter().copied().filter(|name| included.contains(*name)).collect();
        order.extend(included.iter().map(String::as_str).filter(|name| !self.old.contains_key(name)));
        let mut schemas = Vec::new();
        for name in order {
            let schema = if self.is_enum(name) { self.enum_schema(name, report) } else { self.model(name, report)? };
            schemas.push((name.to_owned(), schema));
        }
        Ok(Json::Object(schemas))
    }

    /// The models and enums the fields of `name` name, in every source.
    fn references(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(model) = self.js.get(name) {
            for field in &model.fields {
                out.extend(named_types(&field.ty));
            }
        }
        if let Some(model) = self.dotnet.get(name) {
            for field in &model.fields {
                out.extend(named_types(&field.ty).into_iter().map(|name| self.without_partial(&name).to_owned()));
            }
        }
        if let Some(schema) = self.old.get(name) {
            for (_, property) in schema.get("properties").map(Json::members).unwrap_or(&[]) {
                out.extend(reference(property).map(str::to_owned));
            }
        }
        out.retain(|name| !is_type_parameter(name) && !BUILT_IN.contains(&name.as_str()));
        out
    }

    fn sources(&self, name: &str) -> Vec<&'static str> {
        let mut sources = Vec::new();
        if self.old.contains_key(name) {
            sources.push("2022");
        }
        if self.js.contains_key(name) || self.js_enums.contains_key(name) {
            sources.push("js");
        }
        if self.dotnet.contains_key(name) || self.dotnet_enums.contains_key(name) {
            sources.push("dotnet");
        }
        sources
    }

    fn enum_schema(&self, name: &str, report: &mut Report) -> Json {
        let old = self.old.get(name).filter(|_| self.is_old_enum(name));
        let old_values: Vec<String> = old
            .and_then(|schema| schema.get("enum"))
            .map(Json::as_array)
            .unwrap_or(&[])
            .iter()
            .filter_map(Json::as_str)
            .map(str::to_owned)
            .collect();
        let js = self.js_enums.get(name).map(|values| values.to_vec()).unwrap_or_default();
        let dotnet = self.dotnet_enums.get(name).map(|values| values.to_vec()).unwrap_or_default();
        let values = union(&[old_values.clone(), js.clone(), dotnet.clone()]);
        if !js.is_empty() && !dotnet.is_empty() && sorted(&js) != sorted(&dotnet) {
            report.note("Enums: JS and .NET values differ", format!("{name}: JS {js:?}, .NET {dotnet:?}"));
        }
        if old.is_some() {
            let added: Vec<&String> = values.iter().filter(|value| !old_values.contains(value)).collect();
            if !added.is_empty() {
                report.enum_values.push((name.to_owned(), added.iter().map(|value| (*value).clone()).collect()));
            }
            let gone: Vec<&String> = old_values.iter().filter(|v| !js.contains(v) && !dotnet.contains(v)).collect();
            if !gone.is_empty() {
                report.note("Enums: values in 2022 that neither SDK has (kept)", format!("{name}: {gone:?}"));
            }
        } else {
            report.new_enums.push(name.to_owned());
        }
        let mut members = vec![("type".to_owned(), text("string"))];
        if let Some(description) = old.and_then(|schema| schema.get("description")) {
            members.push(("description".to_owned(), description.clone()));
        }
        members.push(("enum".to_owned(), array(values.iter().map(|value| text(value)))));
        members.push(("x-sources".to_owned(), array(self.sources(name).into_iter().map(text))));
        Json::Object(members)
    }

    fn model(&self, name: &str, report: &mut Report) -> Result<Json, String> {
        let old = self.old.get(name).copied();
        let old_properties = old.and_then(|schema| schema.get("properties")).map(Json::members).unwrap_or(&[]);
        let js = self.js.get(name).copied();
        let dotnet = self.dotnet.get(name).copied();
        let field_names = union_appended(&[
            old_properties.iter().map(|(field, _)| field.clone()).collect(),
            js.map(|m| m.fields.iter().map(|f| f.name.clone()).collect()).unwrap_or_default(),
            dotnet.map(|m| m.fields.iter().map(|f| f.name.clone()).collect()).unwrap_or_default(),
        ]);
        let mut properties = Vec::new();
        for field in &field_names {
            let old_property = old_properties.iter().find(|(name, _)| name == field).map(|(_, property)| property);
            let js_field = js.and_then(|m| m.fields.iter().find(|f| &f.name == field));
            let dotnet_field = dotnet.and_then(|m| m.fields.iter().find(|f| &f.name == field));
            let property = self
                .property(name, field, old_property, js_field, dotnet_field, report)
                .map_err(|error| format!("{name}.{field}: {error}"))?;
            properties.push((field.clone(), property));
            if old.is_some() && old_property.is_none() {
                let read_only =
                    js_field.is_some_and(|f| f.readonly) || dotnet_field.is_some_and(|f| f.has("ApiReadOnly"));
                report.new_fields.push((name.to_owned(), field.clone(), read_only));
            }
            if js.is_some() && js_field.is_none() {
                report.note(
                    "Fields JS 12 lacks (kept)",
                    format!(
                        "{name}.{field} (in {})",
                        if old_property.is_some() && dotnet_field.is_some() {
                            "2022 and .NET"
                        } else if old_property.is_some() {
                            "2022"
                        } else {
                            ".NET"
                        }
                    ),
                );
            }
            if dotnet.is_some() && dotnet_field.is_none() && js_field.is_some() {
                report.note("Fields .NET lacks (kept)", format!("{name}.{field}"));
            }
        }
        if old.is_none() {
            report.new_models.push(name.to_owned());
        }
        match (js.is_some(), dotnet.is_some(), old.is_some()) {
            (true, false, false) => {
                report.note("Models only JS 12 has (kept: a field of a model names them)", name.to_owned())
            }
            (true, false, true) => {
                report.note("Models 2022 and JS 12 have, not .NET's generated code (kept)", name.to_owned())
            }
            (false, true, false) => {
                report.note("Models only .NET has (kept: a field of a model names them)", name.to_owned())
            }
            (false, true, true) => report.note("Models JS 12 lacks that 2022 and .NET have (kept)", name.to_owned()),
            (false, false, _) => report.note("Models only 2022 has (kept)", name.to_owned()),
            (true, true, _) => {}
        }
        let mut members = vec![("type".to_owned(), text("object"))];
        if let Some(description) = old.and_then(|schema| schema.get("description")) {
            members.push(("description".to_owned(), description.clone()));
        }
        members.push(("properties".to_owned(), Json::Object(properties)));
        if dotnet.is_some_and(|model| model.beta) {
            members.push(("x-beta".to_owned(), Json::Bool(true)));
            report.note("In beta (.NET's docs; `x-beta`)", name.to_owned());
        }
        members.push(("x-sources".to_owned(), array(self.sources(name).into_iter().map(text))));
        Ok(Json::Object(members))
    }

    /// One field: 2022's property as it was, with today's flags added; or a new property
    /// from the SDKs' types.
    fn property(
        &self,
        model: &str,
        field: &str,
        old: Option<&Json>,
        js: Option<&JsField>,
        dotnet: Option<&DotnetField>,
        report: &mut Report,
    ) -> Result<Json, String> {
        let id = format!("{model}.{field}");
        let js_schema = js.map(|f| self.js_type(&f.ty, dotnet.map(|d| d.ty.as_str()))).transpose()?;
        let dotnet_schema = dotnet.map(|f| self.dotnet_type(&f.ty)).transpose()?;
        if let (Some(a), Some(b)) = (&js_schema, &dotnet_schema) {
            if shape(a) != shape(b) {
                report.note(
                    "Field types: JS and .NET differ (JS kept)",
                    format!("{id}: JS {}, .NET {}", shape(a), shape(b)),
                );
            }
        }
        let today = js_schema.or(dotnet_schema);
        let (summary, length) = dotnet.map(|f| clean_summary(&f.summary)).unwrap_or_default();
        let mut members: Vec<(String, Json)> = match (old, &today) {
            (Some(old), today) => {
                // A JS `number` no C# type refines is 2022's integer or decimal alike.
                let open_number =
                    |today: &Json| dotnet.is_none() && shape(today).replace("number", "integer") == shape(old);
                let today = today.as_ref().filter(|today| !open_number(today));
                if let Some(today) = today {
                    if shape(old) != shape(today) {
                        report.note(
                            "Field types: 2022 and today differ (today's kept)",
                            format!("{id}: 2022 {}, today {}", shape(old), shape(today)),
                        );
                    }
                }
                let mut members = old.members().to_vec();
                if let Some(today) = today.filter(|today| shape(old) != shape(today)) {
                    members.retain(|(key, _)| !matches!(key.as_str(), "type" | "format" | "items" | "$ref" | "allOf"));
                    let mut typed = today.members().to_vec();
                    typed.extend(members);
                    members = typed;
                }
                if old.get("description").is_none_or(|d| d.as_str() == Some("")) && !summary.is_empty() {
                    members.retain(|(key, _)| key != "description");
                    members.push(("description".to_owned(), text(&summary)));
                    members.push(("x-description-from".to_owned(), text("dotnet")));
                }
                members
            }
            (None, Some(today)) => {
                let mut members = today.members().to_vec();
                if !summary.is_empty() {
                    members.push(("description".to_owned(), text(&summary)));
                    members.push(("x-description-from".to_owned(), text("dotnet")));
                }
                members
            }
            (None, None) => return Err("a field with no type".to_owned()),
        };
        let old_read_only = old.is_some_and(|p| p.is_true("readOnly"));
        let js_read_only = js.map(|f| f.readonly);
        let dotnet_read_only = dotnet.map(|f| f.has("ApiReadOnly"));
        let read_only = old_read_only || js_read_only == Some(true) || dotnet_read_only == Some(true);
        let flags: Vec<String> =
            [("2022", old.map(|_| old_read_only)), ("JS", js_read_only), (".NET", dotnet_read_only)]
                .iter()
                .filter_map(|(source, flag)| {
                    flag.map(|flag| format!("{source} {}", if flag { "read-only" } else { "writable" }))
                })
                .collect();
        if flags.iter().any(|f| f.ends_with("read-only")) && flags.iter().any(|f| f.ends_with("writable")) {
            report.note("Read-only flags differ (read-only kept)", format!("{id}: {}", flags.join(", ")));
        }
        if read_only && !old_read_only {
            members.push(("readOnly".to_owned(), Json::Bool(true)));
        }
        if dotnet.is_some_and(|f| f.has("ApiWriteOnly")) {
            members.push(("writeOnly".to_owned(), Json::Bool(true)));
        }
        let old_length = old
            .and_then(|p| p.get("maxLength"))
            .and_then(|l| if let Json::Number(n) = l { Some(*n as u64) } else { None });
        match (old_length, length) {
            (Some(a), Some(b)) if a != b => {
                report.note("Maximum lengths: 2022 and .NET differ (.NET kept)", format!("{id}: 2022 {a}, .NET {b}"));
                members.retain(|(key, _)| key != "maxLength");
                members.push(("maxLength".to_owned(), Json::Number(b as f64)));
            }
            (None, Some(b)) => members.push(("maxLength".to_owned(), Json::Number(b as f64))),
            _ => {}
        }
        let dotnet_default = dotnet.and_then(|f| f.default.as_deref()).and_then(default_value);
        let old_default = old.and_then(|p| p.get("default"));
        match (old_default, dotnet_default) {
            (Some(a), Some(b)) if *a != b => {
                report.note("Defaults: 2022 and .NET differ (2022 kept)", format!("{id}: 2022 {a:?}, .NET {b:?}"))
            }
            (None, Some(b)) => members.push(("default".to_owned(), b)),
            _ => {}
        }
        if let Some(ty) = dotnet.map(|f| f.ty.as_str()).filter(|ty| self.without_partial(ty) != *ty) {
            // .NET sends only the fields set of a partial model's value.
            members.push(("x-partial".to_owned(), Json::Bool(true)));
            report.note("Fields that hold a partial model in .NET (`x-partial`)", format!("{id}: {ty}"));
        }
        if dotnet.is_some_and(|f| f.summary.contains(BETA)) {
            members.push(("x-beta".to_owned(), Json::Bool(true)));
            report.note("In beta (.NET's docs; `x-beta`)", id.clone());
        }
        if let Some(countries) = dotnet.and_then(DotnetField::required_for_countries) {
            members.push(("x-required-for-countries".to_owned(), array(countries.iter().map(|c| text(c)))));
        }
        let mut sources = Vec::new();
        sources.extend(old.map(|_| "2022"));
        sources.extend(js.map(|_| "js"));
        sources.extend(dotnet.map(|_| "dotnet"));
        members.push(("x-sources".to_owned(), array(sources.into_iter().map(text))));
        Ok(wrap_reference(Json::Object(members)))
    }

    /// The schema of a JS field type; `dotnet` (the C# type) tells integers from decimals
    /// and dates from text.
    pub(crate) fn js_type(&self, ty: &str, dotnet: Option<&str>) -> Result<Json, String> {
        if let Some(item) = ty.strip_suffix("[]") {
            let inner = dotnet.and_then(list_item);
            return Ok(object(vec![("type", text("array")), ("items", self.js_type(item, inner.as_deref())?)]));
        }
        let dotnet = dotnet.map(|ty| ty.trim_end_matches('?'));
        Ok(match ty {
            "string" if dotnet == Some("DateTimeOffset") => string_format("date-time"),
            "string" => object(vec![("type", text("string"))]),
            "boolean" => object(vec![("type", text("boolean"))]),
            "number" => match dotnet {
                Some("int" | "long") => int32(),
                Some("decimal" | "double" | "float") => float(),
                // No C# type says which number: left open.
                None => object(vec![("type", text("number"))]),
                Some(other) => return Err(format!("a number that .NET types {other}")),
            },
            "any" => object(vec![("type", text("object"))]),
            named => {
                let name = without_arguments(named);
                if is_type_parameter(name) {
                    object(vec![("type", text("object"))])
                } else if is_identifier(name) && self.knows(name) {
                    reference_schema(name)
                } else {
                    return Err(format!("a JS type {named} not understood"));
                }
            }
        })
    }

    /// `PartialAdHocProduct` is .NET's partial form of `AdHocProduct`: the model's name.
    fn without_partial<'n>(&self, name: &'n str) -> &'n str {
        match name.strip_prefix("Partial") {
            Some(model) if !self.knows(name) && self.knows(model) => model,
            _ => name,
        }
    }

    /// The schema of a C# field type.
    pub(crate) fn dotnet_type(&self, ty: &str) -> Result<Json, String> {
        if let Some(item) = list_item(ty) {
            return Ok(object(vec![("type", text("array")), ("items", self.dotnet_type(&item)?)]));
        }
        Ok(match ty.trim_end_matches('?') {
            "string" => object(vec![("type", text("string"))]),
            "bool" => object(vec![("type", text("boolean"))]),
            "int" | "long" => int32(),
            "decimal" | "double" | "float" => float(),
            "DateTimeOffset" => string_format("date-time"),
            "dynamic" | "object" => object(vec![("type", text("object"))]),
            name if is_type_parameter(name) => object(vec![("type", text("object"))]),
            name if is_identifier(name) && self.knows(self.without_partial(name)) => {
                reference_schema(self.without_partial(name))
            }
            other => return Err(format!("a C# type {other} not understood")),
        })
    }
}

/// Names that look like models but are the languages' own.
const BUILT_IN: &[&str] = &[
    "string",
    "number",
    "boolean",
    "any",
    "bool",
    "int",
    "long",
    "decimal",
    "double",
    "float",
    "DateTimeOffset",
    "dynamic",
    "object",
    "IList",
    "IReadOnlyList",
];

/// Type parameters: `TProductXp`, `Txp`, `TLineItems`.
fn is_type_parameter(name: &str) -> bool {
    let mut characters = name.chars();
    characters.next() == Some('T') && characters.next().is_some_and(|c| c.is_ascii_uppercase() || c == 'x')
}

/// The identifiers a type names: `IList<LineItemSpec>` names `IList` and `LineItemSpec`.
fn named_types(ty: &str) -> Vec<String> {
    ty.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| word.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
        .map(str::to_owned)
        .collect()
}

/// The item type of `IList<T>` / `IReadOnlyList<T>`.
fn list_item(ty: &str) -> Option<String> {
    let inner = ty.strip_prefix("IList<").or_else(|| ty.strip_prefix("IReadOnlyList<"))?;
    inner.strip_suffix('>').map(str::to_owned)
}

/// OpenAPI's 32-bit integer: what the generator makes an `i32`.
pub(crate) fn int32() -> Json {
    object(vec![("type", text("integer")), ("format", text("int32"))])
}

/// OpenAPI's `number` of format `float`: what the generator makes a `Decimal`.
pub(crate) fn float() -> Json {
    object(vec![("type", text("number")), ("format", text("float"))])
}

fn string_format(format: &str) -> Json {
    object(vec![("type", text("string")), ("format", text(format))])
}

/// Where a `$ref` to a schema points.
const SCHEMAS: &str = "#/components/schemas/";

pub(crate) fn reference_schema(name: &str) -> Json {
    object(vec![("$ref", text(&format!("{SCHEMAS}{name}")))])
}

/// A property that refers to a schema and says more (read-only, a description) refers
/// through `allOf`, as OpenAPI 3.0 ignores what sits beside a `$ref`.
fn wrap_reference(property: Json) -> Json {
    let members = property.members();
    let Some((_, reference)) = members.iter().find(|(key, _)| key == "$ref") else { return property };
    let said = members.iter().any(|(key, _)| !key.starts_with("x-") && key != "$ref");
    if !said {
        return property;
    }
    let mut out =
        vec![("allOf".to_owned(), Json::Array(vec![Json::Object(vec![("$ref".to_owned(), reference.clone())])]))];
    out.extend(members.iter().filter(|(key, _)| key != "$ref").cloned());
    Json::Object(out)
}

/// The schema name of `{"$ref": ..}` or `{"allOf": [{"$ref": ..}]}`, or of an array's items.
pub(crate) fn reference(schema: &Json) -> Option<&str> {
    let items = || reference(schema.get("items")?);
    own_reference(schema).and_then(|path| path.strip_prefix(SCHEMAS)).or_else(items)
}

/// The `$ref` of `{"$ref": ..}` or `{"allOf": [{"$ref": ..}]}`, as written.
fn own_reference(schema: &Json) -> Option<&str> {
    let wrapped = || schema.get("allOf")?.as_array().first()?.get("$ref")?.as_str();
    schema.get("$ref").and_then(Json::as_str).or_else(wrapped)
}

/// A schema's shape, to compare sources: `string`, `integer`, `array<ref Address>`.
/// `format: password` is text, as the SDKs type it.
pub(crate) fn shape(schema: &Json) -> String {
    if let Some(name) = own_reference(schema) {
        return format!("ref {}", name.trim_start_matches(SCHEMAS));
    }
    match (schema.text("type"), schema.text("format")) {
        ("array", _) => format!("array<{}>", schema.get("items").map(shape).unwrap_or_default()),
        ("string", "date-time") => "date-time".to_owned(),
        ("integer", _) => "integer".to_owned(),
        ("number", _) => "number".to_owned(),
        (ty, _) => ty.to_owned(),
    }
}

/// A .NET summary without what the description says elsewhere (`Required.`, `Max length
/// 100 characters.`, `Searchable: priority level 3.`, `Sortable.`), and the maximum length.
pub(crate) fn clean_summary(summary: &str) -> (String, Option<u64>) {
    let summary = summary.replace(BETA, "");
    let summary = summary.trim();
    let mut length = None;
    let mut kept = Vec::new();
    for sentence in summary.split(". ") {
        let bare = sentence.trim().trim_end_matches('.');
        if let Some(number) = bare.strip_prefix("Max length ").and_then(|rest| rest.strip_suffix(" characters")) {
            length = number.parse().ok();
            if length.is_some() {
                continue;
            }
        }
        let noise = bare == "Required"
            || bare == "Searchable"
            || bare == "Sortable"
            || bare.starts_with("Searchable: priority level ")
            || bare.starts_with("Sortable: priority level ");
        if !noise && !bare.is_empty() {
            kept.push(bare);
        }
    }
    let mut text = kept.join(". ");
    if !text.is_empty() && summary.trim_end().ends_with('.') {
        text.push('.');
    }
    (text, length)
}

/// A .NET default (`true`, `1`, `"x"`, `null`) as JSON; `None` for `null`.
fn default_value(default: &str) -> Option<Json> {
    match default {
        "null" => None,
        "true" => Some(Json::Bool(true)),
        "false" => Some(Json::Bool(false)),
        quoted if quoted.starts_with('"') => Some(text(quoted.trim_matches('"'))),
        number => number.trim_end_matches(['m', 'M']).parse().ok().map(Json::Number),
    }
}

/// The union of `lists`: the first's order, each later item placed after the item it
/// follows in its own list.
pub(crate) fn union(lists: &[Vec<String>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for list in lists {
        let mut after: Option<usize> = None;
        for item in list {
            match out.iter().position(|known| known == item) {
                Some(index) => after = Some(index),
                None => {
                    // After the item it follows; first when it follows none.
                    let index = after.map_or(0, |index| index + 1);
                    out.insert(index, item.clone());
                    after = Some(index);
                }
            }
        }
    }
    out
}

/// The union of `lists`: the first's order, then each later list's new items at the end.
fn union_appended(lists: &[Vec<String>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in lists.iter().flatten() {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    out
}

/// `values` in order, to compare two lists as sets.
pub(crate) fn sorted(values: &[String]) -> Vec<String> {
    let mut values = values.to_vec();
    values.sort();
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unions_keep_order() {
        let list = |items: &[&str]| items.iter().map(|item| (*item).to_owned()).collect::<Vec<_>>();
        assert_eq!(union(&[list(&["a", "c"]), list(&["a", "b", "c", "d"])]), list(&["a", "b", "c", "d"]));
        assert_eq!(union(&[list(&["x"]), list(&["y", "x"])]), list(&["y", "x"]));
        assert_eq!(union_appended(&[list(&["b", "a"]), list(&["c", "a", "d"])]), list(&["b", "a", "c", "d"]));
    }

    #[test]
    fn summaries_lose_what_is_said_elsewhere() {
        assert_eq!(
            clean_summary(
                "Company name of the address. Required. Max length 100 characters. Searchable: priority level 3. Sortable."
            ),
            ("Company name of the address.".to_owned(), Some(100))
        );
        assert_eq!(
            clean_summary("ID of the thing. Can only contain characters Aa-Zz, 0-9, -, and _."),
            ("ID of the thing. Can only contain characters Aa-Zz, 0-9, -, and _.".to_owned(), None)
        );
        assert_eq!(clean_summary(""), (String::new(), None));
        assert_eq!(clean_summary(&format!("{BETA} ID of the invitation.")), ("ID of the invitation.".to_owned(), None));
        assert_eq!(default_value("10080"), Some(Json::Number(10080.0)));
        assert_eq!(default_value("null"), None);
    }

    #[test]
    fn shapes_and_references() {
        let product =
            object(vec![("allOf", Json::Array(vec![reference_schema("Product")])), ("readOnly", Json::Bool(true))]);
        assert_eq!(shape(&product), "ref Product");
        assert_eq!(reference(&product), Some("Product"));
        let list = object(vec![("type", text("array")), ("items", reference_schema("Address"))]);
        assert_eq!(shape(&list), "array<ref Address>");
        assert_eq!(shape(&string_format("password")), "string");
        let wrapped =
            wrap_reference(object(vec![("$ref", text("#/components/schemas/X")), ("readOnly", Json::Bool(true))]));
        assert_eq!(shape(&wrapped), "ref X");
        assert!(wrapped.get("allOf").is_some());
        assert!(is_type_parameter("TProductXp") && is_type_parameter("Txp") && !is_type_parameter("Tokens"));
        assert_eq!(named_types("IList<LineItemSpec>"), ["IList", "LineItemSpec"]);
    }
}
