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

fn evaluate(expression: &str, scope: Scope<'_>) -> Result<Val, Unsupported> {
    if expression.len() > MOST_CHARACTERS {
        return Err(Unsupported(format!("an expression of more than {MOST_CHARACTERS} characters")));
    }
    let tokens = tokens(expression)?;
    let mut parser = Parser { tokens: &tokens, at: 0, scope, depth: 0 };
    let value = parser.or()?;
    match parser.tokens.get(parser.at) {
        None => Ok(value),
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

struct Parser<'t, 's> {
    tokens: &'t [Token],
    at: usize,
    scope: Scope<'s>,
    /// How deep in parentheses, calls and `not`s the parser is.
    depth: usize,
}

impl Parser<'_, '_> {
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

    fn or(&mut self) -> Result<Val, Unsupported> {
        self.depth += 1;
        if self.depth > DEEPEST {
            return Err(Unsupported(format!("nested more than {DEEPEST} deep")));
        }
        let value = self.or_inner();
        self.depth -= 1;
        value
    }

    fn or_inner(&mut self) -> Result<Val, Unsupported> {
        let mut value = self.and()?;
        while self.keyword("or") {
            let right = self.and()?;
            value = Val::Bool(value.truthy() || right.truthy());
        }
        Ok(value)
    }

    fn and(&mut self) -> Result<Val, Unsupported> {
        let mut value = self.not()?;
        while self.keyword("and") {
            let right = self.not()?;
            value = Val::Bool(value.truthy() && right.truthy());
        }
        Ok(value)
    }

    fn not(&mut self) -> Result<Val, Unsupported> {
        let mut negations = 0usize;
        while self.keyword("not") {
            negations += 1;
        }
        let value = self.comparison()?;
        Ok(if negations == 0 { value } else { Val::Bool(value.truthy() == (negations % 2 == 0)) })
    }

    fn comparison(&mut self) -> Result<Val, Unsupported> {
        let left = self.sum()?;
        let Some(operator) = self.symbol(&["=", "!=", "<>", "<", "<=", ">", ">="]) else { return Ok(left) };
        let right = self.sum()?;
        Ok(Val::Bool(match operator {
            "=" => equal(&left, &right),
            "!=" | "<>" => !equal(&left, &right),
            _ => {
                let ordering = compare(&left, &right)?;
                match operator {
                    "<" => ordering.is_lt(),
                    "<=" => ordering.is_le(),
                    ">" => ordering.is_gt(),
                    _ => ordering.is_ge(),
                }
            }
        }))
    }

    fn sum(&mut self) -> Result<Val, Unsupported> {
        let mut value = self.product()?;
        while let Some(operator) = self.symbol(&["+", "-"]) {
            let (left, right) = (value.number()?, self.product()?.number()?);
            let result = if operator == "+" { left.checked_add(right) } else { left.checked_sub(right) };
            value = Val::Number(result.ok_or_else(|| Unsupported("a number too large".to_owned()))?);
        }
        Ok(value)
    }

    fn product(&mut self) -> Result<Val, Unsupported> {
        let mut value = self.unary()?;
        while let Some(operator) = self.symbol(&["*", "/", "%"]) {
            let (left, right) = (value.number()?, self.unary()?.number()?);
            let result = match operator {
                "*" => left.checked_mul(right),
                // Division and remainder through `f64`: exact enough for money rounded to
                // cents, and a division by zero is none.
                _ if right == Decimal::ZERO => None,
                "/" => Decimal::try_from(left.to_f64() / right.to_f64()).ok(),
                _ => Decimal::try_from(left.to_f64() % right.to_f64()).ok(),
            };
            value = Val::Number(result.ok_or_else(|| Unsupported(format!("{operator} gives no number here")))?);
        }
        Ok(value)
    }

    fn unary(&mut self) -> Result<Val, Unsupported> {
        let mut negations = 0usize;
        while self.symbol(&["-"]).is_some() {
            negations += 1;
        }
        let value = self.primary()?;
        if negations % 2 == 0 {
            return Ok(value);
        }
        let number = value.number()?;
        number.checked_neg().map(Val::Number).ok_or_else(|| Unsupported("a number too large".to_owned()))
    }

    fn primary(&mut self) -> Result<Val, Unsupported> {
        let token =
            self.tokens.get(self.at).cloned().ok_or_else(|| Unsupported("the expression ends early".to_owned()))?;
        self.at += 1;
        match token {
            Token::Number(number) => Ok(Val::Number(number)),
            Token::Text(text) => Ok(Val::Text(text)),
            Token::Symbol("(") => {
                let value = self.or()?;
                self.expect(")")?;
                Ok(value)
            }
            Token::Symbol(symbol) => Err(Unsupported(format!("unexpected {symbol}"))),
            Token::Name(name) if self.symbol(&["("]).is_some() => self.function(&name),
            Token::Name(name) => match name.to_ascii_lowercase().as_str() {
                "true" => Ok(Val::Bool(true)),
                "false" => Ok(Val::Bool(false)),
                "null" => Ok(Val::Null),
                _ => self.path(&name),
            },
        }
    }

    /// `order.X`, `item.X`, or inside an `items` function a property of the item.
    fn path(&self, name: &str) -> Result<Val, Unsupported> {
        let (head, rest) = name.split_once('.').unwrap_or((name, ""));
        let root = match head.to_ascii_lowercase().as_str() {
            "order" => Some(self.scope.order),
            "item" => self.scope.item,
            _ => None,
        };
        match (root, rest) {
            (Some(root), "") => Ok(Val::of(Some(root))),
            (Some(root), rest) => Ok(Val::of(lookup(root, rest))),
            (None, _) if head.eq_ignore_ascii_case("item") => {
                Err(Unsupported(format!("{name}: no line item is in question here")))
            }
            (None, _) => match self.scope.item {
                Some(item) => Ok(Val::of(lookup(item, name))),
                None => Err(Unsupported(format!("{name} names nothing the simulator knows"))),
            },
        }
    }

    /// A function call, its `(` read.
    fn function(&mut self, name: &str) -> Result<Val, Unsupported> {
        let lower = name.to_ascii_lowercase();
        if let Some(function) = lower.strip_prefix("items.") {
            // The condition is evaluated for each item: read it once per item.
            let start = self.at;
            let mut end = start;
            let (mut any, mut all, mut count) = (false, true, 0u32);
            let (mut quantity, mut total) = (Decimal::ZERO, Decimal::ZERO);
            for item in self.scope.items {
                self.at = start;
                let scope = self.scope;
                self.scope = Scope { item: Some(item), ..scope };
                let matched = if matches!(self.peek(), Some(Token::Symbol(")"))) { true } else { self.or()?.truthy() };
                self.scope = scope;
                end = self.at;
                if matched {
                    any = true;
                    count += 1;
                    quantity = quantity.checked_add(money::or_zero(item.get("Quantity"))).unwrap_or(quantity);
                    total = total.checked_add(money::or_zero(item.get("LineSubtotal"))).unwrap_or(total);
                } else {
                    all = false;
                }
            }
            if self.scope.items.is_empty() {
                // Nothing to evaluate the condition on: skip it.
                self.skip_to_close()?;
            } else {
                self.at = end;
                self.expect(")")?;
            }
            return match function {
                "any" => Ok(Val::Bool(any)),
                "all" => Ok(Val::Bool(all)),
                "count" => Ok(Val::Number(Decimal::from(count))),
                "quantity" => Ok(Val::Number(quantity)),
                "total" => Ok(Val::Number(total)),
                other => Err(Unsupported(format!("items.{other}()"))),
            };
        }
        match lower.as_str() {
            "min" | "max" => {
                let first = self.or()?.number()?;
                self.expect(",")?;
                let second = self.or()?.number()?;
                self.expect(")")?;
                let smaller = first.min(second);
                Ok(Val::Number(if lower == "min" { smaller } else { first.max(second) }))
            }
            _ => Err(Unsupported(format!("{name}()"))),
        }
    }

    /// Past the `)` closing the call whose `(` was just read.
    fn skip_to_close(&mut self) -> Result<(), Unsupported> {
        let mut depth = 1;
        while let Some(token) = self.tokens.get(self.at) {
            self.at += 1;
            match token {
                Token::Symbol("(") => depth += 1,
                Token::Symbol(")") => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(Unsupported(") expected".to_owned()))
    }
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
    }

    #[test]
    fn what_is_not_evaluated_is_named_never_a_panic() {
        for (expression, named) in [
            ("product.incategory('bikes')", "product.incategory()"),
            ("order.xp.Tags.contains('a')", "order.xp.Tags.contains()"),
            ("order.Total >", "ends early"),
            ("order.Total / 0", "/ gives no number"),
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
