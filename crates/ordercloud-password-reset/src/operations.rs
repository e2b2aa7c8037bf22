//! The operations of this crate, as OrderCloud's API description names them (1.0.239),
//! and the two it lacks, as today's API names them.

use ordercloud_transport::Operation;

/// `PasswordResets.SendVerificationCode`: `POST /password/reset`, anonymous.
pub const SEND_VERIFICATION_CODE: Operation =
    Operation { id: "PasswordResets.SendVerificationCode", method: "POST", path: "/password/reset", roles: &[] };

/// `PasswordResets.ResetPasswordByVerificationCode`: `PUT /password/reset/{verificationCode}`,
/// anonymous.
pub const RESET_PASSWORD_BY_VERIFICATION_CODE: Operation = Operation {
    id: "PasswordResets.ResetPasswordByVerificationCode",
    method: "PUT",
    path: "/password/reset/{verificationCode}",
    roles: &[],
};

/// `Me.ResetPasswordByToken`: `POST /me/password`, with the token of the reset email (role
/// `PasswordReset`) or of a signed-in user.
pub const RESET_PASSWORD_BY_TOKEN: Operation = Operation {
    id: "Me.ResetPasswordByToken",
    method: "POST",
    path: "/me/password",
    roles: &["FullAccess", "PasswordReset"],
};

/// `ForgottenCredentials.SendOneTimePassword`: `POST /password/onetimepassword`, anonymous.
/// Newer than the API description this project vendors.
pub const SEND_ONE_TIME_PASSWORD: Operation = Operation {
    id: "ForgottenCredentials.SendOneTimePassword",
    method: "POST",
    path: "/password/onetimepassword",
    roles: &[],
};

/// `ForgottenCredentials.RetrieveUsername`: `POST /username/retrieve`, anonymous. Newer than
/// the API description this project vendors.
pub const RETRIEVE_USERNAME: Operation =
    Operation { id: "ForgottenCredentials.RetrieveUsername", method: "POST", path: "/username/retrieve", roles: &[] };

/// Every operation of this crate.
pub const OPERATIONS: &[Operation] = &[
    SEND_VERIFICATION_CODE,
    RESET_PASSWORD_BY_VERIFICATION_CODE,
    SEND_ONE_TIME_PASSWORD,
    RETRIEVE_USERNAME,
    RESET_PASSWORD_BY_TOKEN,
];
