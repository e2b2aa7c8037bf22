//! What the .NET SDK's generated code (`src/OrderCloud.SDK/Generated/`) says: each
//! operation's route and the query parameters it needs (`Resources.cs`, one line per
//! method), and each model's fields with `[ApiReadOnly]`, `[ApiWriteOnly]`, `[Required]`,
//! `[RequiredForCountries]`, defaults and docs, and the enums (`Models.cs`).

use std::collections::BTreeMap;

use super::text::{closing, normalized, resolve, split_top, xml_element};

/// How .NET's docs mark what is in beta.
pub(crate) const BETA: &str = "Features in beta are subject to change and are not available in production.";

pub(crate) struct DotnetSdk {
    pub(crate) operations: Vec<DotnetOperation>,
    pub(crate) models: Vec<DotnetModel>,
    pub(crate) enums: Enums,
}

/// Enums by name, with their values.
pub(crate) type Enums = Vec<(String, Vec<String>)>;

#[derive(Debug, PartialEq)]
pub(crate) struct DotnetOperation {
    /// `Cart` for `CartResource`.
    pub(crate) class: String,
    /// `CreateLineItem` for `CreateLineItemAsync`.
    pub(crate) method: String,
    pub(crate) verb: String,
    /// `/cart/lineitems/{lineItemID}`.
    pub(crate) path: String,
    /// The method's arguments (the access token left out): type, name, default.
    pub(crate) args: Vec<DotnetArg>,
    /// The query parameters sent, in order; `filters` for the flattened filters.
    pub(crate) query: Vec<String>,
    /// The body's argument and type (`PartialLineItem`).
    pub(crate) body: Option<(String, String)>,
    /// The answer's type, type parameters resolved: `ListPage<LineItem>`; `None` for none.
    pub(crate) returns: Option<String>,
    /// The interface's `<summary>`: the summary, `. `, then the description (the beta
    /// notice left out).
    pub(crate) summary: String,
    /// The docs say the operation is in beta.
    pub(crate) beta: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DotnetArg {
    pub(crate) ty: String,
    pub(crate) name: String,
    /// `= null`, `= 1`...: the argument may be left out.
    pub(crate) default: Option<String>,
}

impl DotnetOperation {
    /// `EntitySyncs.GetProducts`.
    pub(crate) fn id(&self) -> String {
        format!("{}.{}", self.class, self.method)
    }

    /// The argument `name`.
    pub(crate) fn arg(&self, name: &str) -> Option<&DotnetArg> {
        self.args.iter().find(|arg| arg.name == name)
    }
}

#[derive(Debug, PartialEq)]
pub(crate) struct DotnetModel {
    pub(crate) name: String,
    pub(crate) fields: Vec<DotnetField>,
    /// The docs say the model is in beta.
    pub(crate) beta: bool,
}

#[derive(Debug, PartialEq)]
pub(crate) struct DotnetField {
    /// The JSON name.
    pub(crate) name: String,
    /// The C# type: `string`, `DateTimeOffset?`, `IList<LineItemSpec>`, `dynamic`.
    pub(crate) ty: String,
    /// `ApiReadOnly`, `Required`, `RequiredForCountries("US","CA")`...
    pub(crate) attributes: Vec<String>,
    /// The value given to `GetProp` when the field is not set: `true`, `1`, `null`.
    pub(crate) default: Option<String>,
    pub(crate) summary: String,
}

impl DotnetField {
    pub(crate) fn has(&self, attribute: &str) -> bool {
        self.attributes.iter().any(|a| a == attribute || a.starts_with(&format!("{attribute}(")))
    }

