//! What the generator reads from OrderCloud's API description: sections, resources,
//! operations and schemas, in OrderCloud's own terms. Everything the description says that
//! the generated code uses is read here, and checked: a shape the generator does not know
//! is an error naming where it is, never a guess.

use std::collections::{BTreeMap, BTreeSet};

use super::names::{crate_suffix, snake_case};
use crate::json::Json;

/// Operations that hand-written crates keep: the forgotten-credentials calls of
/// `ordercloud-password-reset`.
pub(crate) const HAND_WRITTEN: &[&str] = &[
    "ForgottenCredentials.SendVerificationCode",
    "ForgottenCredentials.ResetPasswordByVerificationCode",
    "ForgottenCredentials.SendOneTimePassword",
    "ForgottenCredentials.RetrieveUsername",
    "Me.ResetPasswordByToken",
];

/// Schemas `ordercloud-models` already has by hand (list envelopes, facets, the
/// forgotten-credentials bodies, message types), and the Rust path of each.
pub(crate) const HAND_WRITTEN_SCHEMAS: &[(&str, &str)] = &[
    ("Meta", "crate::ListMeta"),
    ("MetaWithFacets", "crate::MetaWithFacets"),
    ("ListFacet", "crate::ListFacet"),
    ("ListFacetValue", "crate::ListFacetValue"),
    ("MessageType", "crate::MessageType"),
    ("PasswordReset", "crate::PasswordReset"),
    ("PasswordResetRequest", "crate::PasswordResetRequest"),
    ("OneTimePasswordRequest", "crate::OneTimePasswordRequest"),
    ("TokenPasswordReset", "crate::TokenPasswordReset"),
];

/// Fields that hold secrets, by JSON name (besides every `format: password` or `writeOnly`
/// field): their models print them redacted in `Debug`. The names OrderCloud never returns
/// (the .NET SDK's `[ApiWriteOnly]`: passwords and integration secrets) are among them, for
/// descriptions that do not mark them.
const SECRET_FIELDS: &[&str] = &[
    "access_token",
    "refresh_token",
    "ClientSecret",
    "ConnectClientSecret",
    "SharedKey",
    "HashKey",
    "Token",
    "Password",
    "ApiKey",
    "ConnectionString",
    "Secret",
    "CustomAuthHeaderValue",
    "SaslPassword",
];

/// The standard query parameters of a list operation, which `ListOptions` carries.
pub(crate) const LIST_PARAMETERS: &[&str] = &["search", "searchOn", "sortBy", "page", "pageSize", "filters"];

pub(crate) struct Spec {
    pub(crate) version: String,
    pub(crate) sections: Vec<Section>,
    pub(crate) schemas: Vec<Schema>,
    pub(crate) enums: Vec<EnumSchema>,
    /// Schemas whose partial form a PATCH sends (directly or nested).
    pub(crate) partials: BTreeSet<String>,
    /// How many operations the description has, hand-written ones included.
    pub(crate) operation_count: usize,
    /// Every operation, hand-written ones included, in the description's order.
    pub(crate) all_operations: Vec<Op>,
}

pub(crate) struct Section {
    /// `catalogs`, for `ordercloud-catalogs`.
    pub(crate) suffix: &'static str,
    /// `Product Catalogs`.
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) resources: Vec<Resource>,
}

pub(crate) struct Resource {
    /// `Line Items`.
    pub(crate) tag: String,
    /// `LineItems`: the `Api` type is `LineItemsApi`.
    pub(crate) name: String,
    /// `line_items`.
    pub(crate) module: String,
    pub(crate) description: String,
    pub(crate) operations: Vec<Op>,
}

