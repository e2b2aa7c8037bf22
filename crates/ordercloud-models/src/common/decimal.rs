//! `Decimal`: OrderCloud's money and other decimals, digit for digit.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::iter::Sum;
use std::num::NonZeroU8;
use std::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use serde::de::{DeserializeSeed, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use super::raw_text::{CaptureRaw, serialize_raw};

/// The most digits after the point a [`Decimal`] holds (and about the most it holds in all:
/// its digits are an `i128`, up to 170141183460469231731687303715884105727).
pub const MAX_SCALE: u32 = 38;

/// A decimal number, exact: OrderCloud's prices, totals, weights and other decimals.
///
/// OrderCloud keeps these as .NET `decimal`s (up to 28 significant digits) and sends them as
/// JSON numbers. A `Decimal` keeps every digit it reads and writes the same digits back,
/// trailing zeros included: `19.99` stays `19.99`, `19.990` stays `19.990`, and
/// `1234567890.123456789` stays `1234567890.123456789`, which an `f64` would round to
/// `1234567890.1234567`. A number in exponent form (`1.5e3`, which OrderCloud does not
/// send) is read exactly and written without the exponent (`1500`); a number beyond 38
/// digits, or with more than 38 after the point, is refused with an error, never rounded.
///
/// For arithmetic: `+`, `-`, `*` and [`Sum`] are exact (they panic on overflow, beyond about
/// 38 digits, as integers do; [`checked_add`](Self::checked_add) and its siblings return
/// `None` instead), comparisons are by value (`19.99 == 19.990`), [`round_dp`](Self::round_dp)
/// rounds half away from zero, and [`to_f64`](Self::to_f64) gives the nearest `f64`. With the
/// feature `rust_decimal`, it converts to and from `rust_decimal::Decimal` for division and
/// the rest.
///
/// Made with [`decimal!`](crate::decimal!) from a literal (checked when compiling), from any
/// integer, by parsing text, with [`new`](Self::new) from digits and a scale, or from an
/// `f64` with `try_from` (its shortest exact form: `0.1` is `0.1`).
///
/// ```
/// use ordercloud_models::{Decimal, decimal};
///
/// let price: Decimal = serde_json::from_str("1234567890.123456789")?;
/// assert_eq!(serde_json::to_string(&price)?, "1234567890.123456789");
///
/// let unit = decimal!(19.99);
/// let line = unit * Decimal::from(3) - decimal!(0.97);
/// assert_eq!(line.to_string(), "59.00");
/// assert_eq!(line, decimal!(59));
/// assert_eq!("0.1".parse::<Decimal>()? + decimal!(0.2), decimal!(0.3));
/// assert_eq!(Decimal::try_from(0.1)?, decimal!(0.1));
/// assert_eq!(decimal!(2.675).round_dp(2).to_string(), "2.68");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct Decimal {
    /// The digits (an `i128`, kept as two halves so that a `Decimal` is 24 bytes, not 32,
    /// and an `Option<Decimal>` too): the value is `digits / 10^scale`.
    high: i64,
    low: u64,
    /// Digits after the point, at most [`MAX_SCALE`], plus one (so `Option` needs no more
    /// room).
    scale_plus_one: NonZeroU8,
}

/// Why text is not a [`Decimal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecimalError {
    /// Not a decimal number: `12.`, `abc`, empty, a JSON string or `null`.
    Invalid,
    /// More digits than a `Decimal` holds: beyond about 38 in all, or more than 38 after the
    /// point.
    TooLarge,
    /// An `f64` that is not a number or infinite.
    NotFinite,
}

impl fmt::Display for DecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Invalid => "not a decimal number",
            Self::TooLarge => "a decimal number beyond 38 digits",
            Self::NotFinite => "an f64 that is not finite has no decimal value",
        })
    }
}

impl std::error::Error for DecimalError {}

/// `10^n` for `n` up to 38.
const fn pow10(n: u32) -> i128 {
    let mut value = 1i128;
    let mut i = 0;
    while i < n {
        value *= 10;
        i += 1;
    }
    value
}

