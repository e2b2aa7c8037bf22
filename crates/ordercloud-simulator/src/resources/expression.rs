//! OrderCloud's rule expressions, as promotions (`EligibleExpression`, `ValueExpression`) and
//! approval rules (`RuleExpression`) use them: `order.Subtotal > 100`,
//! `items.quantity(ProductID = 'helmet') >= 2`, `order.Total * .1`,
//! `item.Product.xp.Sport = 'Cycling' and not (order.xp.Gift = true)`.
//!
//! What it evaluates: numbers (exact [`Decimal`]s), `'text'` (with `*` matching any text
//! in `=`), `true`, `false`, `null`; `order.<path>` (any property, `xp` included, in any
//! letter case), `item.<path>` (the line item of a line-level promotion, or inside an
//! `items` function, where a bare `<path>` names the item's property too); `=`, `!=`, `<>`,
//! `<`, `<=`, `>`, `>=`, `and`, `or`, `not`, `+`, `-`, `*`, `/`, `%` and parentheses;
//! `items.any(..)`, `items.all(..)`, `items.count(..)`, `items.quantity(..)` and
//! `items.total(..)` (the matching items' `LineSubtotal`), each with a condition or
//! none; `min(a, b)` and `max(a, b)`. Anything else (`product.incategory`, the array
//! functions...) is an [`Unsupported`] error naming it, which the simulator answers as not
//! simulated; nothing in an expression makes it panic.
//!
//! Arithmetic is exact: `+`, `-` and `*` as [`Decimal`]s are, `/` to ten digits after the
//! point (rounded half away from zero: `2 / 3` is 0.6666666667, `0.3 / 0.1` is 3) and `%`
//! exactly, with the sign of the dividend ([`money::divide`], [`money::remainder`]).
//!
//! An expression is parsed once into a tree, then computed. An `items` function's value
//! does not depend on the item around it (its condition reads its own), so it is computed
//! once however deeply it is nested; and one evaluation takes at most [`MOST_STEPS`] steps,
//! so no expression holds the simulator (whose state is locked meanwhile) for long.

use std::cmp::Ordering;

use ordercloud_models::Decimal;
use serde_json::Value;

use super::money;
use super::query::lookup;

/// What an expression needs: the order and its line items, and the item in question.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub(crate) order: &'a Value,
    pub(crate) items: &'a [Value],
    pub(crate) item: Option<&'a Value>,
}

/// Why an expression could not be evaluated: what in it the simulator does not evaluate,
/// or what is wrong with it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Unsupported(pub(crate) String);

/// A value an expression computes.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Number(Decimal),
    Text(String),
    Bool(bool),
    Null,
    /// An array or object, as JSON.
    Json(Value),
}

impl Val {
    fn of(value: Option<&Value>) -> Self {
        match value {
            None | Some(Value::Null) => Self::Null,
            Some(Value::Bool(flag)) => Self::Bool(*flag),
            Some(Value::String(text)) => Self::Text(text.clone()),
            Some(number @ Value::Number(_)) => money::read(Some(number)).map_or(Self::Null, Self::Number),
            Some(other) => Self::Json(other.clone()),
        }
    }

    fn truthy(&self) -> bool {
        matches!(self, Self::Bool(true))
    }

    fn number(&self) -> Result<Decimal, Unsupported> {
        match self {
            Self::Number(number) => Ok(*number),
            Self::Null => Ok(Decimal::ZERO),
            other => Err(Unsupported(format!("{other:?} is not a number"))),
        }
    }
}

/// Whether `expression` holds in `scope` (an empty expression always does).
pub(crate) fn holds(expression: &str, scope: Scope<'_>) -> Result<bool, Unsupported> {
    if expression.trim().is_empty() {
        return Ok(true);
    }
    Ok(evaluate(expression, scope)?.truthy())
}

/// The amount `expression` computes in `scope`.
pub(crate) fn amount(expression: &str, scope: Scope<'_>) -> Result<Decimal, Unsupported> {
    evaluate(expression, scope)?.number()
}

