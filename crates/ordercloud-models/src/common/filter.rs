//! `Filter`: a list filter in OrderCloud's syntax, written from a typed operator.

use std::fmt;

/// A list filter: a property (`Price`, `xp.Color`...) and a condition on it, written in
/// OrderCloud's syntax, which puts the operator in front of the value:
///
/// | filter | sent as |
/// |---|---|
/// | `Filter::eq("xp.Color", "red")` | `xp.Color=red` |
/// | `Filter::ne("Active", false)` | `Active=!false` |
/// | `Filter::gt("Price", 10)` / `lt` | `Price=>10` / `Price=<10` |
/// | `Filter::ge("Price", 10)` / `le` | `Price=!<10` / `Price=!>10` (not less, not more) |
/// | `Filter::starts_with("Name", "Bi")` | `Name=Bi*` |
/// | `Filter::ends_with("Name", "ke")` | `Name=*ke` |
/// | `Filter::contains("Name", "ik")` | `Name=*ik*` |
/// | `Filter::any_of("xp.Color", ["red", "blue"])` | `xp.Color=red\|blue` |
/// | `Filter::is_set("xp.Billed")` / `is_not_set` | `xp.Billed=*` / `xp.Billed=!*` |
///
/// OrderCloud has no `>=` operator: "at least" is "not less than", as the official .NET SDK
/// writes it. Several filters on one property are all sent, and all must hold: a date range
/// is `ge` and `lt` on one property. Values are text, whole numbers, numbers and booleans;
/// dates are RFC 3339 text (`"2026-12-01T00:00:00Z"`).
///
/// The syntax has no escapes, so a value it cannot express exactly is refused rather than
/// sent as another filter: text holding `*` or `|`, text starting with `!`, `<` or `>`, empty
/// text, and a number that is not finite. [`ListOptions::filter_with`](crate::ListOptions::filter_with)
/// keeps the error, naming the property, and the transport reports it before sending.
///
/// ```
/// use ordercloud_models::{Filter, ListOptions};
///
/// let options = ListOptions::new()
///     .filter_with(Filter::ge("Price", 10))
///     .filter_with(Filter::lt("Price", 99.5))
///     .filter_with(Filter::any_of("xp.Color", ["red", "blue"]))
///     .filter_with(Filter::eq("Active", true));
/// let pairs: Vec<(&str, String)> = options.query_pairs().collect();
/// assert_eq!(pairs, [
///     ("Price", "!<10".to_owned()),
///     ("Price", "<99.5".to_owned()),
///     ("xp.Color", "red|blue".to_owned()),
///     ("Active", "true".to_owned()),
/// ]);
///
/// let refused = ListOptions::new().filter_with(Filter::eq("Name", "50% off*"));
/// assert_eq!(
///     refused.check().unwrap_err().to_string(),
///     "the filter on Name cannot be sent: OrderCloud's filter syntax cannot match '*' or '|' exactly"
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    field: String,
    condition: Condition,
}

#[derive(Clone, Debug, PartialEq)]
enum Condition {
    /// An operator in front of one value, and a wildcard after it or not.
    Compare {
        prefix: &'static str,
        value: FilterValue,
        suffix: &'static str,
    },
    AnyOf(Vec<FilterValue>),
    /// The text as is: `*` or `!*`.
    Literal(&'static str),
}

/// A value a [`Filter`] compares with: text, a whole number, a number or a boolean. Made
/// with `From`, so `Filter::eq("ID", "p-1")`, `Filter::gt("Quantity", 3)` and
/// `Filter::eq("Active", true)` all read naturally.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FilterValue {
    /// Text, such as an ID or an RFC 3339 date.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A number.
    Number(f64),
    /// A decimal, written with exactly its digits (money: `Filter::ge("Price", decimal!(19.99))`).
    Decimal(crate::Decimal),
    /// A boolean.
    Bool(bool),
}

macro_rules! filter_value_from {
    ($($variant:ident: $($ty:ty),*;)*) => {$($(
        impl From<$ty> for FilterValue {
            fn from(value: $ty) -> Self {
                Self::$variant(value.into())
            }
        }
    )*)*};
}

filter_value_from! {
    Text: &str, String, &String;
    Integer: i8, i16, i32, i64, u8, u16, u32;
    Number: f32, f64;
    Decimal: crate::Decimal;
    Bool: bool;
}

impl From<u64> for FilterValue {
    fn from(value: u64) -> Self {
        i64::try_from(value).map_or(Self::Number(value as f64), Self::Integer)
    }
}

impl From<usize> for FilterValue {
    fn from(value: usize) -> Self {
        Self::from(value as u64)
    }
}

impl Filter {
    fn compare(field: impl Into<String>, prefix: &'static str, value: FilterValue, suffix: &'static str) -> Self {
        Self { field: field.into(), condition: Condition::Compare { prefix, value, suffix } }
    }

    /// `field` equals `value`.
    pub fn eq(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::compare(field, "", value.into(), "")
    }

