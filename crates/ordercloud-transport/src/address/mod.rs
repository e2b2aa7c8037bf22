//! Addresses: the base URL and its `/v1`, the host of each region, and the one
//! percent-encoding every path segment and query value goes through.

pub(crate) mod base_url;
pub mod encode;
pub(crate) mod region;
