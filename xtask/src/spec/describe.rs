//! Today's description: every generated operation of the JS SDK (with the hand-written ones
//! the 2022 description has), matched by method and path with the .NET SDK and the 2022
//! description, in the shape of the 2022 file, so the generator reads it as it reads that.

use std::collections::{BTreeMap, BTreeSet};

use super::dotnet::{DotnetOperation, DotnetSdk};
use super::js::{JsAnswer, JsOperation, JsParam, JsSdk};
use super::report::{OperationLine, Report};
use super::roles::Roles;
use super::schemas::{Models, float, int32, reference_schema, shape, sorted, union};
use super::text::quoted_union;
use super::{array, object, text};
use crate::json::Json;

/// The sections, in the 2022 order then the new: the first part of the doc slug, its
/// `x-id` and, for a new section, its title.
const SECTIONS: &[(&str, &str, &str)] = &[
    ("authentication-and-authorization", "AuthenticationAndAuthorization", "Authentication and Authorization"),
    ("marketplace-owner", "Seller", "Seller"),
    ("buyer", "Buyers", "Buyers"),
    ("supplier", "Suppliers", "Suppliers"),
    ("product-catalogs", "ProductCatalogs", "Product Catalogs"),
    ("orders-and-fulfillment", "OrdersAndFulfillment", "Orders and Fulfillment"),
    ("me-and-my-stuff", "MeAndMyStuff", "Me and My Stuff"),
    ("integrations", "Integrations", "Integrations"),
];

/// The query parameters of every list operation.
const LIST_PARAMETERS: &[&str] = &["search", "searchOn", "sortBy", "page", "pageSize", "filters"];

/// Where the sources are and what they are.
pub(crate) struct Inputs<'a> {
    pub(crate) js: &'a JsSdk,
    pub(crate) dotnet: &'a DotnetSdk,
    pub(crate) old: &'a Json,
    pub(crate) roles: &'a Roles,
    /// `info.version`.
    pub(crate) version: String,
    /// `info.x-sources`: the pinned versions and hashes.
    pub(crate) pins: Json,
}

/// An operation of the 2022 description.
struct OldOperation<'a> {
    path: &'a str,
    /// `GET`.
    method: String,
    id: &'a str,
    operation: &'a Json,
}

impl OldOperation<'_> {
    fn tag(&self) -> &str {
        self.operation.get("tags").and_then(|tags| tags.as_array().first()).and_then(Json::as_str).unwrap_or("")
    }

    fn parameters(&self, place: &str) -> Vec<&Json> {
        let parameters = self.operation.get("parameters").map(Json::as_array).unwrap_or(&[]);
        parameters.iter().filter(|parameter| parameter.text("in") == place).collect()
    }

    /// The path parameters in the order of the path.
    fn path_parameters(&self) -> Vec<Option<&Json>> {
        let parameters = self.parameters("path");
        path_names(self.path).iter().map(|name| parameters.iter().copied().find(|p| p.text("name") == name)).collect()
    }

    fn roles(&self) -> Vec<String> {
        let requirement = self.operation.get("security").and_then(|s| s.as_array().first());
        let roles = requirement.and_then(|r| r.get("OAuth2")).map(Json::as_array).unwrap_or(&[]);
        roles.iter().filter_map(Json::as_str).map(str::to_owned).collect()
    }
}

/// `/buyers/{buyerID}/users` as `/buyers/{}/users`: the key that matches operations of the
/// sources, whatever their parameters are named.
fn route(path: &str) -> String {
    let path = if path.starts_with('/') { path.to_owned() } else { format!("/{path}") };
    let mut out = String::new();
    let mut inside = false;
    for character in path.chars() {
        match character {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            other => out.push(other.to_ascii_lowercase()),
        }
    }
    out
}

/// The names of a path's parameters, in order.
fn path_names(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|part| part.split_once('}')).map(|(name, _)| name.to_owned()).collect()
}

