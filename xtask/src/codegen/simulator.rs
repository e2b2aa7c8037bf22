//! The simulator's table of the description: every operation's route, roles, body and
//! answer, its own query parameters, the parents its path names, the schema each assignment
//! operation stores, each schema's fields and read-only fields, and the route tree the
//! simulator finds an operation by, in as many steps as the path has segments. The
//! simulator serves every resource from it, generically.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::names::snake_case;
use super::spec::{Answer, Op, Spec};
use super::{Files, header};

pub(crate) const FILE: &str = "crates/ordercloud-simulator/src/resources/described.rs";

/// The roles of the operations OrderCloud's API reference gave none for (`x-roles-unknown`),
/// as the simulator decides them: `(operation ID, or a resource's prefix such as "Cart.",
/// the roles any one of which grants it, why)`. The first rule that names an operation
/// decides; an unknown operation no rule names takes any signed-in caller. A rule for an
/// operation whose roles are known is an error: the reference decides those.
const ROLE_RULES: &[(&str, &[&str], &str)] = &[
    // The Cart: the pages that print roles all print these, and it is for buyer users only.
    (
        "Cart.",
        &["FullAccess", "Shopper"],
        "as Cart.Get, Cart.Save, Cart.AddPromotion and every Cart page that lists roles",
    ),
    (
        "Orders.ApplyPromotions",
        &["FullAccess", "OrderAdmin", "Shopper"],
        "as Orders.AddPromotion and Orders.RefreshPromotions",
    ),
    ("BundleLineItems.", &["FullAccess", "OrderAdmin", "Shopper"], "as LineItems.Create and LineItems.Delete"),
    // What a buyer user does with their own things.
    ("Me.ListProductInventoryRecords", &["FullAccess", "Shopper"], "as Me.ListProducts"),
    ("Me.ListVariantInventoryRecords", &["FullAccess", "Shopper"], "as Me.ListVariants"),
    ("Me.ListProductSellers", &["FullAccess", "Shopper"], "as Me.ListProducts"),
    ("Me.GetSubscription", &["FullAccess", "MeSubscriptionAdmin", "Shopper"], "as Me.ListSubscriptions"),
    ("Me.ListSubscriptionItems", &["FullAccess", "MeSubscriptionAdmin"], "as Me.GetSubscriptionItem"),
    (
        "Me.SaveSubscription",
        &["FullAccess", "MeSubscriptionAdmin"],
        "as Me.CreateSubscription and Me.PatchSubscription",
    ),
    (
        "Me.DeleteSubscription",
        &["FullAccess", "MeSubscriptionAdmin"],
        "as Me.CreateSubscription and Me.PatchSubscription",
    ),
    ("Me.SaveSubscriptionItem", &["FullAccess", "MeSubscriptionAdmin"], "as Me.CreateSubscriptionItem"),
    ("Me.PatchSubscriptionItem", &["FullAccess", "MeSubscriptionAdmin"], "as Me.CreateSubscriptionItem"),
    ("Me.DeleteSubscriptionItem", &["FullAccess", "MeSubscriptionAdmin"], "as Me.CreateSubscriptionItem"),
    ("Me.CreateSubscriptionBundleItem", &["FullAccess", "MeSubscriptionAdmin"], "as Me.CreateSubscriptionItem"),
    ("Me.DeleteSubscriptionBundleItem", &["FullAccess", "MeSubscriptionAdmin"], "as Me.CreateSubscriptionItem"),
    (
        "Me.",
        &["FullAccess", "Shopper"],
        "as Me.CreateGroupOrderInvitation, Me.CreateProductCollectionInvitation and Me.PatchProductCollectionInvitation",
    ),
    // Resources with an ApiRole named after them: its Admin writes, its Reader reads.
    ("Bundles.List", &["FullAccess", "BundleAdmin", "BundleReader"], "the ApiRoles BundleAdmin and BundleReader"),
    ("Bundles.Get", &["FullAccess", "BundleAdmin", "BundleReader"], "the ApiRoles BundleAdmin and BundleReader"),
    (
        "Bundles.ListAssignments",
        &["FullAccess", "BundleAdmin", "BundleAssignmentAdmin", "BundleReader"],
        "as Products.ListAssignments, with the ApiRole BundleAssignmentAdmin",
    ),
    (
        "Bundles.ListProductAssignments",
        &["FullAccess", "BundleAdmin", "BundleReader"],
        "the ApiRoles BundleAdmin and BundleReader",
    ),
    (
        "Bundles.SaveAssignment",
        &["FullAccess", "BundleAdmin", "BundleAssignmentAdmin"],
        "as Products.SaveAssignment, with the ApiRole BundleAssignmentAdmin",
    ),
    (
        "Bundles.DeleteAssignment",
        &["FullAccess", "BundleAdmin", "BundleAssignmentAdmin"],
        "as Products.DeleteAssignment, with the ApiRole BundleAssignmentAdmin",
    ),
    ("Bundles.", &["FullAccess", "BundleAdmin"], "the ApiRole BundleAdmin"),
    ("ProductCollections.", &["FullAccess", "ProductCollectionReader"], "the ApiRole ProductCollectionReader"),
    (
        "TrackingEvents.List",
        &["FullAccess", "TrackingEventAdmin", "TrackingEventReader"],
        "the ApiRoles TrackingEventAdmin and TrackingEventReader",
    ),
    (
        "TrackingEvents.Get",
        &["FullAccess", "TrackingEventAdmin", "TrackingEventReader"],
        "the ApiRoles TrackingEventAdmin and TrackingEventReader",
    ),
    ("TrackingEvents.", &["FullAccess", "TrackingEventAdmin"], "as TrackingEvents.Create and TrackingEvents.Patch"),
    ("DeliveryConfigurations.", &["FullAccess", "DeliveryConfigAdmin"], "the ApiRole DeliveryConfigAdmin"),
    ("EntitySynchronization.", &["FullAccess", "EntitySyncConfigAdmin"], "the ApiRole EntitySyncConfigAdmin"),
    ("ErrorConfigs.", &["FullAccess", "ErrorConfigAdmin"], "the ApiRole ErrorConfigAdmin"),
    ("OrderSynchronization.", &["FullAccess", "OrderSyncConfigAdmin"], "the ApiRole OrderSyncConfigAdmin"),
    ("ProductSynchronization.", &["FullAccess", "ProductSyncConfigAdmin"], "the ApiRole ProductSyncConfigAdmin"),
    ("InventoryIntegrations.", &["FullAccess"], "no ApiRole is named for it: FullAccess only"),
    ("PromotionIntegrations.", &["FullAccess"], "no ApiRole is named for it: FullAccess only"),
    (
        "SubscriptionIntegrations.Get",
        &["FullAccess", "SubscriptionAdmin", "SubscriptionReader"],
        "as Subscriptions.Get",
    ),
    ("SubscriptionIntegrations.", &["FullAccess", "SubscriptionAdmin"], "as SubscriptionIntegrations.Save and .Patch"),
    ("Subscriptions.List", &["FullAccess", "SubscriptionAdmin", "SubscriptionReader"], "as Subscriptions.Get"),
    ("Subscriptions.", &["FullAccess", "SubscriptionAdmin"], "as Subscriptions.Create and Subscriptions.Save"),
    ("SubscriptionItems.List", &["FullAccess", "SubscriptionAdmin", "SubscriptionReader"], "as Subscriptions.Get"),
    ("SubscriptionItems.Get", &["FullAccess", "SubscriptionAdmin", "SubscriptionReader"], "as Subscriptions.Get"),
    ("SubscriptionItems.", &["FullAccess", "SubscriptionAdmin"], "as SubscriptionItems.Save"),
    ("BundleSubscriptionItems.", &["FullAccess", "SubscriptionAdmin"], "as SubscriptionItems.Save"),
    // Assignments of bundles, and of inventory records, as their siblings.
    (
        "Catalogs.ListBundleAssignments",
        &["FullAccess", "CatalogAdmin", "CatalogReader"],
        "as Catalogs.ListProductAssignments",
    ),
    (
        "Catalogs.",
        &["FullAccess", "CatalogAdmin"],
        "as Catalogs.SaveProductAssignment and Catalogs.DeleteProductAssignment",
    ),
    (
        "Categories.ListBundleAssignments",
        &["FullAccess", "CategoryAdmin", "CategoryReader"],
        "as Categories.ListProductAssignments",
    ),
    (
        "Categories.",
        &["FullAccess", "CategoryAdmin"],
        "as Categories.SaveProductAssignment and Categories.DeleteProductAssignment",
    ),
    ("InventoryRecords.ListAssignments", &["FullAccess", "ProductAdmin", "ProductReader"], "as InventoryRecords.List"),
    (
        "InventoryRecords.ListVariantAssignments",
        &["FullAccess", "ProductAdmin", "ProductReader"],
        "as InventoryRecords.ListVariant",
    ),
    ("InventoryRecords.", &["FullAccess", "ProductAdmin"], "as InventoryRecords.Save"),
    // Users and API clients: what changes them.
    (
        "ApiClients.",
        &["FullAccess", "ApiClientAdmin"],
        "as ApiClients.CreateSecret and ApiClients.PatchSecret: a secret is no reader's",
    ),
    ("AdminUsers.", &["FullAccess", "AdminUserAdmin"], "as AdminUsers.Save"),
    ("Users.", &["FullAccess", "BuyerUserAdmin"], "as Users.Save"),
    ("SupplierUsers.", &["FullAccess", "SupplierUserAdmin"], "as SupplierUsers.Save"),
    ("ForgottenCredentials.", &[], "anonymous, as ForgottenCredentials.SendVerificationCode"),
];

