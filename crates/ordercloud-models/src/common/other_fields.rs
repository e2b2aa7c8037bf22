//! `OtherFields`: the fields of a model that this version has no member for, kept as they
//! came.

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde::ser::{Error as _, SerializeMap};

use super::raw_json::RawJson;
use super::raw_text::serialize_raw;
use super::redact::Redacted;

/// The fields of a model that this version of the crate has no member for: those
/// OrderCloud added after the API description the models were generated from, and any a
/// marketplace sends that the description does not list.
///
/// Every generated model has them, at every level (`Product.Inventory`,
/// `PriceSchedule.PriceBreaks[]`...), as its public field `other_fields`. Each is kept with
/// its JSON exactly as it came (digits, escapes and all) and written back when the model is
/// serialized, so a GET then a PUT sends back every field the server sent, whatever
/// OrderCloud adds next. Read them by name, and set or remove them to send them (a
/// `Partial*` model sends its other fields too).
///
/// A name that is one of the model's own fields cannot be sent as an other field: writing
/// the model fails with an error naming it, before anything is sent (set it through its
/// member instead). `Debug` shows names and values, except values whose names say they are
/// secrets (`...Password`, `...Secret`, `...Token`, `...Key`...), which print redacted.
///
/// ```
/// use ordercloud_models::OtherFields;
/// use ordercloud_models::resources::Product;
///
/// let mut product: Product = serde_json::from_str(
///     r#"{"ID": "p1", "Name": "Bike", "Seo": {"Slug": "bike"}, "Featured": false}"#,
/// )?;
/// assert_eq!(product.other_fields.get("Seo"), Some(r#"{"Slug": "bike"}"#));
/// assert_eq!(product.other_fields.get_as::<bool>("Featured")?, Some(false));
///
/// product.name = Some("Mountain bike".into());
/// product.other_fields.set("Featured", serde_json::json!(true));
/// assert_eq!(
///     serde_json::to_string(&product)?,
///     r#"{"ID":"p1","Name":"Mountain bike","Seo":{"Slug": "bike"},"Featured":true}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct OtherFields {
    /// Each field, one after the other: the length of its name, its name, the length of its
    /// JSON text and the text, each length as 4 bytes. One buffer, so that reading a model
    /// with unknown fields costs one allocation more, not two per field.
    records: Vec<u8>,
    /// How many fields `records` holds.
    count: usize,
}

impl OtherFields {
    /// No fields.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Each field's name and JSON text, in the order they came (or were set).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let mut rest = self.records.as_slice();
        std::iter::from_fn(move || {
            let name = take_text(&mut rest)?;
            let json = take_text(&mut rest)?;
            Some((name, json))
        })
    }

    /// The JSON text of the field `name` (exactly as it came), if there is one.
    pub fn get(&self, name: &str) -> Option<&str> {
        // The last one, as OrderCloud reads a repeated name.
        self.iter().filter(|(field, _)| *field == name).map(|(_, json)| json).last()
    }

    /// The field `name` read as `T` (`String`, `bool`, a `Decimal`, your own type...), or
    /// `None` when there is no such field.
    pub fn get_as<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, serde_json::Error> {
        self.get(name).map(serde_json::from_str).transpose()
    }

    /// Sets the field `name` to `value` (any JSON: `serde_json::json!(...)`, or
    /// `RawJson::new(&your_value)?`), replacing one of that name.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<RawJson>) {
        let name = name.into();
        self.remove(&name);
        self.push(&name, value.into().as_json());
    }

    /// Removes the field `name`, and gives its JSON back.
    pub fn remove(&mut self, name: &str) -> Option<RawJson> {
        let mut removed = None;
        let mut kept = Self::new();
        for (field, json) in self.iter() {
            if field == name {
                removed = serde_json::from_str(json).ok();
            } else {
                kept.push(field, json);
            }
        }
        *self = kept;
        removed
    }

    /// Adds a field as it came: `json` is valid JSON text.
    pub(crate) fn push(&mut self, name: &str, json: &str) {
        // A name or text of 4 GiB or more is beyond any body the client reads.
        let (Ok(name_length), Ok(json_length)) = (u32::try_from(name.len()), u32::try_from(json.len())) else {
            return;
        };
        if self.records.capacity() == 0 {
            self.records.reserve(256);
        }
        self.records.extend_from_slice(&name_length.to_le_bytes());
        self.records.extend_from_slice(name.as_bytes());
        self.records.extend_from_slice(&json_length.to_le_bytes());
        self.records.extend_from_slice(json.as_bytes());
        self.count += 1;
    }

    /// Writes each field into `map`; a name among `known` (the model's own fields, spelt as
    /// they are) is an error. A name in another letter case (`name`, read from a browser's
    /// JSON) is written back as it came.
    pub(crate) fn write<M: SerializeMap>(&self, map: &mut M, model: &str, known: &[&str]) -> Result<(), M::Error> {
        for (name, json) in self.iter() {
            if known.contains(&name) {
                return Err(M::Error::custom(format_args!(
                    "{model}.{name} is set as an other field, but it is a field of {model}: set it through its member"
                )));
            }
            map.serialize_entry(name, &Raw(json))?;
        }
        Ok(())
    }
}

