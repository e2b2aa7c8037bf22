//! The request runtime every OrderCloud API crate builds on: the client and its calls,
//! typed calls of described operations, pages, retries and token providers.

pub(crate) mod bulk;
pub(crate) mod by_id;
pub(crate) mod call;
pub(crate) mod client;
pub(crate) mod flight;
mod handle;
pub(crate) mod operation;
pub(crate) mod pages;
pub(crate) mod request;
pub(crate) mod retry;
pub(crate) mod secrets;
mod send;
pub(crate) mod token_provider;