/// Unknown operations left to any signed-in caller, on purpose.
const UNKNOWN_ON_PURPOSE: &[&str] = &["Me.RevokeTokens", "GroupOrders.GetToken"];

/// The roles `op` takes in the simulator, and where they come from: `Reference`, `Rule`
/// (a [`ROLE_RULES`] entry) or `Unknown`.
fn roles_of(op: &Op) -> Result<(Vec<String>, &'static str), String> {
    let rule = ROLE_RULES.iter().find(|(pattern, _, _)| match pattern.strip_suffix('.') {
        Some(resource) => op.id.split_once('.').is_some_and(|(name, _)| name == resource),
        None => op.id == *pattern,
    });
    match (op.roles_known, rule) {
        (true, Some((pattern, _, _))) if !pattern.ends_with('.') => {
            Err(format!("{}: the reference gives its roles; drop its rule from ROLE_RULES", op.id))
        }
        (true, _) => Ok((op.roles.clone(), "Reference")),
        (false, _) if UNKNOWN_ON_PURPOSE.contains(&op.id.as_str()) => Ok((Vec::new(), "Unknown")),
        (false, Some((_, roles, _))) => Ok((roles.iter().map(|role| (*role).to_owned()).collect(), "Rule")),
        (false, None) => Err(format!("{}: its roles are unknown and no rule of ROLE_RULES decides them", op.id)),
    }
}