impl Decimal {
    /// Zero.
    pub const ZERO: Self = Self::of(0, 0);
    /// One.
    pub const ONE: Self = Self::of(1, 0);

    /// From its digits and a scale of at most [`MAX_SCALE`].
    const fn of(mantissa: i128, scale: u8) -> Self {
        let scale_plus_one = match NonZeroU8::new(scale.saturating_add(1)) {
            Some(scale) => scale,
            None => NonZeroU8::MIN,
        };
        Self { high: (mantissa >> 64) as i64, low: mantissa as u64, scale_plus_one }
    }

    /// Digits after the point.
    const fn scale_u8(&self) -> u8 {
        self.scale_plus_one.get() - 1
    }

    /// `mantissa / 10^scale`: `Decimal::new(1999, 2)` is `19.99`.
    ///
    /// # Panics
    ///
    /// When `scale` is above [`MAX_SCALE`] (38); see [`try_new`](Self::try_new).
    pub const fn new(mantissa: i128, scale: u32) -> Self {
        match Self::try_new(mantissa, scale) {
            Some(decimal) => decimal,
            None => panic!("a Decimal has at most 38 digits after the point"),
        }
    }

    /// `mantissa / 10^scale`, or `None` when `scale` is above [`MAX_SCALE`] (38).
    pub const fn try_new(mantissa: i128, scale: u32) -> Option<Self> {
        if scale > MAX_SCALE { None } else { Some(Self::of(mantissa, scale as u8)) }
    }

    /// The digits: the value is `mantissa() / 10^scale()`.
    pub const fn mantissa(&self) -> i128 {
        ((self.high as i128) << 64) | self.low as i128
    }

    /// How many digits are after the point (`2` for `19.99`, `3` for `19.990`).
    pub const fn scale(&self) -> u32 {
        self.scale_u8() as u32
    }

    /// Whether this is zero (`0`, `0.00`...).
    pub const fn is_zero(&self) -> bool {
        self.mantissa() == 0
    }

    /// Whether this is below zero.
    pub const fn is_negative(&self) -> bool {
        self.mantissa() < 0
    }

    /// Parses decimal text: digits with an optional sign, point and exponent, as JSON writes
    /// numbers (leading zeros and a `+` are accepted too). A `const fn`, for
    /// [`decimal!`](crate::decimal!).
    pub const fn parse(text: &str) -> Result<Self, DecimalError> {
        match Self::parse_short(text.as_bytes()) {
            Some(decimal) => Ok(decimal),
            None => Self::parse_any(text.as_bytes()),
        }
    }

    /// The common case, quickly: `-?digits(.digits)?` with at most 18 digits, which fit an
    /// `i64` as they are read. `None` for anything else.
    const fn parse_short(bytes: &[u8]) -> Option<Self> {
        let mut i = 0;
        let negative = !bytes.is_empty() && bytes[0] == b'-';
        if negative {
            i = 1;
        }
        let mut digits: i64 = 0;
        let mut count = 0;
        let mut scale = 0;
        let mut point = false;
        let start = i;
        while i < bytes.len() {
            let byte = bytes[i];
            if byte.is_ascii_digit() {
                // A 19th digit would overflow the `i64`: the long way reads it.
                if count == 18 {
                    return None;
                }
                digits = digits * 10 + (byte - b'0') as i64;
                count += 1;
                if point {
                    scale += 1;
                }
            } else if byte == b'.' && !point && i > start && i + 1 < bytes.len() {
                point = true;
            } else {
                return None;
            }
            i += 1;
        }
        if count == 0 {
            return None;
        }
        Some(Self::of(if negative { -(digits as i128) } else { digits as i128 }, scale))
    }

