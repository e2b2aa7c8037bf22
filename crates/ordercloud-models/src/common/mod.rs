//! What every OrderCloud API area shares: the error body and its codes, list pages and
//! their options, environments, open enums and how secrets print.

mod environment;
mod error;
mod list;
mod open_enum;
mod raw_json;
pub(crate) mod redact;

pub use environment::Environment;
pub use error::{ApiError, ErrorCode, ErrorResponse};
pub use list::{ListMeta, ListOptions, ListPage};
pub use raw_json::{RawJson, Xp};
pub use redact::REDACTED;