/// Today's description, and what the sources agreed and disagreed on.
pub(crate) fn describe(inputs: &Inputs<'_>) -> Result<(Json, Report), String> {
    let mut report = Report::default();
    let old_operations = old_operations(inputs.old)?;
    let by_route: BTreeMap<(String, String), &OldOperation<'_>> =
        old_operations.iter().map(|op| ((op.method.clone(), route(op.path)), op)).collect();
    let models = Models::new(inputs.old, inputs.js, inputs.dotnet)?;

    // Which JS operations are today's: the generated ones, and the hand-written ones 2022 has.
    let mut chosen: Vec<(&JsOperation, Option<&OldOperation<'_>>)> = Vec::new();
    for op in &inputs.js.operations {
        let old = by_route.get(&(op.verb.clone(), route(&op.path))).copied();
        if op.hand_written && old.is_none() {
            report.excluded.push((op.id(), "hand-written in the JS SDK, not in 2022".to_owned()));
            continue;
        }
        chosen.push((op, old));
    }
    for id in &inputs.js.token_flows {
        report.excluded.push((id.clone(), "a hand-written token flow: a form post to /oauth/token".to_owned()));
    }
    let matched_old: BTreeSet<&str> = chosen.iter().filter_map(|(_, old)| old.map(|old| old.id)).collect();
    for old in &old_operations {
        if !matched_old.contains(old.id) {
            report.note("2022 operations the JS SDK lacks (kept out)", old.id.to_owned());
        }
    }
    let mut dotnet_by_route: BTreeMap<(String, String), &DotnetOperation> = BTreeMap::new();
    for op in &inputs.dotnet.operations {
        if dotnet_by_route.insert((op.verb.clone(), route(&op.path)), op).is_some() {
            return Err(format!(".NET: two operations on {} {}", op.verb, op.path));
        }
    }
    let chosen_routes: BTreeSet<(String, String)> =
        chosen.iter().map(|(op, _)| (op.verb.clone(), route(&op.path))).collect();
    for (key, op) in &dotnet_by_route {
        if !chosen_routes.contains(key) {
            return Err(format!(".NET has {} ({} {}), which the JS SDK lacks: not handled", op.id(), op.verb, op.path));
        }
    }

    let tags = Tags::new(&chosen, inputs.old, &mut report)?;
    let chosen: Vec<_> = chosen
        .into_iter()
        .map(|(op, old)| (op, old, dotnet_by_route.get(&(op.verb.clone(), route(&op.path))).copied()))
        .collect();
    let known = known_summaries(&chosen);
    let mut roots = BTreeSet::new();
    let mut built: Vec<(String, String, String, Json)> = Vec::new();
    for (op, old, dotnet) in &chosen {
        let builder = Builder { op, dotnet: *dotnet, old: *old, models: &models, inputs, known: &known };
        let tag = tags.tag_of(&op.class).to_owned();
        let operation = builder.operation(&tag, &mut report).map_err(|error| format!("{}: {error}", op.id()))?;
        if let Some(body) = &op.body {
            roots.insert(body.model.clone());
        }
        if let JsAnswer::Model(name) | JsAnswer::List { item: name, .. } = &op.answer {
            roots.insert(name.clone());
        }
        built.push((route(&op.path), op.path.clone(), op.verb.to_ascii_lowercase(), operation));
    }
    let paths = paths(built, &old_operations)?;
    let schemas = models.write(&roots, &mut report)?;
    let scopes = scopes(inputs.old, inputs.js, &paths);
    let old_info = inputs.old.get("info").ok_or("the 2022 description has no info")?;
    let mut info = Vec::new();
    info.push(("title".to_owned(), old_info.get("title").cloned().unwrap_or(text("OrderCloud"))));
    info.push((
        "description".to_owned(),
        text("OrderCloud's API today, reconstructed from its official SDKs (the JS SDK's package and the .NET SDK's generated code), with the 2022 description's texts, lengths, defaults and roles where the SDKs lack them, and the roles of OrderCloud's API reference. See spec/README.md."),
    ));
    info.push(("version".to_owned(), text(&inputs.version)));
    if let Some(contact) = old_info.get("contact") {
        info.push(("contact".to_owned(), contact.clone()));
    }
    info.push(("x-sources".to_owned(), inputs.pins.clone()));
    let description = Json::Object(vec![
        ("openapi".to_owned(), text("3.0.0")),
        ("info".to_owned(), Json::Object(info)),
        ("servers".to_owned(), inputs.old.get("servers").cloned().unwrap_or(Json::Array(Vec::new()))),
        ("tags".to_owned(), tags.json),
        (
            "components".to_owned(),
            object(vec![
                ("schemas", schemas),
                (
                    "securitySchemes",
                    object(vec![(
                        "OAuth2",
                        object(vec![
                            ("type", text("oauth2")),
                            (
                                "flows",
                                object(vec![(
                                    "password",
                                    object(vec![
                                        ("tokenUrl", text("https://auth.ordercloud.io/oauth/token")),
                                        ("scopes", Json::Object(scopes.into_iter().map(|s| (s, text(""))).collect())),
                                    ]),
                                )]),
                            ),
                        ]),
                    )]),
                ),
            ]),
        ),
        ("paths".to_owned(), paths),
    ]);
    Ok((description, report))
}

/// The 2022 operations, in the description's order.
fn old_operations(old: &Json) -> Result<Vec<OldOperation<'_>>, String> {
    let mut out = Vec::new();
    for (path, item) in old.get("paths").map(Json::members).unwrap_or(&[]) {
        for (method, operation) in item.members() {
            let id = operation.text("operationId");
            if id.is_empty() {
                return Err(format!("2022: {method} {path} has no operationId"));
            }
            out.push(OldOperation { path, method: method.to_ascii_uppercase(), id, operation });
        }
    }
    Ok(out)
}

/// The resource tags of today, by JS class, and the tag list.
struct Tags {
    by_class: BTreeMap<String, String>,
    json: Json,
}

