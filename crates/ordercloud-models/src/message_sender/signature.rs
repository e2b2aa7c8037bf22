//! `x-oc-hash`: how a message sender knows a call comes from OrderCloud.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Whether `x_oc_hash` (the `x-oc-hash` header of a message-sender call) is the base64
/// HMAC-SHA256 of the raw request `body` under the sender's `shared_key`.
///
/// The comparison takes the same time wherever the first difference is, so the header
/// cannot be guessed byte by byte. A missing, empty or malformed header is `false`, never a
/// panic. Check the raw bytes as received, before parsing them.
///
/// ```
/// use ordercloud_models::message_sender::{compute_oc_hash, verify_oc_hash};
///
/// let body = br#"{"MessageType":"ForgottenPassword"}"#;
/// let header = compute_oc_hash(body, b"shared-key");
/// assert!(verify_oc_hash(body, &header, b"shared-key"));
/// assert!(!verify_oc_hash(body, &header, b"another-key"));
/// assert!(!verify_oc_hash(body, "not base64!", b"shared-key"));
/// ```
pub fn verify_oc_hash(body: &[u8], x_oc_hash: &str, shared_key: &[u8]) -> bool {
    let Ok(expected) = STANDARD.decode(x_oc_hash.trim()) else {
        return false;
    };
    let Ok(mut mac) = HmacSha256::new_from_slice(shared_key) else {
        return false;
    };
    mac.update(body);
    // `verify_slice` compares in constant time and refuses a wrong length.
    mac.verify_slice(&expected).is_ok()
}

/// The `x-oc-hash` OrderCloud would send with `body` under `shared_key`: base64 of
/// HMAC-SHA256. For tests of a message sender, and for forwarding a verified call.
pub fn compute_oc_hash(body: &[u8], shared_key: &[u8]) -> String {
    let mut mac =
        HmacSha256::new_from_slice(shared_key).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"The quick brown fox jumps over the lazy dog";
    // HMAC-SHA256("key", BODY), the published test vector, in base64.
    const VECTOR: &str = "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=";

    #[test]
    fn the_published_vector_verifies() {
        assert_eq!(compute_oc_hash(BODY, b"key"), VECTOR);
        assert!(verify_oc_hash(BODY, VECTOR, b"key"));
        assert!(verify_oc_hash(BODY, &format!(" {VECTOR}\n"), b"key"), "header whitespace is tolerated");
    }

    #[test]
    fn rfc_4231_test_case_2_verifies() {
        // HMAC-SHA256(key "Jefe", "what do ya want for nothing?") = 5bdcc146...ec3843.
        let body = b"what do ya want for nothing?";
        assert_eq!(compute_oc_hash(body, b"Jefe"), "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
    }

    #[test]
    fn anything_else_is_false() {
        assert!(!verify_oc_hash(b"The quick brown fox jumps over the lazy cog", VECTOR, b"key"));
        assert!(!verify_oc_hash(BODY, VECTOR, b"KEY"));
        assert!(!verify_oc_hash(BODY, VECTOR, b""));
        let truncated = &VECTOR[..VECTOR.len() - 4];
        for header in [
            "",
            "=",
            "%%%",
            "AAAA",
            truncated,
            "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg",
            "97yD9DBThCSxMpjmqm-xQ-9NWaFJRhdZl0edvC0aPNg=",
        ] {
            assert!(!verify_oc_hash(BODY, header, b"key"), "{header:?}");
        }
        let mut flipped = STANDARD.decode(VECTOR).unwrap();
        flipped[31] ^= 1;
        assert!(!verify_oc_hash(BODY, &STANDARD.encode(flipped), b"key"));
    }

    #[test]
    fn empty_bodies_and_long_keys_work() {
        let key = vec![7u8; 200];
        let hash = compute_oc_hash(b"", &key);
        assert!(verify_oc_hash(b"", &hash, &key));
    }
}
