//! How every generated model is read and written: its own fields by name, and every other
//! field kept in its [`OtherFields`].
//!
//! A generated model implements [`Fields`] (a `match` on its fields' names, and a line per
//! field to write it), and its `Serialize` and `Deserialize` call [`serialize`] and
//! [`deserialize`]. Reading costs what a plain `#[derive(Deserialize)]` costs, plus copying
//! the fields it does not know, which a derive would skip; `#[serde(flatten)]` into a map
//! costs about twice that, and cannot keep a value's text.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::other_fields::OtherFields;
use super::patch::Patch;
use super::raw_text::{CaptureRaw, StrSeed};
use super::request_body::skip_read_only;

/// A generated model: its own fields, and the others.
pub(crate) trait Fields: Default {
    /// The model's OrderCloud name, for errors.
    const NAME: &'static str;
    /// The JSON names of its own fields.
    const FIELDS: &'static [&'static str];

    /// Reads the value of the field `name` from `map` when it is one of the model's own, and
    /// says whether it was.
    fn read_field<'de, A: MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<bool, A::Error>;

    /// Writes its own fields that are set.
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;

    /// The fields it has no member for.
    fn others(&self) -> &OtherFields;

    /// The fields it has no member for, to add to.
    fn others_mut(&mut self) -> &mut OtherFields;
}

/// A model from a JSON object.
pub(crate) fn deserialize<'de, T: Fields, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ModelVisitor(PhantomData))
}

/// A model as a JSON object: its own fields that are set (read-only ones left out of a
/// request body), then its other fields.
pub(crate) fn serialize<T: Fields, S: Serializer>(model: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    model.write_fields(&mut map)?;
    model.others().write(&mut map, T::NAME, T::FIELDS)?;
    map.end()
}

/// A member of a model: whether it is left out of the JSON.
pub(crate) trait Member {
    fn is_absent(&self) -> bool;
}

impl<T> Member for Option<T> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Member for Patch<T> {
    fn is_absent(&self) -> bool {
        self.is_unchanged()
    }
}

/// Writes the field `name` when it is set.
pub(crate) fn field<M: SerializeMap, V: Member + Serialize>(
    map: &mut M,
    name: &str,
    value: &V,
) -> Result<(), M::Error> {
    if value.is_absent() { Ok(()) } else { map.serialize_entry(name, value) }
}

/// Writes the read-only field `name` when it is set, except in a request body.
pub(crate) fn read_only<M: SerializeMap, V: Serialize>(
    map: &mut M,
    name: &str,
    value: &Option<V>,
) -> Result<(), M::Error> {
    if skip_read_only(value) { Ok(()) } else { map.serialize_entry(name, value) }
}

/// Reads the value of a field into `slot`.
#[inline]
pub(crate) fn read<'de, A: MapAccess<'de>, V: Deserialize<'de>>(map: &mut A, slot: &mut V) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

struct ModelVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Fields> Visitor<'de> for ModelVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object (OrderCloud's {})", T::NAME)
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut model = T::default();
        while let Some(name) = map.next_key_seed(StrSeed)? {
            if !model.read_field(&name, &mut map)? {
                let json = map.next_value_seed(CaptureRaw)?;
                model.others_mut().push(&name, &json);
            }
        }
        Ok(model)
    }
}

/// `Serialize` and `Deserialize` for a model that implements [`Fields`].
#[cfg(feature = "resources")]
macro_rules! serde_by_fields {
    ($model:ident) => {
        impl serde::Serialize for $model {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::common::model::serialize(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $model {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::common::model::deserialize(deserializer)
            }
        }
    };
}

#[cfg(feature = "resources")]
pub(crate) use serde_by_fields;
