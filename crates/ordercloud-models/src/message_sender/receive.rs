//! Receiving a message-sender call in one step: verify its `x-oc-hash`, then parse it.

use std::fmt;

use serde::de::DeserializeOwned;

use super::signature::verify_oc_hash;
use super::{
    ForgottenPasswordEventBody, ForgottenUsernameEventBody, MessageRecipient, MessageSenderPayload, MessageType,
    OneTimePasswordEventBody,
};
use crate::common::RawJson;

/// The name of the header that signs a message-sender call. HTTP header names are
/// case-insensitive: look it up however the server spells it (`X-OC-Hash`...).
pub const OC_HASH_HEADER: &str = "x-oc-hash";

/// A message-sender call of the forgotten-credentials flow, verified and parsed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SenderMessage {
    /// A password-reset email: the verification code and the renewal token.
    ForgottenPassword(MessageSenderPayload<ForgottenPasswordEventBody>),
    /// A username reminder.
    ForgottenUsername(MessageSenderPayload<ForgottenUsernameEventBody>),
    /// A one-time password.
    OneTimePassword(MessageSenderPayload<OneTimePasswordEventBody>),
}

impl SenderMessage {
    /// The kind of message.
    pub fn message_type(&self) -> MessageType {
        match self {
            Self::ForgottenPassword(_) => MessageType::ForgottenPassword,
            Self::ForgottenUsername(_) => MessageType::ForgottenUsername,
            Self::OneTimePassword(_) => MessageType::OneTimePassword,
        }
    }

    /// Who the message is for.
    pub fn recipient(&self) -> Option<&MessageRecipient> {
        match self {
            Self::ForgottenPassword(payload) => payload.recipient.as_ref(),
            Self::ForgottenUsername(payload) => payload.recipient.as_ref(),
            Self::OneTimePassword(payload) => payload.recipient.as_ref(),
        }
    }
}

/// Why a message-sender call was refused. It never holds the body, which carries codes and
/// tokens; a receiver answers a signature error with `401` and the others with `400`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReceiveError {
    /// The shared key is empty: a mistake in the receiver's configuration, not the call's.
    EmptyKey,
    /// The call has no `x-oc-hash` header (or an empty one).
    MissingSignature,
    /// The `x-oc-hash` is not the body's signature under the shared key: a wrong key, a
    /// changed body, or a call that does not come from OrderCloud.
    BadSignature,
    /// The body is signed but is not a message-sender payload.
    UnparsableBody {
        /// The line (from 1) where reading failed.
        line: usize,
        /// The column (from 1) where reading failed.
        column: usize,
    },
    /// The body is a signed payload of a type this function reads no typed body for: an
    /// order or return email, say (a type [`MessageType`] knows or not), or none at all
    /// (`None`). Parse such a payload yourself, as a
    /// [`MessageSenderPayload`] of your own event body.
    UnhandledMessageType(Option<MessageType>),
}

impl ReceiveError {
    /// Whether the signature is missing or wrong (answer `401`).
    pub fn is_signature(&self) -> bool {
        matches!(self, Self::MissingSignature | Self::BadSignature)
    }
}

impl fmt::Display for ReceiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyKey => f.write_str("the message sender's shared key is empty"),
            Self::MissingSignature => write!(f, "the call has no {OC_HASH_HEADER} header"),
            Self::BadSignature => write!(f, "the {OC_HASH_HEADER} header does not sign this body with the shared key"),
            Self::UnparsableBody { line, column } => {
                write!(f, "the signed body is not a message-sender payload (at line {line}, column {column})")
            }
            Self::UnhandledMessageType(None) => f.write_str("the signed payload has no MessageType"),
            Self::UnhandledMessageType(Some(kind)) => {
                let shown: String =
                    kind.as_str().chars().take(64).map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect();
                write!(f, "the signed payload's MessageType {shown:?} is not one this receiver reads")
            }
        }
    }
}

impl std::error::Error for ReceiveError {}