pub(crate) fn write(spec: &Spec, files: &mut Files) -> Result<(), String> {
    let mut out = header(spec, "//");
    write!(
        out,
        "\n//! OrderCloud's API description {} as the simulator serves it: each operation's route,\n\
         //! roles, body and answer, its own query parameters and the parents its path names, the\n\
         //! schema an assignment operation stores, each schema's fields and read-only fields, and\n\
         //! the tree of routes.\n\nuse super::{{Described, Node, Parent, RolesFrom}};\n\n",
        spec.version
    )
    .ok();
    let all: Vec<&Op> = spec.all_operations.iter().collect();
    for rule in ROLE_RULES {
        if !all.iter().any(|op| op.id == rule.0 || (rule.0.ends_with('.') && op.id.starts_with(rule.0))) {
            return Err(format!("the role rule for {} names no operation", rule.0));
        }
    }
    // The fields and read-only fields of each schema a body is made of, once, for the
    // operations to point at.
    let bodies: std::collections::BTreeSet<&str> =
        all.iter().filter_map(|op| op.body.as_ref()).map(|body| body.schema.as_str()).collect();
    for schema in spec.schemas.iter().filter(|schema| bodies.contains(schema.name.as_str())) {
        let fields: Vec<String> = schema.properties.iter().map(|property| format!("\"{}\"", property.json)).collect();
        let read_only: Vec<String> = schema
            .properties
            .iter()
            .filter(|property| property.read_only)
            .map(|property| format!("\"{}\"", property.json))
            .collect();
        let name = snake_case(&schema.name).to_ascii_uppercase();
        writeln!(out, "const {name}_FIELDS: &[&str] = &[{}];", fields.join(", ")).ok();
        writeln!(out, "const {name}_READ_ONLY: &[&str] = &[{}];", read_only.join(", ")).ok();
    }
    out.push_str("\n/// Every operation of the description, hand-written ones included.\npub(crate) const OPERATIONS: &[Described] = &[\n");
    for (index, op) in all.iter().enumerate() {
        let (roles, from) = roles_of(op)?;
        let roles: Vec<String> = roles.iter().map(|role| format!("\"{role}\"")).collect();
        let body = op.body.as_ref().map_or("None".to_owned(), |body| format!("Some(\"{}\")", body.schema));
        let (fields, read_only) = match op.body.as_ref().and_then(|body| spec.schema(&body.schema)) {
            Some(schema) => {
                let name = snake_case(&schema.name).to_ascii_uppercase();
                (format!("{name}_FIELDS"), format!("{name}_READ_ONLY"))
            }
            None => ("&[]".to_owned(), "&[]".to_owned()),
        };
        let required: Vec<String> =
            op.body.iter().flat_map(|body| &body.required).map(|field| format!("\"{field}\"")).collect();
        let (answer, list, facets) = match &op.answer {
            Answer::Nothing => ("None".to_owned(), false, false),
            Answer::Model(name) => (format!("Some(\"{name}\")"), false, false),
            Answer::List { item, facets } => (format!("Some(\"{item}\")"), true, *facets),
        };
        let assignment = assignment_schema(op, &all)?.map_or("None".to_owned(), |name| format!("Some(\"{name}\")"));
        let stored = stored(op, &all);
        let params: Vec<String> = op.path_params.iter().map(|param| format!("\"{{{}}}\"", param.name)).collect();
        let query: Vec<String> =
            op.required_query.iter().chain(&op.optional_query).map(|param| format!("\"{}\"", param.name)).collect();
        let parents: Vec<String> = parents(op, &all)
            .into_iter()
            .map(|(param, schema)| format!("Parent {{ param: \"{{{param}}}\", schema: \"{schema}\" }}"))
            .collect();
        let cart = cart_equivalent(op, &all)?.map_or("None".to_owned(), |index| format!("Some({index})"));
        writeln!(
            out,
            "    // {index}\n    Described {{ id: \"{}\", method: \"{}\", label: \"/v1{}\", roles: &[{}], roles_from: RolesFrom::{from}, body: {body}, fields: {fields}, read_only: {read_only}, required: &[{}], answer: {answer}, status: {}, list: {list}, facets: {facets}, assignment: {assignment}, stored: {stored}, params: &[{}], query: &[{}], parents: &[{}], cart: {cart} }},",
            op.id,
            op.method,
            op.path,
            roles.join(", "),
            required.join(", "),
            op.status,
            params.join(", "),
            query.join(", "),
            parents.join(", "),
        )
        .ok();
    }
    out.push_str("];\n\n");
    write_routes(&all, &mut out)?;
    files.push((FILE.to_owned(), out));
    Ok(())
}

