//! The section crates (`ordercloud-catalogs`...): one module per resource with its API
//! handle, one method per operation, the operations' table, the crate's front page, its
//! manifest and README; and the facade `ordercloud`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::examples::example;
use super::models::{ensure_period, named};
use super::names::{ident, kebab_case, screaming, snake_case};
use super::spec::{Answer, Body, Op, Param, ParamKind, Property, Resource, Section, Spec, Ty};
use super::{Files, doc, header};

pub(crate) fn write(spec: &Spec, files: &mut Files) {
    for section in &spec.sections {
        let directory = format!("crates/ordercloud-{}", section.suffix);
        files.push((format!("{directory}/Cargo.toml"), manifest(spec, section)));
        files.push((format!("{directory}/README.md"), readme(spec, section)));
        files.push((format!("{directory}/src/lib.rs"), front_page(spec, section)));
        files.push((format!("{directory}/src/operations.rs"), operations(spec, section)));
        for resource in &section.resources {
            files.push((format!("{directory}/src/{}.rs", resource.module), resource_file(spec, section, resource)));
        }
    }
    files.push(("crates/ordercloud/Cargo.toml".to_owned(), facade_manifest(spec)));
    files.push(("crates/ordercloud/README.md".to_owned(), facade_readme(spec)));
    files.push(("crates/ordercloud/src/lib.rs".to_owned(), facade(spec)));
}

/// The constant naming an operation in `operations.rs`: `PRODUCTS_LIST`.
fn constant(op: &Op) -> String {
    let (resource, name) = op.id.split_once('.').unwrap_or((&op.id, ""));
    format!("{}_{}", screaming(resource), screaming(name))
}

/// The method of an operation: `list_assignments`.
pub(crate) fn method(op: &Op) -> String {
    ident(&snake_case(&op.name))
}

/// The request type of an operation with query parameters of its own: `ProductsList`.
fn request_type(resource: &Resource, op: &Op) -> String {
    format!("{}{}", resource.name, op.name)
}

/// The page of OrderCloud's API reference for an operation: the one the description gives,
/// else the one its names make.
fn reference(section: &Section, resource: &Resource, op: &Op) -> String {
    if let Some(page) = &op.reference {
        return page.clone();
    }
    format!(
        "https://ordercloud.io/api-reference/{}/{}/{}",
        kebab_case(&section.title),
        kebab_case(&resource.tag),
        kebab_case(&op.name)
    )
}

fn param_type(param: &Param) -> String {
    match &param.kind {
        ParamKind::Text => "&str".to_owned(),
        ParamKind::Integer => "i32".to_owned(),
        ParamKind::Bool => "bool".to_owned(),
        ParamKind::Enum(name) => format!("models::{name}"),
    }
}

/// The text a parameter is sent as.
fn param_text(param: &Param) -> String {
    let name = ident(&param.rust);
    match &param.kind {
        ParamKind::Text => name,
        ParamKind::Integer | ParamKind::Bool => format!("&{name}.to_string()"),
        ParamKind::Enum(_) => format!("{name}.as_str()"),
    }
}

/// What a call answers, as the runtime's type.
fn answer_type(answer: &Answer) -> String {
    match answer {
        Answer::Nothing => "Call<()>".to_owned(),
        Answer::Model(name) => format!("Call<{}>", model_path(name)),
        Answer::List { item, facets: false } => format!("ListCall<{}>", model_path(item)),
        Answer::List { item, facets: true } => {
            let item = model_path(item);
            format!("ListCall<{item}, ListPageWithFacets<{item}>>")
        }
    }
}

fn model_path(name: &str) -> String {
    let named = named(name);
    match named.strip_prefix("crate::") {
        Some(hand_written) => format!("ordercloud_models::{hand_written}"),
        None => format!("models::{named}"),
    }
}

fn joined_roles(op: &Op) -> String {
    if !op.roles_known {
        "not known: OrderCloud's reference pages at hand do not list them (see `spec/README.md`)".to_owned()
    } else if op.roles.is_empty() {
        "none: it is anonymous".to_owned()
    } else {
        op.roles.iter().map(|role| format!("`{role}`")).collect::<Vec<_>>().join(", ")
    }
}