    /// `field` does not equal `value`.
    pub fn ne(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::compare(field, "!", value.into(), "")
    }

    /// `field` is greater than `value`.
    pub fn gt(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::compare(field, ">", value.into(), "")
    }

    /// `field` is at least `value` (sent as "not less than": `!<`).
    pub fn ge(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::compare(field, "!<", value.into(), "")
    }

    /// `field` is less than `value`.
    pub fn lt(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::compare(field, "<", value.into(), "")
    }

    /// `field` is at most `value` (sent as "not more than": `!>`).
    pub fn le(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::compare(field, "!>", value.into(), "")
    }

    /// `field` starts with `text`.
    pub fn starts_with(field: impl Into<String>, text: impl Into<FilterValue>) -> Self {
        Self::compare(field, "", text.into(), "*")
    }

    /// `field` ends with `text`.
    pub fn ends_with(field: impl Into<String>, text: impl Into<FilterValue>) -> Self {
        Self::compare(field, "*", text.into(), "")
    }

    /// `field` contains `text`.
    pub fn contains(field: impl Into<String>, text: impl Into<FilterValue>) -> Self {
        Self::compare(field, "*", text.into(), "*")
    }

    /// `field` equals one of `values` (OrderCloud's `|`). No values at all is refused.
    pub fn any_of<I: IntoIterator<Item = V>, V: Into<FilterValue>>(field: impl Into<String>, values: I) -> Self {
        Self { field: field.into(), condition: Condition::AnyOf(values.into_iter().map(Into::into).collect()) }
    }

    /// `field` has a value.
    pub fn is_set(field: impl Into<String>) -> Self {
        Self { field: field.into(), condition: Condition::Literal("*") }
    }

    /// `field` has no value.
    pub fn is_not_set(field: impl Into<String>) -> Self {
        Self { field: field.into(), condition: Condition::Literal("!*") }
    }

    /// The property this filter is on.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The query pair `(field, value)` in OrderCloud's syntax, or why it cannot be written.
    pub fn into_pair(self) -> Result<(String, String), FilterError> {
        let refuse = |reason| Err(FilterError { field: self.field.clone(), reason });
        if self.field.trim().is_empty() {
            return refuse(FilterErrorReason::EmptyField);
        }
        let value = match &self.condition {
            Condition::Compare { prefix, value, suffix } => match written(value) {
                Ok(text) => format!("{prefix}{text}{suffix}"),
                Err(reason) => return refuse(reason),
            },
            Condition::AnyOf(values) if values.is_empty() => return refuse(FilterErrorReason::NoValues),
            Condition::AnyOf(values) => match values.iter().map(written).collect::<Result<Vec<_>, _>>() {
                Ok(texts) => texts.join("|"),
                Err(reason) => return refuse(reason),
            },
            Condition::Literal(text) => (*text).to_owned(),
        };
        Ok((self.field, value))
    }
}

/// `value` as filter text, or why the syntax cannot express it exactly.
fn written(value: &FilterValue) -> Result<String, FilterErrorReason> {
    match value {
        FilterValue::Text(text) if text.is_empty() => Err(FilterErrorReason::EmptyValue),
        FilterValue::Text(text) if text.contains(['*', '|']) => Err(FilterErrorReason::WildcardOrBar),
        FilterValue::Text(text) if text.starts_with(['!', '<', '>']) => Err(FilterErrorReason::OperatorInFront),
        FilterValue::Text(text) => Ok(text.clone()),
        FilterValue::Integer(number) => Ok(number.to_string()),
        FilterValue::Number(number) if !number.is_finite() => Err(FilterErrorReason::NotFinite),
        FilterValue::Number(number) => Ok(number.to_string()),
        FilterValue::Decimal(decimal) => Ok(decimal.to_string()),
        FilterValue::Bool(flag) => Ok(flag.to_string()),
    }
}

/// A list option that cannot be sent: a [`Filter`] whose value OrderCloud's filter syntax
/// cannot express exactly, a filter named like a parameter, or a filter, sort or search on a
/// property the listed model does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    field: String,
    reason: FilterErrorReason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FilterErrorReason {
    EmptyField,
    EmptyValue,
    NoValues,
    WildcardOrBar,
    OperatorInFront,
    NotFinite,
    /// Named like a list parameter (`page`, `sortBy`...).
    ListParameter,
    /// Named like one of the operation's own query parameters.
    OwnParameter,
    /// A filter on a property the listed model does not have.
    UnknownProperty,
    /// A sort by a property the list does not sort by; the ones it does.
    UnknownSort(&'static [&'static str]),
    /// A search in a property the list does not search; the ones it does.
    UnknownSearch(&'static [&'static str]),
}

impl FilterError {
    /// The property the filter was on.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// A filter named like the list parameter `field`.
    pub(crate) fn list_parameter(field: &str) -> Self {
        Self { field: field.to_owned(), reason: FilterErrorReason::ListParameter }
    }

