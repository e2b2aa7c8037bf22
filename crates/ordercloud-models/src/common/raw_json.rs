//! `RawJson` (and its name for extended properties, `Xp`): free-form JSON kept as its text.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// Free-form JSON, kept as the text that arrived until it is asked for: OrderCloud's
/// extended properties (`xp`, see [`Xp`]) and the other open objects of its payloads.
///
/// Reading a model never builds a tree of values for its `xp`: the JSON text is kept as it
/// is (one allocation, about its own size), and parsed only when asked, straight into the
/// type asked for. So a page of 100 products with large `xp` decodes as fast as one
/// without, and a hostile body of numbers costs its own size, not ten times it.
///
/// - Untyped: [`to_value`](Self::to_value) (a `serde_json::Value`), or
///   [`as_json`](Self::as_json) (the text).
/// - Typed, reading: [`get::<T>()`](Self::get), into any `Deserialize` type of yours.
/// - Writing, without `serde_json` in your manifest and without a fallible call:
///   [`xp!`](crate::xp) with JSON's own syntax (`xp!({"Color": "red", "Sizes": ["S"]})`),
///   or [`RawJson::from_pairs`] for a flat object.
/// - Typed, writing: [`RawJson::new(&value)`](Self::new), from any `Serialize` type (it
///   fails only for a type whose `Serialize` does, such as a map with non-string keys).
///
/// Two values are equal when they hold the same JSON (key order and spacing aside).
///
/// ```
/// use ordercloud_models::Xp;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, PartialEq, Debug)]
/// struct ProductXp {
///     #[serde(rename = "Color")]
///     color: String,
///     #[serde(rename = "Sizes", default)]
///     sizes: Vec<String>,
/// }
///
/// let xp: Xp = serde_json::from_str(r#"{"Color": "red", "Sizes": ["S", "M"], "Other": 1}"#)?;
/// assert_eq!(xp.get::<ProductXp>()?.color, "red");
/// assert_eq!(xp.to_value()["Other"], 1);
///
/// let written = Xp::new(&ProductXp { color: "blue".into(), sizes: vec![] })?;
/// assert_eq!(written.as_json(), r#"{"Color":"blue","Sizes":[]}"#);
/// assert_eq!(written, Xp::from(serde_json::json!({"Sizes": [], "Color": "blue"})));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct RawJson(Box<RawValue>);

/// OrderCloud's extended properties: free-form JSON on 47 of its models, untyped until you
/// ask for your own type. See [`RawJson`] for reading and writing them.
pub type Xp = RawJson;

impl RawJson {
    /// A JSON object of `pairs`, in their order: a name, and a value that converts into
    /// JSON (a string, a number, a `bool`, an `Option` of one, a `Vec` of one...). A name
    /// given twice keeps its last value. It cannot fail.
    ///
    /// ```
    /// use ordercloud_models::Xp;
    ///
    /// let xp = Xp::from_pairs([("Color", "red"), ("Material", "steel")]);
    /// assert_eq!(xp.as_json(), r#"{"Color":"red","Material":"steel"}"#);
    /// let counts = Xp::from_pairs([("Stock", 3), ("Reserved", 0)]);
    /// assert_eq!(counts.as_json(), r#"{"Stock":3,"Reserved":0}"#);
    /// ```
    pub fn from_pairs<K: Into<String>, V: Into<Value>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut entries: Vec<(String, Value)> = Vec::new();
        for (name, value) in pairs {
            let name = name.into();
            match entries.iter_mut().find(|(known, _)| *known == name) {
                Some(entry) => entry.1 = value.into(),
                None => entries.push((name, value.into())),
            }
        }
        let mut text = String::from("{");
        for (at, (name, value)) in entries.iter().enumerate() {
            if at > 0 {
                text.push(',');
            }
            // A string and a Value always serialize.
            text.push_str(&serde_json::to_string(name).unwrap_or_default());
            text.push(':');
            text.push_str(&serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned()));
        }
        text.push('}');
        Self(RawValue::from_string(text).unwrap_or_else(|_| RawValue::NULL.to_owned()))
    }

    /// `value` as JSON: typed extended properties for a request body.
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(Self)
    }

    /// The JSON read as `T`, such as your own extended-properties struct.
    pub fn get<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    /// The JSON as a `serde_json::Value`, for untyped access.
    pub fn to_value(&self) -> Value {
        // The text is valid JSON: it was read or written as such.
        serde_json::from_str(self.0.get()).unwrap_or(Value::Null)
    }

    /// The JSON text, exactly as it arrived (or was written).
    pub fn as_json(&self) -> &str {
        self.0.get()
    }

    /// Whether this is JSON `null` or an empty object (`{ }` with any white space). Read from
    /// the text: nothing is parsed.
    pub fn is_empty(&self) -> bool {
        let text = self.0.get().trim();
        text == "null"
            || text
                .strip_prefix('{')
                .and_then(|inner| inner.strip_suffix('}'))
                .is_some_and(|inner| inner.trim().is_empty())
    }
}