fn resource_file(spec: &Spec, section: &Section, resource: &Resource) -> String {
    let api = format!("{}Api", resource.name);
    let mut out = header(spec, "//");
    let about = if resource.description.is_empty() {
        format!("The {} resource of OrderCloud's {} section.", resource.tag, section.title)
    } else {
        resource.description.trim().to_owned()
    };
    out.push_str(&doc(&format!("[`{api}`]: {}.\n\n{about}", resource.tag), "//!"));
    let facets = resource.operations.iter().any(|op| matches!(op.answer, Answer::List { facets: true, .. }));
    let lists = resource.operations.iter().any(|op| matches!(op.answer, Answer::List { .. }));
    let calls = resource.operations.iter().any(|op| !matches!(op.answer, Answer::List { .. }));
    let wrapped = resource.operations.iter().any(|op| !op.optional_query.is_empty());
    let mut uses = vec!["api_handle"];
    if calls {
        uses.push("Call");
    }
    if lists {
        uses.push("ListCall");
    }
    if wrapped {
        uses.push("operation_request");
    }
    writeln!(out, "\nuse ordercloud_transport::{{{}}};", uses.join(", ")).ok();
    if facets {
        out.push_str("use ordercloud_models::ListPageWithFacets;\n");
    }
    let uses_models = resource.operations.iter().any(|op| {
        let in_answer = match &op.answer {
            Answer::Nothing => false,
            Answer::Model(name) | Answer::List { item: name, .. } => !model_path(name).starts_with("ordercloud_"),
        };
        in_answer
            || op.body.is_some()
            || op
                .path_params
                .iter()
                .chain(&op.required_query)
                .chain(&op.optional_query)
                .any(|param| matches!(param.kind, ParamKind::Enum(_)))
    });
    out.push('\n');
    if uses_models {
        out.push_str("use crate::models;\n");
    }
    out.push_str("use crate::operations;\n\n");

    // `api_handle!` writes the struct, `new` and `client()`.
    out.push_str("api_handle! {\n");
    out.push_str(&doc(
        &format!(
            "{about}\n\nMade with [`new`](Self::new); cheap to clone. Each method is one operation: it takes the \
             path's parameters (in path order), then those the operation needs, then its body, and \
             returns the call to send (or to `.await`), whose other options are its methods."
        ),
        "    ",
    ));
    writeln!(out, "    pub struct {api};").ok();
    out.push_str(&doc(&format!("{} through `client`: a session's client for signed-in calls.", resource.tag), "    "));
    out.push_str("    fn new;\n}\n\n");
    writeln!(out, "impl {api} {{").ok();
    let mut requests = String::new();
    for op in &resource.operations {
        out.push('\n');
        out.push_str(&doc(&method_doc(spec, section, resource, op), "    "));
        let mut arguments = vec!["&self".to_owned()];
        for param in op.path_params.iter().chain(&op.required_query) {
            arguments.push(format!("{}: {}", ident(&param.rust), param_type(param)));
        }
        if let Some(body) = &op.body {
            let name = if body.partial { format!("Partial{}", body.schema) } else { body.schema.clone() };
            let ty = if body.optional { format!("Option<&models::{name}>") } else { format!("&models::{name}") };
            arguments.push(format!("{}: {ty}", ident(&snake_case(&body.schema))));
        }
        let answer = answer_type(&op.answer);
        let returns = if op.optional_query.is_empty() { answer.clone() } else { request_type(resource, op) };
        writeln!(out, "    pub fn {}({}) -> {returns} {{", method(op), arguments.join(", ")).ok();
        let mut chain = format!("        self.client\n            .call(&operations::{})", constant(op));
        if matches!(op.answer, Answer::List { .. }) {
            write!(chain, "\n            .list_fields(&operations::{}_FIELDS)", constant(op)).ok();
        }
        for param in &op.path_params {
            write!(chain, "\n            .path_param({})", param_text(param)).ok();
        }
        for param in &op.required_query {
            write!(chain, "\n            .query(\"{}\", {})", param.name, param_text(param)).ok();
            if param.secret {
                write!(chain, "\n            .redact_token({})", ident(&param.rust)).ok();
            }
        }
        if let Some(body) = &op.body {
            let argument = ident(&snake_case(&body.schema));
            let by_country: Vec<String> = required_by_country(spec, body)
                .map(|property| {
                    let countries: Vec<String> =
                        property.required_for_countries.iter().map(|country| format!("\"{country}\"")).collect();
                    format!("(\"{}\", &[{}])", property.json, countries.join(", "))
                })
                .collect();
            if !by_country.is_empty() {
                let required: Vec<String> = body.required.iter().map(|field| format!("\"{field}\"")).collect();
                write!(
                    chain,
                    "\n            .json_requiring_by_country({argument}, &[{}], &[{}])",
                    required.join(", "),
                    by_country.join(", ")
                )
                .ok();
            } else if body.optional {
                write!(chain, "\n            .optional_json({argument})").ok();
            } else if body.required.is_empty() {
                write!(chain, "\n            .json({argument})").ok();
            } else {
                let required: Vec<String> = body.required.iter().map(|field| format!("\"{field}\"")).collect();
                write!(chain, "\n            .json_requiring({argument}, &[{}])", required.join(", ")).ok();
            }
        }
        chain.push_str(match op.answer {
            Answer::Nothing => "\n            .returning_nothing()",
            Answer::Model(_) => "\n            .returning()",
            Answer::List { facets: false, .. } => "\n            .listing()",
            Answer::List { facets: true, .. } => "\n            .listing_with_facets()",
        });
        if !op.optional_query.is_empty() {
            chain.push_str("\n            .into()");
        }
        writeln!(out, "{chain}\n    }}").ok();
        if !op.optional_query.is_empty() {
            requests.push_str(&request_declaration(resource, op, &answer));
        }
        if let Some(declaration) = sort_declaration(resource, op) {
            requests.push_str(&declaration);
        }
    }
    out.push_str("}\n");
    out.push_str(&requests);
    out
}

