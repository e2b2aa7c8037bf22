//! What the JS SDK package (`ordercloud-javascript-sdk`, `dist/` only) says: its HTTP calls
//! (`dist/index.js`), its methods and their JSDoc (`dist/api/*.d.ts`), its models and enums
//! (`dist/models/*.d.ts`), and the `searchOn`/`sortBy` values of each list operation
//! (`Searchable.d.ts`, `Sortable.d.ts`). The files are TypeScript's output of templates, so
//! they are read by scanning, with every shape not understood reported.

use std::collections::BTreeMap;
use std::path::Path;

use super::text::{
    closing, is_identifier, normalized, quoted_union, resolve, split_top, strip_block_comments, unwrap,
    without_arguments,
};

/// Classes of the package written by hand, not generated from OrderCloud's description:
/// token flows (`Auth`), token storage (`Tokens`), `Certs` and `UserInfo`.
pub(crate) const HAND_WRITTEN_CLASSES: &[&str] = &["Auth", "Tokens", "Certs", "UserInfo"];

/// The JS SDK as read.
pub(crate) struct JsSdk {
    pub(crate) version: String,
    /// Every method that calls the SDK's HTTP client, hand-written ones included, in the
    /// order of `index.js`.
    pub(crate) operations: Vec<JsOperation>,
    /// Methods that post straight to the token endpoint (`Auth.Login`...): `Class.Method`.
    pub(crate) token_flows: Vec<String>,
    pub(crate) models: Vec<JsModel>,
    /// String unions: `ApiRole`, `OrderStatus`...
    pub(crate) enums: Vec<(String, Vec<String>)>,
    /// The `searchOn` values of each list operation; `None` when any field goes (`string[]`).
    pub(crate) searchable: BTreeMap<String, Option<Vec<String>>>,
    pub(crate) sortable: BTreeMap<String, Option<Vec<String>>>,
}

pub(crate) struct JsOperation {
    pub(crate) class: String,
    pub(crate) method: String,
    /// `POST`.
    pub(crate) verb: String,
    /// `/orders/{direction}/{orderID}/lineitems`, with a leading `/` always.
    pub(crate) path: String,
    pub(crate) path_params: Vec<JsParam>,
    /// The keys of the list options, which is how the SDK sends every query parameter.
    pub(crate) query: Vec<JsParam>,
    pub(crate) body: Option<JsBody>,
    pub(crate) answer: JsAnswer,
    /// `orders-and-fulfillment/cart/create-line-item`.
    pub(crate) slug: Option<String>,
    /// The JSDoc's first text: the summary, a space, then the description.
    pub(crate) text: String,
    /// The JSDoc's `@param <body> Required fields: A, B`.
    pub(crate) required: Option<Vec<String>>,
    pub(crate) hand_written: bool,
}

