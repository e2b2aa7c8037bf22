//! Password requirements: the server's, from an error, and the platform default.

use ordercloud_models::{ErrorCode, PasswordRequirements};
use ordercloud_transport::Error;

/// Reads the forgotten-credentials details of an [`Error`].
pub trait ErrorExt {
    /// The password requirements of a `PasswordReset.InsecurePassword` error, read from its
    /// `Data` (fields missing or added are tolerated); `None` for any other error.
    ///
    /// Such an error's [`category()`](Error::category) is
    /// [`Validation`](ordercloud_transport::ErrorCategory::Validation): a web handler answers
    /// `400` for the category, with these requirements when there are some.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ordercloud_password_reset::Error> {
    /// use ordercloud_password_reset::{ErrorExt, PasswordResetApi, models::PasswordReset};
    /// # let mock = ordercloud_transport::MockTransport::new();
    /// # mock.push_status(400, r#"{"Errors":[{"ErrorCode":"PasswordReset.InsecurePassword","Message":"Too weak","Data":{"MinimumCharacterCount":12}}]}"#);
    /// # let client = ordercloud_transport::ApiClient::builder().transport(mock).build()?;
    /// let api = PasswordResetApi::new(client);
    /// if let Err(error) = api.reset_password("code", &PasswordReset::new("c", "jdoe", "short")).await {
    /// #   assert_eq!(error.category(), ordercloud_transport::ErrorCategory::Validation);
    ///     if let Some(requirements) = error.password_requirements() {
    ///         println!("choose a password with {}", requirements.describe().join(", "));
    /// #       assert_eq!(requirements.minimum_character_count, Some(12));
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    fn password_requirements(&self) -> Option<PasswordRequirements>;
}

impl ErrorExt for Error {
    fn password_requirements(&self) -> Option<PasswordRequirements> {
        let error =
            self.api_errors().iter().find(|error| error.error_code == ErrorCode::PasswordResetInsecurePassword)?;
        Some(PasswordRequirements::from_data(&error.data).unwrap_or_default())
    }
}

/// Whether `password` meets OrderCloud's platform default policy: at least 10 characters,
/// with an upper-case letter, a lower-case letter and a digit.
///
/// Only the default: a marketplace can require more, so a `true` here can still meet a
/// `PasswordReset.InsecurePassword` answer, whose requirements are the authority. Useful to
/// give early feedback in a form.
///
/// ```
/// use ordercloud_password_reset::meets_platform_default_policy;
///
/// assert!(meets_platform_default_policy("Correct-Horse-9"));
/// assert!(!meets_platform_default_policy("password"));
/// ```
pub fn meets_platform_default_policy(password: &str) -> bool {
    PasswordRequirements::platform_default().unmet_by(password).is_empty()
}