    /// The countries of `[RequiredForCountries("US","CA")]`.
    pub(crate) fn required_for_countries(&self) -> Option<Vec<String>> {
        let attribute = self.attributes.iter().find_map(|a| a.strip_prefix("RequiredForCountries("))?;
        Some(attribute.trim_end_matches(')').split(',').map(|c| c.trim().trim_matches('"').to_owned()).collect())
    }
}

/// Reads `Resources.cs` and `Models.cs` (their text, line ends as they come).
pub(crate) fn read(resources: &str, models: &str) -> Result<DotnetSdk, String> {
    let (resources, models) = (normalized(resources), normalized(models));
    let operations = operations(&resources).map_err(|error| format!("Resources.cs: {error}"))?;
    let (models, enums) = models_and_enums(&models).map_err(|error| format!("Models.cs: {error}"))?;
    Ok(DotnetSdk { operations, models, enums })
}

/// The operations of `Resources.cs`: one per resource method, from the line that builds
/// its request with every argument spelled out.
pub(crate) fn operations(text: &str) -> Result<Vec<DotnetOperation>, String> {
    let summaries = summaries(text);
    let mut operations: Vec<DotnetOperation> = Vec::new();
    let mut class = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("public class ") {
            class = rest.split_once("Resource : OrderCloudResource").map(|(name, _)| name.to_owned());
            continue;
        }
        let Some(class) = &class else { continue };
        if !trimmed.contains("=> Request(") || trimmed.contains("SetListOptions(") {
            // Overloads that delegate, and the list-options-builder overloads, repeat a
            // method with other arguments.
            continue;
        }
        let op = operation(class, trimmed).map_err(|error| format!("{error} in {trimmed:?}"))?;
        if let Some(earlier) =
            operations.iter().find(|earlier| earlier.class == op.class && earlier.method == op.method)
        {
            if (earlier.verb.as_str(), earlier.path.as_str()) != (op.verb.as_str(), op.path.as_str()) {
                return Err(format!("{}: two routes", op.id()));
            }
            continue;
        }
        let summary = summaries.get(&(class.clone(), op.method.clone())).cloned().unwrap_or_default();
        let (summary, beta) = match summary.strip_prefix(BETA) {
            Some(rest) => (rest.trim().to_owned(), true),
            None => (summary, false),
        };
        operations.push(DotnetOperation { summary, beta, ..op });
    }
    Ok(operations)
}

/// The `<summary>` of each method of each resource interface (`ICartResource`).
fn summaries(text: &str) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    let mut interface = None;
    let mut summary = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("public interface I") {
            interface = rest.strip_suffix("Resource").map(str::to_owned);
            continue;
        }
        if let Some(text) = xml_element(trimmed, "summary") {
            summary = Some(text);
            continue;
        }
        if !trimmed.starts_with("Task") {
            continue;
        }
        let name = trimmed.split_whitespace().nth(1).and_then(|name| name.split(['<', '(']).next());
        if let (Some(interface), Some(text), Some(name)) = (&interface, summary.take(), name) {
            let method = name.strip_suffix("Async").unwrap_or(name).to_owned();
            out.entry((interface.clone(), method)).or_insert(text);
        }
    }
    out
}