impl JsOperation {
    /// `Cart.CreateLineItem`.
    pub(crate) fn id(&self) -> String {
        format!("{}.{}", self.class, self.method)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct JsParam {
    pub(crate) name: String,
    /// The TypeScript type: `string`, `OrderDirection`, `'Group' | 'Company'`...
    pub(crate) ty: String,
    pub(crate) description: String,
}

#[derive(Debug, PartialEq)]
pub(crate) struct JsBody {
    /// The model: `LineItem`.
    pub(crate) model: String,
    /// `PartialDeep<LineItem>`.
    pub(crate) partial: bool,
    /// The argument may be left out.
    pub(crate) optional: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum JsAnswer {
    Nothing,
    Model(String),
    List { item: String, facets: bool },
}

pub(crate) struct JsModel {
    pub(crate) name: String,
    pub(crate) fields: Vec<JsField>,
}

#[derive(Debug, PartialEq)]
pub(crate) struct JsField {
    pub(crate) name: String,
    /// The TypeScript type, type arguments and all: `LineItemProduct<TProductXp>`, `string[]`.
    pub(crate) ty: String,
    pub(crate) readonly: bool,
}

/// Reads the unpacked package at `root` (the folder holding `package.json` and `dist/`).
pub(crate) fn read(root: &Path) -> Result<JsSdk, String> {
    let package = read_text(&root.join("package.json"))?;
    let package = crate::json::parse(&package).map_err(|error| format!("package.json: {error}"))?;
    let version = package.text("version").to_owned();
    let dist = root.join("dist");
    let (calls, token_flows) = calls(&read_text(&dist.join("index.js"))?)?;
    let mut methods = BTreeMap::new();
    for file in sorted_files(&dist.join("api"))? {
        if let Some(class) = file.strip_suffix(".d.ts").filter(|class| *class != "index") {
            let text = read_text(&dist.join("api").join(&file))?;
            for method in declared_methods(&text).map_err(|error| format!("dist/api/{file}: {error}"))? {
                methods.insert(format!("{class}.{}", method.name), method);
            }
        }
    }
    let mut operations = Vec::new();
    for call in calls {
        let id = format!("{}.{}", call.class, call.method);
        let method = methods.remove(&id).ok_or_else(|| format!("{id}: a call in index.js with no declaration"))?;
        operations.push(operation(call, method).map_err(|error| format!("{id}: {error}"))?);
    }
    let models_dir = dist.join("models");
    let mut models = Vec::new();
    let mut enums = Vec::new();
    let mut searchable = BTreeMap::new();
    let mut sortable = BTreeMap::new();
    for file in sorted_files(&models_dir)? {
        let Some(name) = file.strip_suffix(".d.ts").filter(|name| *name != "index") else { continue };
        let text = read_text(&models_dir.join(&file))?;
        let context = |error: String| format!("dist/models/{file}: {error}");
        match name {
            "Searchable" => searchable = value_map(&text, "SearchableMap").map_err(context)?,
            "Sortable" => sortable = value_map(&text, "SortableMap").map_err(context)?,
            _ => match declaration(&text).map_err(context)? {
                Declaration::Interface(model) => models.push(model),
                Declaration::Enum(name, values) => enums.push((name, values)),
                Declaration::Other => {}
            },
        }
    }
    Ok(JsSdk { version, operations, token_flows, models, enums, searchable, sortable })
}

fn read_text(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("could not read {}: {error}", path.display()))?;
    Ok(normalized(&text))
}

fn sorted_files(directory: &Path) -> Result<Vec<String>, String> {
    let entries =
        std::fs::read_dir(directory).map_err(|error| format!("could not list {}: {error}", directory.display()))?;
    let mut files: Vec<String> =
        entries.flatten().filter_map(|entry| entry.file_name().to_str().map(str::to_owned)).collect();
    files.sort();
    Ok(files)
}

/// One HTTP call of `index.js`.
#[derive(Debug, PartialEq)]
pub(crate) struct Call {
    pub(crate) class: String,
    pub(crate) method: String,
    /// The method's arguments, in order.
    pub(crate) args: Vec<String>,
    pub(crate) verb: String,
    pub(crate) path: String,
    pub(crate) path_params: Vec<String>,
    /// The argument sent as the body (`data:`) and as the query (`params:`).
    pub(crate) body: Option<String>,
    pub(crate) query: Option<String>,
}

/// The HTTP calls of `index.js`, and the methods that post to the token endpoint
/// themselves. Methods with no call at all (token storage, `As`) are left out.
pub(crate) fn calls(index: &str) -> Result<(Vec<Call>, Vec<String>), String> {
    let mut calls = Vec::new();
    let mut token_flows = Vec::new();
    let mut rest = index;
    while let Some(start) = rest.find(" = /** @class */ (function () {\n") {
        let line_start = rest[..start].rfind('\n').map_or(0, |index| index + 1);
        let class = rest[line_start..start].trim().strip_prefix("var ").unwrap_or("").to_owned();
        if !is_identifier(&class) {
            return Err(format!("index.js: a class declaration without a name near {:?}", &rest[line_start..start]));
        }
        let end_marker = format!("\n    return {class};\n}}());");
        let end = rest[start..].find(&end_marker).ok_or_else(|| format!("index.js: class {class} does not end"))?;
        let body = &rest[start..start + end];
        let marker = format!("\n    {class}.prototype.");
        let starts: Vec<usize> = body.match_indices(&marker).map(|(index, _)| index + marker.len()).collect();
        for (index, &method_start) in starts.iter().enumerate() {
            let text = &body[method_start..starts.get(index + 1).copied().unwrap_or(body.len())];
            let (method, after) = text.split_once(" = function (").ok_or_else(|| format!("{class}: a method?"))?;
            let args: Vec<String> = after.split(')').next().unwrap_or("").split(", ").map(str::to_owned).collect();
            let args = args.into_iter().filter(|arg| !arg.is_empty()).collect();
            let id = format!("{class}.{method}");
            match http_call(text).map_err(|error| format!("{id}: {error}"))? {
                Some((verb, path, path_params, body, query)) => calls.push(Call {
                    class: class.clone(),
                    method: method.to_owned(),
                    args,
                    verb,
                    path,
                    path_params,
                    body,
                    query,
                }),
                None if text.contains("axios") && text.contains("grant_type") => token_flows.push(id),
                None => {}
            }
        }
        rest = &rest[start + end + end_marker.len()..];
    }
    Ok((calls, token_flows))
}

type HttpCall = (String, String, Vec<String>, Option<String>, Option<String>);

/// The call of the SDK's HTTP client in a method's text: verb, path, path parameters,
/// body and query arguments.
fn http_call(text: &str) -> Result<Option<HttpCall>, String> {
    let mut found = None;
    for (index, _) in text.match_indices("http") {
        let before = text[..index].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '.') {
            continue;
        }
        let after = text[index + 4..].trim_start();
        let Some(call) = after.strip_prefix('.') else { continue };
        let Some((verb, arguments)) = call.split_once('(') else { continue };
        if !["get", "post", "put", "patch", "delete"].contains(&verb) {
            continue;
        }
        if found.is_some() {
            return Err("more than one HTTP call".to_owned());
        }
        const OPTIONS: &str = ", __assign(__assign({}, requestOptions), {";
        let split = arguments.find(OPTIONS).ok_or("a call without the request options")?;
        let (path, path_params) = path_expression(&arguments[..split])?;
        let config_start = split + OPTIONS.len() - 1;
        let config_end = closing(arguments, config_start).ok_or("an unclosed request option object")?;
        let mut body = None;
        let mut query = None;
        for entry in split_top(&arguments[config_start + 1..config_end], b',') {
            match entry.split_once(": ") {
                Some(("data", value)) => body = Some(value.to_owned()),
                Some(("params", value)) => query = Some(value.to_owned()),
                Some(("impersonating", _)) => {}
                _ => return Err(format!("an unknown request option {entry:?}")),
            }
        }
        found = Some((verb.to_ascii_uppercase(), path, path_params, body, query));
    }
    Ok(found)
}

/// `"/buyers/".concat(buyerID, "/addresses/").concat(addressID)` as
/// `/buyers/{buyerID}/addresses/{addressID}` and its parameters.
pub(crate) fn path_expression(expression: &str) -> Result<(String, Vec<String>), String> {
    let mut path = String::new();
    let mut params = Vec::new();
    let mut characters = expression.char_indices().peekable();
    while let Some((index, character)) = characters.next() {
        if character == '"' {
            let mut literal = String::new();
            let mut closed = false;
            while let Some((_, inner)) = characters.next() {
                match inner {
                    '\\' => literal.extend(characters.next().map(|(_, escaped)| escaped)),
                    '"' => {
                        closed = true;
                        break;
                    }
                    other => literal.push(other),
                }
            }
            if !closed {
                return Err(format!("an unclosed string in the path {expression:?}"));
            }
            path.push_str(&literal);
        } else if character.is_ascii_alphabetic() || character == '_' {
            let mut end = index + character.len_utf8();
            while let Some(&(next, c)) = characters.peek() {
                if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                    end = next + c.len_utf8();
                    characters.next();
                } else {
                    break;
                }
            }
            let name = &expression[index..end];
            if name != "concat" {
                path.push_str(&format!("{{{name}}}"));
                params.push(name.to_owned());
            }
        } else if !matches!(character, '.' | '(' | ')' | ',' | ' ' | '\n') {
            return Err(format!("a path expression not understood: {expression:?}"));
        }
    }
    if !path.starts_with('/') {
        // `Certs` and `UserInfo` write `oauth/...`.
        path.insert(0, '/');
    }
    Ok((path, params))
}