/// Extended properties ([`Xp`], a [`RawJson`]) written in JSON's own syntax, without
/// `serde_json` in your manifest and without a fallible call: any JSON literal, with Rust
/// expressions as values.
///
/// ```
/// use ordercloud_models::{Xp, xp};
///
/// let size = "M";
/// let written: Xp = xp!({"Color": "red", "Sizes": ["S", size], "Stock": 3, "Featured": true, "Note": null});
/// let read: serde_json::Value = serde_json::from_str(written.as_json())?;
/// assert_eq!((read["Sizes"][1].as_str(), read["Stock"].as_u64(), read["Note"].is_null()), (Some("M"), Some(3), true));
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// Through the facade crate it is `ordercloud::models::xp!`.
#[macro_export]
macro_rules! xp {
    ($($json:tt)+) => {
        $crate::RawJson::from($crate::__private::json!($($json)+))
    };
}

impl Default for RawJson {
    /// An empty object, `{}`.
    fn default() -> Self {
        Self::from(Value::Object(serde_json::Map::new()))
    }
}

impl From<Value> for RawJson {
    fn from(value: Value) -> Self {
        // A Value always serializes.
        Self(serde_json::value::to_raw_value(&value).unwrap_or_else(|_| RawValue::NULL.to_owned()))
    }
}

/// Equal when the texts are, or else when they parse to the same value (which parses
/// both).
impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get() || self.to_value() == other.to_value()
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.get())
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn it_round_trips_its_text_and_compares_by_value() {
        let text = r#"{"b":[1,2.5,"x"],"a":{"nested":null}}"#;
        let xp: RawJson = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&xp).unwrap(), text);
        assert_eq!(xp, RawJson::from(json!({"a": {"nested": null}, "b": [1, 2.5, "x"]})));
        assert_ne!(xp, RawJson::default());
        assert!(RawJson::default().is_empty() && !xp.is_empty());
        assert_eq!(format!("{xp:?}"), text);
        let from_value: RawJson = serde_json::from_value(json!({"a": 1})).unwrap();
        assert_eq!(from_value.get::<Value>().unwrap(), json!({"a": 1}));
    }

    #[test]
    fn pairs_and_the_macro_write_objects_that_cannot_fail() {
        let xp = RawJson::from_pairs([
            ("A \"quoted\" name", json!(1)),
            ("B", json!([true, null])),
            ("A \"quoted\" name", json!(2)),
        ]);
        assert_eq!(xp.to_value(), json!({"A \"quoted\" name": 2, "B": [true, null]}));
        assert_eq!(xp.as_json(), r#"{"A \"quoted\" name":2,"B":[true,null]}"#);
        assert_eq!(RawJson::from_pairs(Vec::<(String, Value)>::new()).as_json(), "{}");
        assert!(RawJson::from_pairs([("x", f64::NAN)]).to_value()["x"].is_null(), "a NaN is JSON null");
        let written = crate::xp!({"Color": "red", "Nested": {"Depth": 2}});
        assert_eq!(written, RawJson::from(json!({"Nested": {"Depth": 2}, "Color": "red"})));
    }

    #[test]
    fn typed_reading_reports_a_mismatch() {
        let xp: RawJson = serde_json::from_str(r#"{"Count":"many"}"#).unwrap();
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Typed {
            #[serde(rename = "Count")]
            count: u32,
        }
        assert!(xp.get::<Typed>().is_err());
    }
}
