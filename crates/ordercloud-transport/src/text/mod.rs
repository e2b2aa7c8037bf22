//! Server text made safe to show: one line, no invisible characters, no secret of the call.
//!
//! A server may echo what it was sent, in whatever encoding it uses for its own output:
//! JSON string escapes, percent-encoding of either case (once or several times over), form
//! encoding, HTML entities, another letter case, base64 (of `user:password`, or glued to a
//! prefix such as `token=`), a hex dump, full-width letters, or split by invisible
//! characters. Secrets are replaced where they stand in the usual encodings, and so is any
//! run of [`RUN`] or more of a secret's characters standing as is, so a message stays
//! useful; then every other view of the text (see `views`) is searched for any such run. A
//! text that still holds one is withheld whole: completeness cannot be had, and leaving the
//! text out is better than a leak. All of it is linear in the text.
//!
//! Codes and tokens are matched in any letter case; a password only in its own, since a
//! server's own words ("Password does not meet...") are not an echo of `password1`.

use std::borrow::Cow;

pub(crate) mod error_body;
mod invisible;
mod scrub;
mod views;

pub(crate) use scrub::Secret;

/// How many characters of the server's text an error shows at most.
pub(crate) const SNIPPET_CHARS: usize = 200;

/// The shortest run of a secret's characters that counts as showing it.
pub(crate) const RUN: usize = 8;

/// What replaces a secret in place.
pub(crate) const REPLACEMENT: &str = "[redacted]";

/// What stands instead of a server text that echoed a secret in a form not replaced in place.
pub(crate) const WITHHELD: &str = "(the server's text is withheld: it echoes a secret sent with this call)";

/// `text` as one line: every run of white space becomes one space, every other control,
/// format, BiDi-control or otherwise invisible character becomes U+FFFD, and the ends are
/// trimmed.
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
        line.push(if invisible::is_unsafe(character) { char::REPLACEMENT_CHARACTER } else { character });
    }
    line
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
    let mut line = scrub::scrub(&one_line(prefix), &secrets)?;
    if cut {
        // A secret cut by the prefix's end may survive in part there: drop that end.
        let keep = line.chars().count().saturating_sub(guard);
        line = line.chars().take(keep).collect();
        line.push('…');
    }
    Some(truncate(&line, SNIPPET_CHARS).into_owned())
}

/// Whether `text` shows any of `secrets`, in any form the scrubbing looks for.
pub(crate) fn shows_secret(text: &str, secrets: &[Secret<'_>]) -> bool {
    let secrets: Vec<Secret<'_>> = secrets.iter().copied().filter(|secret| !secret.text.trim().is_empty()).collect();
    !secrets.is_empty() && scrub::scrub(text, &secrets).is_none_or(|scrubbed| scrubbed != text)
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
    fn secrets_in_every_other_encoding_withhold_the_text() {
        let password = "Password-Secret1";
        let base64 = "amRvZTpQYXNzd29yZC1TZWNyZXQx"; // base64("jdoe:Password-Secret1")
        let hex: String = password.bytes().map(|byte| format!("{byte:02x} ")).collect();
        let full_width: String = password.chars().map(|c| char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c)).collect();
        for echo in [
            format!("token={base64}"),
            format!("key{base64}"),
            "url=%3Fsig%3DUGFzc3dvcmQtU2VjcmV0MQ".to_owned(),
            format!("bytes: {hex}"),
            format!("C string: {}", password.bytes().map(|byte| format!("\\x{byte:02x}")).collect::<String>()),
            password.bytes().map(|byte| format!("%2525{byte:02X}")).collect(),
            "Passwor\\u00add-Secre\\u200bt1".to_owned(),
            "Passwor&shy;d-Secre&shy;t1".to_owned(),
        ] {
            assert_eq!(shown(&echo, &[password]), WITHHELD, "{echo}");
        }
        assert_eq!(shown("plain words, no secret", &[password]), "plain words, no secret");
        // Split by invisible characters or typed full width, a secret is still replaced in place.
        for echo in [full_width.as_str(), "Pass\u{AD}word-Sec\u{200B}ret1", "P\u{E0041}assword-Secret1"] {
            assert_eq!(shown(&format!("bad: {echo}!"), &[password]), "bad: [redacted]!", "{echo}");
        }
    }

    #[test]
    fn a_huge_secret_in_a_huge_text_costs_a_linear_pass() {
        let token: String = (0..16 * 1024).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        let body = format!("{}{}{}", "x".repeat(200 * 1024), token.to_uppercase(), "y".repeat(200 * 1024));
        let shown = shown(&body, &[&token]);
        assert!(!shown.contains("abcdefgh") && !shown.contains("ABCDEFGH"), "{shown}");
        assert_eq!(shown.chars().count(), SNIPPET_CHARS + 1);
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