impl Tags {
    fn new(
        chosen: &[(&JsOperation, Option<&OldOperation<'_>>)],
        old: &Json,
        report: &mut Report,
    ) -> Result<Self, String> {
        let old_tags = old.get("tags").map(Json::as_array).unwrap_or(&[]);
        // Each class: its section (from its operations' doc slugs) and its 2022 tag.
        let mut classes: Vec<String> = Vec::new();
        let mut section_of: BTreeMap<String, &'static str> = BTreeMap::new();
        let mut old_tag_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (op, old_op) in chosen {
            let slug = op.slug.as_deref().ok_or_else(|| format!("{}: no doc slug, so no section", op.id()))?;
            let id =
                section_id(slug).ok_or_else(|| format!("{}: the doc slug {slug} names an unknown section", op.id()))?;
            match section_of.get(&op.class) {
                Some(section) if *section != id => {
                    return Err(format!("{}: the class {} spans sections {section} and {id}", op.id(), op.class));
                }
                Some(_) => {}
                None => {
                    section_of.insert(op.class.clone(), id);
                    classes.push(op.class.clone());
                }
            }
            if let Some(old_op) = old_op {
                old_tag_of.entry(op.class.clone()).or_default().insert(old_op.tag().to_owned());
            }
        }
        let mut by_class = BTreeMap::new();
        let mut kept: BTreeMap<String, String> = BTreeMap::new();
        for class in &classes {
            let old_tag =
                old_tag_of.get(class).and_then(|tags| (tags.len() == 1).then(|| tags.iter().next().cloned()).flatten());
            let name = match old_tag {
                Some(tag) if compact(&tag) == *class => {
                    kept.insert(tag.clone(), class.clone());
                    tag
                }
                Some(tag) => {
                    report.note("Resources renamed since 2022 (JS class name kept)", format!("{tag} is {class}"));
                    // In 2022's place.
                    kept.insert(tag, class.clone());
                    class.clone()
                }
                None => class.clone(),
            };
            by_class.insert(class.clone(), name);
        }
        let mut json = Vec::new();
        for (_, id, title) in SECTIONS {
            let old_section = old_tags.iter().find(|tag| tag.text("x-id") == *id);
            json.push(Json::Object(vec![
                ("name".to_owned(), text(old_section.map_or(*title, |tag| tag.text("name")))),
                ("description".to_owned(), text(old_section.map_or("", |tag| tag.text("description")))),
                ("x-id".to_owned(), text(id)),
            ]));
            // 2022's resources of this section in 2022's order, then the new ones.
            let mut members: Vec<&String> = Vec::new();
            for tag in old_tags.iter().filter(|tag| tag.get("x-section-id").is_some()) {
                if let Some(class) = kept.get(tag.text("name")) {
                    if section_of.get(class) == Some(id) && !members.contains(&class) {
                        members.push(class);
                    }
                }
            }
            for class in &classes {
                if section_of.get(class) == Some(id) && !members.contains(&class) {
                    members.push(class);
                }
            }
            for class in members {
                let name = &by_class[class];
                let old_name = kept.iter().find(|(_, kept_class)| *kept_class == class).map(|(tag, _)| tag.as_str());
                let old_tag =
                    old_tags.iter().find(|tag| tag.get("x-section-id").is_some() && Some(tag.text("name")) == old_name);
                let mut tag = vec![
                    ("name".to_owned(), text(name)),
                    ("description".to_owned(), text(old_tag.map_or("", |tag| tag.text("description")))),
                    ("x-section-id".to_owned(), text(id)),
                ];
                if let Some(old_section) = old_tag.map(|tag| tag.text("x-section-id")).filter(|section| section != id) {
                    tag.push(("x-section-id-2022".to_owned(), text(old_section)));
                    report.note(
                        "Resources in another section than in 2022 (the doc slug's section kept)",
                        format!("{class}: {old_section} in 2022, {id} today"),
                    );
                }
                if let Some(old_name) =
                    old_tag_of.get(class).and_then(|tags| tags.iter().next()).filter(|tag| *tag != name)
                {
                    tag.push(("x-name-2022".to_owned(), text(old_name)));
                }
                json.push(Json::Object(tag));
            }
        }
        Ok(Self { by_class, json: Json::Array(json) })
    }

    fn tag_of<'a>(&'a self, class: &'a str) -> &'a str {
        self.by_class.get(class).map_or(class, String::as_str)
    }
}

/// A tag without its spaces: the generator's resource name.
fn compact(tag: &str) -> String {
    tag.split_whitespace().collect()
}

/// What one operation is built from.
struct Builder<'a> {
    op: &'a JsOperation,
    dotnet: Option<&'a DotnetOperation>,
    old: Option<&'a OldOperation<'a>>,
    models: &'a Models<'a>,
    inputs: &'a Inputs<'a>,
    /// Summaries an unsplit text may start with.
    known: &'a BTreeSet<String>,
}

impl Builder<'_> {
    fn operation(&self, tag: &str, report: &mut Report) -> Result<Json, String> {
        let op = self.op;
        let id = op.id();
        let (summary, description, text_from) = self.texts(report);
        let (roles, roles_from) = self.roles(report);
        let mut members = vec![
            ("operationId".to_owned(), text(&id)),
            ("tags".to_owned(), array([text(tag)])),
            ("summary".to_owned(), text(&summary)),
            ("description".to_owned(), text(&description)),
        ];
        if let Some(slug) = &op.slug {
            members.push((
                "externalDocs".to_owned(),
                object(vec![("url", text(&format!("https://ordercloud.io/api-reference/{slug}")))]),
            ));
        }
        let mut parameters = self.path_parameters(report)?;
        parameters.extend(self.query_parameters(report)?);
        if !parameters.is_empty() {
            members.push(("parameters".to_owned(), Json::Array(parameters)));
        }
        let mut required_from = "none";
        if let Some((body, from)) = self.body(report)? {
            members.push(("requestBody".to_owned(), body));
            required_from = from;
        }
        members.push(("responses".to_owned(), self.responses(report)?));
        members.push(("security".to_owned(), array([object(vec![("OAuth2", array(roles.iter().map(|r| text(r))))])])));
        if roles_from == "unknown" {
            members.push(("x-roles-unknown".to_owned(), Json::Bool(true)));
        }
        if self.dotnet.is_some_and(|dotnet| dotnet.beta) {
            members.push(("x-beta".to_owned(), Json::Bool(true)));
            report.note("In beta (.NET's docs; `x-beta`)", id.clone());
        }
        if let Some(dotnet) = self.dotnet.filter(|dotnet| dotnet.id() != id) {
            members.push(("x-dotnet-id".to_owned(), text(&dotnet.id())));
            report.note("Operations .NET names otherwise (JS names kept)", format!("{id} is {} in .NET", dotnet.id()));
        }
        if let Some(old) = self.old.filter(|old| old.id != id) {
            members.push(("x-2022-id".to_owned(), text(old.id)));
            report.note("Operations renamed since 2022 (JS names kept)", format!("{} is {id}", old.id));
        }
        let mut sources = vec![text("js")];
        sources.extend(self.dotnet.map(|_| text("dotnet")));
        sources.extend(self.old.map(|_| text("2022")));
        members.push((
            "x-sources".to_owned(),
            object(vec![
                ("operation", Json::Array(sources)),
                ("summary", text(text_from.0)),
                ("description", text(text_from.1)),
                ("roles", text(roles_from)),
                ("required", text(required_from)),
            ]),
        ));
        report.operations.push(OperationLine {
            resource: op.class.clone(),
            section: op.slug.as_deref().and_then(section_id).unwrap_or(""),
            new: self.old.is_none(),
            roles_from,
        });
        Ok(Json::Object(members))
    }

