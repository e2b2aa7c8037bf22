//! The forgotten-credentials flow: the request bodies of the password-reset endpoints, and
//! the password requirements an `InsecurePassword` error carries.

mod policy;
mod requests;

pub use policy::PasswordRequirements;
pub use requests::{OneTimePasswordRequest, PasswordReset, PasswordResetRequest, TokenPasswordReset};
