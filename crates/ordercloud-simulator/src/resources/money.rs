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

/// How many digits after the point a quotient keeps: a division is rounded there, half
/// away from zero (`2 / 3` is 0.6666666667), as `Decimal::round_dp` rounds.
pub(crate) const QUOTIENT_PLACES: u32 = 10;

/// `a / b`, exactly to [`QUOTIENT_PLACES`] digits after the point (rounded half away from
/// zero there), without trailing zeros: `0.3 / 0.1` is 3, never 2.9999999999999996. `None`
/// for a division by zero, or a quotient too large for a `Decimal`.
pub(crate) fn divide(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (a, b) = (a.normalize(), b.normalize());
    if b.is_zero() {
        return None;
    }
    // a / b = (ma / 10^sa) / (mb / 10^sb); times 10^places that is
    // ma * 10^(sb + places - sa) / mb, the power on whichever side keeps it whole.
    let shift = i64::from(b.scale()) + i64::from(QUOTIENT_PLACES) - i64::from(a.scale());
    let power = 10i128.checked_pow(u32::try_from(shift.unsigned_abs()).ok()?)?;
    let (numerator, denominator) = match shift >= 0 {
        true => (a.mantissa().checked_mul(power)?, b.mantissa()),
        false => (a.mantissa(), b.mantissa().checked_mul(power)?),
    };
    let quotient = numerator.checked_div(denominator)?;
    let remainder = numerator.checked_rem(denominator)?;
    // Half or more of the divisor left over: away from zero.
    let away = remainder.unsigned_abs() >= denominator.unsigned_abs() - remainder.unsigned_abs();
    let quotient = match (away, (numerator < 0) != (denominator < 0)) {
        (false, _) => quotient,
        (true, false) => quotient.checked_add(1)?,
        (true, true) => quotient.checked_sub(1)?,
    };
    Decimal::try_new(quotient, QUOTIENT_PLACES).map(|quotient| quotient.normalize())
}

/// `a % b`, exactly, with the sign of `a` (as .NET's `decimal` remainder): `0.3 % 0.1` is 0,
/// `7.5 % -2` is 1.5. `None` for a remainder by zero, or numbers too large to align.
pub(crate) fn remainder(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (a, b) = (a.normalize(), b.normalize());
    if b.is_zero() {
        return None;
    }
    let scale = a.scale().max(b.scale());
    let aligned = |value: Decimal| value.mantissa().checked_mul(10i128.checked_pow(scale - value.scale())?);
    let remainder = aligned(a)?.checked_rem(aligned(b)?)?;
    Decimal::try_new(remainder, scale).map(|remainder| remainder.normalize())
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
    fn quotients_are_exact_to_ten_places_and_remainders_exact() {
        let text = |value: Option<Decimal>| value.map(|value| value.to_string());
        assert_eq!(text(divide(decimal!(0.3), decimal!(0.1))), Some("3".to_owned()));
        assert_eq!(text(divide(decimal!(78.99), decimal!(0.1))), Some("789.9".to_owned()));
        assert_eq!(text(divide(decimal!(2), decimal!(3))), Some("0.6666666667".to_owned()));
        assert_eq!(text(divide(decimal!(-2), decimal!(3))), Some("-0.6666666667".to_owned()));
        assert_eq!(text(divide(decimal!(2), decimal!(-3))), Some("-0.6666666667".to_owned()));
        assert_eq!(text(divide(decimal!(1), decimal!(3))), Some("0.3333333333".to_owned()));
        assert_eq!(text(divide(decimal!(1), decimal!(0.00000000002))), Some("50000000000".to_owned()));
        assert_eq!(text(divide(decimal!(0.000000000049), decimal!(100))), Some("0".to_owned()), "below the places");
        assert_eq!(text(divide(decimal!(0.00000000005), decimal!(-1))), Some("-0.0000000001".to_owned()));
        assert_eq!(divide(decimal!(1), Decimal::ZERO), None);
        assert_eq!(text(remainder(decimal!(0.3), decimal!(0.1))), Some("0".to_owned()));
        assert_eq!(text(remainder(decimal!(78.99), decimal!(0.1))), Some("0.09".to_owned()));
        assert_eq!(text(remainder(decimal!(7.5), decimal!(-2))), Some("1.5".to_owned()));
        assert_eq!(text(remainder(decimal!(-7.5), decimal!(2))), Some("-1.5".to_owned()));
        assert_eq!(remainder(decimal!(1), decimal!(0.00)), None);
        let huge = "99999999999999999999999999999999999999".parse::<Decimal>().unwrap();
        assert_eq!(divide(huge, decimal!(0.1)), None, "too large, not a panic");
        assert_eq!(text(remainder(huge, decimal!(0.5))), None, "too large to align, not a panic");
        assert_eq!(text(divide(Decimal::new(i128::MIN, 0), decimal!(-1))), None);
        let _ = remainder(Decimal::new(i128::MIN, 0), decimal!(-1));
    }

    #[test]
    fn amounts_too_large_are_refused_not_a_panic() {
        let huge = "99999999999999999999999999999999999999".parse::<Decimal>().unwrap();
        assert_eq!(add(huge, huge).unwrap_err().status, http::StatusCode::BAD_REQUEST);
        assert!(mul(huge, decimal!(10)).is_err());
    }
}