/// The fields of a whole body (not a PATCH's, not an optional one) that some countries
/// require (`x-required-for-countries`).
fn required_by_country<'a>(spec: &'a Spec, body: &Body) -> impl Iterator<Item = &'a Property> {
    let checked = !body.partial && !body.optional;
    let properties = spec.schema(&body.schema).filter(|_| checked).map_or(&[][..], |schema| &schema.properties[..]);
    properties.iter().filter(|property| !property.required_for_countries.is_empty())
}

/// What a list operation takes, as the `ListFields` its options are checked against. What it
/// sorts by is its sort enum's `ALL`, so the names are written once.
fn list_fields(spec: &Spec, resource: &Resource, op: &Op, item: &str) -> String {
    let quoted =
        |names: &mut dyn Iterator<Item = &str>| names.map(|name| format!("\"{name}\"")).collect::<Vec<_>>().join(", ");
    let own = quoted(&mut op.required_query.iter().chain(&op.optional_query).map(|param| param.name.as_str()));
    // The listed model's properties are its `FIELD_NAMES`; a hand-written model's are not known.
    let properties = match spec.schema(item) {
        Some(_) => format!("models::{item}::FIELD_NAMES"),
        None => "&[]".to_owned(),
    };
    let sortable = if sortable(op).is_empty() {
        "&[]".to_owned()
    } else {
        format!("crate::{}::{}::ALL", resource.module, sort_type(resource, op))
    };
    format!(
        "ListFields {{ own_parameters: &[{own}], sortable: {sortable}, searchable: &[{}], properties: {properties} }}",
        quoted(&mut op.search_on.iter().map(String::as_str)),
    )
}

/// The properties a list sorts by, each once.
fn sortable(op: &Op) -> Vec<&str> {
    let mut properties: Vec<&str> = Vec::new();
    for value in &op.sort_by {
        let property = value.trim_start_matches('!');
        if !properties.contains(&property) {
            properties.push(property);
        }
    }
    properties
}

/// The enum of what a list sorts by: `ProductsListSort`.
fn sort_type(resource: &Resource, op: &Op) -> String {
    format!("{}{}Sort", resource.name, op.name)
}

/// The declaration of a list's sort enum, if it sorts by named properties.
fn sort_declaration(resource: &Resource, op: &Op) -> Option<String> {
    let properties = sortable(op);
    if properties.is_empty() {
        return None;
    }
    let mut out = String::from("\nordercloud_models::sort_fields! {\n");
    out.push_str(&doc(
        &format!(
            "What [`{}Api::{}`] sorts by: `ListOptions::new().sort_by([{}::{}.descending()])`.",
            resource.name,
            method(op).trim_start_matches("r#"),
            sort_type(resource, op),
            variant(properties[0])
        ),
        "    ",
    ));
    writeln!(out, "    pub enum {} {{", sort_type(resource, op)).ok();
    for property in properties {
        writeln!(out, "        /// `{property}`.\n        {} = \"{property}\",", variant(property)).ok();
    }
    out.push_str("    }\n}\n");
    Some(out)
}