/// One `public Task<T> NameAsync<T>(args) where T : M => Request("v1", ..)...;` line.
fn operation(class: &str, line: &str) -> Result<DotnetOperation, String> {
    let rest = line.strip_prefix("public Task").ok_or("not a method")?;
    let (returns, rest) = if rest.starts_with('<') {
        let close = closing(rest, 0).ok_or("an unclosed return type")?;
        (Some(rest[1..close].to_owned()), &rest[close + 1..])
    } else {
        (None, rest)
    };
    let rest = rest.trim_start();
    let name_end = rest.find(['<', '(']).ok_or("no argument list")?;
    let method = rest[..name_end].strip_suffix("Async").ok_or("a method whose name does not end in Async")?;
    let mut index = name_end;
    if rest[index..].starts_with('<') {
        index = closing(rest, index).ok_or("unclosed type parameters")? + 1;
    }
    let args_end = closing(rest, index).ok_or("an unclosed argument list")?;
    let mut args = Vec::new();
    for arg in split_top(&rest[index + 1..args_end], b',') {
        let (declaration, default) = match arg.split_once(" = ") {
            Some((declaration, default)) => (declaration, Some(default.to_owned())),
            None => (arg, None),
        };
        let (ty, name) = declaration.rsplit_once(' ').ok_or_else(|| format!("an argument {arg:?}"))?;
        if name != "accessToken" {
            args.push(DotnetArg { ty: ty.to_owned(), name: name.to_owned(), default });
        }
    }
    let (constraints, request) = rest[args_end + 1..].split_once("=> Request(").ok_or("no request")?;
    let mut bounds = BTreeMap::new();
    for constraint in constraints.split("where ").skip(1) {
        if let Some((parameter, bound)) = constraint.split_once(" : ") {
            bounds.insert(parameter.trim().to_owned(), bound.trim().trim_end_matches(',').to_owned());
        }
    }
    let returns = returns.map(|ty| resolve(&ty, &bounds));
    let segments_end = request.find(')').ok_or("an unclosed route")?;
    let mut path = String::new();
    for (position, segment) in request[..segments_end].split(", ").enumerate() {
        let segment = segment.trim();
        match segment.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            Some("v1") if position == 0 => {}
            Some(literal) => path.push_str(&format!("/{literal}")),
            None if position == 0 => return Err("a route outside v1".to_owned()),
            None => path.push_str(&format!("/{{{segment}}}")),
        }
    }
    let calls = &request[segments_end..];
    const VERBS: &[(&str, &str)] = &[
        (".GetJsonAsync", "GET"),
        (".PostJsonAsync", "POST"),
        (".PostAsync", "POST"),
        (".PutJsonAsync", "PUT"),
        (".PutAsync", "PUT"),
        (".PatchJsonAsync", "PATCH"),
        (".DeleteAsync", "DELETE"),
    ];
    let verbs: Vec<&str> = VERBS.iter().filter(|(call, _)| calls.contains(call)).map(|(_, verb)| *verb).collect();
    let [verb] = verbs[..] else { return Err(format!("{} HTTP verbs", verbs.len())) };
    let mut query = Vec::new();
    for part in calls.split(".SetQueryParams(").skip(1) {
        let part = part.split(')').next().unwrap_or("");
        match part.strip_prefix("new { ").and_then(|names| names.strip_suffix(" }")) {
            Some(names) => query.extend(names.split(", ").map(str::to_owned)),
            None if part == "filters" => query.push("filters".to_owned()),
            None => return Err(format!("query parameters {part:?}")),
        }
    }
    let body_argument = calls
        .split_once("ValidateModel(")
        .or_else(|| calls.split_once("JsonAsync("))
        .and_then(|(_, rest)| rest.split(')').next())
        .filter(|name| !name.is_empty() && *name != "null");
    let body = match body_argument {
        Some(name) => {
            let arg =
                args.iter().find(|arg| arg.name == name).ok_or_else(|| format!("the body {name} is no argument"))?;
            Some((name.to_owned(), arg.ty.clone()))
        }
        None => None,
    };
    Ok(DotnetOperation {
        class: class.to_owned(),
        method: method.to_owned(),
        verb: verb.to_owned(),
        path,
        args,
        query,
        body,
        returns,
        summary: String::new(),
        beta: false,
    })
}

/// The models (the partial and generic subclasses left out) and enums of `Models.cs`.
pub(crate) fn models_and_enums(text: &str) -> Result<(Vec<DotnetModel>, Enums), String> {
    let mut models: Vec<DotnetModel> = Vec::new();
    let mut enums = Vec::new();
    let mut current: Option<DotnetModel> = None;
    let mut attributes = Vec::new();
    let mut summary = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("public enum ") {
            let (name, values) = rest.split_once(" { ").ok_or_else(|| format!("an enum {trimmed:?}"))?;
            let values = values.strip_suffix(" }").ok_or_else(|| format!("an enum {trimmed:?}"))?;
            enums.push((name.to_owned(), values.split(", ").map(str::to_owned).collect()));
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("public class ") {
            models.extend(current.take());
            let (name, base) = rest.split_once(" : ").ok_or_else(|| format!("a class without a base {trimmed:?}"))?;
            // `PartialX : X, IPartial { }` and `X<Txp> : X` only re-declare X.
            if base == "OrderCloudModel" && !name.contains('<') {
                current = Some(DotnetModel { name: name.to_owned(), fields: Vec::new(), beta: summary.contains(BETA) });
            }
            attributes.clear();
            summary.clear();
            continue;
        }
        if let Some(text) = xml_element(trimmed, "summary") {
            // A field's, or the next class's.
            summary = text;
            continue;
        }
        let Some(model) = &mut current else { continue };
        if let Some(attribute) = trimmed.strip_prefix('[').and_then(|a| a.strip_suffix(']')) {
            attributes.push(attribute.to_owned());
        } else if trimmed.starts_with("public ") {
            let field = property(trimmed).ok_or_else(|| format!("{}: a property {trimmed:?}", model.name))?;
            model.fields.push(DotnetField {
                attributes: std::mem::take(&mut attributes),
                summary: std::mem::take(&mut summary),
                ..field
            });
        }
    }
    models.extend(current);
    Ok((models, enums))
}