/// A method declared in `dist/api/<Class>.d.ts`.
#[derive(Debug)]
pub(crate) struct Declared {
    pub(crate) name: String,
    /// Type parameters and their bounds: `TOrder` is `Order`.
    pub(crate) generics: BTreeMap<String, String>,
    pub(crate) params: Vec<(String, bool, String)>,
    pub(crate) returns: String,
    pub(crate) doc: Doc,
}

#[derive(Debug, Default, PartialEq)]
pub(crate) struct Doc {
    /// The text before the tags, the `{@link ..|api docs}` line left out.
    pub(crate) text: String,
    pub(crate) slug: Option<String>,
    /// `@param name text`, in order.
    pub(crate) params: Vec<(String, String)>,
}

/// The methods of the class declared in a `dist/api/*.d.ts` file, with their JSDoc.
pub(crate) fn declared_methods(text: &str) -> Result<Vec<Declared>, String> {
    let start = text.find("declare class ").ok_or("no class declaration")?;
    let open = start + text[start..].find('{').ok_or("no class body")?;
    let end = closing(text, open).ok_or("an unclosed class body")?;
    let mut body = &text[open + 1..end];
    let mut methods = Vec::new();
    let mut doc = None;
    loop {
        body = body.trim_start();
        if body.is_empty() {
            break;
        }
        if let Some(comment) = body.strip_prefix("/**") {
            let close = comment.find("*/").ok_or("an unclosed comment")?;
            doc = Some(parse_doc(&comment[..close]));
            body = &comment[close + 2..];
            continue;
        }
        let statement_end = statement_end(body).ok_or("a member without its `;`")?;
        let statement = body[..statement_end].trim();
        body = &body[statement_end + 1..];
        let doc = doc.take().unwrap_or_default();
        if statement.starts_with("private ") || statement.starts_with("constructor(") || statement.starts_with("As(") {
            continue;
        }
        methods.push(signature(statement, doc).map_err(|error| format!("{error} in {statement:?}"))?);
    }
    Ok(methods)
}