    /// The summary and description: the JS JSDoc's text is the summary, a space and the
    /// description; .NET writes `summary. description`, which shows where the summary ends.
    /// A description the SDKs lack comes from 2022.
    fn texts(&self, report: &mut Report) -> (String, String, (&'static str, &'static str)) {
        let old_summary = self.old.map(|old| old.operation.text("summary").to_owned());
        let old_description = self.old.map(|old| old.operation.text("description").to_owned()).unwrap_or_default();
        let split = split_text(&self.op.text, self.dotnet.map(|d| d.summary.as_str()))
            .or_else(|| split_known(&self.op.text, self.known));
        let (summary, description, summary_from) = match (split, old_summary) {
            (Some((summary, description)), _) => (summary, description, "js"),
            (None, Some(old_summary)) => (old_summary, old_description.clone(), "2022"),
            (None, None) => {
                report.note("Summaries the SDKs do not split (the whole text is the summary)", self.op.id());
                (self.op.text.clone(), String::new(), "js")
            }
        };
        if description.is_empty() && !old_description.is_empty() {
            return (summary, old_description, (summary_from, "2022"));
        }
        let description_from = if description.is_empty() { "none" } else { summary_from };
        (summary, description, (summary_from, description_from))
    }

    fn roles(&self, report: &mut Report) -> (Vec<String>, &'static str) {
        let id = self.op.id();
        let old = self.old.map(OldOperation::roles);
        let table = self.inputs.roles;
        if let Some((roles, _)) = table.operations.get(&id) {
            if let Some(old) = old.filter(|old| sorted(old) != sorted(roles)) {
                report.roles_changed.push(format!("{id}: 2022 {}; the API reference {}", list(&old), list(roles)));
            }
            return (roles.clone(), "roles-table");
        }
        match old {
            Some(old) => (old, "2022"),
            None => {
                let unlisted = table.present && !table.not_found.contains(&id);
                report.roles_unknown.push(if unlisted { format!("{id} (not in the roles table)") } else { id });
                (Vec::new(), "unknown")
            }
        }
    }

    fn path_parameters(&self, report: &mut Report) -> Result<Vec<Json>, String> {
        let id = self.op.id();
        let old = self.old.map(OldOperation::path_parameters).unwrap_or_default();
        let dotnet_names = self.dotnet.map(|d| path_names(&d.path)).unwrap_or_default();
        let mut out = Vec::new();
        for (index, param) in self.op.path_params.iter().enumerate() {
            let old = old.get(index).copied().flatten();
            if let Some(old_name) = old.map(|old| old.text("name")).filter(|name| *name != param.name) {
                report.note(
                    "Path parameters named otherwise in 2022 (JS names kept)",
                    format!("{id}: {old_name} is {}", param.name),
                );
            }
            let dotnet_arg = dotnet_names.get(index).and_then(|name| self.dotnet.and_then(|d| d.arg(name)));
            if let Some(arg) = dotnet_arg.filter(|arg| arg.name != param.name) {
                report.note(
                    "Path parameters named otherwise in .NET (JS names kept)",
                    format!("{id}: {} is {}", param.name, arg.name),
                );
            }
            let schema = match old.and_then(|old| old.get("schema")) {
                Some(schema) => schema.clone(),
                None => self.parameter_type(param, dotnet_arg.map(|arg| arg.ty.as_str()))?,
            };
            let description =
                old.map(|old| old.text("description")).filter(|d| !d.is_empty()).unwrap_or(&param.description);
            let mut sources = vec![text("js")];
            sources.extend(dotnet_arg.map(|_| text("dotnet")));
            sources.extend(old.map(|_| text("2022")));
            out.push(Json::Object(vec![
                ("name".to_owned(), text(&param.name)),
                ("in".to_owned(), text("path")),
                ("description".to_owned(), text(description)),
                ("required".to_owned(), Json::Bool(true)),
                ("schema".to_owned(), schema),
                ("x-sources".to_owned(), Json::Array(sources)),
            ]));
        }
        Ok(out)
    }

