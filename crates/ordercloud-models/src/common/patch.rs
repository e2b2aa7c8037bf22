//! `Patch`: one field of a PATCH body, which can be set, cleared or left alone.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One field of a partial update (a PATCH body): left out so it stays as it is (the
/// default), sent as `null` to clear it, or sent with a new value.
///
/// OrderCloud's PATCH changes only the fields the body holds, so "leave it" and "clear it"
/// are different requests; `Option<T>` cannot say both. A field of a `Partial*` type is a
/// `Patch<T>` with `#[serde(default, skip_serializing_if = "Patch::is_unchanged")]`; reading
/// one back, a missing field is [`Unchanged`](Self::Unchanged) and `null` is
/// [`Null`](Self::Null).
///
/// ```
/// use ordercloud_models::Patch;
/// use serde::Serialize;
///
/// #[derive(Serialize, Default)]
/// struct PartialProduct {
///     #[serde(rename = "Name", default, skip_serializing_if = "Patch::is_unchanged")]
///     name: Patch<String>,
///     #[serde(rename = "Description", default, skip_serializing_if = "Patch::is_unchanged")]
///     description: Patch<String>,
///     #[serde(rename = "ShipWeight", default, skip_serializing_if = "Patch::is_unchanged")]
///     ship_weight: Patch<f64>,
/// }
///
/// let patch = PartialProduct { name: "Bike".into(), description: Patch::Null, ..Default::default() };
/// assert_eq!(serde_json::to_string(&patch)?, r#"{"Name":"Bike","Description":null}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Left out of the body: the field keeps its value.
    #[default]
    Unchanged,
    /// Sent as `null`: the field is cleared.
    Null,
    /// Sent with this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out of the body (for `skip_serializing_if`).
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Self::Unchanged)
    }

    /// The value to set, if any.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Self::Set(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Self::Set(value)
    }
}

impl From<&str> for Patch<String> {
    fn from(value: &str) -> Self {
        Self::Set(value.to_owned())
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some` sets the value; `None` clears the field (`null`).
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Set)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Left out by `skip_serializing_if`; `null` if serialized all the same.
            Self::Unchanged | Self::Null => serializer.serialize_none(),
            Self::Set(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// A present field: `null` is [`Null`](Self::Null), anything else [`Set`](Self::Set); a
    /// missing one is [`Unchanged`](Self::Unchanged) by `#[serde(default)]`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize, Deserialize, Default, Debug, PartialEq)]
    struct Partial {
        #[serde(rename = "A", default, skip_serializing_if = "Patch::is_unchanged")]
        a: Patch<u32>,
        #[serde(rename = "B", default, skip_serializing_if = "Patch::is_unchanged")]
        b: Patch<u32>,
        #[serde(rename = "C", default, skip_serializing_if = "Patch::is_unchanged")]
        c: Patch<u32>,
    }

    #[test]
    fn three_states_on_the_wire_and_back() {
        let partial = Partial { a: 0.into(), b: Patch::Null, c: Patch::Unchanged };
        let json = serde_json::to_value(&partial).unwrap();
        assert_eq!(json, json!({"A": 0, "B": null}));
        assert_eq!(serde_json::from_value::<Partial>(json).unwrap(), partial);
        assert_eq!(Patch::<u32>::from(None), Patch::Null);
        assert_eq!(Patch::<u32>::from(Some(3)).as_set(), Some(&3));
    }
}
