//! Reading an OrderCloud error body without letting it multiply in memory. OAuth2's
//! `{"error":..,"error_description":..}` reads as one entry of the same kind.
//!
//! A hostile body of 10 MiB can hold millions of `{}` entries, or `Data` nested a hundred
//! levels deep: parsed into `serde_json::Value`s that is hundreds of MiB. Here only the
//! first [`MAX_ENTRIES`] entries are kept, the rest are counted without being built, and each
//! `Data` stays a range of the raw body, parsed only when asked for.

use std::fmt;
use std::ops::Range;

use ordercloud_models::{ApiError, ErrorCode};
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// How many error entries are kept; more are counted.
pub(crate) const MAX_ENTRIES: usize = 16;

/// The errors of a body: the first entries and how many there were in all.
#[derive(Clone, Debug, Default)]
pub(crate) struct ErrorBody {
    pub(crate) entries: Vec<Entry>,
    pub(crate) total: usize,
}

/// One error entry, with its `Data` as a byte range of the body's JSON text.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
    data: Option<Range<usize>>,
}

impl ErrorBody {
    /// Parses `text` (JSON without a byte-order mark); empty when it is not an error body.
    pub(crate) fn parse(text: &[u8]) -> Self {
        let mut deserializer = serde_json::Deserializer::from_slice(text);
        match Body::deserialize(&mut deserializer).and_then(|body| deserializer.end().map(|()| body)) {
            Ok(Body(Some(Entries { kept, total }))) => {
                let base = text.as_ptr() as usize;
                let entries = kept
                    .into_iter()
                    .map(|raw| Entry {
                        code: raw.code.map(ErrorCode::from).unwrap_or_default(),
                        message: raw.message.unwrap_or_default(),
                        data: raw.data.map(|data| {
                            let start = data.get().as_ptr() as usize - base;
                            start..start + data.get().len()
                        }),
                    })
                    .collect();
                Self { entries, total }
            }
            _ => Self::default(),
        }
    }

    /// The entries as [`ApiError`]s, each `Data` parsed from `text` (the same text as parsed).
    pub(crate) fn api_errors(&self, text: &[u8]) -> Vec<ApiError> {
        self.entries
            .iter()
            .map(|entry| {
                let data =
                    entry.data.clone().and_then(|range| serde_json::from_slice(&text[range]).ok()).unwrap_or_default();
                ApiError::new(entry.code.clone(), entry.message.clone()).with_data(data)
            })
            .collect()
    }
}

/// `{"Errors": [...]}`; other members are skipped unbuilt.
struct Body<'a>(Option<Entries<'a>>);

struct Entries<'a> {
    kept: Vec<RawEntry<'a>>,
    total: usize,
}

#[derive(Deserialize)]
struct RawEntry<'a> {
    #[serde(rename = "ErrorCode", default)]
    code: Option<String>,
    #[serde(rename = "Message", default)]
    message: Option<String>,
    #[serde(rename = "Data", default, borrow)]
    data: Option<&'a RawValue>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Body<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BodyVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for BodyVisitor<'a> {
            type Value = Body<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an OrderCloud error body")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Body<'a>, M::Error> {
                let (mut errors, mut oauth_error, mut oauth_description) = (None, None, None);
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "Errors" if errors.is_none() => errors = map.next_value::<Option<Entries<'a>>>()?,
                        "error" if oauth_error.is_none() => oauth_error = map.next_value::<Option<String>>()?,
                        "error_description" if oauth_description.is_none() => {
                            oauth_description = map.next_value::<Option<String>>()?
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                // OAuth2's shape, as token servers answer: {"error":..,"error_description":..}.
                let oauth = oauth_error.map(|code| Entries {
                    kept: vec![RawEntry { code: Some(code), message: oauth_description, data: None }],
                    total: 1,
                });
                Ok(Body(errors.or(oauth)))
            }
        }
        deserializer.deserialize_map(BodyVisitor(std::marker::PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Entries<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for EntriesVisitor<'a> {
            type Value = Entries<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of errors")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Entries<'a>, S::Error> {
                let mut kept = Vec::new();
                while kept.len() < MAX_ENTRIES {
                    match seq.next_element::<RawEntry<'a>>()? {
                        Some(entry) => kept.push(entry),
                        None => return Ok(Entries { total: kept.len(), kept }),
                    }
                }
                let mut total = kept.len();
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    total += 1;
                }
                Ok(Entries { kept, total })
            }
        }
        deserializer.deserialize_seq(EntriesVisitor(std::marker::PhantomData))
    }
}