    fn query_parameters(&self, report: &mut Report) -> Result<Vec<Json>, String> {
        let id = self.op.id();
        let old_params = self.old.map(|old| old.parameters("query")).unwrap_or_default();
        let js_names: Vec<String> = self.op.query.iter().map(|p| p.name.clone()).collect();
        let dotnet_names: Vec<String> = self.dotnet.map(|d| d.query.clone()).unwrap_or_default();
        let old_names: Vec<String> = old_params.iter().map(|p| p.text("name").to_owned()).collect();
        let names = union(&[js_names.clone(), dotnet_names.clone(), old_names.clone()]);
        let is_list = matches!(self.op.answer, JsAnswer::List { .. });
        let mut out = Vec::new();
        for name in &names {
            let js = self.op.query.iter().find(|p| &p.name == name);
            let old = old_params.iter().copied().find(|p| p.text("name") == name);
            let dotnet = self.dotnet.filter(|d| d.query.contains(name)).and_then(|d| d.arg(name));
            let mut missing = Vec::new();
            if js.is_none() {
                missing.push("JS 12");
            }
            if self.dotnet.is_some() && dotnet.is_none() {
                missing.push(".NET");
            }
            if self.old.is_some() && old.is_none() {
                missing.push("2022");
                report.note("Query parameters new since 2022", format!("{id}: {name}"));
            }
            if js.is_none() || (self.dotnet.is_some() && dotnet.is_none()) {
                report.note(
                    "Query parameters some sources lack (kept)",
                    format!("{id}: {name} (not in {})", missing.join(", ")),
                );
            }
            let old_required = old.map(|old| old.is_true("required"));
            let required = match (dotnet, old_required) {
                (Some(arg), old) => {
                    let required = arg.default.is_none();
                    if old.is_some_and(|old| old != required) {
                        report.note(
                            "Query parameters required in one source only (.NET kept)",
                            format!("{id}: {name} ({} in .NET)", if required { "required" } else { "optional" }),
                        );
                    }
                    required
                }
                (None, Some(old)) => old,
                (None, None) => false,
            };
            let mut extra = Vec::new();
            let schema = match name.as_str() {
                "searchOn" | "sortBy" if is_list => {
                    let (values, from) = self.list_values(name, old, report);
                    if let Some(from) = from {
                        extra.push(("x-values-from".to_owned(), text(from)));
                    }
                    let mut items = vec![("type".to_owned(), text("string"))];
                    if !values.is_empty() {
                        items.push(("enum".to_owned(), array(values.iter().map(|v| text(v)))));
                    }
                    object(vec![("type", text("array")), ("items", Json::Object(items))])
                }
                "filters" if is_list => object(vec![("type", text("object"))]),
                _ => match (old.and_then(|old| old.get("schema")), js) {
                    (Some(schema), _) => schema.clone(),
                    (None, Some(js)) => self.parameter_type(js, dotnet.map(|arg| arg.ty.as_str()))?,
                    (None, None) => {
                        let arg = dotnet.ok_or_else(|| format!("the query parameter {name} has no type"))?;
                        self.models.dotnet_type(&arg.ty)?
                    }
                },
            };
            if let Some(values) = js.and_then(|js| quoted_union(&js.ty)) {
                extra.push(("x-enum-subset".to_owned(), array(values.iter().map(|v| text(v)))));
            }
            if let (Some(js), Some(arg)) = (js, dotnet) {
                if !LIST_PARAMETERS.contains(&name.as_str()) {
                    let js_schema = self.parameter_type(js, Some(&arg.ty))?;
                    let dotnet_schema = self.models.dotnet_type(&arg.ty)?;
                    if shape(&js_schema) != shape(&dotnet_schema)
                        && !(shape(&js_schema) == "number" && shape(&dotnet_schema) == "integer")
                    {
                        report.note(
                            "Query parameter types: JS and .NET differ",
                            format!("{id}: {name}: JS {}, .NET {}", js.ty, arg.ty),
                        );
                    }
                }
            }
            let description = old
                .map(|old| old.text("description"))
                .filter(|d| !d.is_empty())
                .or(js.map(|js| js.description.as_str()))
                .unwrap_or("");
            let mut sources = Vec::new();
            sources.extend(js.map(|_| text("js")));
            sources.extend(dotnet.map(|_| text("dotnet")));
            sources.extend(old.map(|_| text("2022")));
            let mut members = vec![
                ("name".to_owned(), text(name)),
                ("in".to_owned(), text("query")),
                ("description".to_owned(), text(description)),
                ("required".to_owned(), Json::Bool(required)),
                ("schema".to_owned(), schema),
            ];
            members.extend(extra);
            members.push(("x-sources".to_owned(), Json::Array(sources)));
            out.push(Json::Object(members));
        }
        if is_list && !names.iter().any(|name| name == "page") {
            return Err("a list answer without list parameters".to_owned());
        }
        if !is_list && names.iter().any(|name| name == "page") {
            return Err("list parameters without a list answer".to_owned());
        }
        Ok(out)
    }

