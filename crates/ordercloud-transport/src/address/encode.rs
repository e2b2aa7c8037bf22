//! Percent-encoding: the one function every path segment and query value goes through.

/// Appends `value` to `out`, percent-encoding every byte outside RFC 3986's unreserved set
/// (`A-Z a-z 0-9 - . _ ~`).
///
/// That makes any string one opaque path segment or one query value: `/`, `?`, `#`, `%`,
/// `+`, `&`, `=`, spaces and non-ASCII all arrive as exactly the text given. (Form encoding,
/// which turns a space into `+`, is wrong in a path and ambiguous in a query.)
///
/// ```
/// let mut out = String::new();
/// ordercloud_transport::encode::push_encoded(&mut out, "a b/c?d#e%f+g&h=código");
/// assert_eq!(out, "a%20b%2Fc%3Fd%23e%25f%2Bg%26h%3Dc%C3%B3digo");
/// ```
pub fn push_encoded(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0F)]));
        }
    }
}

/// Appends `value` to `out` form-encoded (`application/x-www-form-urlencoded`): like
/// [`push_encoded`], but a space becomes `+`.
///
/// ```
/// let mut out = String::new();
/// ordercloud_transport::encode::push_form_encoded(&mut out, "a b+c&d");
/// assert_eq!(out, "a+b%2Bc%26d");
/// ```
pub fn push_form_encoded(out: &mut String, value: &str) {
    for (index, part) in value.split(' ').enumerate() {
        if index > 0 {
            out.push('+');
        }
        push_encoded(out, part);
    }
}

/// `value` percent-encoded as by [`push_encoded`].
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_encoded(&mut out, value);
    out
}

/// The bytes `%XX`-escaped `text` stands for: the inverse of [`encode`]. An escape that is
/// not two hex digits is kept as written; `+` stays `+` (see [`push_form_encoded`] for the
/// form convention).
///
/// ```
/// use ordercloud_transport::encode::{decode, encode};
///
/// assert_eq!(decode(&encode("a b/c?código")), "a b/c?código".as_bytes());
/// assert_eq!(decode("100%"), b"100%");
/// ```
pub fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unreserved_characters_pass_through() {
        assert_eq!(encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(encode(""), "");
        assert_eq!(encode(" "), "%20");
        assert_eq!(encode("é"), "%C3%A9");
    }

    proptest! {
        #[test]
        fn encoding_is_one_safe_segment_and_reversible(value in any::<String>()) {
            let encoded = encode(&value);
            prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            prop_assert_eq!(decode(&encoded), value.as_bytes());
        }
    }
}