    /// Any decimal text, for [`parse`](Self::parse).
    const fn parse_any(bytes: &[u8]) -> Result<Self, DecimalError> {
        let mut i = 0;
        let negative = match bytes.first() {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let mut digits: u128 = 0;
        let mut significant = false;
        let mut integer_digits = 0;
        let mut fraction_digits: i64 = 0;
        let mut too_large = false;
        // Integer part.
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            match push_digit(digits, bytes[i]) {
                Some(next) => digits = next,
                None => too_large = true,
            }
            significant |= bytes[i] != b'0';
            integer_digits += 1;
            i += 1;
        }
        if integer_digits == 0 {
            return Err(DecimalError::Invalid);
        }
        // Fraction.
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                match push_digit(digits, bytes[i]) {
                    Some(next) => digits = next,
                    None => too_large = true,
                }
                significant |= bytes[i] != b'0';
                fraction_digits += 1;
                i += 1;
            }
            if i == start {
                return Err(DecimalError::Invalid);
            }
        }
        // Exponent.
        let mut exponent: i64 = 0;
        if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
            i += 1;
            let exponent_negative = i < bytes.len() && bytes[i] == b'-';
            if i < bytes.len() && (bytes[i] == b'-' || bytes[i] == b'+') {
                i += 1;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                if exponent < 100_000 {
                    exponent = exponent * 10 + (bytes[i] - b'0') as i64;
                }
                i += 1;
            }
            if i == start {
                return Err(DecimalError::Invalid);
            }
            if exponent_negative {
                exponent = -exponent;
            }
        }
        if i != bytes.len() {
            return Err(DecimalError::Invalid);
        }
        if too_large {
            return Err(DecimalError::TooLarge);
        }
        let mut scale = fraction_digits - exponent;
        if !significant {
            // Zero, whatever its exponent: keep the written scale where it fits.
            let scale = if scale < 0 {
                0
            } else if scale > MAX_SCALE as i64 {
                MAX_SCALE as i64
            } else {
                scale
            };
            return Ok(Self::of(0, scale as u8));
        }
        while scale < 0 {
            digits = match digits.checked_mul(10) {
                Some(next) => next,
                None => return Err(DecimalError::TooLarge),
            };
            scale += 1;
        }
        while scale > MAX_SCALE as i64 && digits % 10 == 0 {
            digits /= 10;
            scale -= 1;
        }
        if scale > MAX_SCALE as i64 {
            return Err(DecimalError::TooLarge);
        }
        let mantissa = if negative {
            if digits > i128::MAX as u128 + 1 {
                return Err(DecimalError::TooLarge);
            }
            (digits as i128).wrapping_neg()
        } else {
            if digits > i128::MAX as u128 {
                return Err(DecimalError::TooLarge);
            }
            digits as i128
        };
        Ok(Self::of(mantissa, scale as u8))
    }

    /// The exact text, as [`Display`](fmt::Display) writes it, without allocating.
    fn text(&self) -> Text {
        let mut text = Text { bytes: [0; 48], len: 0 };
        // Digits, least significant first.
        let mut digits = [0u8; 40];
        let mut count = 0;
        let mut rest = self.mantissa().unsigned_abs();
        loop {
            digits[count] = b'0' + (rest % 10) as u8;
            count += 1;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let scale = usize::from(self.scale_u8());
        while count <= scale {
            digits[count] = b'0';
            count += 1;
        }
        if self.mantissa() < 0 {
            text.push(b'-');
        }
        for position in (0..count).rev() {
            text.push(digits[position]);
            if position == scale && scale > 0 {
                text.push(b'.');
            }
        }
        text
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        // The text parses correctly rounded, which a division by a power of ten would not.
        self.text().as_str().parse().unwrap_or(f64::NAN)
    }

    /// The same value with trailing zeros after the point removed: `19.90` is `19.9`.
    pub fn normalize(&self) -> Self {
        let (mut mantissa, mut scale) = (self.mantissa(), self.scale_u8());
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Self::of(mantissa, scale)
    }

    /// The same value with `scale` digits after the point, if it fits.
    fn rescaled(&self, scale: u8) -> Option<i128> {
        self.mantissa().checked_mul(pow10(u32::from(scale.checked_sub(self.scale_u8())?)))
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        let scale = self.scale_u8().max(other.scale_u8());
        let mantissa = self.rescaled(scale)?.checked_add(other.rescaled(scale)?)?;
        Some(Self::of(mantissa, scale))
    }

    /// `self - other`, or `None` on overflow.
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.checked_add(other.checked_neg()?)
    }

    /// `self * other`, or `None` on overflow.
    pub fn checked_mul(self, other: Self) -> Option<Self> {
        let product = |left: Self, right: Self| {
            let scale = u32::from(left.scale_u8()) + u32::from(right.scale_u8());
            Some((left.mantissa().checked_mul(right.mantissa())?, scale))
        };
        // Trailing zeros carry no value: `1.000…0 * 1.000…0` fits once they are dropped.
        let (mut mantissa, mut scale) =
            product(self, other).or_else(|| product(self.normalize(), other.normalize()))?;
        while scale > MAX_SCALE && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Self::try_new(mantissa, scale)
    }

    /// `-self`, or `None` for the one value whose negation does not fit.
    pub fn checked_neg(self) -> Option<Self> {
        Some(Self::of(self.mantissa().checked_neg()?, self.scale_u8()))
    }

    /// Rounded to `places` digits after the point, half away from zero (`2.675` is `2.68`,
    /// `-2.675` is `-2.68`); a value with fewer digits is returned as it is.
    pub fn round_dp(&self, places: u32) -> Self {
        let Some(drop) = u32::from(self.scale_u8()).checked_sub(places).filter(|drop| *drop > 0) else {
            return *self;
        };
        let divisor = pow10(drop);
        let (quotient, remainder) = (self.mantissa() / divisor, self.mantissa() % divisor);
        let away = remainder.unsigned_abs() * 2 >= divisor.unsigned_abs();
        let mantissa = match (away, self.mantissa() < 0) {
            (false, _) => quotient,
            (true, false) => quotient + 1,
            (true, true) => quotient - 1,
        };
        Self::of(mantissa, places as u8)
    }

    /// The integer part, toward zero: `116.42` is `116`, `-2.5` is `-2`.
    pub fn trunc(&self) -> Self {
        let divisor = pow10(u32::from(self.scale_u8()));
        Self::of(self.mantissa() / divisor, 0)
    }

    /// The integer part and the fraction's digits at `scale`, for comparing.
    fn parts(&self, scale: u8) -> (i128, i128) {
        let divisor = pow10(u32::from(self.scale_u8()));
        let fraction = self.mantissa() % divisor;
        // The fraction is below 10^self's scale, so at 10^scale (at most 38) it fits.
        (self.mantissa() / divisor, fraction * pow10(u32::from(scale - self.scale_u8())))
    }
}

