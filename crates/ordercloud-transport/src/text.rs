//! Server text made safe to show: one line, no control characters, no secret of the call.
//!
//! A server may echo what it was sent, in whatever encoding it uses for its own output:
//! JSON string escapes, percent-encoding of either case, form encoding, HTML entities,
//! another letter case, or `user:password` in base64. Secrets are replaced where they stand
//! in the usual encodings, and so is any run of [`RUN`] or more of a secret's characters
//! standing as is, so a message stays useful; then the text is decoded every way a server is
//! likely to have encoded it and searched for any such run again. A text that still holds
//! one is withheld whole: completeness cannot be had, and leaving the text out is better
//! than a leak.
//!
//! Codes and tokens are matched in any letter case; a password only in its own, since a
//! server's own words ("Password does not meet...") are not an echo of `password1`.

use std::borrow::Cow;
use std::collections::HashSet;

/// How many characters of the server's text an error shows at most.
pub(crate) const SNIPPET_CHARS: usize = 200;

/// The shortest run of a secret's characters that counts as showing it.
const RUN: usize = 8;

/// What replaces a secret in place.
const REPLACEMENT: &str = "[redacted]";

/// A value an error's text must not show, and whether letter case tells it apart.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Secret<'a> {
    text: &'a str,
    any_case: bool,
}

impl<'a> Secret<'a> {
    /// A password or other value that counts only in its own letter case.
    pub(crate) fn exact_case(text: &'a str) -> Self {
        Self { text, any_case: false }
    }

    /// A code or token, which counts in any letter case.
    pub(crate) fn any_case(text: &'a str) -> Self {
        Self { text, any_case: true }
    }

    /// Every run of [`RUN`] characters of the secret (the whole secret when shorter), as
    /// compared: folded to lower case when case does not count.
    fn runs(&self) -> HashSet<Vec<char>> {
        let characters: Vec<char> = self.text.chars().map(|c| fold(c, self.any_case)).collect();
        characters.windows(characters.len().clamp(1, RUN)).map(<[char]>::to_vec).collect()
    }

    /// How many characters a run of this secret has.
    fn run_length(&self) -> usize {
        self.text.chars().count().min(RUN)
    }
}

/// `c` as compared: its lower case when case does not count.
fn fold(c: char, any_case: bool) -> char {
    if any_case { c.to_lowercase().next().unwrap_or(c) } else { c }
}

/// Where in `text` (as character positions) runs of `secret` stand: one flag a character.
/// Linear in the text: each window of it is looked up among the secret's runs.
fn covered(text: &[char], secret: &Secret<'_>, runs: &HashSet<Vec<char>>) -> Vec<bool> {
    let run = secret.run_length();
    let mut covered = vec![false; text.len()];
    if run == 0 || text.len() < run {
        return covered;
    }
    let folded: Vec<char> = text.iter().map(|&c| fold(c, secret.any_case)).collect();
    for (start, window) in folded.windows(run).enumerate() {
        if runs.contains(window) {
            covered[start..start + run].fill(true);
        }
    }
    covered
}

/// What stands instead of a server text that echoed a secret in a form not replaced in place.
pub(crate) const WITHHELD: &str = "(the server's text is withheld: it echoes a secret sent with this call)";

/// `text` as one line: every run of white space becomes one space, every other control,
/// format or BiDi-control character becomes U+FFFD, and the ends are trimmed.
pub(crate) fn one_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len().min(4 * SNIPPET_CHARS));
    let mut space = false;
    for character in text.chars() {
        if character.is_whitespace() {
            space = !line.is_empty();
            continue;
        }
        if space {
            line.push(' ');
            space = false;
        }
        line.push(if is_unsafe(character) { char::REPLACEMENT_CHARACTER } else { character });
    }
    line
}