    /// The values `searchOn` or `sortBy` take: today's (the JS SDK's `Searchable` and
    /// `Sortable`), or 2022's where the JS SDK takes any field or lacks the parameter.
    fn list_values(&self, name: &str, old: Option<&Json>, report: &mut Report) -> (Vec<String>, Option<&'static str>) {
        let id = self.op.id();
        let map = if name == "searchOn" { &self.inputs.js.searchable } else { &self.inputs.js.sortable };
        let old_values: Option<Vec<String>> = old
            .and_then(|old| old.get("schema"))
            .and_then(|schema| schema.get("items"))
            .and_then(|items| items.get("enum"))
            .map(|values| values.as_array().iter().filter_map(Json::as_str).map(str::to_owned).collect());
        match (map.get(&id), old_values) {
            (Some(Some(values)), old) => {
                if let Some(old) = old.filter(|old| sorted(old) != sorted(values)) {
                    report.list_values_changed.push(format!("{id} {name}: {}", changes(values, &old)));
                }
                (values.clone(), Some("js"))
            }
            (Some(None), Some(old)) => {
                report.note(
                    "searchOn/sortBy: any field in JS 12 (2022's values kept as documentation)",
                    format!("{id} {name}"),
                );
                (old, Some("2022"))
            }
            (Some(None), None) => {
                report.note("searchOn/sortBy: any field in JS 12, no values listed", format!("{id} {name}"));
                (Vec::new(), None)
            }
            (None, Some(old)) => (old, Some("2022")),
            (None, None) => (Vec::new(), None),
        }
    }

    /// The schema of a path or query parameter from its JS type (and its C# type).
    fn parameter_type(&self, param: &JsParam, dotnet: Option<&str>) -> Result<Json, String> {
        if quoted_union(&param.ty).is_some() {
            let ty = dotnet.map(|ty| ty.trim_end_matches('?')).filter(|ty| self.models.is_enum(ty));
            let ty = ty.ok_or_else(|| format!("{}: values {} that .NET does not name", param.name, param.ty))?;
            return Ok(reference_schema(ty));
        }
        let schema = match param.ty.as_str() {
            "number" if dotnet.map(|ty| ty.trim_end_matches('?')) != Some("decimal") => int32(),
            "number" => float(),
            _ => self.models.js_type(&param.ty, dotnet)?,
        };
        Ok(schema)
    }

    /// The body, and where its required fields came from.
    fn body(&self, report: &mut Report) -> Result<Option<(Json, &'static str)>, String> {
        let id = self.op.id();
        let dotnet_body = self.dotnet.and_then(|d| d.body.as_ref());
        let (model, optional) = match (&self.op.body, dotnet_body) {
            (None, None) => return Ok(None),
            (Some(body), dotnet) => {
                if let Some((_, ty)) = dotnet {
                    let ty = if body.partial { ty.strip_prefix("Partial").unwrap_or(ty) } else { ty.as_str() };
                    if ty != body.model {
                        report.note(
                            "Bodies: JS and .NET differ (JS kept)",
                            format!("{id}: JS {}, .NET {ty}", body.model),
                        );
                    }
                }
                let dotnet_optional =
                    dotnet.and_then(|(name, _)| self.dotnet.and_then(|d| d.arg(name))).map(|arg| arg.default.is_some());
                if dotnet_optional.is_some_and(|optional| optional != body.optional) {
                    report.note(
                        "Bodies optional in one SDK only (optional kept)",
                        format!("{id}: optional in {}", if body.optional { "JS" } else { ".NET" }),
                    );
                }
                (body.model.clone(), body.optional || dotnet_optional == Some(true))
            }
            (None, Some((_, ty))) => {
                report.note("Bodies the JS SDK does not send (kept)", format!("{id}: {ty}"));
                (ty.strip_prefix("Partial").unwrap_or(ty).to_owned(), true)
            }
        };
        if self.old.is_some_and(|old| old.operation.get("requestBody").is_none()) {
            report.note("Bodies new since 2022", format!("{id}: {model}"));
        }
        let partial = self.op.verb == "PATCH";
        if self.op.body.as_ref().is_some_and(|body| body.partial != partial) {
            report.note("Bodies: partial on a method other than PATCH", id.clone());
        }
        let old_required: Option<Vec<String>> = self.old.and_then(|old| old.operation.get("requestBody")).map(|body| {
            let schema = body.get("content").and_then(|c| c.get("application/json")).and_then(|c| c.get("schema"));
            let required = schema.and_then(|s| s.get("required")).map(Json::as_array).unwrap_or(&[]);
            required.iter().filter_map(Json::as_str).map(str::to_owned).collect()
        });
        let (required, from) = if partial {
            (Vec::new(), "none")
        } else {
            let dotnet_required = self.models.dotnet_required(&model);
            match (&self.op.required, dotnet_required) {
                (Some(js), dotnet) => {
                    if let Some(dotnet) = dotnet.filter(|dotnet| sorted(dotnet) != sorted(js)) {
                        report.note(
                            "Required fields: the JS list and .NET's [Required] differ (JS kept)",
                            format!("{id}: JS {}, .NET {}", list(js), list(&dotnet)),
                        );
                    }
                    (js.clone(), "js")
                }
                (None, Some(dotnet)) if !dotnet.is_empty() => {
                    report.note("Required fields: only .NET lists them", format!("{id}: {}", list(&dotnet)));
                    (dotnet, "dotnet")
                }
                (None, _) => (Vec::new(), "none"),
            }
        };
        if let Some(old) = old_required.filter(|old| !partial && sorted(old) != sorted(&required)) {
            report.required_changed.push(format!("{id}: {}", changes(&required, &old)));
        }
        for field in &required {
            if !self.models.has_field(&model, field) {
                report.note("Required fields no source's model has", format!("{id}: {model}.{field}"));
            }
        }
        let mut schema = vec![("allOf".to_owned(), Json::Array(vec![reference_schema(&model)]))];
        if !required.is_empty() {
            schema.push(("required".to_owned(), array(required.iter().map(|f| text(f)))));
        }
        let description =
            self.old.and_then(|old| old.operation.get("requestBody")).map(|b| b.text("description")).unwrap_or("");
        Ok(Some((
            object(vec![
                ("required", Json::Bool(!optional)),
                ("description", text(description)),
                ("content", object(vec![("application/json", object(vec![("schema", Json::Object(schema))]))])),
            ]),
            from,
        )))
    }