/// Appends a digit, or `None` when the digits no longer fit.
const fn push_digit(digits: u128, digit: u8) -> Option<u128> {
    match digits.checked_mul(10) {
        Some(shifted) => shifted.checked_add((digit - b'0') as u128),
        None => None,
    }
}

/// A decimal's text on the stack.
struct Text {
    bytes: [u8; 48],
    len: usize,
}

impl Text {
    fn push(&mut self, byte: u8) {
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits, `-` and `.` are pushed.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("0")
    }
}

/// A [`Decimal`] from a numeric literal, checked when compiling: `decimal!(19.99)`,
/// `decimal!(-0.5)`, `decimal!(3)`.
///
/// ```
/// use ordercloud_models::{Decimal, decimal};
///
/// const SHIPPING: Decimal = decimal!(4.95);
/// assert_eq!(SHIPPING.to_string(), "4.95");
/// assert_eq!(decimal!(-0.5), Decimal::new(-5, 1));
/// ```
#[macro_export]
macro_rules! decimal {
    (- $literal:literal) => {
        const {
            match $crate::Decimal::parse(concat!("-", stringify!($literal))) {
                Ok(decimal) => decimal,
                Err(_) => panic!("not a decimal literal"),
            }
        }
    };
    ($literal:literal) => {
        const {
            match $crate::Decimal::parse(stringify!($literal)) {
                Ok(decimal) => decimal,
                Err(_) => panic!("not a decimal literal"),
            }
        }
    };
}

impl Default for Decimal {
    /// Zero.
    fn default() -> Self {
        Self::ZERO
    }
}

