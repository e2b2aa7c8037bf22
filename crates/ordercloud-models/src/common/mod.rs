//! What every OrderCloud API area shares: the error body and its codes, list pages and
//! their options, environments, open enums, exact decimals, the fields a model keeps without
//! knowing them, and how secrets print.

mod decimal;
mod environment;
mod error;
mod filter;
mod list;
#[cfg_attr(not(feature = "resources"), allow(dead_code))]
pub(crate) mod model;
mod open_enum;
mod other_fields;
mod patch;
mod raw_json;
mod raw_text;
pub(crate) mod redact;
mod request_body;

pub use decimal::{Decimal, DecimalError, MAX_SCALE};
pub use environment::Environment;
pub use error::{ApiError, ErrorCode, ErrorResponse};
pub use filter::{Filter, FilterError, FilterValue};
pub use list::{
    ListFacet, ListFacetValue, ListFields, ListMeta, ListOptions, ListPage, ListPageWithFacets, MetaWithFacets, SortBy,
};
pub use other_fields::OtherFields;
pub use patch::Patch;
pub use raw_json::{RawJson, Xp};
pub use redact::REDACTED;
pub use request_body::{skip_read_only, to_request_body};