#[derive(Clone)]
pub(crate) struct Op {
    /// `LineItems.Create`.
    pub(crate) id: String,
    /// `Create`.
    pub(crate) name: String,
    /// `POST`.
    pub(crate) method: String,
    /// `/orders/{direction}/{orderID}/lineitems`.
    pub(crate) path: String,
    pub(crate) summary: String,
    pub(crate) description: String,
    pub(crate) roles: Vec<String>,
    /// Whether `roles` are known: an operation whose roles OrderCloud's reference pages did
    /// not give (`x-roles-unknown`) has none listed, which does not mean anonymous.
    pub(crate) roles_known: bool,
    /// Its page in OrderCloud's API reference, where the description gives it.
    pub(crate) reference: Option<String>,
    pub(crate) path_params: Vec<Param>,
    /// Query parameters the operation needs: arguments, after the path's.
    pub(crate) required_query: Vec<Param>,
    /// Query parameters of its own it may take: methods of its request.
    pub(crate) optional_query: Vec<Param>,
    pub(crate) body: Option<Body>,
    pub(crate) answer: Answer,
    /// The status of its success (`200`, `201`, `204`).
    pub(crate) status: u16,
    /// For list operations: the properties `searchOn` and `sortBy` take.
    pub(crate) search_on: Vec<String>,
    pub(crate) sort_by: Vec<String>,
}

#[derive(Clone)]
pub(crate) struct Param {
    /// `orderID`.
    pub(crate) name: String,
    /// `order_id`.
    pub(crate) rust: String,
    pub(crate) kind: ParamKind,
    pub(crate) description: String,
    /// A token in a query string, kept out of error text.
    pub(crate) secret: bool,
}

#[derive(Clone, PartialEq)]
pub(crate) enum ParamKind {
    Text,
    Integer,
    Bool,
    Enum(String),
}

#[derive(Clone)]
pub(crate) struct Body {
    pub(crate) schema: String,
    /// A PATCH body: the schema's partial form.
    pub(crate) partial: bool,
    /// A body the operation can be called without.
    pub(crate) optional: bool,
    /// The JSON names of the fields the body must hold.
    pub(crate) required: Vec<String>,
}

#[derive(Clone)]
pub(crate) enum Answer {
    Nothing,
    Model(String),
    List { item: String, facets: bool },
}

pub(crate) struct Schema {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) properties: Vec<Property>,
}

pub(crate) struct Property {
    /// `ShipFromAddressID`.
    pub(crate) json: String,
    /// `ship_from_address_id`.
    pub(crate) rust: String,
    pub(crate) ty: Ty,
    pub(crate) description: String,
    pub(crate) read_only: bool,
    pub(crate) secret: bool,
    /// A nested object OrderCloud takes in its partial form (`x-partial`).
    pub(crate) partial: bool,
    /// The countries in which a body must hold it (`x-required-for-countries`: an address's
    /// `State` and `Zip` in the US and Canada).
    pub(crate) required_for_countries: Vec<String>,
    pub(crate) max_length: Option<u64>,
    pub(crate) default: Option<String>,
}

#[derive(Clone, PartialEq)]
pub(crate) enum Ty {
    Text,
    DateTime,
    Integer,
    Number,
    Bool,
    /// Extended properties.
    Xp,
    /// Other free-form JSON.
    Object,
    /// A schema: an object, or an enum, by name.
    Named(String),
    List(Box<Ty>),
}

pub(crate) struct EnumSchema {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) values: Vec<String>,
}