/// Control characters, and the invisible characters that reorder or hide text.
fn is_unsafe(character: char) -> bool {
    character.is_control()
        || matches!(character, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// `text` shortened to `max` characters, with `…` when something was cut.
pub(crate) fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

/// The text an error shows of `text`: one line, at most [`SNIPPET_CHARS`] characters,
/// without any of `secrets`. `None` when a secret could not be removed in place (the caller
/// shows [`WITHHELD`] instead).
///
/// Only a prefix of `text` long enough to fill the snippet is examined, so a huge body costs
/// no more than a short one; the end of that prefix, where a secret may have been cut, is
/// never shown.
pub(crate) fn safe_snippet(text: &str, secrets: &[Secret<'_>]) -> Option<String> {
    let secrets: Vec<Secret<'_>> = secrets.iter().copied().filter(|secret| !secret.text.trim().is_empty()).collect();
    let guard = secrets.iter().map(|secret| secret.text.chars().count() * 10).max().unwrap_or(0);
    let examined = SNIPPET_CHARS + 2 * guard;
    let (prefix, cut) = match text.char_indices().nth(examined) {
        Some((end, _)) => (&text[..end], true),
        None => (text, false),
    };
    let mut line = scrub(&one_line(prefix), &secrets)?;
    if cut {
        // A secret cut by the prefix's end may survive in part there: drop that end.
        let keep = line.chars().count().saturating_sub(guard);
        line = line.chars().take(keep).collect();
        line.push('…');
    }
    Some(truncate(&line, SNIPPET_CHARS).into_owned())
}

/// `text` with each secret replaced in its usual encodings, and each run of one standing as
/// is; `None` if a trace remains.
fn scrub(text: &str, secrets: &[Secret<'_>]) -> Option<String> {
    let mut text = text.to_owned();
    for secret in secrets {
        for form in encoded_forms(secret.text) {
            if !form.is_empty() {
                text = replace(&text, &form, secret.any_case);
            }
        }
        text = replace_runs(&text, secret);
    }
    (!shows_any(&text, secrets)).then_some(text)
}

/// `text` with every stretch made of runs of `secret` (in any case, for a code or token)
/// replaced by one [`REPLACEMENT`]. Only secrets of [`RUN`] characters or more: a shorter
/// one was replaced whole with its other forms.
fn replace_runs(text: &str, secret: &Secret<'_>) -> String {
    if secret.text.chars().count() < RUN {
        return text.to_owned();
    }
    let characters: Vec<char> = text.chars().collect();
    let covered = covered(&characters, secret, &secret.runs());
    let mut out = String::with_capacity(text.len());
    for (index, &character) in characters.iter().enumerate() {
        match covered[index] {
            false => out.push(character),
            true if index == 0 || !covered[index - 1] => out.push_str(REPLACEMENT),
            true => {}
        }
    }
    out
}

fn replace(text: &str, needle: &str, any_case: bool) -> String {
    if any_case { replace_ignoring_ascii_case(text, needle, REPLACEMENT) } else { text.replace(needle, REPLACEMENT) }
}

/// The forms a server is likely to echo `secret` in, each matched ignoring ASCII case.
fn encoded_forms(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json.trim_matches('"').to_owned();
    let json_ascii: String = secret
        .encode_utf16()
        .map(|unit| match char::from_u32(u32::from(unit)) {
            Some(character) if character.is_ascii() => json_escape_ascii(character),
            _ => format!("\\u{unit:04x}"),
        })
        .collect();
    let percent = crate::encode::encode(secret);
    let form = percent.replace("%20", "+");
    let html = secret
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    let mut forms = vec![secret.to_owned(), one_line(secret), json, json_ascii, percent, form, html];
    forms.sort_unstable_by_key(|form| std::cmp::Reverse(form.len()));
    forms.dedup();
    forms
}

fn json_escape_ascii(character: char) -> String {
    match character {
        '"' => "\\\"".to_owned(),
        '\\' => "\\\\".to_owned(),
        c if c.is_ascii_control() => format!("\\u{:04x}", u32::from(c)),
        c => c.to_string(),
    }
}

/// `text` with every occurrence of `needle` (ignoring ASCII case) replaced by `with`.
fn replace_ignoring_ascii_case(text: &str, needle: &str, with: &str) -> String {
    let (haystack, pattern) = (text.as_bytes(), needle.as_bytes());
    let mut out = String::with_capacity(text.len());
    let (mut start, mut index) = (0, 0);
    while index + pattern.len() <= haystack.len() {
        if haystack[index..index + pattern.len()].eq_ignore_ascii_case(pattern) {
            out.push_str(&text[start..index]);
            out.push_str(with);
            index += pattern.len();
            start = index;
        } else {
            index += 1;
        }
    }
    // Matches start and end on the needle's own character boundaries, so the slices are too.
    out.push_str(&text[start..]);
    out
}

/// Whether any view of `text` (as is, decoded once or twice, base64 runs decoded), in lower
/// case for a code or token, holds a run of a secret.
fn shows_any(text: &str, secrets: &[Secret<'_>]) -> bool {
    let once = decode(text);
    let twice = decode(&once);
    let mut views = vec![text.to_owned(), once.clone(), twice];
    views.extend(base64_runs(text).chain(base64_runs(&once)));
    let views: Vec<Vec<char>> = views.iter().map(|view| view.chars().collect()).collect();
    secrets.iter().any(|secret| {
        let runs = secret.runs();
        views.iter().any(|view| covered(view, secret, &runs).contains(&true))
    })
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

/// Every run of 12 or more base64 characters (either alphabet) in `text`, decoded as text.
fn base64_runs(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_' | '=')))
        .filter(|run| run.len() >= 12)
        .map(|run| String::from_utf8_lossy(&base64_decode(run)).into_owned())
}

/// Decodes base64 leniently: both alphabets, padding optional, stray characters skipped.
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

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWORD: &str = "Pw\"Secret\\Tail-9";

    /// Codes and tokens: any case.
    fn shown(text: &str, secrets: &[&str]) -> String {
        let secrets: Vec<Secret<'_>> = secrets.iter().map(|secret| Secret::any_case(secret)).collect();
        safe_snippet(text, &secrets).unwrap_or_else(|| WITHHELD.to_owned())
    }

    /// Passwords: their own case only.
    fn shown_password(text: &str, password: &str) -> String {
        safe_snippet(text, &[Secret::exact_case(password)]).unwrap_or_else(|| WITHHELD.to_owned())
    }

    #[test]
    fn one_line_replaces_controls_and_bidi_and_folds_white_space() {
        assert_eq!(one_line("  a\r\n\tb  c "), "a b c");
        assert_eq!(one_line("x\u{1b}[31my\u{0}\u{7}\u{8}z"), "x\u{FFFD}[31my\u{FFFD}\u{FFFD}\u{FFFD}z");
        assert_eq!(one_line("abc\u{202E}fed\u{2066}"), "abc\u{FFFD}fed\u{FFFD}");
        assert_eq!(one_line("line\u{2028}sep\u{85}next"), "line sep next");
    }

    #[test]
    fn verbatim_and_encoded_echoes_are_replaced_in_place() {
        let code = "Vc/Secret 77";
        for echo in ["Vc/Secret 77", "VC/SECRET 77", "Vc%2FSecret%2077", "Vc%2fSecret%2077", "Vc%2FSecret+77"] {
            assert_eq!(shown(&format!("bad code {echo} given"), &[code]), "bad code [redacted] given", "{echo}");
        }
        let json = r#"{"Message":"password Pw\"Secret\\Tail-9 is weak"}"#;
        assert_eq!(shown_password(json, PASSWORD), r#"{"Message":"password [redacted] is weak"}"#);
        assert_eq!(shown_password("P\\u00e4ssw\\u00f6rd-Secret1", "Pässwörd-Secret1"), "[redacted]");
        assert_eq!(shown_password("<p>Pw&lt;Secret&gt;&amp;1</p>", "Pw<Secret>&1"), "<p>[redacted]</p>");
    }

    #[test]
    fn runs_standing_as_is_are_replaced_and_a_password_counts_in_its_own_case() {
        let code = "VC-SECRET-4F9A21-88D0E7AB";
        assert_eq!(shown(&format!("no {} here", &code[..20].to_lowercase()), &[code]), "no [redacted] here");
        let message = "PasswordReset.InsecurePassword: The password does not meet the requirements";
        assert_eq!(
            shown_password(message, "password1"),
            "PasswordReset.InsecurePassword: The [redacted] does not meet the requirements"
        );
        assert_eq!(shown_password("PASSWORD1 is weak", "password1"), "PASSWORD1 is weak");
        assert_eq!(shown_password("Password1 is weak", "password1"), "P[redacted] is weak", "a run of 8 stands");
        assert_eq!(shown("PASSWORD1 is weak", &["password1"]), "[redacted] is weak");
    }

    #[test]
    fn other_encodings_withhold_the_text() {
        assert_eq!(shown("Basic amRvZTpQYXNzd29yZC1TZWNyZXQx", &["Password-Secret1"]), WITHHELD);
        assert_eq!(shown("tok=abc%2Dsecret%2Dtoken%2D99", &["ABC-SECRET-TOKEN-99"]), WITHHELD);
        assert_eq!(shown("over %41%62%63%64%65%66%67%68%69%6A", &["Abcdefghij"]), WITHHELD);
        assert_eq!(shown("double %2541%2562%2563%2564%2565%2566%2567%2568", &["Abcdefghij"]), WITHHELD);
        assert_eq!(shown("nothing to see", &["Abcdefghij"]), "nothing to see");
    }

    #[test]
    fn a_long_text_is_examined_in_a_bounded_prefix_and_never_shows_a_cut_secret() {
        let secret = "Z9-secret-value-Q";
        let text = format!("{}{}", "x".repeat(SNIPPET_CHARS + 2 * 170 - 5), secret);
        let line = shown(&text, &[secret]);
        assert!(!line.contains("Z9-se") && line.chars().count() <= SNIPPET_CHARS + 1, "{line}");
        let huge = "y".repeat(5_000_000);
        assert_eq!(shown(&huge, &[secret]).chars().count(), SNIPPET_CHARS + 1);
    }
}