/// Verifies and parses a message-sender call in one step: `body` as received (raw bytes),
/// `x_oc_hash` the value of its `x-oc-hash` header (`None` when absent; surrounding white
/// space is ignored), `shared_key` the sender's key.
///
/// It verifies before it parses, in constant time, and never panics; its errors never
/// include the body.
///
/// ```
/// use ordercloud_models::message_sender::{compute_oc_hash, receive_message, ReceiveError, SenderMessage};
///
/// let body = br#"{"MessageType":"OneTimePassword","EventBody":{"OneTimePassword":"123456","Username":"jdoe"}}"#;
/// let signature = compute_oc_hash(body, b"shared-key");
///
/// let SenderMessage::OneTimePassword(payload) = receive_message(body, Some(&signature), b"shared-key")? else {
///     unreachable!()
/// };
/// assert_eq!(payload.event_body.unwrap().one_time_password.as_deref(), Some("123456"));
/// assert_eq!(receive_message(body, Some(&signature), b"another-key"), Err(ReceiveError::BadSignature));
/// assert_eq!(receive_message(body, None, b"shared-key"), Err(ReceiveError::MissingSignature));
/// # Ok::<(), ReceiveError>(())
/// ```
pub fn receive_message(body: &[u8], x_oc_hash: Option<&str>, shared_key: &[u8]) -> Result<SenderMessage, ReceiveError> {
    if shared_key.is_empty() {
        return Err(ReceiveError::EmptyKey);
    }
    let signature = x_oc_hash.map(str::trim).filter(|value| !value.is_empty()).ok_or(ReceiveError::MissingSignature)?;
    if !verify_oc_hash(body, signature, shared_key) {
        return Err(ReceiveError::BadSignature);
    }
    let text = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    // Free-form parts stay JSON text: reading costs about the body's size, whatever it holds.
    let envelope: MessageSenderPayload<RawJson, RawJson> = serde_json::from_slice(text).map_err(unparsable)?;
    match envelope.message_type.clone() {
        Some(MessageType::ForgottenPassword) => typed(envelope).map(SenderMessage::ForgottenPassword),
        Some(MessageType::ForgottenUsername) => typed(envelope).map(SenderMessage::ForgottenUsername),
        Some(MessageType::OneTimePassword) => typed(envelope).map(SenderMessage::OneTimePassword),
        other => Err(ReceiveError::UnhandledMessageType(other)),
    }
}

/// The envelope with its event body read as `E`.
fn typed<E: DeserializeOwned>(envelope: MessageSenderPayload) -> Result<MessageSenderPayload<E>, ReceiveError> {
    let event_body = envelope.event_body.map(|body| body.get::<E>()).transpose().map_err(unparsable)?;
    Ok(MessageSenderPayload {
        oc_log_id_header: envelope.oc_log_id_header,
        environment: envelope.environment,
        buyer_id: envelope.buyer_id,
        user_token: envelope.user_token,
        recipient: envelope.recipient,
        cc_list: envelope.cc_list,
        event_body,
        message_type: envelope.message_type,
        config_data: envelope.config_data,
    })
}

/// Keeps where reading failed, never serde's text (which can quote the body).
fn unparsable(error: serde_json::Error) -> ReceiveError {
    ReceiveError::UnparsableBody { line: error.line(), column: error.column() }
}

#[cfg(test)]
mod tests {
    use super::super::signature::compute_oc_hash;
    use super::*;

    const KEY: &[u8] = b"sender-shared-key";

    fn signed(body: &[u8]) -> String {
        compute_oc_hash(body, KEY)
    }