impl Spec {
    /// Reads `description` (the parsed JSON of the API description).
    pub(crate) fn read(description: &Json) -> Result<Self, String> {
        let version = description.get("info").map(|info| info.text("version")).unwrap_or("").to_owned();
        if version.is_empty() {
            return Err("the description has no info.version".to_owned());
        }
        let schemas_json = description.get("components").and_then(|c| c.get("schemas")).ok_or("no schemas")?;
        let hand_written: BTreeSet<&str> = HAND_WRITTEN_SCHEMAS.iter().map(|(name, _)| *name).collect();
        let mut schemas = Vec::new();
        let mut enums = Vec::new();
        for (name, schema) in schemas_json.members() {
            if hand_written.contains(name.as_str()) {
                continue;
            }
            if let Some(values) = schema.get("enum") {
                let values = values.as_array().iter().map(|v| v.as_str().map(str::to_owned)).collect::<Option<_>>();
                let values = values.ok_or_else(|| format!("schema {name}: an enum of something other than text"))?;
                enums.push(EnumSchema { name: name.clone(), description: prose(schema.text("description")), values });
                continue;
            }
            if schema.text("type") != "object" {
                return Err(format!("schema {name}: neither an object nor an enum"));
            }
            let mut properties = Vec::new();
            for (json, property) in schema.get("properties").map(Json::members).unwrap_or(&[]) {
                let ty = match ty(property).map_err(|error| format!("schema {name}, property {json}: {error}"))? {
                    Ty::Object if json == "xp" => Ty::Xp,
                    ty => ty,
                };
                properties.push(Property {
                    rust: snake_case(json),
                    json: json.clone(),
                    ty,
                    description: prose(property.text("description")),
                    read_only: property.is_true("readOnly"),
                    secret: property.text("format") == "password"
                        || property.is_true("writeOnly")
                        || SECRET_FIELDS.contains(&json.as_str()),
                    partial: property.is_true("x-partial"),
                    required_for_countries: property
                        .get("x-required-for-countries")
                        .map(Json::as_array)
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(Json::as_str)
                        .map(str::to_owned)
                        .collect(),
                    max_length: match property.get("maxLength") {
                        Some(Json::Number(length)) => Some(*length as u64),
                        _ => None,
                    },
                    default: property.get("default").and_then(Json::scalar_text),
                });
            }
            schemas.push(Schema { name: name.clone(), description: prose(schema.text("description")), properties });
        }
        let (sections, all_operations) = sections(description)?;
        let partials = partials(&sections, &schemas);
        let operation_count = all_operations.len();
        Ok(Self { version, sections, schemas, enums, partials, operation_count, all_operations })
    }

    /// The schema named `name`, if it is an object the generator writes.
    pub(crate) fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.iter().find(|schema| schema.name == name)
    }
}

/// A description as doc text: the description's line breaks (`<br/>`) as paragraph breaks,
/// surrounding white space trimmed.
fn prose(text: &str) -> String {
    text.replace("<br/></br>", "\n\n")
        .replace("<br/>", "\n\n")
        .replace("</br>", "\n\n")
        .replace("<br>", "\n\n")
        .trim()
        .to_owned()
}

/// The Rust shape of a property's or parameter's schema.
fn ty(schema: &Json) -> Result<Ty, String> {
    if let Some(reference) = reference(schema) {
        return Ok(Ty::Named(reference.to_owned()));
    }
    Ok(match (schema.text("type"), schema.text("format")) {
        ("string", "date-time") => Ty::DateTime,
        ("string", _) => Ty::Text,
        ("integer", _) => Ty::Integer,
        ("number", _) => Ty::Number,
        ("boolean", _) => Ty::Bool,
        ("object", _) => Ty::Object,
        ("array", _) => Ty::List(Box::new(ty(schema.get("items").ok_or("an array without items")?)?)),
        (other, _) => return Err(format!("a schema of type {other:?}")),
    })
}

/// The schema name of `{"$ref": ..}` or `{"allOf": [{"$ref": ..}]}`.
fn reference(schema: &Json) -> Option<&str> {
    let direct = schema.get("$ref").and_then(Json::as_str);
    let wrapped = || schema.get("allOf")?.as_array().first()?.get("$ref")?.as_str();
    direct.or_else(wrapped).and_then(|path| path.strip_prefix("#/components/schemas/"))
}