    fn responses(&self, report: &mut Report) -> Result<Json, String> {
        let id = self.op.id();
        let answer = &self.op.answer;
        if let Some(dotnet) = self.dotnet {
            let expected = match answer {
                JsAnswer::Nothing => None,
                JsAnswer::Model(name) => Some(name.clone()),
                JsAnswer::List { item, facets: false } => Some(format!("ListPage<{item}>")),
                JsAnswer::List { item, facets: true } => Some(format!("ListPageWithFacets<{item}>")),
            };
            if expected != dotnet.returns {
                report.note(
                    "Answers: JS and .NET differ (JS kept)",
                    format!(
                        "{id}: JS {}, .NET {}",
                        expected.as_deref().unwrap_or("nothing"),
                        dotnet.returns.as_deref().unwrap_or("nothing")
                    ),
                );
            }
        }
        let old_success = self.old.and_then(|old| {
            old.operation
                .get("responses")
                .map(Json::members)
                .unwrap_or(&[])
                .iter()
                .find(|(status, _)| status.starts_with('2'))
        });
        let status = match (old_success, answer) {
            (Some((status, _)), _) => status.clone(),
            (None, JsAnswer::Nothing) => "204".to_owned(),
            (None, _) if self.op.verb == "POST" && self.op.method.starts_with("Create") => "201".to_owned(),
            (None, _) => "200".to_owned(),
        };
        let description = old_success.map(|(_, response)| response.text("description")).unwrap_or("");
        let schema = match answer {
            JsAnswer::Nothing => None,
            JsAnswer::Model(name) => Some(reference_schema(name)),
            JsAnswer::List { item, facets } => Some(object(vec![
                ("type", text("object")),
                (
                    "properties",
                    object(vec![
                        ("Items", object(vec![("type", text("array")), ("items", reference_schema(item))])),
                        ("Meta", reference_schema(if *facets { "MetaWithFacets" } else { "Meta" })),
                    ]),
                ),
            ])),
        };
        let mut response = vec![("description".to_owned(), text(description))];
        if let Some(schema) = schema {
            response.push(("content".to_owned(), object(vec![("application/json", object(vec![("schema", schema)]))])));
        }
        Ok(Json::Object(vec![(status, Json::Object(response))]))
    }
}

/// The summary and description of a JS text, split where .NET's text has `. ` and the
/// JS text a space; `None` when .NET does not show it.
pub(crate) fn split_text(js: &str, dotnet: Option<&str>) -> Option<(String, String)> {
    let dotnet = dotnet?;
    let common: usize = js.chars().zip(dotnet.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a.len_utf8()).sum();
    if common == js.len() {
        return Some((js.to_owned(), String::new()));
    }
    let (rest_js, rest_dotnet) = (&js[common..], &dotnet[common..]);
    // `Summary. Description` in .NET, or the summary alone.
    if common > 0
        && rest_js.starts_with(' ')
        && (rest_dotnet.starts_with(". ") || rest_dotnet.is_empty() || rest_dotnet == ".")
    {
        return Some((js[..common].to_owned(), rest_js[1..].to_owned()));
    }
    None
}

/// The summary and description of a JS text that starts with a summary known from
/// another operation or from 2022 (the longest that fits).
fn split_known(js: &str, known: &BTreeSet<String>) -> Option<(String, String)> {
    if known.contains(js) {
        return Some((js.to_owned(), String::new()));
    }
    let summary = known.iter().filter(|summary| js.starts_with(&format!("{summary} "))).max_by_key(|s| s.len())?;
    Some((summary.clone(), js[summary.len() + 1..].to_owned()))
}