/// The most characters an expression may have (OrderCloud's limit for a rule is 400), and
/// the deepest nesting of parentheses, calls and `not`s: beyond either the expression is
/// refused, so no expression exhausts the stack.
const MOST_CHARACTERS: usize = 4000;
const DEEPEST: usize = 64;

/// The most steps one evaluation takes (a step is one part of the expression computed once:
/// an `items` function's condition takes a step a part for each line item): beyond it the
/// expression is refused, so no expression holds the simulator for long, however many line
/// items the order has.
const MOST_STEPS: usize = 1_000_000;

/// Parses `expression` once, then computes it in `scope`.
fn evaluate(expression: &str, scope: Scope<'_>) -> Result<Val, Unsupported> {
    let (tree, items_calls) = parse(expression)?;
    Evaluation::new(scope, items_calls).value(&tree, scope.item)
}

/// The tree of `expression`, and how many `items` functions it has.
fn parse(expression: &str) -> Result<(Node, usize), Unsupported> {
    if expression.len() > MOST_CHARACTERS {
        return Err(Unsupported(format!("an expression of more than {MOST_CHARACTERS} characters")));
    }
    let tokens = tokens(expression)?;
    let mut parser = Parser { tokens: &tokens, at: 0, depth: 0, items_calls: 0 };
    let tree = parser.or()?;
    match parser.tokens.get(parser.at) {
        None => Ok((tree, parser.items_calls)),
        Some(token) => Err(Unsupported(format!("unexpected {token:?}"))),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(Decimal),
    Text(String),
    /// A name or a dotted path: `order.xp.Color`, `items.any`, `and`.
    Name(String),
    /// `=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`, `+`, `-`, `*`, `/`, `%`, `(`, `)`, `,`.
    Symbol(&'static str),
}

fn tokens(text: &str) -> Result<Vec<Token>, Unsupported> {
    const SYMBOLS: [&str; 15] = ["<=", ">=", "!=", "<>", "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ","];
    let mut tokens = Vec::new();
    let mut rest = text;
    while let Some(first) = rest.chars().next() {
        if first.is_whitespace() {
            rest = &rest[first.len_utf8()..];
        } else if first == '\'' || first == '"' || first == '‘' || first == '’' {
            let body = &rest[first.len_utf8()..];
            let (end, close) = body
                .char_indices()
                .find(|(_, c)| matches!(c, '\'' | '"' | '’'))
                .ok_or_else(|| Unsupported("an unterminated text".to_owned()))?;
            tokens.push(Token::Text(body[..end].to_owned()));
            rest = &body[end + close.len_utf8()..];
        } else if first.is_ascii_digit() || (first == '.' && rest[1..].starts_with(|c: char| c.is_ascii_digit())) {
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
            let digits = &rest[..end];
            let digits = if digits.starts_with('.') { format!("0{digits}") } else { digits.to_owned() };
            tokens.push(Token::Number(digits.parse().map_err(|_| Unsupported(format!("the number {digits}")))?));
            rest = &rest[end..];
        } else if first.is_alphabetic() || first == '_' {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).unwrap_or(rest.len());
            tokens.push(Token::Name(rest[..end].to_owned()));
            rest = &rest[end..];
        } else {
            let symbol = SYMBOLS
                .iter()
                .find(|symbol| rest.starts_with(**symbol))
                .ok_or_else(|| Unsupported(format!("the character {first:?}")))?;
            tokens.push(Token::Symbol(symbol));
            rest = &rest[symbol.len()..];
        }
    }
    Ok(tokens)
}

/// An expression, parsed: what each part computes, in the order it is written. A chain of
/// operators of one precedence is one node, so the tree is only as deep as the nesting.
#[derive(Debug)]
enum Node {
    /// A number, a text, `true`, `false` or `null`.
    Literal(Val),
    /// `order.X`, `item.X`, or in an `items` function a property of the item.
    Path(String),
    /// Two or more operands of `or`.
    Or(Vec<Node>),
    /// Two or more operands of `and`.
    And(Vec<Node>),
    /// An odd (`true`) or even (`false`) number of `not`s before an operand.
    Not(bool, Box<Node>),
    Compare(Box<Node>, &'static str, Box<Node>),
    /// An operand, then `+`, `-`, `*`, `/` or `%` and another, left to right.
    Arithmetic(Box<Node>, Vec<(&'static str, Node)>),
    /// An odd number of `-`s before an operand.
    Negate(Box<Node>),
    /// `items.<function>(<condition>)`; `slot` is where its value is kept once known.
    Items {
        function: ItemsFunction,
        condition: Option<Box<Node>>,
        slot: usize,
    },
    /// `min(a, b)` (`true`) or `max(a, b)`.
    MinMax(bool, Box<Node>, Box<Node>),
}

#[derive(Clone, Copy, Debug)]
enum ItemsFunction {
    Any,
    All,
    Count,
    Quantity,
    Total,
}

struct Parser<'t> {
    tokens: &'t [Token],
    at: usize,
    /// How deep in parentheses, calls and `not`s the parser is.
    depth: usize,
    /// How many `items` functions were read.
    items_calls: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn keyword(&mut self, word: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Name(name)) if name.eq_ignore_ascii_case(word));
        self.at += usize::from(found);
        found
    }

    fn symbol(&mut self, symbols: &[&'static str]) -> Option<&'static str> {
        let found = match self.peek() {
            Some(Token::Symbol(symbol)) if symbols.contains(symbol) => Some(*symbol),
            _ => None,
        };
        self.at += usize::from(found.is_some());
        found
    }

    fn expect(&mut self, symbol: &'static str) -> Result<(), Unsupported> {
        self.symbol(&[symbol]).map(drop).ok_or_else(|| Unsupported(format!("{symbol} expected")))
    }

    fn or(&mut self) -> Result<Node, Unsupported> {
        self.depth += 1;
        if self.depth > DEEPEST {
            return Err(Unsupported(format!("nested more than {DEEPEST} deep")));
        }
        let node = self.or_inner();
        self.depth -= 1;
        node
    }

    fn or_inner(&mut self) -> Result<Node, Unsupported> {
        let mut operands = vec![self.and()?];
        while self.keyword("or") {
            operands.push(self.and()?);
        }
        Ok(if operands.len() == 1 { operands.remove(0) } else { Node::Or(operands) })
    }

    fn and(&mut self) -> Result<Node, Unsupported> {
        let mut operands = vec![self.not()?];
        while self.keyword("and") {
            operands.push(self.not()?);
        }
        Ok(if operands.len() == 1 { operands.remove(0) } else { Node::And(operands) })
    }

    fn not(&mut self) -> Result<Node, Unsupported> {
        let mut negations = 0usize;
        while self.keyword("not") {
            negations += 1;
        }
        let node = self.comparison()?;
        Ok(if negations == 0 { node } else { Node::Not(negations % 2 == 1, Box::new(node)) })
    }

    fn comparison(&mut self) -> Result<Node, Unsupported> {
        let left = self.arithmetic(&["+", "-"])?;
        let Some(operator) = self.symbol(&["=", "!=", "<>", "<", "<=", ">", ">="]) else { return Ok(left) };
        let right = self.arithmetic(&["+", "-"])?;
        Ok(Node::Compare(Box::new(left), operator, Box::new(right)))
    }

    /// A sum (`operators` `+` and `-`, of products) or a product (`*`, `/` and `%`, of
    /// signed operands).
    fn arithmetic(&mut self, operators: &[&'static str]) -> Result<Node, Unsupported> {
        let sum = operators.contains(&"+");
        let operand = |parser: &mut Self| if sum { parser.arithmetic(&["*", "/", "%"]) } else { parser.unary() };
        let first = operand(self)?;
        let mut rest = Vec::new();
        while let Some(operator) = self.symbol(operators) {
            rest.push((operator, operand(self)?));
        }
        Ok(if rest.is_empty() { first } else { Node::Arithmetic(Box::new(first), rest) })
    }

    fn unary(&mut self) -> Result<Node, Unsupported> {
        let mut negations = 0usize;
        while self.symbol(&["-"]).is_some() {
            negations += 1;
        }
        let node = self.primary()?;
        Ok(if negations % 2 == 0 { node } else { Node::Negate(Box::new(node)) })
    }

    fn primary(&mut self) -> Result<Node, Unsupported> {
        let token =
            self.tokens.get(self.at).cloned().ok_or_else(|| Unsupported("the expression ends early".to_owned()))?;
        self.at += 1;
        match token {
            Token::Number(number) => Ok(Node::Literal(Val::Number(number))),
            Token::Text(text) => Ok(Node::Literal(Val::Text(text))),
            Token::Symbol("(") => {
                let node = self.or()?;
                self.expect(")")?;
                Ok(node)
            }
            Token::Symbol(symbol) => Err(Unsupported(format!("unexpected {symbol}"))),
            Token::Name(name) if self.symbol(&["("]).is_some() => self.function(&name),
            Token::Name(name) => Ok(match name.to_ascii_lowercase().as_str() {
                "true" => Node::Literal(Val::Bool(true)),
                "false" => Node::Literal(Val::Bool(false)),
                "null" => Node::Literal(Val::Null),
                _ => Node::Path(name),
            }),
        }
    }

    /// A function call, its `(` read.
    fn function(&mut self, name: &str) -> Result<Node, Unsupported> {
        let lower = name.to_ascii_lowercase();
        if let Some(function) = lower.strip_prefix("items.") {
            let function = match function {
                "any" => ItemsFunction::Any,
                "all" => ItemsFunction::All,
                "count" => ItemsFunction::Count,
                "quantity" => ItemsFunction::Quantity,
                "total" => ItemsFunction::Total,
                other => return Err(Unsupported(format!("items.{other}()"))),
            };
            let condition = match self.symbol(&[")"]) {
                Some(_) => None,
                None => {
                    let condition = self.or()?;
                    self.expect(")")?;
                    Some(Box::new(condition))
                }
            };
            let slot = self.items_calls;
            self.items_calls += 1;
            return Ok(Node::Items { function, condition, slot });
        }
        match lower.as_str() {
            "min" | "max" => {
                let first = self.or()?;
                self.expect(",")?;
                let second = self.or()?;
                self.expect(")")?;
                Ok(Node::MinMax(lower == "min", Box::new(first), Box::new(second)))
            }
            _ => Err(Unsupported(format!("{name}()"))),
        }
    }
}

/// One computation of a parsed expression for an order and its line items.
struct Evaluation<'s> {
    order: &'s Value,
    items: &'s [Value],
    /// The value of each `items` function, by slot, once computed: it reads its own item
    /// for each line item, never the item around it, so it is the same wherever it is met.
    known: Vec<Option<Val>>,
    steps: usize,
}

impl<'s> Evaluation<'s> {
    fn new(scope: Scope<'s>, items_calls: usize) -> Self {
        Self { order: scope.order, items: scope.items, known: vec![None; items_calls], steps: 0 }
    }

    /// What `node` computes, `item` the line item in question (if any).
    fn value(&mut self, node: &Node, item: Option<&'s Value>) -> Result<Val, Unsupported> {
        self.steps += 1;
        if self.steps > MOST_STEPS {
            return Err(Unsupported(format!(
                "an evaluation of more than {MOST_STEPS} steps (the expression's parts, each once for every \
                 line item an items function reads it for)"
            )));
        }
        match node {
            Node::Literal(value) => Ok(value.clone()),
            Node::Path(name) => self.path(name, item),
            Node::Or(operands) | Node::And(operands) => {
                let or = matches!(node, Node::Or(_));
                // Every operand is computed, so one that cannot be is named whatever the others.
                let mut result = !or;
                for operand in operands {
                    let truthy = self.value(operand, item)?.truthy();
                    result = if or { result || truthy } else { result && truthy };
                }
                Ok(Val::Bool(result))
            }
            Node::Not(odd, operand) => Ok(Val::Bool(self.value(operand, item)?.truthy() != *odd)),
            Node::Compare(left, operator, right) => {
                let (left, right) = (self.value(left, item)?, self.value(right, item)?);
                Ok(Val::Bool(match *operator {
                    "=" => equal(&left, &right),
                    "!=" | "<>" => !equal(&left, &right),
                    _ => {
                        let ordering = compare(&left, &right)?;
                        match *operator {
                            "<" => ordering.is_lt(),
                            "<=" => ordering.is_le(),
                            ">" => ordering.is_gt(),
                            _ => ordering.is_ge(),
                        }
                    }
                }))
            }
            Node::Arithmetic(first, rest) => {
                let mut value = self.value(first, item)?;
                for (operator, operand) in rest {
                    let left = value.number()?;
                    let right = self.value(operand, item)?.number()?;
                    value = Val::Number(arithmetic(operator, left, right)?);
                }
                Ok(value)
            }
            Node::Negate(operand) => {
                let number = self.value(operand, item)?.number()?;
                number.checked_neg().map(Val::Number).ok_or_else(|| Unsupported("a number too large".to_owned()))
            }
            Node::Items { function, condition, slot } => {
                if let Some(Some(known)) = self.known.get(*slot) {
                    return Ok(known.clone());
                }
                let value = self.items(*function, condition.as_deref())?;
                if let Some(known) = self.known.get_mut(*slot) {
                    *known = Some(value.clone());
                }
                Ok(value)
            }
            Node::MinMax(min, first, second) => {
                let first = self.value(first, item)?.number()?;
                let second = self.value(second, item)?.number()?;
                Ok(Val::Number(if *min { first.min(second) } else { first.max(second) }))
            }
        }
    }

    /// `items.<function>(condition)`: the condition computed for each line item (none holds
    /// for every one).
    fn items(&mut self, function: ItemsFunction, condition: Option<&Node>) -> Result<Val, Unsupported> {
        let items = self.items;
        let (mut any, mut all, mut count) = (false, true, 0u32);
        let (mut quantity, mut total) = (Decimal::ZERO, Decimal::ZERO);
        for item in items {
            let matched = match condition {
                None => true,
                Some(condition) => self.value(condition, Some(item))?.truthy(),
            };
            if matched {
                any = true;
                count += 1;
                quantity = quantity.checked_add(money::or_zero(item.get("Quantity"))).unwrap_or(quantity);
                total = total.checked_add(money::or_zero(item.get("LineSubtotal"))).unwrap_or(total);
            } else {
                all = false;
            }
        }
        Ok(match function {
            ItemsFunction::Any => Val::Bool(any),
            ItemsFunction::All => Val::Bool(all),
            ItemsFunction::Count => Val::Number(Decimal::from(count)),
            ItemsFunction::Quantity => Val::Number(quantity),
            ItemsFunction::Total => Val::Number(total),
        })
    }

    /// `order.X`, `item.X`, or inside an `items` function a property of the item.
    fn path(&self, name: &str, item: Option<&Value>) -> Result<Val, Unsupported> {
        let (head, rest) = name.split_once('.').unwrap_or((name, ""));
        let root = match head.to_ascii_lowercase().as_str() {
            "order" => Some(self.order),
            "item" => item,
            _ => None,
        };
        match (root, rest) {
            (Some(root), "") => Ok(Val::of(Some(root))),
            (Some(root), rest) => Ok(Val::of(lookup(root, rest))),
            (None, _) if head.eq_ignore_ascii_case("item") => {
                Err(Unsupported(format!("{name}: no line item is in question here")))
            }
            (None, _) => match item {
                Some(item) => Ok(Val::of(lookup(item, name))),
                None => Err(Unsupported(format!("{name} names nothing the simulator knows"))),
            },
        }
    }
}

/// `left operator right`, exactly: a quotient to [`money::QUOTIENT_PLACES`] digits after the
/// point, a remainder with the sign of `left`.
fn arithmetic(operator: &str, left: Decimal, right: Decimal) -> Result<Decimal, Unsupported> {
    if matches!(operator, "/" | "%") && right.is_zero() {
        return Err(Unsupported(format!("{operator} by zero")));
    }
    let result = match operator {
        "+" => left.checked_add(right),
        "-" => left.checked_sub(right),
        "*" => left.checked_mul(right),
        "/" => money::divide(left, right),
        _ => money::remainder(left, right),
    };
    result.ok_or_else(|| Unsupported(format!("{left} {operator} {right} is a number too large")))
}

/// `=`: numbers by value, text in any letter case with `*` for any text, the rest alike.
fn equal(left: &Val, right: &Val) -> bool {
    match (left, right) {
        (Val::Text(text), Val::Text(pattern)) | (Val::Text(pattern), Val::Text(text)) if pattern.contains('*') => {
            wildcard(&text.to_lowercase(), &pattern.to_lowercase())
        }
        (Val::Text(a), Val::Text(b)) => a.eq_ignore_ascii_case(b),
        (Val::Number(a), Val::Text(b)) | (Val::Text(b), Val::Number(a)) => b.parse::<Decimal>().is_ok_and(|b| *a == b),
        (a, b) => a == b,
    }
}

fn compare(left: &Val, right: &Val) -> Result<Ordering, Unsupported> {
    match (left, right) {
        (Val::Text(a), Val::Text(b)) => Ok(a.cmp(b)),
        (a, b) => Ok(a.number()?.cmp(&b.number()?)),
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any text.
fn wildcard(text: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if text.len() < first.len() + last.len() || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use ordercloud_models::decimal;
    use serde_json::json;

    fn order() -> (Value, Vec<Value>) {
        let order = json!({"Subtotal": 998.0, "ShippingCost": 12.5, "Total": 1010.5, "xp": {"Channel": "Web"}});
        let items = vec![
            json!({"ProductID": "road-bike", "Quantity": 1, "LineSubtotal": 899.0, "Product": {"xp": {"Sport": "Cycling"}}}),
            json!({"ProductID": "helmet", "Quantity": 2, "LineSubtotal": 99.0, "Product": {"xp": {"Sport": "Cycling"}}}),
        ];
        (order, items)
    }

    fn check(expression: &str) -> Result<bool, Unsupported> {
        let (order, items) = order();
        holds(expression, Scope { order: &order, items: &items, item: None })
    }

    fn value(expression: &str) -> Result<Decimal, Unsupported> {
        let (order, items) = order();
        amount(expression, Scope { order: &order, items: &items, item: None })
    }

    #[test]
    fn conditions_on_the_order_and_its_items() {
        assert_eq!(check("order.Subtotal > 100"), Ok(true));
        assert_eq!(check("order.subtotal >= 998 and order.xp.Channel = 'web'"), Ok(true));
        assert_eq!(check("not (order.Total < 1000) or false"), Ok(true));
        assert_eq!(check("items.quantity(ProductID = 'helmet') > 1"), Ok(true));
        assert_eq!(check("items.any(Product.xp.Sport = 'Cyc*')"), Ok(true));
        assert_eq!(check("items.all(item.ProductID = 'helmet')"), Ok(false));
        assert_eq!(check("items.count() = 2"), Ok(true));
        assert_eq!(check("order.xp.Missing = null"), Ok(true));
        assert_eq!(check(""), Ok(true), "no condition");
    }

    #[test]
    fn amounts_are_exact() {
        assert_eq!(value("order.Subtotal * .1"), Ok(decimal!(99.8)));
        assert_eq!(value("order.ShippingCost"), Ok(decimal!(12.5)));
        assert_eq!(
            value("items.total(ProductID = 'helmet') / items.quantity(ProductID = 'helmet')"),
            Ok(decimal!(49.5))
        );
        assert_eq!(value("min(order.Subtotal * 0.5, 100) + 0.1 + 0.2"), Ok(decimal!(100.3)));
        assert_eq!(value("-(2 - 5) % 2"), Ok(decimal!(1)));
        assert_eq!(value("0.3 / 0.1"), Ok(decimal!(3)), "not 2.9999999999999996");
        assert_eq!(value("0.3 % 0.1"), Ok(decimal!(0)), "not 0.09999999999999998");
        assert_eq!(value("order.Subtotal / 3"), Ok(decimal!(332.6666666667)), "ten places, half away from zero");
        assert_eq!(value("-7.5 % 2"), Ok(decimal!(-1.5)), "the dividend's sign");
    }

    #[test]
    fn a_nested_items_function_is_computed_once_not_once_per_item_around_it() {
        let (order, items) = order();
        let scope = Scope { order: &order, items: &items, item: None };
        let nested = format!("{}ProductID = 'helmet'{}", "items.any(".repeat(60), ")".repeat(60));
        let (tree, items_calls) = parse(&nested).unwrap();
        let mut evaluation = Evaluation::new(scope, items_calls);
        assert_eq!(evaluation.value(&tree, None), Ok(Val::Bool(true)));
        // Each level once, its condition (the level below, known after the first item) for
        // each of the two items: not 2^60.
        assert!(evaluation.steps <= 60 * 3 + 6, "{} steps", evaluation.steps);
        let counted = "items.count(items.all(ProductID = 'helmet') or ProductID = 'helmet')";
        assert_eq!(value(counted), Ok(decimal!(1)));
        assert_eq!(check("items.all(items.any(item.ProductID = 'helmet'))"), Ok(true));
    }

    #[test]
    fn an_evaluation_over_its_steps_is_refused_with_its_reason() {
        let (order, _) = order();
        let items: Vec<Value> = (0..2000).map(|at| json!({"ProductID": format!("p{at}"), "Quantity": 1})).collect();
        // 601 parts, each read for each of 2000 items.
        let condition = vec!["ProductID = 'x'"; 200].join(" or ");
        let expression = format!("items.count({condition})");
        let error = amount(&expression, Scope { order: &order, items: &items, item: None }).unwrap_err();
        assert!(error.0.contains("more than 1000000 steps"), "{}", error.0);
        let fewer = &items[..1000];
        assert_eq!(amount(&expression, Scope { order: &order, items: fewer, item: None }), Ok(Decimal::ZERO));
    }

    #[test]
    fn what_is_not_evaluated_is_named_never_a_panic() {
        for (expression, named) in [
            ("product.incategory('bikes')", "product.incategory()"),
            ("order.xp.Tags.contains('a')", "order.xp.Tags.contains()"),
            ("order.Total >", "ends early"),
            ("order.Total / 0", "/ by zero"),
            ("order.Total % (1 - 1)", "% by zero"),
            ("items.first()", "items.first()"),
            ("items.any(", "ends early"),
            ("'open", "unterminated"),
            ("order.Total # 2", "'#'"),
            ("(order.Total", ") expected"),
            ("Quantity > 1", "names nothing"),
        ] {
            let error = check(expression).unwrap_err();
            assert!(error.0.contains(named), "{expression}: {}", error.0);
        }
    }

    #[test]
    fn no_expression_makes_it_panic() {
        const PIECES: [&str; 22] = [
            "order.Total",
            "items.any(",
            "items.quantity(",
            ")",
            "(",
            "'a*'",
            "'é",
            "’",
            "=",
            "<=",
            "and",
            "not",
            "*",
            "/",
            "%",
            "-",
            ".5",
            "1e",
            "min(",
            ",",
            "ProductID",
            "item.",
        ];
        let (order, items) = order();
        for a in PIECES {
            for b in PIECES {
                for c in PIECES {
                    let expression = format!("{a} {b}{c}");
                    let scope = Scope { order: &order, items: &items, item: None };
                    let _ = holds(&expression, scope);
                    let _ = amount(&expression, Scope { items: &[], ..scope });
                }
            }
        }
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(holds(&deep, Scope { order: &order, items: &items, item: None }).unwrap_err().0.contains("characters"));
        let nested = format!("{}1{}", "(".repeat(1000), ")".repeat(1000));
        assert!(amount(&nested, Scope { order: &order, items: &items, item: None }).unwrap_err().0.contains("deep"));
        let negations = format!("{}true", "not ".repeat(999));
        assert_eq!(holds(&negations, Scope { order: &order, items: &items, item: None }), Ok(false));
    }
}