/// The index of the `;` ending the statement at the start of `text`, outside brackets.
fn statement_end(text: &str) -> Option<usize> {
    let mut index = 0;
    let bytes = text.as_bytes();
    while index < bytes.len() {
        match bytes[index] {
            b'(' | b'[' | b'{' | b'<' => index = closing(text, index)?,
            b';' => return Some(index),
            _ => {}
        }
        index += 1;
    }
    None
}

/// `Name<T extends A>(a: string, b?: B): Promise<R>` as a declared method.
fn signature(statement: &str, doc: Doc) -> Result<Declared, String> {
    let name_end = statement.find(['<', '(']).ok_or("no parameter list")?;
    let name = statement[..name_end].trim().to_owned();
    let mut generics = BTreeMap::new();
    let mut index = name_end;
    if statement[index..].starts_with('<') {
        let close = closing(statement, index).ok_or("unclosed type parameters")?;
        for generic in split_top(&statement[index + 1..close], b',') {
            let (parameter, bound) = generic.split_once(" extends ").unwrap_or((generic, "any"));
            generics.insert(parameter.trim().to_owned(), bound.trim().to_owned());
        }
        index = close + 1;
    }
    let close = closing(statement, index).ok_or("an unclosed parameter list")?;
    let mut params = Vec::new();
    for param in split_top(&statement[index + 1..close], b',') {
        let (param_name, ty) = param.split_once(':').ok_or("a parameter without a type")?;
        let optional = param_name.trim().ends_with('?');
        params.push((param_name.trim().trim_end_matches('?').to_owned(), optional, collapse(ty)));
    }
    let returns = statement[close + 1..].trim().strip_prefix(':').ok_or("no return type")?;
    Ok(Declared { name, generics, params, returns: collapse(returns), doc })
}