/// The summaries the SDKs show (where .NET splits the text) and 2022's (without their
/// full stop): what an unsplit text may start with.
fn known_summaries(chosen: &[(&JsOperation, Option<&OldOperation<'_>>, Option<&DotnetOperation>)]) -> BTreeSet<String> {
    let mut known = BTreeSet::new();
    for (op, old, dotnet) in chosen {
        if let Some((summary, _)) = split_text(&op.text, dotnet.map(|d| d.summary.as_str())) {
            known.insert(summary);
        }
        if let Some(old) = old {
            let summary = old.operation.text("summary").trim_end_matches('.');
            if summary.split_whitespace().count() > 1 {
                known.insert(summary.to_owned());
            }
        }
    }
    known
}

/// The operations in paths: 2022's paths in 2022's order, each with its methods in 2022's
/// order, then the new ones in the JS SDK's order.
fn paths(built: Vec<(String, String, String, Json)>, old: &[OldOperation<'_>]) -> Result<Json, String> {
    let mut order: Vec<String> = Vec::new();
    for op in old {
        let key = route(op.path);
        if !order.contains(&key) {
            order.push(key);
        }
    }
    let mut items: BTreeMap<String, (String, Vec<(String, Json)>)> = BTreeMap::new();
    for (route_key, path, method, operation) in built {
        if !order.contains(&route_key) {
            order.push(route_key.clone());
        }
        let (item_path, methods) = items.entry(route_key).or_insert_with(|| (path.clone(), Vec::new()));
        if *item_path != path {
            return Err(format!("{path} and {item_path} are one path with parameters named otherwise"));
        }
        methods.push((method, operation));
    }
    let old_methods: BTreeMap<String, Vec<&str>> = old.iter().fold(BTreeMap::new(), |mut map, op| {
        map.entry(route(op.path)).or_insert_with(Vec::new).push(op.method.as_str());
        map
    });
    let mut out = Vec::new();
    for key in order {
        let Some((path, mut methods)) = items.remove(&key) else { continue };
        let rank = |method: &str| {
            old_methods
                .get(&key)
                .and_then(|methods| methods.iter().position(|m| m.eq_ignore_ascii_case(method)))
                .unwrap_or(usize::MAX)
        };
        methods.sort_by_key(|(method, _)| rank(method));
        out.push((path, Json::Object(methods)));
    }
    Ok(Json::Object(out))
}

/// The OAuth2 scopes: 2022's, then today's roles (`ApiRole`) and any role an operation names.
fn scopes(old: &Json, js: &JsSdk, paths: &Json) -> Vec<String> {
    let old_scopes = old
        .get("components")
        .and_then(|c| c.get("securitySchemes"))
        .and_then(|s| s.get("OAuth2"))
        .and_then(|o| o.get("flows"))
        .and_then(|f| f.get("password"))
        .and_then(|p| p.get("scopes"))
        .map(|scopes| scopes.members().iter().map(|(name, _)| name.clone()).collect())
        .unwrap_or_default();
    let api_roles =
        js.enums.iter().find(|(name, _)| name == "ApiRole").map(|(_, values)| values.clone()).unwrap_or_default();
    let mut used = Vec::new();
    for (_, item) in paths.members() {
        for (_, operation) in item.members() {
            for requirement in operation.get("security").map(Json::as_array).unwrap_or(&[]) {
                for role in requirement.get("OAuth2").map(Json::as_array).unwrap_or(&[]) {
                    used.extend(role.as_str().map(str::to_owned));
                }
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    for scope in [old_scopes, api_roles, used].concat() {
        if !out.contains(&scope) {
            out.push(scope);
        }
    }
    out
}

/// The `x-id` of the section a doc slug's first part names.
fn section_id(slug: &str) -> Option<&'static str> {
    let first = slug.split('/').next().unwrap_or("");
    SECTIONS.iter().find(|(slug, _, _)| *slug == first).map(|(_, id, _)| *id)
}

fn list(values: &[String]) -> String {
    if values.is_empty() { "none".to_owned() } else { values.join(", ") }
}

/// What `now` has that `before` lacks and the reverse: `added A, B; gone C`.
fn changes(now: &[String], before: &[String]) -> String {
    let missing_from = |values: &[String], other: &[String]| {
        values.iter().filter(|value| !other.contains(value)).map(String::as_str).collect::<Vec<_>>().join(", ")
    };
    let (added, gone) = (missing_from(now, before), missing_from(before, now));
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added {added}"));
    }
    if !gone.is_empty() {
        parts.push(format!("gone {gone}"));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_split_where_dotnet_puts_a_full_stop() {
        let split = |js: &str, dotnet: &str| split_text(js, Some(dotnet));
        assert_eq!(
            split("Retrieve a cart If the ID is null, it is new.", "Retrieve a cart. If the ID is null, it is new."),
            Some(("Retrieve a cart".to_owned(), "If the ID is null, it is new.".to_owned()))
        );
        assert_eq!(
            split("Partially update a cart", "Partially update a cart."),
            Some(("Partially update a cart".to_owned(), String::new()))
        );
        assert_eq!(
            split("Set an active cart", "Set an active cart"),
            Some(("Set an active cart".to_owned(), String::new()))
        );
        // The description may go on where .NET stops: only the split point matters.
        assert_eq!(
            split(
                "Save a cart If it exists, it is overwritten.<br/></br>More.",
                "Save a cart. If it exists, it is overwritten."
            ),
            Some(("Save a cart".to_owned(), "If it exists, it is overwritten.<br/></br>More.".to_owned()))
        );
        assert_eq!(split("Something else", "Other text"), None);
        assert_eq!(
            split("Set an address Use only when.", "Set an address"),
            Some(("Set an address".to_owned(), "Use only when.".to_owned()))
        );
        let known: BTreeSet<String> = ["Set a billing".to_owned(), "Set a billing address".to_owned()].into();
        assert_eq!(
            split_known("Set a billing address Use only when.", &known),
            Some(("Set a billing address".to_owned(), "Use only when.".to_owned()))
        );
        assert_eq!(
            split_known("Set a billing address", &known),
            Some(("Set a billing address".to_owned(), String::new()))
        );
        assert_eq!(split_known("Delete a cart", &known), None);
        assert_eq!(split_text("Alone", None), None);
    }

    #[test]
    fn routes_ignore_parameter_names() {
        assert_eq!(route("oauth/certs/{ID}"), "/oauth/certs/{}");
        assert_eq!(route("/buyers/{buyerID}/users/{userID}"), route("/buyers/{id}/users/{ID}"));
        assert_eq!(path_names("/orders/{direction}/{orderID}"), ["direction", "orderID"]);
    }
}