    /// A filter named like the operation's own query parameter `field`.
    pub(crate) fn own_parameter(field: &str) -> Self {
        Self { field: field.to_owned(), reason: FilterErrorReason::OwnParameter }
    }

    /// A filter on `field`, which the listed model does not have.
    pub(crate) fn unknown_property(field: &str) -> Self {
        Self { field: field.to_owned(), reason: FilterErrorReason::UnknownProperty }
    }

    /// A sort by `field`, which the list does not sort by: it sorts by `sortable`.
    pub(crate) fn unknown_sort(field: &str, sortable: &'static [&'static str]) -> Self {
        Self { field: field.to_owned(), reason: FilterErrorReason::UnknownSort(sortable) }
    }

    /// A search in `field`, which the list does not search: it searches `searchable`.
    pub(crate) fn unknown_search(field: &str, searchable: &'static [&'static str]) -> Self {
        Self { field: field.to_owned(), reason: FilterErrorReason::UnknownSearch(searchable) }
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = &self.field;
        let reason = match self.reason {
            FilterErrorReason::UnknownSort(sortable) => {
                return write!(f, "the list cannot be sorted by {field}: it sorts by {}", sortable.join(", "));
            }
            FilterErrorReason::UnknownSearch(searchable) => {
                return write!(f, "the list cannot be searched in {field}: it searches {}", searchable.join(", "));
            }
            FilterErrorReason::UnknownProperty => {
                "the listed model has no such property (one this version does not know can be sent with the \
                 call's query(name, value))"
            }
            FilterErrorReason::EmptyField => "the property name is empty",
            FilterErrorReason::EmptyValue => "an empty value matches nothing exactly",
            FilterErrorReason::NoValues => "any_of needs at least one value",
            FilterErrorReason::WildcardOrBar => "OrderCloud's filter syntax cannot match '*' or '|' exactly",
            FilterErrorReason::OperatorInFront => "a value starting with '!', '<' or '>' would be read as an operator",
            FilterErrorReason::NotFinite => "a number that is not finite cannot be compared",
            FilterErrorReason::ListParameter => {
                "OrderCloud would read it as the list parameter of that name; set that with ListOptions"
            }
            FilterErrorReason::OwnParameter => {
                "OrderCloud would read it as the operation's query parameter of that name; set that with its method"
            }
        };
        write!(f, "the filter on {field} cannot be sent: {reason}")
    }
}

impl std::error::Error for FilterError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(filter: Filter) -> (String, String) {
        filter.into_pair().unwrap()
    }

    #[test]
    fn each_operator_is_written_as_ordercloud_reads_it() {
        let value = |filter: Filter| pair(filter).1;
        assert_eq!(value(Filter::ge("Price", crate::decimal!(19.990))), "!<19.990");
        assert_eq!(value(Filter::eq("ID", "p-1")), "p-1");
        assert_eq!(value(Filter::ne("Active", false)), "!false");
        assert_eq!(value(Filter::gt("Price", 0)), ">0");
        assert_eq!(value(Filter::ge("Price", 10)), "!<10");
        assert_eq!(value(Filter::lt("Price", -1.25)), "<-1.25");
        assert_eq!(value(Filter::le("DateCreated", "2026-12-01T00:00:00Z")), "!>2026-12-01T00:00:00Z");
        assert_eq!(value(Filter::starts_with("Name", "Bi")), "Bi*");
        assert_eq!(value(Filter::ends_with("Name", "ke")), "*ke");
        assert_eq!(value(Filter::contains("Name", "ik")), "*ik*");
        assert_eq!(value(Filter::any_of("xp.Size", [1, 2, 3])), "1|2|3");
        assert_eq!(value(Filter::is_set("xp.Billed")), "*");
        assert_eq!(value(Filter::is_not_set("xp.Billed")), "!*");
        assert_eq!(value(Filter::eq("Quantity", 0u64)), "0");
        assert_eq!(value(Filter::eq("Quantity", u64::MAX)), "18446744073709552000");
    }

    #[test]
    fn values_the_syntax_cannot_express_are_refused_naming_the_field() {
        for filter in [
            Filter::eq("Name", "a*b"),
            Filter::eq("Name", "a|b"),
            Filter::eq("Name", "!a"),
            Filter::eq("Name", "<a"),
            Filter::ne("Name", ">a"),
            Filter::contains("Name", ""),
            Filter::gt("Name", f64::NAN),
            Filter::lt("Name", f64::INFINITY),
            Filter::any_of("Name", ["ok", "no|t"]),
            Filter::any_of("Name", Vec::<String>::new()),
        ] {
            let error = filter.clone().into_pair().unwrap_err();
            assert_eq!(error.field(), "Name", "{filter:?}");
            assert!(error.to_string().starts_with("the filter on Name cannot be sent: "), "{error}");
            // The whole reason is on the line: there is no cause to say again.
            assert!(std::error::Error::source(&error).is_none());
        }
        assert!(Filter::eq(" ", 1).into_pair().is_err());
    }
}
