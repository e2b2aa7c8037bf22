//! The operations of this crate, as today's API names them (the official SDKs'
//! `ForgottenCredentials`; OrderCloud's 2022 description called the first two
//! `PasswordResets.*`).

use ordercloud_transport::Operation;

/// `ForgottenCredentials.SendVerificationCode`: `POST /password/reset`, anonymous.
pub const SEND_VERIFICATION_CODE: Operation =
    Operation { id: "ForgottenCredentials.SendVerificationCode", method: "POST", path: "/password/reset", roles: &[] };

/// `ForgottenCredentials.ResetPasswordByVerificationCode`: `PUT /password/reset/{verificationCode}`,
/// anonymous.
pub const RESET_PASSWORD_BY_VERIFICATION_CODE: Operation = Operation {
    id: "ForgottenCredentials.ResetPasswordByVerificationCode",
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
/// Newer than OrderCloud's 2022 description.
pub const SEND_ONE_TIME_PASSWORD: Operation = Operation {
    id: "ForgottenCredentials.SendOneTimePassword",
    method: "POST",
    path: "/password/onetimepassword",
    roles: &[],
};

/// `ForgottenCredentials.RetrieveUsername`: `POST /username/retrieve`, anonymous. Newer than
/// OrderCloud's 2022 description.
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