/// `public string ID { get => GetProp<string>("ID"); set => ... }`.
fn property(line: &str) -> Option<DotnetField> {
    let rest = line.strip_prefix("public ")?;
    let rest = rest.strip_prefix("new ").unwrap_or(rest);
    let (declaration, accessors) = rest.split_once(" { get => GetProp<")?;
    let (ty, _) = declaration.rsplit_once(' ')?;
    let start = accessors.find(">(\"")? + 3;
    let end = start + accessors[start..].find('"')?;
    let name = accessors[start..end].to_owned();
    let after = &accessors[end + 1..];
    let default = after.strip_prefix(", ").and_then(|d| d.split_once("); set").map(|(value, _)| value.to_owned()));
    let default = default.filter(|value| !value.starts_with("new "));
    Some(DotnetField { name, ty: ty.to_owned(), attributes: Vec::new(), default, summary: String::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESOURCES: &str = "\tpublic interface ICartResource\n\t{\n\t\t/// <summary>Retrieve a cart. If the ID is null, the cart is new.</summary>\n\t\t/// <param name=\"accessToken\">Optional.</param>\n\t\tTask<Order> GetAsync(string accessToken = null);\n\t}\n\tpublic class CartResource : OrderCloudResource, ICartResource\n\t{\n\t\tinternal CartResource(OrderCloudClient client) : base(client) { }\n\t\tpublic Task<Order> GetAsync(string accessToken = null) => GetAsync<Order>(accessToken);\n\t\tpublic Task<TOrder> GetAsync<TOrder>(string accessToken = null) where TOrder : Order => Request(\"v1\", \"cart\").WithOAuthBearerToken(accessToken).GetJsonAsync<TOrder>();\n\t\tpublic Task SetActiveCartAsync(string orderID, string accessToken = null) => Request(\"v1\", \"cart\", orderID).WithOAuthBearerToken(accessToken).PutAsync(null);\n\t\tpublic Task<ListPage<TUser>> MoveAsync<TUser>(string buyerID, UserOrderMoveOption orders, bool all = false, string accessToken = null) where TUser : User => Request(\"v1\", \"buyers\", buyerID, \"move\").WithOAuthBearerToken(accessToken).SetQueryParams(new { orders, all }).SetQueryParams(filters).PostJsonAsync(ValidateModel(partialUser)).ReceiveJson<TUser>();\n\t\tpublic Task<ListPage<TUser>> MoveAsync<TUser>(string buyerID, Action<ListOptionsBuilder<TUser>> buildListOpts, string accessToken = null) where TUser : User => Request(\"v1\", \"buyers\", buyerID, \"move\").WithOAuthBearerToken(accessToken).SetListOptions(buildListOpts).PostJsonAsync(null);\n\t}\n";

    #[test]
    fn reads_resource_lines() {
        let text = RESOURCES.replace("ValidateModel(partialUser)", "ValidateModel(orders)");
        let ops = operations(&text).unwrap();
        assert_eq!(ops.len(), 3);
        assert_eq!((ops[0].id().as_str(), ops[0].verb.as_str(), ops[0].path.as_str()), ("Cart.Get", "GET", "/cart"));
        assert_eq!(ops[0].returns.as_deref(), Some("Order"));
        assert_eq!(ops[0].summary, "Retrieve a cart. If the ID is null, the cart is new.");
        assert!(!ops[0].beta);
        let beta = operations(&text.replace("<summary>Retrieve", &format!("<summary>{BETA} Retrieve"))).unwrap();
        assert_eq!(
            (beta[0].summary.as_str(), beta[0].beta),
            ("Retrieve a cart. If the ID is null, the cart is new.", true)
        );
        assert_eq!(
            (ops[1].verb.as_str(), ops[1].path.as_str(), ops[1].body.is_none()),
            ("PUT", "/cart/{orderID}", true)
        );
        let mv = &ops[2];
        assert_eq!(mv.returns.as_deref(), Some("ListPage<User>"));
        assert_eq!(mv.query, ["orders", "all", "filters"]);
        assert_eq!(mv.arg("orders").unwrap().default, None);
        assert_eq!(mv.arg("all").unwrap().default.as_deref(), Some("false"));
        assert_eq!(mv.body, Some(("orders".to_owned(), "UserOrderMoveOption".to_owned())));
        assert!(
            operations(
                &RESOURCES.replace("PostJsonAsync(ValidateModel(partialUser))", "PostJsonAsync(ValidateModel(x))")
            )
            .is_err()
        );
    }

    #[test]
    fn reads_models_attributes_and_enums() {
        let text = &"\tpublic enum OrderDirection { Incoming, Outgoing, All }\n\tpublic class Address : OrderCloudModel\n\t{\n\t\t/// <summary>Date created. Sortable.</summary>\n\t\t[ApiReadOnly]\n\t\tpublic DateTimeOffset? DateCreated { get => GetProp<DateTimeOffset?>(\"DateCreated\"); set => SetProp<DateTimeOffset?>(\"DateCreated\", value); }\n\t\t/// <summary>State. Required. Max length 100 characters.</summary>\n\t\t[RequiredForCountries(\"US\",\"CA\")]\n\t\tpublic string State { get => GetProp<string>(\"State\"); set => SetProp<string>(\"State\", value); }\n\t\tpublic bool Active { get => GetProp<bool>(\"Active\", true); set => SetProp<bool>(\"Active\", value); }\n\t\tpublic IList<string> Tags { get => GetProp<IList<string>>(\"Tags\", new List<string>()); set => SetProp<IList<string>>(\"Tags\", value); }\n\t}\n\t/// <summary>BETA_NOTICE</summary>\n\tpublic class Invitation : OrderCloudModel\n\t{\n\t}\n\tpublic class Address<Txp> : Address\n\t{\n\t\tpublic new Txp xp { get => GetProp<Txp>(\"xp\"); set => SetProp<Txp>(\"xp\", value); }\n\t}\n\tpublic class PartialAddress : Address, IPartial { }\n".replace("BETA_NOTICE", BETA);
        let (models, enums) = models_and_enums(text).unwrap();
        assert_eq!(enums, [("OrderDirection".to_owned(), vec!["Incoming".into(), "Outgoing".into(), "All".into()])]);
        assert_eq!(models.len(), 2);
        assert!(!models[0].beta && models[1].beta && models[1].name == "Invitation");
        let fields = &models[0].fields;
        assert_eq!(fields.len(), 4);
        assert!(fields[0].has("ApiReadOnly") && fields[0].ty == "DateTimeOffset?");
        assert_eq!(fields[1].required_for_countries(), Some(vec!["US".to_owned(), "CA".to_owned()]));
        assert!(fields[1].has("RequiredForCountries") && !fields[1].has("Required"));
        assert_eq!(fields[1].summary, "State. Required. Max length 100 characters.");
        assert_eq!(fields[2].default.as_deref(), Some("true"));
        assert_eq!((fields[3].ty.as_str(), fields[3].default.as_deref()), ("IList<string>", None));
    }
}
