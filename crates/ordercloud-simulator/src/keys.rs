//! The key the simulator signs its tokens with, and its public half as OrderCloud serves
//! its keys: `GET /oauth/certs/{kid}`, a JSON Web Key (`kty`, `n`, `e`, `alg`, `use`,
//! `kid`).
//!
//! The key pair is a test key committed with the crate (`keys/signing-key.pem`, see
//! `keys/README.md`): ring cannot make RSA keys, and a fixed key lets a test decode a
//! token from any run.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents};
use serde_json::{Value, json};

/// The ID of the simulator's signing key: the `kid` of its tokens.
pub const SIGNING_KEY_ID: &str = "ordercloud-simulator-1";

/// The key pair, PKCS#8 in PEM.
const SIGNING_KEY_PEM: &str = include_str!("../keys/signing-key.pem");

struct SigningKey {
    pair: RsaKeyPair,
    rng: SystemRandom,
}

/// The key pair, read once. The committed key always reads; a failure would be a broken
/// build of the crate, not an input.
fn signing_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let der = pem_body(SIGNING_KEY_PEM).unwrap_or_default();
        let pair = RsaKeyPair::from_pkcs8(&der)
            .unwrap_or_else(|_| unreachable!("keys/signing-key.pem is a valid PKCS#8 RSA key"));
        SigningKey { pair, rng: SystemRandom::new() }
    })
}

/// A JWT of `claims`, signed RS256; its header names the key (`kid`) unless `with_key_id`
/// is false, as OrderCloud's portal issues tokens.
pub(crate) fn sign(claims: &Value, with_key_id: bool) -> String {
    let header = if with_key_id {
        json!({"alg": "RS256", "kid": SIGNING_KEY_ID, "typ": "JWT"})
    } else {
        json!({"alg": "RS256", "typ": "JWT"})
    };
    let signing_input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let key = signing_key();
    let mut signature = vec![0; key.pair.public().modulus_len()];
    // Signing fails only on a signature buffer of the wrong size, which this is not.
    if key.pair.sign(&RSA_PKCS1_SHA256, &key.rng, signing_input.as_bytes(), &mut signature).is_err() {
        signature.clear();
    }
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The public key `kid` as OrderCloud's `PublicKey`; `None` for any other key ID.
pub(crate) fn public_key(kid: &str) -> Option<Value> {
    (kid == SIGNING_KEY_ID).then(|| {
        let components: RsaPublicKeyComponents<Vec<u8>> = signing_key().pair.public().into();
        json!({
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(&components.n),
            "e": URL_SAFE_NO_PAD.encode(&components.e),
            "alg": "RS256",
            "use": "sig",
            "kid": SIGNING_KEY_ID,
        })
    })
}

/// The DER bytes of a PEM block.
fn pem_body(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem.lines().filter(|line| !line.starts_with("-----")).map(str::trim).collect();
    STANDARD.decode(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::RSA_PKCS1_2048_8192_SHA256;

    #[test]
    fn tokens_verify_with_the_key_served() {
        let token = sign(&json!({"usr": "jdoe"}), true);
        let (signing_input, signature) = token.rsplit_once('.').unwrap();
        let header: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(header["kid"], SIGNING_KEY_ID);
        let jwk = public_key(SIGNING_KEY_ID).unwrap();
        let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
        let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap();
        assert_eq!(n.len(), 256, "2048 bits");
        let key = RsaPublicKeyComponents { n: &n, e: &e };
        let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
        assert!(key.verify(&RSA_PKCS1_2048_8192_SHA256, signing_input.as_bytes(), &signature).is_ok());
        assert!(key.verify(&RSA_PKCS1_2048_8192_SHA256, b"another input", &signature).is_err());
        assert!(public_key("another-key").is_none());
        let portal = sign(&json!({}), false);
        let header = URL_SAFE_NO_PAD.decode(portal.split('.').next().unwrap()).unwrap();
        assert!(!String::from_utf8(header).unwrap().contains("kid"));
    }
}
