//! The simulator's table of the description: every operation's route, roles, body and
//! answer, the schema each assignment operation stores, and each schema's read-only
//! fields. The simulator serves every resource from it, generically.

use std::fmt::Write as _;

use super::spec::{Answer, Op, Spec};
use super::{Files, header};

pub(crate) const FILE: &str = "crates/ordercloud-simulator/src/resources/described.rs";

pub(crate) fn write(spec: &Spec, files: &mut Files) -> Result<(), String> {
    let mut out = header(spec, "//");
    write!(
        out,
        "\n//! OrderCloud's API description {} as the simulator serves it: each operation's route,\n\
         //! roles, body and answer, the schema an assignment operation stores, and each schema's\n\
         //! fields and read-only fields.\n\nuse super::Described;\n\n/// Every operation of the description, hand-written ones included.\npub(crate) const OPERATIONS: &[Described] = &[\n",
        spec.version
    )
    .ok();
    let all: Vec<&Op> = spec.all_operations.iter().collect();
    for op in &all {
        let roles: Vec<String> = op.roles.iter().map(|role| format!("\"{role}\"")).collect();
        let body = op.body.as_ref().map_or("None".to_owned(), |body| format!("Some(\"{}\")", body.schema));
        let required: Vec<String> =
            op.body.iter().flat_map(|body| &body.required).map(|field| format!("\"{field}\"")).collect();
        let (answer, list, facets) = match &op.answer {
            Answer::Nothing => ("None".to_owned(), false, false),
            Answer::Model(name) => (format!("Some(\"{name}\")"), false, false),
            Answer::List { item, facets } => (format!("Some(\"{item}\")"), true, *facets),
        };
        let assignment = assignment_schema(op, &all)?.map_or("None".to_owned(), |name| format!("Some(\"{name}\")"));
        let stored = stored(op, &all);
        writeln!(
            out,
            "    Described {{ id: \"{}\", method: \"{}\", path: \"{}\", roles: &[{}], roles_known: {}, body: {body}, required: &[{}], answer: {answer}, list: {list}, facets: {facets}, assignment: {assignment}, stored: {stored} }},",
            op.id,
            op.method,
            op.path,
            roles.join(", "),
            op.roles_known,
            required.join(", ")
        )
        .ok();
    }
    out.push_str("];\n\n/// Each schema's fields, by their exact names: a body's property names, given in any letter\n/// case, are read as these.\npub(crate) const FIELDS: &[(&str, &[&str])] = &[\n");
    for schema in &spec.schemas {
        let fields: Vec<String> = schema.properties.iter().map(|property| format!("\"{}\"", property.json)).collect();
        writeln!(out, "    (\"{}\", &[{}]),", schema.name, fields.join(", ")).ok();
    }
    out.push_str("];\n\n/// Each schema's read-only fields, which the server sets and a request never does.\npub(crate) const READ_ONLY: &[(&str, &[&str])] = &[\n");
    for schema in &spec.schemas {
        let fields: Vec<String> = schema
            .properties
            .iter()
            .filter(|property| property.read_only)
            .map(|property| format!("\"{}\"", property.json))
            .collect();
        if !fields.is_empty() {
            writeln!(out, "    (\"{}\", &[{}]),", schema.name, fields.join(", ")).ok();
        }
    }
    out.push_str("];\n");
    files.push((FILE.to_owned(), out));
    Ok(())
}

/// The verbs of the operations on stored objects (`Buyers.Create`, `Me.ListAddresses`).
const OBJECT_VERBS: [&str; 6] = ["List", "Get", "Create", "Save", "Patch", "Delete"];

/// Whether `op` lists, gets, creates, saves, patches or deletes the objects of a collection
/// that some operation creates or saves objects in. Any other (`Orders.Approve`,
/// `Orders.ListEligiblePromotions`, a list nothing writes to) is an action.
fn stored(op: &Op, all: &[&Op]) -> bool {
    let verb = |op: &Op| op.id.split_once('.').map_or("", |(_, verb)| verb).to_owned();
    if !OBJECT_VERBS.iter().any(|object_verb| verb(op).starts_with(object_verb)) {
        return false;
    }
    let collection = collection_of(op);
    all.iter().any(|other| {
        let writes = (other.method == "POST" && verb(other).starts_with("Create"))
            || (other.method == "PUT" && verb(other).starts_with("Save"));
        writes && collection_of(other) == collection
    })
}

/// The path of the collection `op` works on: its path without the item's ID for an
/// operation on one item (`/buyers/{buyerID}` is of `/buyers`).
fn collection_of(op: &Op) -> &str {
    let on_collection = op.method == "POST" || matches!(op.answer, Answer::List { .. });
    match op.path.rsplit_once('/') {
        Some((collection, last)) if !on_collection && last.starts_with('{') => collection,
        _ => &op.path,
    }
}

/// The schema an assignment operation stores: the body of a save, the item of a list, and
/// for a delete the body of the save of its resource with the same last word of the path
/// (`.../productassignments/{productID}` pairs with `POST .../productassignments`).
fn assignment_schema<'a>(op: &'a Op, all: &[&'a Op]) -> Result<Option<&'a str>, String> {
    let Some(word) = assignment_word(op) else { return Ok(None) };
    Ok(Some(match (&op.body, &op.answer) {
        (Some(body), _) => &body.schema,
        (None, Answer::List { item, .. }) => item,
        _ => {
            let resource = op.id.split('.').next().unwrap_or("");
            all.iter()
                .filter(|other| other.id.split('.').next() == Some(resource) && other.method == "POST")
                .filter(|other| assignment_word(other).as_deref() == Some(word.as_str()))
                .find_map(|other| other.body.as_ref().map(|body| body.schema.as_str()))
                .ok_or_else(|| format!("{}: no save operation stores what it deletes", op.id))?
        }
    }))
}

/// The word naming an assignment in a path (`assignments`, `productassignments`...), lower
/// case; `None` for an operation on no assignment.
fn assignment_word(op: &Op) -> Option<String> {
    op.path.split('/').map(str::to_ascii_lowercase).rfind(|segment| segment.ends_with("assignments"))
}