/// A node of the route tree while it is built: the literal segments after it (lower case),
/// the node after a parameter, and the operations whose path ends here.
#[derive(Default)]
struct Building {
    literals: BTreeMap<String, usize>,
    param: Option<usize>,
    operations: Vec<usize>,
}

/// `ROUTES`: the tree of every operation's path, its root first. Two operations with the
/// same method at the same node are an error.
fn write_routes(all: &[&Op], out: &mut String) -> Result<(), String> {
    let mut nodes = vec![Building::default()];
    for (index, op) in all.iter().enumerate() {
        let mut node = 0;
        for segment in op.path.trim_matches('/').split('/') {
            let next = if segment.starts_with('{') {
                nodes[node].param
            } else {
                nodes[node].literals.get(&segment.to_ascii_lowercase()).copied()
            };
            node = match next {
                Some(next) => next,
                None => {
                    nodes.push(Building::default());
                    let created = nodes.len() - 1;
                    if segment.starts_with('{') {
                        nodes[node].param = Some(created);
                    } else {
                        nodes[node].literals.insert(segment.to_ascii_lowercase(), created);
                    }
                    created
                }
            };
        }
        if let Some(&other) = nodes[node].operations.iter().find(|&&other| all[other].method == op.method) {
            return Err(format!("{} and {} have the same route", all[other].id, op.id));
        }
        nodes[node].operations.push(index);
    }
    out.push_str("/// The route tree: each node's literal segments (lower case, in order) and the node each\n/// leads to, the node after a parameter, and the operations (by index) whose path ends\n/// there. The root is the first.\npub(crate) const ROUTES: &[Node] = &[\n");
    for (index, node) in nodes.iter().enumerate() {
        let literals: Vec<String> =
            node.literals.iter().map(|(literal, next)| format!("(\"{literal}\", {next})")).collect();
        let param = node.param.map_or("None".to_owned(), |next| format!("Some({next})"));
        let operations: Vec<String> = node.operations.iter().map(usize::to_string).collect();
        writeln!(
            out,
            "    // {index}\n    Node {{ literals: &[{}], param: {param}, operations: &[{}] }},",
            literals.join(", "),
            operations.join(", ")
        )
        .ok();
    }
    out.push_str("];\n");
    Ok(())
}