/// `text` with each run of white space one space.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A JSDoc comment's body (between `/**` and `*/`).
pub(crate) fn parse_doc(comment: &str) -> Doc {
    let mut doc = Doc::default();
    let mut text = Vec::new();
    let mut current_param: Option<(String, String)> = None;
    for line in comment.lines() {
        let line = line.trim().trim_start_matches('*').trim();
        if let Some(link) = line.strip_prefix("Check out the {@link https://ordercloud.io/api-reference/") {
            doc.slug = link.split('|').next().map(str::to_owned);
            continue;
        }
        if let Some(param) = line.strip_prefix("@param ") {
            doc.params.extend(current_param.take());
            let (name, description) = param.split_once(' ').unwrap_or((param, ""));
            current_param = Some((name.to_owned(), description.trim().to_owned()));
            continue;
        }
        if line.starts_with('@') {
            doc.params.extend(current_param.take());
            continue;
        }
        match &mut current_param {
            Some((_, description)) if !line.is_empty() => {
                description.push(' ');
                description.push_str(line);
            }
            Some(_) => {}
            None if !line.is_empty() => text.push(line),
            None => {}
        }
    }
    doc.params.extend(current_param);
    doc.text = text.join(" ");
    doc
}

/// One operation from its call and its declaration.
fn operation(call: Call, declared: Declared) -> Result<JsOperation, String> {
    let declared_names: Vec<&str> = declared.params.iter().map(|(name, _, _)| name.as_str()).collect();
    if declared_names != call.args {
        return Err(format!("index.js takes {:?}, the declaration {declared_names:?}", call.args));
    }
    let param = |name: &str| declared.params.iter().find(|(param, _, _)| param == name);
    let described = |name: &str| {
        declared.doc.params.iter().find(|(param, _)| param == name).map(|(_, text)| text.clone()).unwrap_or_default()
    };
    for arg in &call.args {
        let accounted = call.path_params.contains(arg)
            || call.body.as_ref() == Some(arg)
            || call.query.as_ref() == Some(arg)
            || arg == "requestOptions";
        if !accounted {
            return Err(format!("the argument {arg} is neither path, body, query nor request options"));
        }
    }
    let mut path_params = Vec::new();
    for name in &call.path_params {
        let (_, _, ty) = param(name).ok_or_else(|| format!("the path parameter {name} is not declared"))?;
        path_params.push(JsParam { name: name.clone(), ty: ty.clone(), description: described(name) });
    }
    let mut query = Vec::new();
    if let Some(options) = &call.query {
        let (_, _, ty) = param(options).ok_or("the list options are not declared")?;
        let inner =
            ty.strip_prefix('{').and_then(|ty| ty.strip_suffix('}')).ok_or("list options that are no object")?;
        for member in split_top(inner, b';') {
            let (name, ty) = member.split_once(':').ok_or_else(|| format!("a list option {member:?}"))?;
            let name = name.trim().trim_end_matches('?');
            query.push(JsParam {
                name: name.to_owned(),
                ty: ty.trim().to_owned(),
                description: described(&format!("{options}.{name}")),
            });
        }
    }
    let mut required = None;
    let body = match &call.body {
        None => None,
        Some(name) => {
            let (_, optional, ty) = param(name).ok_or("the body is not declared")?;
            let ty = resolve(ty, &declared.generics);
            let (model, partial) = match unwrap(&ty, "PartialDeep") {
                Some(inner) => (inner.to_owned(), true),
                None => (ty.clone(), false),
            };
            if !is_identifier(&model) {
                return Err(format!("a body of type {ty}"));
            }
            if let Some(list) = described(name).strip_prefix("Required fields: ") {
                required = Some(list.split(',').map(|field| field.trim().to_owned()).collect());
            }
            Some(JsBody { model, partial, optional: *optional })
        }
    };
    let answer = answer(&declared.returns, &declared.generics)?;
    let (text, slug) = (declared.doc.text.clone(), declared.doc.slug.clone());
    Ok(JsOperation {
        hand_written: HAND_WRITTEN_CLASSES.contains(&call.class.as_str()),
        class: call.class,
        method: call.method,
        verb: call.verb,
        path: call.path,
        path_params,
        query,
        body,
        answer,
        slug,
        text,
        required,
    })
}