/// `OwnerID` as the variant `OwnerId`.
fn variant(property: &str) -> String {
    snake_case(property)
        .split('_')
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut characters = word.chars();
            characters
                .next()
                .map_or(String::new(), |first| first.to_ascii_uppercase().to_string() + characters.as_str())
        })
        .collect()
}

fn method_doc(spec: &Spec, section: &Section, resource: &Resource, op: &Op) -> String {
    let mut text = if op.summary.is_empty() { format!("{}.", op.id) } else { ensure_period(&op.summary) };
    write!(
        text,
        "\n\n`{} {}{}` (`{}`, [reference]({})). Roles that grant it: {}.",
        op.method,
        // OrderCloud serves its OAuth endpoints from the host's root, the rest under `/v1`.
        if op.path.starts_with("/oauth/") { "" } else { "/v1" },
        op.path,
        op.id,
        reference(section, resource, op),
        joined_roles(op)
    )
    .ok();
    if !op.description.is_empty() && op.description != op.summary {
        write!(text, "\n\n{}", op.description).ok();
    }
    let arguments: Vec<&Param> = op.path_params.iter().chain(&op.required_query).collect();
    if !arguments.is_empty() || op.body.is_some() {
        text.push_str("\n\n# Arguments\n");
        for param in arguments {
            let what =
                if param.description.is_empty() { format!("`{}`.", param.name) } else { param.description.clone() };
            write!(text, "\n- `{}`: {what}", param.rust).ok();
            if matches!(param.kind, ParamKind::Text) && op.path_params.iter().any(|p| p.name == param.name) {
                text.push_str(" Sent as one path segment, whatever it holds.");
            }
        }
        if let Some(body) = &op.body {
            if body.partial {
                write!(
                    text,
                    "\n- the body: the fields to change, a [`Partial{0}`](crate::models::Partial{0}).",
                    body.schema
                )
                .ok();
            } else if body.optional {
                write!(text, "\n- the body, if any: a [`{0}`](crate::models::{0}); `None` sends none.", body.schema)
                    .ok();
            } else if body.required.is_empty() {
                write!(text, "\n- the body: a [`{0}`](crate::models::{0}).", body.schema).ok();
            } else {
                let required: Vec<String> = body.required.iter().map(|field| format!("`{field}`")).collect();
                write!(
                    text,
                    "\n- the body: a [`{0}`](crate::models::{0}); without {1} it is refused before anything is sent.",
                    body.schema,
                    required.join(" or ")
                )
                .ok();
            }
            let by_country: Vec<String> = required_by_country(spec, body)
                .map(|property| format!("`{}` ({})", property.json, property.required_for_countries.join(", ")))
                .collect();
            if !by_country.is_empty() {
                write!(text, " So are {} where its `Country` is one of those.", by_country.join(" and ")).ok();
            }
        }
    }
    match &op.answer {
        Answer::Nothing => text.push_str("\n\nAnswers nothing (`204 No Content`)."),
        Answer::Model(name) => {
            let path = model_path(name);
            write!(text, "\n\nAnswers the [`{name}`]({}).", path.replace("models::", "crate::models::")).ok();
        }
        Answer::List { item, facets } => {
            write!(
                text,
                "\n\nA list of [`{item}`](crate::models::{item}){}: `.options(&ListOptions)` for the page, search, sort and \
                 filters, `.send()` for one page, `.pages()` or `.items()` for all of them.",
                if *facets { ", with facets" } else { "" }
            )
            .ok();
            if !op.search_on.is_empty() {
                let values: Vec<String> = op.search_on.iter().map(|value| format!("`{value}`")).collect();
                write!(text, " `search_on` takes {}.", values.join(", ")).ok();
            }
            let sort: Vec<String> = sortable(op).iter().map(|value| format!("`{value}`")).collect();
            if !sort.is_empty() {
                write!(
                    text,
                    " `sort_by` takes {} (`!` in front for descending), or [`{1}`] values, checked when compiling.",
                    sort.join(", "),
                    sort_type(resource, op)
                )
                .ok();
            }
            text.push_str(
                " A filter on a property the listed model does not have, or a sort or search it does not take, is \
                 refused before anything is sent (`xp.` paths are free).",
            );
        }
    }
    if !op.optional_query.is_empty() {
        let methods: Vec<String> = op.optional_query.iter().map(|param| format!("`{}`", param.rust)).collect();
        write!(text, " Its own query parameters are methods of the request: {}.", methods.join(", ")).ok();
    }
    text
}