/// The sections, their resources and generated operations, in the description's order; and
/// every operation, hand-written ones included.
fn sections(description: &Json) -> Result<(Vec<Section>, Vec<Op>), String> {
    let tags = description.get("tags").map(Json::as_array).unwrap_or(&[]);
    let mut sections: Vec<Section> = Vec::new();
    let mut section_of: BTreeMap<String, usize> = BTreeMap::new();
    for tag in tags {
        let (name, description) = (tag.text("name"), tag.text("description"));
        if let Some(id) = tag.get("x-id").and_then(Json::as_str) {
            let suffix = crate_suffix(id).ok_or_else(|| format!("section {id} has no crate name"))?;
            section_of.insert(id.to_owned(), sections.len());
            sections.push(Section {
                suffix,
                title: name.to_owned(),
                description: prose(description),
                resources: Vec::new(),
            });
        } else if let Some(section) = tag.get("x-section-id").and_then(Json::as_str) {
            let index = *section_of.get(section).ok_or_else(|| format!("tag {name}: unknown section {section}"))?;
            let compact: String = name.split_whitespace().collect();
            sections[index].resources.push(Resource {
                tag: name.to_owned(),
                module: snake_case(&compact),
                name: compact,
                description: prose(description),
                operations: Vec::new(),
            });
        }
    }
    let mut all = Vec::new();
    for (path, item) in description.get("paths").map(Json::members).unwrap_or(&[]) {
        for (method, operation) in item.members() {
            let id = operation.text("operationId");
            let op = op(id, method, path, operation).map_err(|error| format!("{id}: {error}"))?;
            all.push(op.clone());
            if HAND_WRITTEN.contains(&id) {
                continue;
            }
            let tag = operation.get("tags").and_then(|tags| tags.as_array().first()).and_then(Json::as_str);
            let tag = tag.ok_or_else(|| format!("{id} has no tag"))?;
            let resource = sections
                .iter_mut()
                .flat_map(|section| section.resources.iter_mut())
                .find(|resource| resource.tag == tag)
                .ok_or_else(|| format!("{id}: tag {tag} is no resource"))?;
            resource.operations.push(op);
        }
    }
    for section in &mut sections {
        section.resources.retain(|resource| !resource.operations.is_empty());
    }
    Ok((sections, all))
}