/// The answer of a method from its return type: `Promise<RequiredDeep<ListPage<TUser>>>`.
pub(crate) fn answer(returns: &str, generics: &BTreeMap<String, String>) -> Result<JsAnswer, String> {
    let ty = unwrap(returns, "Promise").ok_or_else(|| format!("a method that returns {returns}"))?;
    if ty == "void" {
        return Ok(JsAnswer::Nothing);
    }
    let ty = resolve(unwrap(ty, "RequiredDeep").unwrap_or(ty), generics);
    let list = |facets| move |item: &str| JsAnswer::List { item: item.to_owned(), facets };
    let answer = unwrap(&ty, "ListPage")
        .map(list(false))
        .or_else(|| unwrap(&ty, "ListPageWithFacets").map(list(true)))
        .unwrap_or_else(|| JsAnswer::Model(ty.clone()));
    match &answer {
        JsAnswer::Model(name) | JsAnswer::List { item: name, .. } if is_identifier(name) => Ok(answer),
        _ => Err(format!("an answer of type {ty}")),
    }
}

enum Declaration {
    Interface(JsModel),
    Enum(String, Vec<String>),
    Other,
}

/// The interface or string union a `dist/models/*.d.ts` file declares.
fn declaration(text: &str) -> Result<Declaration, String> {
    let text = strip_block_comments(text);
    if let Some(start) = text.find("export interface ") {
        let open = start + text[start..].find('{').ok_or("an interface without a body")?;
        let close = closing(&text, open).ok_or("an unclosed interface")?;
        let head = &text[start + "export interface ".len()..open];
        let name = without_arguments(head.split_whitespace().next().unwrap_or("")).to_owned();
        let members = split_top(&text[open + 1..close], b';');
        if members.iter().any(|member| member.starts_with('[')) {
            // A map (`Filters`), not a model.
            return Ok(Declaration::Other);
        }
        let mut fields = Vec::new();
        for member in members {
            let (head, ty) = member.split_once(':').ok_or_else(|| format!("a member {member:?}"))?;
            let (readonly, head) = match head.trim().strip_prefix("readonly ") {
                Some(head) => (true, head),
                None => (false, head.trim()),
            };
            // `?` marks nothing reliable: `Product.Name` is optional, `PriceSchedule.Name` not.
            let field = head.trim_end_matches('?');
            if !is_identifier(field) {
                return Err(format!("a member {member:?}"));
            }
            fields.push(JsField { name: field.to_owned(), ty: collapse(ty), readonly });
        }
        return Ok(Declaration::Interface(JsModel { name, fields }));
    }
    if let Some(start) = text.find("export declare type ") {
        let rest = &text[start + "export declare type ".len()..];
        let (name, value) = rest.split_once(" = ").ok_or("a type without a value")?;
        let value = value.split(';').next().unwrap_or("").trim();
        return Ok(match quoted_union(value) {
            Some(values) if is_identifier(name) => Declaration::Enum(name.to_owned(), values),
            _ => Declaration::Other,
        });
    }
    Ok(Declaration::Other)
}

