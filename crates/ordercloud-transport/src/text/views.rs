//! The ways a server may have encoded what it echoes, undone: each view of a text is
//! searched for a secret's runs, so a secret echoed in an encoding that is not replaced in
//! place still keeps the text from being shown.

use std::borrow::Cow;

use super::invisible::normalized;

/// How many times percent-, JSON- and HTML-decoding are applied at most: a value encoded
/// three times over is still found.
const DECODE_PASSES: usize = 4;

/// The shortest run of base64 or hex characters that is decoded.
const MIN_ENCODED_RUN: usize = 12;

/// Whether `found` holds for any view of `text`: the text decoded up to [`DECODE_PASSES`]
/// times, each of those normalised (invisible characters out, full-width folded), and the
/// base64 and hex runs of each decoded in every alignment.
///
/// Every view is at most as long as the text and each character of it is in a bounded number
/// of views, so looking through all of them is linear in the text; they are made one at a
/// time, and the search stops at the first view `found` holds for.
pub(crate) fn any_view(text: &str, mut found: impl FnMut(&str) -> bool) -> bool {
    let mut layer = text.to_owned();
    for _ in 0..=DECODE_PASSES {
        if found(&layer) || base64_runs(&layer).any(|view| found(&view)) || hex_runs(&layer).any(|view| found(&view)) {
            return true;
        }
        let plain = normalized(&layer);
        if plain != layer
            && (found(&plain)
                || base64_runs(&plain).any(|view| found(&view))
                || hex_runs(&plain).any(|view| found(&view)))
        {
            return true;
        }
        let next = decode(&layer);
        // Decoding never lengthens a text, so it reaches a fixed point rather than a cycle.
        if next == layer {
            return false;
        }
        layer = next;
    }
    false
}