/// The parents `op`'s path names: each path parameter before the item's (and other than
/// the order's `{direction}`), with the schema stored at the path up to it, as its get
/// operation answers (`Object` when none does).
fn parents(op: &Op, all: &[&Op]) -> Vec<(String, String)> {
    let parts: Vec<&str> = op.path.trim_matches('/').split('/').collect();
    let last = parts.len().saturating_sub(1);
    let item_op =
        matches!(op.method.as_str(), "GET" | "PUT" | "PATCH" | "DELETE") && !matches!(op.answer, Answer::List { .. });
    let mut parents = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        let Some(name) = part.strip_prefix('{').and_then(|part| part.strip_suffix('}')) else { continue };
        if name == "direction" || (index == last && item_op) {
            continue;
        }
        let prefix = format!("/{}", parts[..=index].join("/"));
        let schema = all
            .iter()
            .find(|other| {
                other.method == "GET"
                    && !matches!(other.answer, Answer::List { .. })
                    && other.path.eq_ignore_ascii_case(&prefix)
            })
            .and_then(|other| match &other.answer {
                Answer::Model(name) => Some(name.clone()),
                _ => None,
            })
            .unwrap_or_else(|| "Object".to_owned());
        parents.push((name.to_owned(), schema));
    }
    parents
}

/// For an operation of the Cart (`/cart/...`), the order operation it stands for: the same
/// method at `/orders/{direction}/{orderID}/...`. `Cart.SetActiveCart` stands for none.
fn cart_equivalent(op: &Op, all: &[&Op]) -> Result<Option<usize>, String> {
    let Some(rest) = op.path.strip_prefix("/cart") else { return Ok(None) };
    if op.id == "Cart.SetActiveCart" {
        return Ok(None);
    }
    let path = format!("/orders/{{direction}}/{{orderID}}{rest}");
    all.iter()
        .position(|other| other.method == op.method && other.path == path)
        .map(Some)
        .ok_or_else(|| format!("{}: no order operation is {} {path}", op.id, op.method))
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