fn request_declaration(resource: &Resource, op: &Op, answer: &str) -> String {
    let kind = if matches!(op.answer, Answer::List { .. }) { "list" } else { "call" };
    let mut out = String::from("\noperation_request! {\n");
    out.push_str(&doc(
        &format!(
            "The request of [`{}Api::{}`]: the call, with a method for each query parameter of `{}`'s own.",
            resource.name,
            method(op).trim_start_matches("r#"),
            op.id
        ),
        "    ",
    ));
    writeln!(out, "    pub struct {}: {kind} {answer} {{", request_type(resource, op)).ok();
    for param in &op.optional_query {
        let what = if param.description.is_empty() { format!("`{}`.", param.name) } else { param.description.clone() };
        out.push_str(&doc(&format!("{what} (`{}`)", param.name), "        "));
        writeln!(out, "        fn {0}({0}: {1}) => \"{2}\";", ident(&param.rust), param_type(param), param.name).ok();
    }
    out.push_str("    }\n}\n");
    out
}

fn operations(spec: &Spec, section: &Section) -> String {
    let mut out = header(spec, "//");
    out.push_str(&doc(
        &format!(
            "The operations of OrderCloud's {} section, as its API description names them: each method of this \
             crate's handles calls one, and [`OPERATIONS`] lists them all.",
            section.title
        ),
        "//!",
    ));
    let lists = section
        .resources
        .iter()
        .flat_map(|resource| &resource.operations)
        .any(|op| matches!(op.answer, Answer::List { .. }));
    out.push_str(if lists { "\nuse ordercloud_models::ListFields;\n" } else { "\n" });
    out.push_str("use ordercloud_transport::Operation;\n");
    if lists {
        out.push_str("\nuse crate::models;\n");
    }
    let mut all = Vec::new();
    for resource in &section.resources {
        for op in &resource.operations {
            let roles: Vec<String> = op.roles.iter().map(|role| format!("\"{role}\"")).collect();
            out.push('\n');
            out.push_str(&doc(&format!("`{}`: {} `{} {}`.", op.id, op.summary, op.method, op.path), ""));
            writeln!(
                out,
                "pub const {}: Operation = Operation {{ id: \"{}\", method: \"{}\", path: \"{}\", roles: &[{}] }};",
                constant(op),
                op.id,
                op.method,
                op.path,
                roles.join(", ")
            )
            .ok();
            if let Answer::List { item, .. } = &op.answer {
                writeln!(
                    out,
                    "\n/// What `{}` takes: its own query parameters, sorts, searches and the listed model's properties.\npub const {}_FIELDS: ListFields = {};",
                    op.id,
                    constant(op),
                    list_fields(spec, resource, op, item)
                )
                .ok();
            }
            all.push(constant(op));
        }
    }
    writeln!(
        out,
        "\n/// Every operation of this crate, in the description's order.\npub const OPERATIONS: &[Operation] = &[{}];",
        all.join(", ")
    )
    .ok();
    out
}

/// Every model the section's operations use, nested ones included, in name order.
fn models_used(spec: &Spec, section: &Section) -> BTreeSet<String> {
    let mut pending = Vec::new();
    for op in section.resources.iter().flat_map(|resource| &resource.operations) {
        match &op.answer {
            Answer::Model(name) | Answer::List { item: name, .. } => pending.push(name.clone()),
            Answer::Nothing => {}
        }
        if let Some(body) = &op.body {
            pending.push(body.schema.clone());
            if body.partial {
                pending.push(format!("Partial{}", body.schema));
            }
        }
        for param in op.path_params.iter().chain(&op.required_query).chain(&op.optional_query) {
            if let ParamKind::Enum(name) = &param.kind {
                pending.push(name.clone());
            }
        }
    }
    let mut used = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if named(&name).starts_with("crate::") || !used.insert(name.clone()) {
            continue;
        }
        let base = name.strip_prefix("Partial").filter(|base| spec.partials.contains(*base)).unwrap_or(&name);
        if let Some(schema) = spec.schema(base) {
            for property in &schema.properties {
                let mut ty = &property.ty;
                while let Ty::List(inner) = ty {
                    ty = inner;
                }
                if let Ty::Named(inner) = ty {
                    pending.push(inner.clone());
                    if name.starts_with("Partial") && spec.partials.contains(inner) {
                        pending.push(format!("Partial{inner}"));
                    }
                }
            }
        }
    }
    used
}

