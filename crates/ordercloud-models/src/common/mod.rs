//! What every OrderCloud API area shares: the error body and its codes, list pages and
//! their options, environments, open enums and how secrets print.

mod environment;
mod error;
mod filter;
mod list;
mod open_enum;
mod patch;
mod raw_json;
pub(crate) mod redact;
mod request_body;

pub use environment::Environment;
pub use error::{ApiError, ErrorCode, ErrorResponse};
pub use filter::{Filter, FilterError, FilterValue};
pub use list::{ListFacet, ListFacetValue, ListMeta, ListOptions, ListPage, ListPageWithFacets, MetaWithFacets};
pub use patch::Patch;
pub use raw_json::{RawJson, Xp};
pub use redact::REDACTED;
pub use request_body::{skip_read_only, to_request_body};