    #[test]
    fn all_three_types_parse() {
        for (body, kind) in [
            (&br#"{"MessageType":"ForgottenPassword","EventBody":{"PasswordRenewalVerificationCode":"c0de","PasswordRenewalAccessToken":"t0k","Username":"jdoe"}}"#[..], MessageType::ForgottenPassword),
            (br#"{"MessageType":"ForgottenUsername","EventBody":{"Username":"jdoe"},"Recipient":{"Email":"j@example.com"}}"#, MessageType::ForgottenUsername),
            (br#"{"MessageType":"OneTimePassword","EventBody":{"OneTimePassword":"123456"}}"#, MessageType::OneTimePassword),
        ] {
            let message = receive_message(body, Some(&signed(body)), KEY).unwrap();
            assert_eq!(message.message_type(), kind);
        }
        let body = br#"{"MessageType":"ForgottenUsername","Recipient":{"Email":"j@example.com"}}"#;
        let message = receive_message(body, Some(&format!("  {}\t", signed(body))), KEY).unwrap();
        assert_eq!(message.recipient().and_then(|recipient| recipient.email.as_deref()), Some("j@example.com"));
    }

    #[test]
    fn each_failure_has_its_kind_and_never_shows_the_body() {
        let body =
            br#"{"MessageType":"ForgottenPassword","EventBody":{"PasswordRenewalVerificationCode":"Secret-Code-77"}}"#;
        let signature = signed(body);
        let mut tampered = body.to_vec();
        tampered[60] ^= 1;
        let mut bad_header = signature.clone().into_bytes();
        bad_header[3] = if bad_header[3] == b'A' { b'B' } else { b'A' };
        let bad_header = String::from_utf8(bad_header).unwrap();
        /// A body, its header, the key, and the error expected.
        type Case<'a> = (&'a [u8], Option<&'a str>, &'a [u8], ReceiveError);
        let cases: [Case<'_>; 6] = [
            (&tampered, Some(&signature), KEY, ReceiveError::BadSignature),
            (body, Some(&bad_header), KEY, ReceiveError::BadSignature),
            (body, Some(&signature), b"another-key", ReceiveError::BadSignature),
            (body, None, KEY, ReceiveError::MissingSignature),
            (body, Some("  "), KEY, ReceiveError::MissingSignature),
            (body, Some(&signature), b"", ReceiveError::EmptyKey),
        ];
        for (body, header, key, expected) in cases {
            assert_eq!(receive_message(body, header, key), Err(expected));
        }
        let not_json = b"PasswordRenewalVerificationCode=Secret-Code-77";
        let error = receive_message(not_json, Some(&signed(not_json)), KEY).unwrap_err();
        assert!(matches!(error, ReceiveError::UnparsableBody { .. }) && !error.is_signature());
        let wrong_shape = br#"{"MessageType":"ForgottenPassword","EventBody":{"Username":["Secret-Code-77"]}}"#;
        let error = receive_message(wrong_shape, Some(&signed(wrong_shape)), KEY).unwrap_err();
        assert!(matches!(error, ReceiveError::UnparsableBody { .. }));
        assert!(!format!("{error} {error:?}").contains("Secret-Code-77"));
        let order = br#"{"MessageType":"OrderSubmitted","EventBody":{}}"#;
        assert_eq!(
            receive_message(order, Some(&signed(order)), KEY),
            Err(ReceiveError::UnhandledMessageType(Some(MessageType::OrderSubmitted)))
        );
        let unknown = br#"{"MessageType":"SomethingNew"}"#;
        let error = receive_message(unknown, Some(&signed(unknown)), KEY).unwrap_err();
        assert_eq!(error, ReceiveError::UnhandledMessageType(Some(MessageType::Other("SomethingNew".into()))));
        assert_eq!(
            error.to_string(),
            "the signed payload's MessageType \"SomethingNew\" is not one this receiver reads"
        );
        let none = b"{}";
        assert_eq!(receive_message(none, Some(&signed(none)), KEY), Err(ReceiveError::UnhandledMessageType(None)));
    }

    #[test]
    fn every_error_says_it_all_on_one_line_with_no_cause() {
        let errors = [
            ReceiveError::EmptyKey,
            ReceiveError::MissingSignature,
            ReceiveError::BadSignature,
            ReceiveError::UnparsableBody { line: 1, column: 2 },
            ReceiveError::UnhandledMessageType(None),
            ReceiveError::UnhandledMessageType(Some(MessageType::Other("A\nB".into()))),
        ];
        for error in errors {
            assert!(std::error::Error::source(&error).is_none(), "{error:?}");
            let text = error.to_string();
            assert!(!text.is_empty() && !text.chars().any(char::is_control), "{text:?}");
        }
    }

    #[test]
    fn malformed_input_gets_the_right_kind_not_a_panic() {
        let inputs: [&[u8]; 5] = [b"", b"\xff\xfe", b"[", b"{\"MessageType\":7}", b"null"];
        for body in inputs {
            let signed_error = receive_message(body, Some(&signed(body)), KEY).unwrap_err();
            assert!(!signed_error.is_signature(), "{body:?}: {signed_error}");
            for header in [None, Some(""), Some("%%%"), Some("AAAA")] {
                let error = receive_message(body, header, KEY).unwrap_err();
                assert!(error.is_signature(), "{body:?} {header:?}: {error}");
            }
        }
    }
}