/// The members of `interface <map> { 'Op.Id': ('A' | 'B')[]; ... }`: each operation's
/// values, `None` for `string[]`.
fn value_map(text: &str, map: &str) -> Result<BTreeMap<String, Option<Vec<String>>>, String> {
    let start = text.find(&format!("interface {map} {{")).ok_or_else(|| format!("no interface {map}"))?;
    let open = start + text[start..].find('{').unwrap_or(0);
    let close = closing(text, open).ok_or("an unclosed map")?;
    let mut out = BTreeMap::new();
    for member in split_top(&text[open + 1..close], b';') {
        let (key, value) = member.split_once(": ").ok_or_else(|| format!("a member {member:?}"))?;
        let key = key.trim_matches('\'').to_owned();
        let values = if value == "string[]" {
            None
        } else {
            let inner =
                value.strip_prefix('(').and_then(|v| v.strip_suffix(")[]")).ok_or_else(|| format!("{key}: {value}"))?;
            Some(quoted_union(inner).ok_or_else(|| format!("{key}: {value}"))?)
        };
        out.insert(key, values);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = r#"
var Carts = /** @class */ (function () {
    function Carts() {
        this.impersonating = false;
    }
    /**
     * Create a line item
     */
    Carts.prototype.CreateLineItem = function (orderID, lineItem, listOptions, requestOptions) {
        if (requestOptions === void 0) { requestOptions = {}; }
                        return [4 /*yield*/, http.post("/orders/".concat(orderID, "/lineitems"), __assign(__assign({}, requestOptions), { data: lineItem, impersonating: impersonating, params: listOptions }))
    };
    Carts.prototype.Get = function (ID, requestOptions) {
                        return [4 /*yield*/, http
                                .get("oauth/certs/".concat(ID), __assign(__assign({}, requestOptions), { impersonating: impersonating }))
    };
    Carts.prototype.As = function () {
        this.impersonating = true;
        return this;
    };
    Carts.prototype.Login = function (username) {
        return axios__default["default"].post("".concat(configuration.baseApiUrl, "/oauth/token"), { grant_type: 'password' });
    };
    return Carts;
}());
"#;

    #[test]
    fn reads_calls_of_index_js() {
        let (calls, token_flows) = calls(INDEX).unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].verb, "POST");
        assert_eq!(calls[0].path, "/orders/{orderID}/lineitems");
        assert_eq!(calls[0].path_params, ["orderID"]);
        assert_eq!(calls[0].body.as_deref(), Some("lineItem"));
        assert_eq!(calls[0].query.as_deref(), Some("listOptions"));
        assert_eq!(calls[0].args, ["orderID", "lineItem", "listOptions", "requestOptions"]);
        assert_eq!((calls[1].verb.as_str(), calls[1].path.as_str()), ("GET", "/oauth/certs/{ID}"));
        assert_eq!(token_flows, ["Carts.Login"]);
        assert!(path_expression("\"/a\".concat(b, \"-\" + c)").is_err(), "an unknown expression is an error");
    }

    const DTS: &str = r#"import { Order } from '../models/Order';
declare class Carts {
    private impersonating;
    /**
    * @ignore
    * not part of public api, don't include in generated docs
    */
    constructor();
    /**
     * Create a line item Adds a line item.<br/></br>Second part.
     * Check out the {@link https://ordercloud.io/api-reference/orders-and-fulfillment/cart/create-line-item|api docs} for more info
     *
     * @param orderID ID of the order.
     * @param lineItem Required fields: ProductID, Quantity
     * @param listOptions.level Level of the
     * assignment.
     * @param requestOptions.accessToken Provide an alternative token.
     */
    CreateLineItem<TLineItem extends LineItem>(orderID: string, lineItem: LineItem, listOptions?: {
        level?: 'Group' | 'Company';
        searchOn?: Searchable<'Carts.CreateLineItem'>;
    }, requestOptions?: RequestOptions): Promise<RequiredDeep<ListPageWithFacets<TLineItem>>>;
    Patch<TOrder extends Order>(order: PartialDeep<Order>, requestOptions?: RequestOptions): Promise<RequiredDeep<TOrder>>;
    Delete(requestOptions?: RequestOptions): Promise<void>;
    /**
     * @description
     * enables impersonation
     */
    As(): this;
}
export default Carts;
"#;

    #[test]
    fn reads_declarations_and_their_docs() {
        let methods = declared_methods(DTS).unwrap();
        let names: Vec<&str> = methods.iter().map(|method| method.name.as_str()).collect();
        assert_eq!(names, ["CreateLineItem", "Patch", "Delete"]);
        let create = &methods[0];
        assert_eq!(create.doc.text, "Create a line item Adds a line item.<br/></br>Second part.");
        assert_eq!(create.doc.slug.as_deref(), Some("orders-and-fulfillment/cart/create-line-item"));
        assert_eq!(create.doc.params[1], ("lineItem".to_owned(), "Required fields: ProductID, Quantity".to_owned()));
        assert_eq!(create.doc.params[2].1, "Level of the assignment.");
        assert_eq!(create.generics["TLineItem"], "LineItem");
        assert!(create.params[2].1, "the list options are optional");
        let call = Call {
            class: "Carts".to_owned(),
            method: "CreateLineItem".to_owned(),
            args: vec!["orderID".into(), "lineItem".into(), "listOptions".into(), "requestOptions".into()],
            verb: "POST".to_owned(),
            path: "/orders/{orderID}/lineitems".to_owned(),
            path_params: vec!["orderID".into()],
            body: Some("lineItem".into()),
            query: Some("listOptions".into()),
        };
        let methods_by_name: Vec<Declared> = declared_methods(DTS).unwrap();
        let op = operation(call, methods_by_name.into_iter().next().unwrap()).unwrap();
        assert_eq!(op.required.as_deref(), Some(&["ProductID".to_owned(), "Quantity".to_owned()][..]));
        assert_eq!(op.query[0].ty, "'Group' | 'Company'");
        assert_eq!(op.query[1].name, "searchOn");
        assert_eq!(op.body, Some(JsBody { model: "LineItem".to_owned(), partial: false, optional: false }));
        assert_eq!(op.answer, JsAnswer::List { item: "LineItem".to_owned(), facets: true });
        assert_eq!(answer("Promise<RequiredDeep<TOrder>>", &methods[1].generics), Ok(JsAnswer::Model("Order".into())));
        assert_eq!(answer("Promise<void>", &BTreeMap::new()), Ok(JsAnswer::Nothing));
        assert!(answer("Promise<A | B>", &BTreeMap::new()).is_err());
    }

    #[test]
    fn reads_models_enums_and_value_maps() {
        let model = "import { X } from './X';\nexport interface LineItem<TLineItemXp = any, TProductXp = any> {\n    ID?: string;\n    ProductID: string;\n    /** doc */\n    readonly Product?: LineItemProduct<TProductXp>;\n    Specs?: LineItemSpec[];\n    xp?: TLineItemXp;\n}\n";
        let Declaration::Interface(model) = declaration(model).unwrap() else { panic!("an interface") };
        assert_eq!(model.name, "LineItem");
        assert_eq!(
            model.fields[2],
            JsField { name: "Product".into(), ty: "LineItemProduct<TProductXp>".into(), readonly: true }
        );
        assert!(!model.fields[1].readonly);
        let Declaration::Enum(name, values) =
            declaration("export declare type OrderDirection = 'Incoming' | 'Outgoing' | 'All';\n").unwrap()
        else {
            panic!("an enum")
        };
        assert_eq!((name.as_str(), values.len()), ("OrderDirection", 3));
        let map = "export declare type Searchable<T extends SearchableEndpoint> = SearchableMap[T];\ninterface SearchableMap {\n    'Buyers.List': ('Name' | 'ID')[];\n    'Products.List': string[];\n}\nexport {};\n";
        let values = value_map(map, "SearchableMap").unwrap();
        assert_eq!(values["Buyers.List"], Some(vec!["Name".to_owned(), "ID".to_owned()]));
        assert_eq!(values["Products.List"], None);
    }
}