impl fmt::Display for Decimal {
    /// The exact digits, with as many after the point as it holds: `19.990`. With a precision
    /// (`{:.2}`), rounded half away from zero to exactly that many digits after the point;
    /// width, fill and sign flags work as for numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = match f.precision() {
            Some(places) => {
                let places = places.min(MAX_SCALE as usize) as u8;
                let rounded = self.round_dp(u32::from(places));
                rounded.rescaled(places).map_or(rounded, |mantissa| Self::of(mantissa, places))
            }
            None => *self,
        };
        let text = shown.text();
        let digits = text.as_str();
        f.pad_integral(!shown.is_negative(), "", digits.strip_prefix('-').unwrap_or(digits))
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text().as_str())
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    fn from_str(text: &str) -> Result<Self, DecimalError> {
        Self::parse(text.trim())
    }
}

impl TryFrom<f64> for Decimal {
    type Error = DecimalError;

    /// The shortest decimal that reads back as `value` (`0.1` is `0.1`, not
    /// `0.1000000000000000055511151231257827`).
    fn try_from(value: f64) -> Result<Self, DecimalError> {
        if !value.is_finite() {
            return Err(DecimalError::NotFinite);
        }
        Self::parse(&value.to_string())
    }
}

impl TryFrom<f32> for Decimal {
    type Error = DecimalError;

    /// The shortest decimal that reads back as `value`.
    fn try_from(value: f32) -> Result<Self, DecimalError> {
        if !value.is_finite() {
            return Err(DecimalError::NotFinite);
        }
        Self::parse(&value.to_string())
    }
}

macro_rules! from_integer {
    ($($integer:ty),*) => {$(
        impl From<$integer> for Decimal {
            fn from(value: $integer) -> Self {
                Self::of(i128::from(value), 0)
            }
        }
    )*};
}

from_integer!(i8, i16, i32, i64, i128, u8, u16, u32, u64);

impl PartialEq for Decimal {
    /// By value: `19.99 == 19.990`.
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let normal = self.normalize();
        normal.mantissa().hash(state);
        normal.scale_u8().hash(state);
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    /// By value.
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale_u8().max(other.scale_u8());
        self.parts(scale).cmp(&other.parts(scale))
    }
}

impl Add for Decimal {
    type Output = Self;

    /// # Panics
    ///
    /// On overflow, beyond about 38 digits; see [`checked_add`](Decimal::checked_add).
    fn add(self, other: Self) -> Self {
        self.checked_add(other).expect("Decimal overflow in +")
    }
}

impl Sub for Decimal {
    type Output = Self;

    /// # Panics
    ///
    /// On overflow, beyond about 38 digits; see [`checked_sub`](Decimal::checked_sub).
    fn sub(self, other: Self) -> Self {
        self.checked_sub(other).expect("Decimal overflow in -")
    }
}

impl Mul for Decimal {
    type Output = Self;

    /// # Panics
    ///
    /// On overflow, beyond about 38 digits; see [`checked_mul`](Decimal::checked_mul).
    fn mul(self, other: Self) -> Self {
        self.checked_mul(other).expect("Decimal overflow in *")
    }
}

impl Neg for Decimal {
    type Output = Self;

    fn neg(self) -> Self {
        self.checked_neg().expect("Decimal overflow in -")
    }
}

impl AddAssign for Decimal {
    fn add_assign(&mut self, other: Self) {
        *self = *self + other;
    }
}

impl SubAssign for Decimal {
    fn sub_assign(&mut self, other: Self) {
        *self = *self - other;
    }
}

impl MulAssign for Decimal {
    fn mul_assign(&mut self, other: Self) {
        *self = *self * other;
    }
}

impl Sum for Decimal {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Decimal> for Decimal {
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.copied().sum()
    }
}

impl Serialize for Decimal {
    /// A JSON number with exactly its digits.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_raw(serializer, self.text().as_str())
    }
}

impl<'de> Deserialize<'de> for Decimal {
    /// A JSON number, digit for digit; text, `true` or an object is an error.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = CaptureRaw.deserialize(deserializer)?;
        Self::parse(&text).map_err(|error| {
            serde::de::Error::custom(format_args!("{error}: expected a JSON number with at most 38 digits"))
        })
    }
}

