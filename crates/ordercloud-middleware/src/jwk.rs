//! OrderCloud's `PublicKey` (a JSON Web Key) as an RSA key ring can verify with.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ordercloud_models::resources::PublicKey;

/// An RSA public key: its modulus and exponent, big-endian, without leading zeros.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RsaKey {
    n: Vec<u8>,
    e: Vec<u8>,
}

impl RsaKey {
    /// The key of `jwk`, when it is an RSA key for signatures (`kty` `RSA`; `alg`, when
    /// given, `RS256`; `use`, when given, `sig`) of 2048 to 8192 bits, with the `kid`
    /// asked for when it names one. `n` and `e` are base64url, padded or not.
    pub(crate) fn from_jwk(jwk: &PublicKey, kid: &str) -> Option<Self> {
        let is = |field: &Option<String>, value: &str| field.as_deref().is_none_or(|given| given == value);
        if jwk.kty.as_deref() != Some("RSA") || !is(&jwk.alg, "RS256") || !is(&jwk.r#use, "sig") || !is(&jwk.kid, kid) {
            return None;
        }
        let n = unsigned(jwk.n.as_deref()?)?;
        let e = unsigned(jwk.e.as_deref()?)?;
        ((256..=1024).contains(&n.len()) && (1..=8).contains(&e.len())).then_some(Self { n, e })
    }

    pub(crate) fn modulus(&self) -> &[u8] {
        &self.n
    }

    pub(crate) fn exponent(&self) -> &[u8] {
        &self.e
    }
}

/// A base64url big-endian number without its leading zero bytes; `None` when it does not
/// decode or is zero.
fn unsigned(text: &str) -> Option<Vec<u8>> {
    let bytes = URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()?;
    let start = bytes.iter().position(|byte| *byte != 0)?;
    Some(bytes[start..].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwk(n: &[u8]) -> PublicKey {
        PublicKey::new()
            .with_kty("RSA")
            .with_n(URL_SAFE_NO_PAD.encode(n))
            .with_e("AQAB")
            .with_alg("RS256")
            .with_use("sig")
            .with_kid("k1")
    }

    #[test]
    fn an_rsa_signing_key_is_read_without_leading_zeros() {
        let mut n = vec![0u8];
        n.extend([0xC5; 256]);
        let key = RsaKey::from_jwk(&jwk(&n), "k1").unwrap();
        assert_eq!((key.modulus().len(), key.exponent()), (256, &[1u8, 0, 1][..]));
        let padded = jwk(&n).with_e("AQAB==");
        assert!(RsaKey::from_jwk(&padded, "k1").is_some(), "padding is tolerated");
    }

    #[test]
    fn other_keys_are_not_used() {
        let n = [0xC5; 256];
        for other in [
            jwk(&n).with_kty("EC"),
            jwk(&n).with_alg("HS256"),
            jwk(&n).with_use("enc"),
            jwk(&n).with_kid("k2"),
            jwk(&[0xC5; 128]),
            jwk(&n).with_e("!!"),
            jwk(&n).with_e("AA"),
            PublicKey::new().with_kty("RSA"),
        ] {
            assert_eq!(RsaKey::from_jwk(&other, "k1"), None, "{other:?}");
        }
    }
}