/// One pass of every decoding a server may have applied: `%XX`, `+` for a space, JSON escapes
/// (`\uXXXX` with surrogate pairs, `\"`, `\\`, `\/`, `\n`...) and HTML entities.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let rest = &text[index..];
        let (decoded, used): (Cow<'_, [u8]>, usize) = match bytes[index] {
            b'%' => match rest.get(1..3).and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                Some(byte) => (Cow::Owned(vec![byte]), 3),
                None => (Cow::Borrowed(b"%"), 1),
            },
            b'+' => (Cow::Borrowed(b" "), 1),
            b'\\' => json_escape(rest),
            b'&' => html_entity(rest),
            _ => {
                let length = rest.chars().next().map_or(1, char::len_utf8);
                (Cow::Borrowed(&bytes[index..index + length]), length)
            }
        };
        out.extend_from_slice(&decoded);
        index += used;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON escape at the start of `rest` (which starts with `\`), decoded, and its length.
fn json_escape(rest: &str) -> (Cow<'static, [u8]>, usize) {
    let simple = |byte: u8| (Cow::Owned(vec![byte]), 2);
    match rest.as_bytes().get(1) {
        Some(b'"') => simple(b'"'),
        Some(b'\\') => simple(b'\\'),
        Some(b'/') => simple(b'/'),
        Some(b'n') => simple(b'\n'),
        Some(b't') => simple(b'\t'),
        Some(b'r') => simple(b'\r'),
        Some(b'b') => simple(8),
        Some(b'f') => simple(12),
        Some(b'u') => {
            let unit = |at: usize| rest.get(at..at + 4).and_then(|hex| u16::from_str_radix(hex, 16).ok());
            let Some(first) = unit(2) else { return (Cow::Borrowed(b"\\"), 1) };
            let (units, used) = match (rest.get(6..8), unit(8)) {
                (Some("\\u"), Some(second)) if (0xD800..0xDC00).contains(&first) => (vec![first, second], 12),
                _ => (vec![first], 6),
            };
            let decoded: String = char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
            (Cow::Owned(decoded.into_bytes()), used)
        }
        // `\xNN`, as a hex dump or a C string writes a byte.
        Some(b'x') => match rest.get(2..4).and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
            Some(byte) => (Cow::Owned(vec![byte]), 4),
            None => (Cow::Borrowed(b"\\"), 1),
        },
        _ => (Cow::Borrowed(b"\\"), 1),
    }
}

/// An HTML entity at the start of `rest` (which starts with `&`), decoded, and its length.
fn html_entity(rest: &str) -> (Cow<'static, [u8]>, usize) {
    let Some(end) = rest.as_bytes().iter().take(12).position(|&byte| byte == b';') else {
        return (Cow::Borrowed(b"&"), 1);
    };
    let name = &rest[1..end];
    let character = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "shy" => Some('\u{00AD}'),
        "nbsp" => Some(' '),
        _ => match name.strip_prefix('#') {
            Some(hex) if hex.starts_with(['x', 'X']) => {
                u32::from_str_radix(&hex[1..], 16).ok().and_then(char::from_u32)
            }
            Some(decimal) => decimal.parse().ok().and_then(char::from_u32),
            None => None,
        },
    };
    match character {
        Some(character) => (Cow::Owned(character.to_string().into_bytes()), end + 1),
        None => (Cow::Borrowed(b"&"), 1),
    }
}

/// Every run of [`MIN_ENCODED_RUN`] or more base64 characters (either alphabet) in `text`,
/// decoded as text from each of its first four characters, so a run glued to a prefix
/// (`token=` ends a run; `key` before the data does not) is decoded in its own alignment
/// too. `=` ends a run: it is only ever padding.
fn base64_runs(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_')))
        .filter(|run| run.len() >= MIN_ENCODED_RUN)
        .flat_map(|run| (0..4).map(move |skip| String::from_utf8_lossy(&base64_decode(&run[skip..])).into_owned()))
}

/// Decodes base64 leniently: both alphabets, stray characters skipped.
fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count) = (0u32, 0u32);
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => continue,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

/// Every hex dump in `text` (hex digits, possibly in groups split by spaces, `:`, `-` or
/// `,`, with `0x` prefixes), decoded as text in both nibble alignments.
fn hex_runs(text: &str) -> impl Iterator<Item = String> + '_ {
    let unprefixed = text.replace("0x", " ").replace("0X", " ");
    let digits: Vec<String> = unprefixed
        .split(|c: char| !(c.is_ascii_hexdigit() || matches!(c, ' ' | ':' | '-' | ',')))
        .map(|run| run.chars().filter(char::is_ascii_hexdigit).collect::<String>())
        .filter(|run| run.len() >= MIN_ENCODED_RUN)
        .collect();
    digits.into_iter().flat_map(|run| {
        (0..2).map(move |skip| {
            let bytes: Vec<u8> = run.as_bytes()[skip..]
                .chunks_exact(2)
                .filter_map(|pair| std::str::from_utf8(pair).ok().and_then(|hex| u8::from_str_radix(hex, 16).ok()))
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(text: &str, needle: &str) -> bool {
        any_view(text, |view| view.contains(needle))
    }

    #[test]
    fn each_encoding_is_undone() {
        assert!(seen("tok=abc%252Dsecret", "abc-secret"), "twice percent-encoded");
        assert!(seen("tok=abc%25252Dsecret", "abc-secret"), "three times");
        assert!(seen("a &quot;q&quot; \\u0041", "\"q\" A"));
        assert!(seen("token=amRvZTpQYXNzd29yZC1TZWNyZXQx", "Password-Secret1"), "base64 after token=");
        assert!(seen("keyamRvZTpQYXNzd29yZC1TZWNyZXQx", "Password-Secret1"), "base64 glued to a word");
        assert!(seen("%3Fsig%3DUGFzc3dvcmQtU2VjcmV0MQ", "Password-Secret1"), "base64 in an encoded URL");
        assert!(seen("dump: 50 61 73 73 77 6f 72 64 2d 53", "Password-S"), "hex with spaces");
        assert!(seen("x50617373776f72642d53", "Password-S"), "hex glued to a letter");
        assert!(seen("\\x50\\x61\\x73\\x73\\x77\\x6f\\x72\\x64", "Password"), "\\x escapes");
        assert!(seen("0x50,0x61,0x73,0x73,0x77,0x6f,0x72,0x64", "Password"), "0x bytes");
        assert!(seen("Pass&shy;word", "Password"), "a soft hyphen entity");
        assert!(seen("Ｐａｓｓｗｏｒｄ", "Password"), "full width");
        assert!(seen("Pass\u{200B}wo%E2%80%8Brd", "Password"), "zero-width, raw and encoded");
    }

    #[test]
    fn views_stay_within_a_multiple_of_the_text() {
        let text = format!("{} {}", "%25".repeat(10_000), "QUJD".repeat(10_000));
        let (mut count, mut total) = (0, 0);
        any_view(&text, |view| {
            count += 1;
            total += view.len();
            false
        });
        assert!(total <= 30 * text.len(), "{count} views, {total} bytes");
    }
}