/// The next text of `records`: its length, then itself.
fn take_text<'a>(rest: &mut &'a [u8]) -> Option<&'a str> {
    let (length, after) = rest.split_first_chunk::<4>()?;
    let length = usize::try_from(u32::from_le_bytes(*length)).ok()?;
    let (text, after) = after.split_at_checked(length)?;
    *rest = after;
    // Only text is pushed, so this always holds.
    std::str::from_utf8(text).ok()
}

/// JSON text written as it is.
struct Raw<'a>(&'a str);

impl Serialize for Raw<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_raw(serializer, self.0)
    }
}

/// Whether a field's name says it holds a secret.
fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["password", "secret", "token", "connectionstring", "authheadervalue"].iter().any(|word| name.contains(word))
        || name.ends_with("key")
}

impl fmt::Debug for OtherFields {
    /// Names and values; a value whose name, or the name of anything nested in it, says it
    /// is a secret prints redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, json) in self.iter() {
            if is_secret_name(name) {
                map.entry(&name, &Redacted);
            } else {
                match serde_json::from_str::<serde_json::Value>(json) {
                    Ok(mut value) => {
                        redact_nested(&mut value);
                        map.entry(&name, &format_args!("{value}"));
                    }
                    Err(_) => {
                        map.entry(&name, &format_args!("{json}"));
                    }
                }
            }
        }
        map.finish()
    }
}

/// Replaces the values of secret-named members at any depth with [`REDACTED`](crate::REDACTED).
fn redact_nested(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                if is_secret_name(name) {
                    *member = serde_json::Value::String(crate::REDACTED.to_owned());
                } else {
                    redact_nested(member);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_nested),
        _ => {}
    }
}

/// Equal when they hold the same names in the same order with the same JSON values (spacing
/// and key order inside the values aside).
impl PartialEq for OtherFields {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self.iter().zip(other.iter()).all(|((name, json), (other_name, other_json))| {
                name == other_name
                    && (json == other_json
                        || serde_json::from_str::<serde_json::Value>(json).ok()
                            == serde_json::from_str::<serde_json::Value>(other_json).ok())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_replaces_remove_gives_back() {
        let mut fields = OtherFields::new();
        fields.push("A", "1");
        fields.push("B", r#"{"x" : [1, 2]}"#);
        fields.set("A", json!("one"));
        assert_eq!(fields.iter().collect::<Vec<_>>(), [("B", r#"{"x" : [1, 2]}"#), ("A", r#""one""#)]);
        assert_eq!(fields.remove("B").map(|json| json.to_value()), Some(json!({"x": [1, 2]})));
        assert_eq!(fields.remove("B"), None);
        assert_eq!(fields.len(), 1);
        assert_eq!(fields.get_as::<String>("A").unwrap().as_deref(), Some("one"));
        assert!(fields.get_as::<u32>("A").is_err());
        assert_eq!(fields.get_as::<u32>("Z").unwrap(), None);
    }

    #[test]
    fn secrets_are_not_shown() {
        let mut fields = OtherFields::new();
        fields.push("ParentID", r#""p-1""#);
        for name in ["SaslPassword", "ClientSecret", "ApiKey", "CustomAuthHeaderValue", "ConnectionString", "Token"] {
            fields.push(name, r#""hunter2-secret-value""#);
        }
        let debug = format!("{fields:?}");
        assert!(debug.contains(r#""ParentID": "p-1""#), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert_eq!(debug.matches(crate::REDACTED).count(), 6);
    }

    #[test]
    fn nested_secrets_are_not_shown_either() {
        let mut fields = OtherFields::new();
        fields.push("Config", r#"{"Endpoint":"https://x","Auth":{"ClientSecret":"hunter2-nested"}}"#);
        let debug = format!("{fields:?}");
        assert!(!debug.contains("hunter2") && debug.contains("https://x"), "{debug}");
    }

    #[test]
    fn equality_is_by_value() {
        let (mut a, mut b) = (OtherFields::new(), OtherFields::new());
        a.push("A", r#"{"x":1,"y":2}"#);
        b.push("A", r#"{ "y": 2, "x": 1 }"#);
        assert_eq!(a, b);
        b.push("B", "null");
        assert_ne!(a, b);
    }
}