fn op(id: &str, method: &str, path: &str, operation: &Json) -> Result<Op, String> {
    let name = id.split_once('.').map(|(_, name)| name).ok_or("an operation ID without a dot")?.to_owned();
    // One path of the description lacks its leading slash.
    let path = if path.starts_with('/') { path.to_owned() } else { format!("/{path}") };
    let roles = operation
        .get("security")
        .and_then(|security| security.as_array().first())
        .and_then(|requirement| requirement.get("OAuth2"))
        .map(|roles| roles.as_array().iter().filter_map(Json::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let mut op = Op {
        id: id.to_owned(),
        name,
        method: method.to_ascii_uppercase(),
        path,
        summary: prose(operation.text("summary")),
        description: prose(operation.text("description")),
        roles,
        // No `security` at all says nothing of roles: never take it for anonymous.
        roles_known: operation.get("security").is_some() && !operation.is_true("x-roles-unknown"),
        reference: operation
            .get("externalDocs")
            .and_then(|docs| docs.get("url"))
            .and_then(Json::as_str)
            .map(str::to_owned),
        path_params: Vec::new(),
        required_query: Vec::new(),
        optional_query: Vec::new(),
        body: None,
        answer: Answer::Nothing,
        status: 200,
        search_on: Vec::new(),
        sort_by: Vec::new(),
    };
    let parameters = operation.get("parameters").map(Json::as_array).unwrap_or(&[]);
    let is_list = parameters.iter().any(|parameter| parameter.text("name") == "page");
    for parameter in parameters {
        let name = parameter.text("name");
        let schema = parameter.get("schema").ok_or_else(|| format!("parameter {name} has no schema"))?;
        if is_list && LIST_PARAMETERS.contains(&name) {
            let values =
                || schema.get("items").and_then(|items| items.get("enum")).map(Json::as_array).unwrap_or(&[]).iter();
            match name {
                "searchOn" => op.search_on = values().filter_map(Json::as_str).map(str::to_owned).collect(),
                "sortBy" => op.sort_by = values().filter_map(Json::as_str).map(str::to_owned).collect(),
                _ => {}
            }
            continue;
        }
        let kind = match ty(schema)? {
            Ty::Text => ParamKind::Text,
            Ty::Integer => ParamKind::Integer,
            Ty::Bool => ParamKind::Bool,
            Ty::Named(name) => ParamKind::Enum(name),
            _ => return Err(format!("parameter {name} is neither text, a number, a boolean nor an enum")),
        };
        let param = Param {
            rust: snake_case(name),
            name: name.to_owned(),
            kind,
            description: prose(parameter.text("description")),
            secret: name.to_ascii_lowercase().ends_with("token"),
        };
        match (parameter.text("in"), parameter.is_true("required")) {
            ("path", _) => op.path_params.push(param),
            ("query", true) => op.required_query.push(param),
            ("query", false) => op.optional_query.push(param),
            (other, _) => return Err(format!("parameter {name} is in {other}")),
        }
    }
    let in_path: Vec<&str> =
        op.path.split('{').skip(1).filter_map(|part| part.split_once('}')).map(|(n, _)| n).collect();
    if in_path != op.path_params.iter().map(|param| param.name.as_str()).collect::<Vec<_>>() {
        // Path order is the argument order: reorder by the path.
        let mut ordered = Vec::new();
        for name in in_path {
            let index = op.path_params.iter().position(|param| param.name == name);
            let index = index.ok_or_else(|| format!("the path parameter {name} is not described"))?;
            ordered.push(op.path_params.remove(index));
        }
        op.path_params = ordered;
    }
    if let Some(body) = operation.get("requestBody") {
        let schema = body.get("content").and_then(|c| c.get("application/json")).and_then(|c| c.get("schema"));
        let schema = schema.ok_or("a body that is not JSON")?;
        let name = reference(schema).ok_or("a body that is not a schema")?.to_owned();
        let required = schema.get("required").map(Json::as_array).unwrap_or(&[]);
        let required = required.iter().filter_map(Json::as_str).map(str::to_owned).collect();
        let optional = matches!(body.get("required"), Some(Json::Bool(false)));
        op.body = Some(Body { schema: name, partial: op.method == "PATCH", optional, required });
    }
    let (status, success) = operation
        .get("responses")
        .map(Json::members)
        .unwrap_or(&[])
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .ok_or("no success answer")?;
    op.status = status.parse().map_err(|_| format!("the success status {status} is not a number"))?;
    op.answer = match success.get("content").and_then(|c| c.get("application/json")).and_then(|c| c.get("schema")) {
        None => Answer::Nothing,
        Some(schema) => match reference(schema) {
            Some(name) => Answer::Model(name.to_owned()),
            None => {
                let items = schema.get("properties").and_then(|p| p.get("Items")).and_then(|items| items.get("items"));
                let item = items.and_then(reference).ok_or("an answer that is neither a schema nor a list")?;
                let meta = schema.get("properties").and_then(|p| p.get("Meta")).and_then(reference);
                Answer::List { item: item.to_owned(), facets: meta == Some("MetaWithFacets") }
            }
        },
    };
    if is_list != matches!(op.answer, Answer::List { .. }) {
        return Err("a list answer and list parameters do not go together".to_owned());
    }
    Ok(op)
}

/// The schemas whose partial form a PATCH sends: each PATCH body's, and every object it
/// holds directly (arrays are replaced whole, never merged).
fn partials(sections: &[Section], schemas: &[Schema]) -> BTreeSet<String> {
    let mut partials = BTreeSet::new();
    let mut pending: Vec<String> = sections
        .iter()
        .flat_map(|section| &section.resources)
        .flat_map(|resource| &resource.operations)
        .filter_map(|op| op.body.as_ref().filter(|body| body.partial).map(|body| body.schema.clone()))
        .collect();
    // A nested object a model holds in its partial form.
    for property in schemas.iter().flat_map(|schema| &schema.properties).filter(|property| property.partial) {
        if let Ty::Named(name) = &property.ty {
            pending.push(name.clone());
        }
    }
    while let Some(name) = pending.pop() {
        let Some(schema) = schemas.iter().find(|schema| schema.name == name) else { continue };
        // A schema with nothing to write has no partial form: it is read-only as a whole.
        if schema.properties.iter().all(|property| property.read_only) {
            continue;
        }
        if partials.insert(name) {
            for property in schema.properties.iter().filter(|property| !property.read_only) {
                if let Ty::Named(inner) = &property.ty {
                    pending.push(inner.clone());
                }
            }
        }
    }
    partials
}