#[cfg(feature = "rust_decimal")]
mod rust_decimal_conversions {
    use super::{Decimal, DecimalError};

    impl From<rust_decimal::Decimal> for Decimal {
        /// Exact: a `rust_decimal::Decimal` has at most 29 digits and 28 after the point.
        fn from(value: rust_decimal::Decimal) -> Self {
            Self::new(value.mantissa(), value.scale())
        }
    }

    impl TryFrom<Decimal> for rust_decimal::Decimal {
        type Error = DecimalError;

        /// Exact, or [`DecimalError::TooLarge`] beyond `rust_decimal`'s 28 digits after the
        /// point and 96 bits of digits (trailing zeros are dropped first).
        fn try_from(value: Decimal) -> Result<Self, DecimalError> {
            let value = if value.scale() > 28 { value.normalize() } else { value };
            rust_decimal::Decimal::try_from_i128_with_scale(value.mantissa(), value.scale())
                .map_err(|_| DecimalError::TooLarge)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn json_numbers_keep_every_digit() {
        for text in [
            "0",
            "19.99",
            "19.990",
            "0.10",
            "-0.5",
            "1234567890.123456789",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "170141183460469231731687303715884105727",
            "-170141183460469231731687303715884105728",
            "1.00000000000000000000000000000000000001",
            "9999999999999999999",
            "-99999999999999999999.99",
        ] {
            let decimal: Decimal = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&decimal).unwrap(), text, "{text}");
            assert_eq!(decimal.to_string(), text);
            let in_array: Vec<Decimal> = serde_json::from_reader(format!("[{text}]").as_bytes()).unwrap();
            assert_eq!(serde_json::to_string(&in_array).unwrap(), format!("[{text}]"));
        }
    }

    #[test]
    fn exponents_are_read_exactly_and_written_plainly() {
        assert_eq!(d("1.5e3").to_string(), "1500");
        assert_eq!(d("15E-3").to_string(), "0.015");
        assert_eq!(d("0e10").to_string(), "0");
        assert_eq!(d("0.00e-2").to_string(), "0.0000");
        assert_eq!(d("1e-38").to_string(), format!("0.{}1", "0".repeat(37)));
        assert_eq!(d("1.000e-36").to_string(), format!("0.{}100", "0".repeat(35)));
    }

    #[test]
    fn what_does_not_fit_or_is_not_a_number_is_refused() {
        for (text, error) in [
            ("", DecimalError::Invalid),
            ("-", DecimalError::Invalid),
            ("12.", DecimalError::Invalid),
            (".5", DecimalError::Invalid),
            ("1e", DecimalError::Invalid),
            ("1.2.3", DecimalError::Invalid),
            ("abc", DecimalError::Invalid),
            ("\"19.99\"", DecimalError::Invalid),
            ("null", DecimalError::Invalid),
            ("1e39", DecimalError::TooLarge),
            ("1e400000000000", DecimalError::TooLarge),
            ("1e-39", DecimalError::TooLarge),
            ("170141183460469231731687303715884105728", DecimalError::TooLarge),
            ("1234567890123456789012345678901234567890", DecimalError::TooLarge),
        ] {
            assert_eq!(Decimal::parse(text), Err(error), "{text:?}");
        }
        for json in ["\"19.99\"", "true", "{}", "[1]", "1e400"] {
            let error = serde_json::from_str::<Decimal>(json).unwrap_err().to_string();
            assert!(error.contains("at most 38 digits"), "{json}: {error}");
        }
        assert_eq!(serde_json::from_str::<Option<Decimal>>("null").unwrap(), None);
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(d("0.1") + d("0.2"), d("0.3"));
        assert_eq!((d("0.1") + d("0.2")).to_string(), "0.3");
        assert_eq!((d("19.99") * Decimal::from(3)).to_string(), "59.97");
        assert_eq!((d("1.5") * d("1.5")).to_string(), "2.25");
        assert_eq!((d("10") - d("0.01")).to_string(), "9.99");
        assert_eq!([d("1.10"), d("2.205"), d("-0.3")].iter().sum::<Decimal>().to_string(), "3.005");
        assert_eq!(-d("1.5"), d("-1.5"));
        let max = Decimal::new(i128::MAX, 0);
        assert_eq!(max.checked_add(Decimal::ONE), None);
        assert_eq!(max.checked_mul(d("2")), None);
        assert_eq!(Decimal::new(i128::MIN, 0).checked_neg(), None);
        assert_eq!(d("0.1").checked_add(Decimal::new(i128::MAX, 0)), None);
        let tiny = Decimal::new(1, 38);
        assert_eq!(tiny.checked_mul(tiny), None);
        assert_eq!(d("100").checked_mul(tiny), Some(Decimal::new(1, 36)));
        let one = d("1.00000000000000000000");
        assert_eq!(one.checked_mul(one), Some(Decimal::ONE));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(d("2.675").round_dp(2).to_string(), "2.68");
        assert_eq!(d("-2.675").round_dp(2).to_string(), "-2.68");
        assert_eq!(d("2.674").round_dp(2).to_string(), "2.67");
        assert_eq!(d("2.5").round_dp(0).to_string(), "3");
        assert_eq!(d("0.4").round_dp(0).to_string(), "0");
        assert_eq!(d("1.5").round_dp(3).to_string(), "1.5");
        assert_eq!(d("116.92").trunc().to_string(), "116");
        assert_eq!(d("-2.5").trunc().to_string(), "-2");
    }