fn front_page(spec: &Spec, section: &Section) -> String {
    let mut out = header(spec, "//");
    let handles: Vec<String> = section.resources.iter().map(|resource| format!("[`{}Api`]", resource.name)).collect();
    let count: usize = section.resources.iter().map(|resource| resource.operations.len()).sum();
    let mut text = format!("OrderCloud's {} section in Rust: {}.\n\n", section.title, handles.join(", "));
    if !section.description.is_empty() {
        write!(text, "{}\n\n", section.description.trim()).ok();
    }
    write!(
        text,
        "Generated from OrderCloud's API description {}: {count} operations, each a method of its resource's \
         handle, named after it (`Products.ListAssignments` is `ProductsApi::list_assignments`), listed in \
         [`OPERATIONS`]. A method takes the path's parameters (each sent as one encoded segment), then those \
         the operation needs, then its body; it returns the call, whose optional query parameters are methods, \
         and `.send().await` answers the model, `()`, or a page. List calls take `.options(&ListOptions)` \
         (typed [`Filter`]s included) and walk every page with `.pages()` or `.items()`. A body missing a field \
         the operation requires is refused before anything is sent; read-only fields are never sent; a PATCH \
         body is a `Partial*` model whose fields can be left out, cleared or set. Errors are \
         [`Error`]: typed, one line, and free of any secret the call sent.\n\n\
         Signed-in calls go through a session's client (`ordercloud-auth`'s `Session::client`).\n\n\
         ## Features\n\n\
         - `hyper` (default): the HTTP stack, hyper and rustls with Mozilla's roots.\n\
         - `native-roots`: also trust the operating system's root certificates.\n\
         - `mock`: `MockTransport`, for tests (offline, as below).\n\n\
         ## Example\n\n```\n{}```",
        spec.version,
        example(section.suffix)
    )
    .ok();
    out.push_str(&doc(&text, "//!"));
    out.push_str("#![cfg_attr(docsrs, feature(doc_cfg))]\n\n");
    out.push_str("pub mod operations;\n");
    for resource in &section.resources {
        writeln!(out, "pub mod {};", resource.module).ok();
    }
    out.push('\n');
    for resource in &section.resources {
        let mut names = vec![format!("{}Api", resource.name)];
        for op in &resource.operations {
            if !op.optional_query.is_empty() {
                names.push(request_type(resource, op));
            }
            if !sortable(op).is_empty() {
                names.push(sort_type(resource, op));
            }
        }
        writeln!(out, "pub use {}::{{{}}};", resource.module, names.join(", ")).ok();
    }
    out.push_str(
        "pub use operations::OPERATIONS;\n\
         pub use ordercloud_models::{Decimal, Filter, ListOptions, ListPage, ListPageWithFacets, OtherFields, Patch, RawJson, Xp, decimal, xp};\n\
         #[cfg(feature = \"mock\")]\n\
         pub use ordercloud_transport::MockTransport;\n\
         pub use ordercloud_transport::{ApiClient, Call, Error, ListCall, PageItems, Pages};\n\n\
         /// The models this crate's operations take and answer, nested ones included.\n\
         pub mod models {\n",
    );
    let used: Vec<String> = models_used(spec, section).into_iter().collect();
    writeln!(out, "    pub use ordercloud_models::resources::{{{}}};", used.join(", ")).ok();
    out.push_str("}\n");
    out
}

fn manifest(spec: &Spec, section: &Section) -> String {
    let mut out = header(spec, "#");
    let handles: Vec<&str> = section.resources.iter().map(|resource| resource.tag.as_str()).collect();
    let description = format!("OrderCloud's {} API for Rust: {}", section.title, handles.join(", "));
    let description = if description.chars().count() > 200 {
        format!("{}...", description.chars().take(197).collect::<String>())
    } else {
        description
    };
    write!(
        out,
        r#"[package]
name = "ordercloud-{suffix}"
description = "{description}"
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
readme = "README.md"
keywords = ["ordercloud", "sitecore", "commerce", "api"]
categories = ["api-bindings"]

[features]
default = ["hyper"]
## The default transport: hyper + rustls (ring) with Mozilla's roots.
hyper = ["ordercloud-transport/hyper", "ordercloud-transport/webpki-roots"]
## Also trust the operating system's root certificates.
native-roots = ["ordercloud-transport/native-roots"]
## MockTransport, for testing code built on this crate.
mock = ["ordercloud-transport/mock"]

[dependencies]
ordercloud-models = {{ workspace = true, features = ["resources"] }}
ordercloud-transport.workspace = true

[dev-dependencies]
ordercloud-transport = {{ workspace = true, features = ["mock", "hyper", "webpki-roots"] }}
serde_json.workspace = true
tokio = {{ workspace = true, features = ["macros", "rt-multi-thread"] }}

[lints]
workspace = true

[package.metadata.docs.rs]
all-features = true
"#,
        suffix = section.suffix,
    )
    .ok();
    out
}

