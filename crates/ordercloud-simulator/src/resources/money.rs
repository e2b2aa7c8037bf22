//! Money, exact: the simulator keeps resources as JSON, whose numbers it reads as
//! [`Decimal`]s by their shortest text (`19.99` is 19.99, not the `f64` nearest to it),
//! computes with exactly, and writes back as JSON numbers. So 19.99 × 3 is 59.97, never
//! 59.970000000000006.

use ordercloud_models::Decimal;
use serde_json::{Number, Value};

use crate::reply::Reply;

/// `value` as a decimal: a JSON number, or `None` (anything else, or more digits than a
/// `Decimal` holds).
pub(crate) fn read(value: Option<&Value>) -> Option<Decimal> {
    match value? {
        Value::Number(number) => number.to_string().parse().ok(),
        _ => None,
    }
}

/// `value` as a decimal, zero when it is none.
pub(crate) fn or_zero(value: Option<&Value>) -> Decimal {
    read(value).unwrap_or(Decimal::ZERO)
}

/// `amount` as a JSON number: the `f64` its text reads as, which JSON writes back with the
/// same digits (trailing zeros aside).
pub(crate) fn number(amount: Decimal) -> Value {
    let text = amount.normalize().to_string();
    match text.parse::<i64>() {
        Ok(whole) => Value::from(whole),
        Err(_) => Number::from_f64(amount.to_f64()).map_or(Value::Null, Value::Number),
    }
}

/// `a + b`, or the refusal of amounts too large to add.
pub(crate) fn add(a: Decimal, b: Decimal) -> Result<Decimal, Reply> {
    a.checked_add(b).ok_or_else(too_large)
}

/// `a - b`, or the refusal of amounts too large.
pub(crate) fn sub(a: Decimal, b: Decimal) -> Result<Decimal, Reply> {
    a.checked_sub(b).ok_or_else(too_large)
}

/// `a × b`, or the refusal of amounts too large to multiply.
pub(crate) fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Reply> {
    a.checked_mul(b).ok_or_else(too_large)
}

/// The sum of `amounts`, or the refusal of amounts too large.
pub(crate) fn sum(amounts: impl IntoIterator<Item = Decimal>) -> Result<Decimal, Reply> {
    amounts.into_iter().try_fold(Decimal::ZERO, add)
}

fn too_large() -> Reply {
    Reply::bad_request("Order.AmountTooLarge", "The amounts are too large to compute exactly")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ordercloud_models::decimal;
    use serde_json::json;

    #[test]
    fn prices_multiply_and_add_exactly() {
        let price = read(Some(&json!(19.99))).unwrap();
        let line = mul(price, Decimal::from(3)).unwrap();
        assert_eq!(number(line).to_string(), "59.97");
        let total = sum([line, decimal!(0.1), decimal!(0.2)]).unwrap();
        assert_eq!(number(total).to_string(), "60.27");
        assert_eq!(number(decimal!(998.00)), json!(998));
        assert_eq!(or_zero(Some(&json!("12"))), Decimal::ZERO, "text is no amount");
        assert_eq!(read(Some(&json!(1e300))), None, "beyond a Decimal");
    }

    #[test]
    fn amounts_too_large_are_refused_not_a_panic() {
        let huge = "99999999999999999999999999999999999999".parse::<Decimal>().unwrap();
        assert_eq!(add(huge, huge).unwrap_err().status, http::StatusCode::BAD_REQUEST);
        assert!(mul(huge, decimal!(10)).is_err());
    }
}
