//! JSON text as it came and as it goes: the part of `serde_json`'s raw-value protocol the
//! models use to keep a value's exact text (an unknown field, a decimal's digits) without
//! parsing it into numbers or allocating a copy when the input can be borrowed.
//!
//! `serde_json` passes a value's raw text to whoever asks with a newtype struct of its
//! `RawValue` name, the protocol behind `serde_json::value::RawValue`; asking through the
//! same name is the one way to receive the text borrowed when the input allows it and owned
//! when it does not (a reader, a `serde_json::Value`), in one pass. A deserializer of
//! another format does not know the name and hands the value itself over; it is then
//! written as JSON text, which is what such formats can carry. The tests pin the protocol
//! for every `serde_json` input.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};

/// The name `serde_json` gives raw values, on both sides.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// Reads the next value of a deserializer as its JSON text: borrowed from the input where it
/// can be, else owned.
pub(crate) struct CaptureRaw;

impl<'de> DeserializeSeed<'de> for CaptureRaw {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_VALUE, RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    /// `serde_json`: a map of one entry, the protocol's name and the text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if map.next_key_seed(ProtocolKey)?.is_none() {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
        }
        map.next_value_seed(StrSeed)
    }

    /// Another format: the value itself, written as JSON. What [`serialize_raw`] wrote in
    /// such a format (a struct holding the text) reads back as the value that text holds,
    /// since `serde_json::Value` reads the protocol's struct so; its numbers then have the
    /// digits an `f64` keeps.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let value: serde_json::Value = serde::Deserialize::deserialize(deserializer)?;
        Ok(Cow::Owned(value.to_string()))
    }
}

/// The key of the protocol's one entry.
struct ProtocolKey;

impl<'de> DeserializeSeed<'de> for ProtocolKey {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for ProtocolKey {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a raw JSON value")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<(), E> {
        if key == RAW_VALUE { Ok(()) } else { Err(E::custom("expected a raw JSON value")) }
    }
}

/// A string, borrowed from the input where it can be, else owned: the text of the protocol's
/// one entry, and a model's field names.
pub(crate) struct StrSeed;

impl<'de> DeserializeSeed<'de> for StrSeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for StrSeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    #[inline]
    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(text))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text))
    }
}

/// Writes `json`, which must be valid JSON text, as it is: `serde_json` copies it into its
/// output; a serializer of another format receives a struct holding the text.
pub(crate) fn serialize_raw<S: Serializer>(serializer: S, json: &str) -> Result<S::Ok, S::Error> {
    let mut raw = serializer.serialize_struct(RAW_VALUE, 1)?;
    raw.serialize_field(RAW_VALUE, json)?;
    raw.end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    /// A value kept as its text, for the tests.
    #[derive(Debug, PartialEq)]
    struct Kept(String);

    impl<'de> Deserialize<'de> for Kept {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            CaptureRaw.deserialize(deserializer).map(|text| Kept(text.into_owned()))
        }
    }

    impl Serialize for Kept {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize_raw(serializer, &self.0)
        }
    }

    /// Whether the text was borrowed, for the tests.
    struct Borrowed(bool);

    impl<'de> Deserialize<'de> for Borrowed {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            CaptureRaw.deserialize(deserializer).map(|text| Borrowed(matches!(text, Cow::Borrowed(_))))
        }
    }

    const TEXT: &str = r#"[1234567890.123456789, {"a" : "\u00e9"}, 1e400]"#;

    #[test]
    fn every_serde_json_input_gives_the_exact_text() {
        assert_eq!(serde_json::from_str::<Kept>(TEXT).unwrap().0, TEXT);
        assert_eq!(serde_json::from_slice::<Kept>(TEXT.as_bytes()).unwrap().0, TEXT);
        assert_eq!(serde_json::from_reader::<_, Kept>(TEXT.as_bytes()).unwrap().0, TEXT);
        assert!(serde_json::from_str::<Borrowed>(TEXT).unwrap().0);
        assert!(!serde_json::from_reader::<_, Borrowed>(TEXT.as_bytes()).unwrap().0);
        // A `Value` has lost the digits already; its text is what it holds.
        let value = serde_json::json!({"b": [1, "x"]});
        assert_eq!(serde_json::from_value::<Kept>(value).unwrap().0, r#"{"b":[1,"x"]}"#);
    }

    /// A format that knows nothing of the protocol: it hands values over as they are.
    struct OtherFormat(serde_json::Value);

    impl<'de> Deserializer<'de> for OtherFormat {
        type Error = serde_json::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.deserialize_any(visitor)
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            visitor.visit_newtype_struct(self.0)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
        }
    }

    #[test]
    fn another_format_gives_its_values_and_its_raw_values_back() {
        let plain = Kept::deserialize(OtherFormat(serde_json::json!({"a": [1, "x"]}))).unwrap();
        assert_eq!(plain.0, r#"{"a":[1,"x"]}"#);
        // What serialize_raw writes in a format without the protocol (a struct of the text)
        // reads back as the value, not as that struct.
        let stored = serde_json::json!({ RAW_VALUE: r#"{"Slug":"red-shirt"}"# });
        assert_eq!(Kept::deserialize(OtherFormat(stored)).unwrap().0, r#"{"Slug":"red-shirt"}"#);
    }

    #[test]
    fn written_back_as_it_is() {
        let kept = Kept("1234567890.123456789".to_owned());
        assert_eq!(serde_json::to_string(&kept).unwrap(), "1234567890.123456789");
        assert_eq!(serde_json::to_string(&[kept]).unwrap(), "[1234567890.123456789]");
        let value = serde_json::to_value(Kept(r#"{"a":[true]}"#.to_owned())).unwrap();
        assert_eq!(value, serde_json::json!({"a": [true]}));
    }
}