fn readme(spec: &Spec, section: &Section) -> String {
    let handles: Vec<String> = section.resources.iter().map(|resource| format!("`{}Api`", resource.name)).collect();
    let count: usize = section.resources.iter().map(|resource| resource.operations.len()).sum();
    format!(
        "<!-- {} -->\n# ordercloud-{}\n\nOrderCloud's {} section in Rust: {count} operations, generated from OrderCloud's API \
         description {} on the runtime of `ordercloud-transport`.\n\nHandles: {}.\n\nPart of \
         [ordercloud-rs](../../README.md); the facade crate `ordercloud` re-exports it.\n",
        header_text(spec),
        section.suffix,
        section.title,
        spec.version,
        handles.join(", ")
    )
}

fn header_text(spec: &Spec) -> String {
    header(spec, "").trim().trim_start_matches(' ').to_owned()
}

fn facade_manifest(spec: &Spec) -> String {
    let mut out = header(spec, "#");
    out.push_str(
        r#"[package]
name = "ordercloud"
description = "The whole OrderCloud API for Rust: every section, forgotten credentials, sign-in and sessions, on one runtime"
version.workspace = true
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true
readme = "README.md"
keywords = ["ordercloud", "sitecore", "commerce", "api", "sdk"]
categories = ["api-bindings"]

[features]
"#,
    );
    let sections: Vec<&str> = spec.sections.iter().map(|section| section.suffix).collect();
    let defaults: Vec<String> =
        std::iter::once("hyper").chain(sections.iter().copied()).map(|f| format!("\"{f}\"")).collect();
    writeln!(out, "default = [{}]", defaults.join(", ")).ok();
    out.push_str(
        "## The default transport: hyper + rustls (ring) with Mozilla's roots.\n\
         hyper = [\"ordercloud-transport/hyper\", \"ordercloud-transport/webpki-roots\"]\n\
         ## Also trust the operating system's root certificates.\n\
         native-roots = [\"ordercloud-transport/native-roots\"]\n\
         ## MockTransport, for tests.\n\
         mock = [\"ordercloud-transport/mock\"]\n",
    );
    for section in &spec.sections {
        writeln!(
            out,
            "## {}: `ordercloud-{}`.\n{} = [\"dep:ordercloud-{}\"]",
            section.title, section.suffix, section.suffix, section.suffix
        )
        .ok();
    }
    out.push_str(
        "\n[dependencies]\n\
         ordercloud-auth.workspace = true\n\
         ordercloud-models.workspace = true\n\
         ordercloud-password-reset.workspace = true\n\
         ordercloud-transport.workspace = true\n",
    );
    for section in &spec.sections {
        writeln!(out, "ordercloud-{} = {{ workspace = true, optional = true }}", section.suffix).ok();
    }
    out.push_str(
        "\n[dev-dependencies]\n\
         ordercloud-transport = { workspace = true, features = [\"mock\", \"hyper\", \"webpki-roots\"] }\n",
    );
    for section in &spec.sections {
        writeln!(out, "ordercloud-{}.workspace = true", section.suffix).ok();
    }
    out.push_str(
        "serde_json.workspace = true\n\
         tokio = { workspace = true, features = [\"macros\", \"rt-multi-thread\"] }\n\n\
         [lints]\nworkspace = true\n\n[package.metadata.docs.rs]\nall-features = true\n",
    );
    out
}

fn facade_readme(spec: &Spec) -> String {
    format!(
        "<!-- {} -->\n# ordercloud\n\nThe whole OrderCloud API for Rust: every section of OrderCloud's API description {} \
         ({} operations), forgotten credentials, sign-in and sessions, on one runtime. One feature per section, all on \
         by default.\n\nPart of [ordercloud-rs](../../README.md).\n",
        header_text(spec),
        spec.version,
        spec.operation_count
    )
}

