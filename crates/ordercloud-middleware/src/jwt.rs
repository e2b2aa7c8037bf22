//! A compact JWT taken apart, strictly, and its RS256 signature checked with ring.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ordercloud_auth::TokenClaims;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use serde::Deserialize;

use crate::error::{VerifyError, shown};
use crate::jwk::RsaKey;

/// The largest token read, in bytes. OrderCloud's tokens are about 1 KB; one with many
/// custom roles is larger, but not this large.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The one algorithm OrderCloud signs its tokens with.
const RS256: &str = "RS256";

/// A token taken apart: its header, its claims, and what its signature covers.
pub(crate) struct Jwt<'a> {
    pub(crate) key_id: Option<String>,
    pub(crate) claims: TokenClaims,
    /// `header.payload`, the bytes the signature signs.
    signing_input: &'a [u8],
    signature: Vec<u8>,
}

/// The header fields read; any other is ignored, except `crit`, which a verifier must
/// understand (RFC 7515, section 4.1.11) and this one understands none of.
#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
    kid: Option<String>,
    crit: Option<serde_json::Value>,
}

impl<'a> Jwt<'a> {
    /// Takes `token` apart: exactly three base64url parts (no padding), a JSON header
    /// naming RS256, JSON claims. Nothing is verified yet.
    pub(crate) fn parse(token: &'a str) -> Result<Self, VerifyError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(VerifyError::Malformed);
        }
        let mut parts = token.split('.');
        let (Some(header_part), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(VerifyError::Malformed);
        };
        let header: Header = serde_json::from_slice(&decode(header_part)?).map_err(|_| VerifyError::Malformed)?;
        match header.alg.as_deref() {
            Some(RS256) => {}
            Some(other) => return Err(VerifyError::UnsupportedAlgorithm(shown(other, 16))),
            None => return Err(VerifyError::Malformed),
        }
        if header.crit.is_some() {
            return Err(VerifyError::Malformed);
        }
        let claims: TokenClaims = serde_json::from_slice(&decode(payload)?).map_err(|_| VerifyError::Malformed)?;
        let signature = decode(signature)?;
        if signature.is_empty() {
            return Err(VerifyError::BadSignature);
        }
        let signing_input = &token.as_bytes()[..header_part.len() + 1 + payload.len()];
        Ok(Self { key_id: header.kid, claims, signing_input, signature })
    }

    /// Whether the signature is this token's under `key`, RS256 (RSASSA-PKCS1-v1_5 with
    /// SHA-256, keys of 2048 to 8192 bits).
    pub(crate) fn verify(&self, key: &RsaKey) -> Result<(), VerifyError> {
        RsaPublicKeyComponents { n: key.modulus(), e: key.exponent() }
            .verify(&RSA_PKCS1_2048_8192_SHA256, self.signing_input, &self.signature)
            .map_err(|_| VerifyError::BadSignature)
    }
}

/// One base64url part, without padding, as JWS writes them.
fn decode(part: &str) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD.decode(part).map_err(|_| VerifyError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text)
    }

    fn token(header: &str, claims: &str, signature: &str) -> String {
        format!("{}.{}.{}", encode(header), encode(claims), signature)
    }

    #[test]
    fn a_well_formed_token_is_taken_apart() {
        let text = token(r#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#, r#"{"usr":"jdoe","cid":"c"}"#, "c2ln");
        let jwt = Jwt::parse(&text).unwrap();
        assert_eq!(jwt.key_id.as_deref(), Some("k1"));
        assert_eq!(jwt.claims.usr.as_deref(), Some("jdoe"));
        assert_eq!(jwt.signature, b"sig");
        assert_eq!(jwt.signing_input, text.rsplit_once('.').unwrap().0.as_bytes());
    }

    #[test]
    fn anything_else_is_refused_by_kind() {
        let claims = r#"{"usr":"jdoe"}"#;
        let cases = [
            (String::new(), "Malformed"),
            ("a.b".to_owned(), "Malformed"),
            ("a.b.c.d".to_owned(), "Malformed"),
            (token(r#"{"alg":"RS256"}"#, claims, "c2ln=="), "Malformed"),
            (token(r#"{"alg":"RS256"}"#, claims, "!!!"), "Malformed"),
            (token("not json", claims, "c2ln"), "Malformed"),
            (token("[]", claims, "c2ln"), "Malformed"),
            (token(r#"{"alg":"RS256","alg":"none"}"#, claims, "c2ln"), "Malformed"),
            (token(r#"{"kid":"k"}"#, claims, "c2ln"), "Malformed"),
            (token(r#"{"alg":"RS256","crit":["exp"]}"#, claims, "c2ln"), "Malformed"),
            (token(r#"{"alg":"RS256"}"#, "[1]", "c2ln"), "Malformed"),
            (token(r#"{"alg":"RS256"}"#, r#"{"exp":"soon"}"#, "c2ln"), "Malformed"),
            (token(r#"{"alg":"none"}"#, claims, ""), "UnsupportedAlgorithm(\"none\")"),
            (token(r#"{"alg":"HS256"}"#, claims, "c2ln"), "UnsupportedAlgorithm(\"HS256\")"),
            (token(r#"{"alg":"rs256"}"#, claims, "c2ln"), "UnsupportedAlgorithm(\"rs256\")"),
            (token(r#"{"alg":"RS256"}"#, claims, ""), "BadSignature"),
            (format!("{}.{}", "a".repeat(MAX_TOKEN_BYTES), "b.c"), "Malformed"),
        ];
        for (text, expected) in cases {
            let error = Jwt::parse(&text).err().map(|error| format!("{error:?}"));
            assert_eq!(error.as_deref(), Some(expected), "{text:.80}");
        }
    }
}