    #[test]
    fn comparison_and_hash_are_by_value() {
        use std::collections::HashSet;
        assert_eq!(d("19.99"), d("19.990"));
        assert!(d("19.99") < d("19.991"));
        assert!(d("-1") < d("-0.5"));
        assert!(d("-1.5") < d("-1.25"));
        assert!(Decimal::new(i128::MAX, 38) < Decimal::new(i128::MAX, 37));
        assert!(Decimal::new(1, 38) > Decimal::ZERO);
        let set: HashSet<Decimal> = [d("1.50"), d("1.5"), d("1.500")].into_iter().collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn floats_convert_to_their_shortest_form() {
        assert_eq!(Decimal::try_from(0.1).unwrap().to_string(), "0.1");
        assert_eq!(Decimal::try_from(19.99f32).unwrap().to_string(), "19.99");
        assert_eq!(Decimal::try_from(-2.5e-3).unwrap().to_string(), "-0.0025");
        assert_eq!(Decimal::try_from(f64::NAN), Err(DecimalError::NotFinite));
        assert_eq!(Decimal::try_from(1e300), Err(DecimalError::TooLarge));
        assert_eq!(d("1234567890.123456789").to_f64(), 1_234_567_890.123_456_7);
        assert_eq!(d("0.3").to_f64(), 0.3);
    }

    #[test]
    fn display_takes_a_precision_and_a_width() {
        assert_eq!(format!("{:.2}", d("998")), "998.00");
        assert_eq!(format!("{:.2}", d("2.675")), "2.68");
        assert_eq!(format!("{:.1}", d("-0.04")), "0.0");
        assert_eq!(format!("{:>8.2}", d("-1.5")), "   -1.50");
        assert_eq!(format!("{:08.3}", d("-1.5")), "-001.500");
        assert_eq!(format!("{:+}", d("1.5")), "+1.5");
        assert_eq!(format!("{}", d("-0.000")), "0.000");
    }

    #[test]
    fn the_macro_takes_literals() {
        assert_eq!(decimal!(19.99), d("19.99"));
        assert_eq!(decimal!(-19.99).to_string(), "-19.99");
        assert_eq!(decimal!(3).to_string(), "3");
        assert_eq!(decimal!(1.50).to_string(), "1.50");
    }

    #[cfg(feature = "rust_decimal")]
    #[test]
    fn rust_decimal_round_trips() {
        let ours = d("1234567890.123456789");
        let theirs = rust_decimal::Decimal::try_from(ours).unwrap();
        assert_eq!(theirs.to_string(), "1234567890.123456789");
        assert_eq!(Decimal::from(theirs), ours);
        assert_eq!(rust_decimal::Decimal::try_from(Decimal::new(i128::MAX, 0)), Err(DecimalError::TooLarge));
    }
}