fn facade(spec: &Spec) -> String {
    let mut out = header(spec, "//");
    let mut rows = String::new();
    for section in &spec.sections {
        let handles: Vec<String> = section.resources.iter().map(|resource| format!("`{}Api`", resource.name)).collect();
        writeln!(rows, "| [`{0}`] | `{0}` | {1} |", section.suffix, handles.join(", ")).ok();
    }
    let text = format!(
        "The whole OrderCloud API for Rust, on one runtime: every section of OrderCloud's API description {} \
         ({} operations), the forgotten-credentials calls, sign-in and sessions.\n\n\
         | module | feature (default on) | handles |\n|---|---|---|\n{rows}\
         | [`password_reset`] | always | `PasswordResetApi` |\n\
         | [`auth`] | always | `AuthApi`, `Session` |\n\n\
         [`transport`] is the runtime (`ApiClient`, `Error`, `MockTransport` with the `mock` feature) and \
         [`models`] the models. Each section is also its own crate (`ordercloud-catalogs`...), for a build that \
         needs only some.\n\n\
         ```\n\
         # #[tokio::main(flavor = \"current_thread\")]\n\
         # async fn main() -> Result<(), ordercloud::Error> {{\n\
         use ordercloud::catalogs::ProductsApi;\n\
         use ordercloud::{{ApiClient, Filter, ListOptions}};\n\
         # let mock = ordercloud::transport::MockTransport::new();\n\
         # mock.push_status(200, r#\"{{\"Meta\":{{\"Page\":1,\"TotalPages\":1}},\"Items\":[{{\"ID\":\"bike\",\"Name\":\"Bike\"}}]}}\"#);\n\
         # let client = ApiClient::builder().transport(mock).access_token(\"a-token\").build()?;\n\
         // In production: an integration's Session::new(.., TokenRequest::client_credentials(..)).client(),\n\
         // or a shopper's Session::from_login(..).client().\n\
         let products = ProductsApi::new(client);\n\
         let page = products.list().options(&ListOptions::new().filter_with(Filter::eq(\"Active\", true))).send().await?;\n\
         assert_eq!(page.items[0].name.as_deref(), Some(\"Bike\"));\n\
         # Ok(())\n\
         # }}\n\
         ```",
        spec.version, spec.operation_count
    );
    out.push_str(&doc(&text, "//!"));
    out.push_str("#![cfg_attr(docsrs, feature(doc_cfg))]\n\n");
    // Modules that re-export each crate, rather than the crates renamed: the compiler then
    // names a type by its path here (`ordercloud::models::Product`), not by a crate the
    // user never named (`ordercloud::ordercloud_catalogs::models::Product`).
    let any_section: Vec<String> =
        spec.sections.iter().map(|section| format!("feature = \"{}\"", section.suffix)).collect();
    writeln!(
        out,
        "pub mod models {{\n    //! Every model: those of every resource (`ordercloud::models::Product`), with the\n    //! sections' features, and what every area shares (`Decimal`, `Xp`, `ListOptions`, the\n    //! error body...): `ordercloud-models`.\n    pub use ordercloud_models::*;\n    #[cfg(any({}))]\n    pub use ordercloud_models::resources::*;\n}}",
        any_section.join(", ")
    )
    .ok();
    let crates = [
        ("auth", "Signing in and sessions: `ordercloud-auth`."),
        ("password_reset", "Forgotten passwords and usernames: `ordercloud-password-reset`."),
        ("transport", "The runtime every call goes through: `ordercloud-transport`."),
    ];
    for (module, about) in crates {
        writeln!(out, "pub mod {module} {{\n    //! {about}\n    pub use ordercloud_{module}::*;\n}}").ok();
    }
    for section in &spec.sections {
        writeln!(
            out,
            "#[cfg(feature = \"{0}\")]\npub mod {0} {{\n    //! OrderCloud's {1} section: `ordercloud-{0}`.\n    pub use ordercloud_{0}::*;\n}}",
            section.suffix, section.title
        )
        .ok();
    }
    out.push_str(
        "\npub use ordercloud_models::{Decimal, ErrorCode, Filter, ListOptions, ListPage, ListPageWithFacets, OtherFields, Patch, RawJson, Xp, decimal, xp};\n\
         pub use ordercloud_transport::{ApiClient, Error, ErrorCategory, Region, RetryPolicy};\n",
    );
    out
}
