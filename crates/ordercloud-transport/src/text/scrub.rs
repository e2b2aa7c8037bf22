//! Keeping a call's secrets out of a server's text: replaced in place where they stand in
//! the usual encodings, looked for in every other view of the text.
//!
//! Everything here is linear in the text, whatever the secrets' lengths: encoded forms are
//! found with the standard library's substring search (two-way), and a secret's runs are
//! looked up window by window in a set.

use std::collections::HashSet;

use super::invisible::normalized_char;
use super::views::any_view;
use super::{REPLACEMENT, RUN, one_line};

/// A value an error's text must not show, and whether letter case tells it apart.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Secret<'a> {
    pub(super) text: &'a str,
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
}

/// `c` as compared: its lower case when case does not count.
fn fold(c: char, any_case: bool) -> char {
    if any_case { c.to_lowercase().next().unwrap_or(c) } else { c }
}

/// The runs of a call's secrets, ready to be looked up: every window of [`RUN`] characters
/// of a long secret, and each shorter secret whole; folded to lower case for a code or token.
pub(crate) struct Runs {
    exact: HashSet<[char; RUN]>,
    folded: HashSet<[char; RUN]>,
    /// Secrets shorter than a run, and whether case counts.
    short: Vec<(Vec<char>, bool)>,
}

impl Runs {
    pub(crate) fn new(secrets: &[Secret<'_>]) -> Self {
        let mut runs = Self { exact: HashSet::new(), folded: HashSet::new(), short: Vec::new() };
        for secret in secrets {
            let characters: Vec<char> = secret.text.chars().map(|c| fold(c, secret.any_case)).collect();
            if characters.len() < RUN {
                runs.short.push((characters, secret.any_case));
                continue;
            }
            let set = if secret.any_case { &mut runs.folded } else { &mut runs.exact };
            set.extend(characters.windows(RUN).filter_map(|window| <[char; RUN]>::try_from(window).ok()));
        }
        runs
    }

    fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.folded.is_empty() && self.short.is_empty()
    }

    /// Calls `hit` with the start and length of every run found in `text` (as character
    /// positions), until it returns `true`; whether it did.
    fn find(&self, text: &[char], mut hit: impl FnMut(usize, usize) -> bool) -> bool {
        let needs_folding = !self.folded.is_empty() || self.short.iter().any(|(_, any_case)| *any_case);
        let folded: Vec<char> = if needs_folding { text.iter().map(|&c| fold(c, true)).collect() } else { Vec::new() };
        for start in 0..text.len().saturating_sub(RUN - 1) {
            let window = |view: &[char]| <[char; RUN]>::try_from(&view[start..start + RUN]).ok();
            let exact = !self.exact.is_empty() && window(text).is_some_and(|window| self.exact.contains(&window));
            let folded = !self.folded.is_empty() && window(&folded).is_some_and(|window| self.folded.contains(&window));
            if (exact || folded) && hit(start, RUN) {
                return true;
            }
        }
        for (secret, any_case) in &self.short {
            let view = if *any_case { &folded } else { text };
            for start in 0..view.len().saturating_sub(secret.len().saturating_sub(1)) {
                if !secret.is_empty() && view[start..].starts_with(secret) && hit(start, secret.len()) {
                    return true;
                }
            }
        }
        false
    }

    /// Whether any view of `text` holds a run.
    pub(crate) fn shown_in_any_view(&self, text: &str) -> bool {
        !self.is_empty() && any_view(text, |view| self.find(&view.chars().collect::<Vec<_>>(), |_, _| true))
    }

    /// `text` with every stretch made of runs replaced by one [`REPLACEMENT`]. Runs are
    /// looked for in the normalised text (invisible characters out, full-width folded), and
    /// the stretch replaced is the original one, invisible characters included.
    fn replace(&self, text: &str) -> String {
        let characters: Vec<char> = text.chars().collect();
        let (plain, at): (Vec<char>, Vec<usize>) = characters
            .iter()
            .enumerate()
            .filter_map(|(index, &character)| normalized_char(character).map(|plain| (plain, index)))
            .unzip();
        let mut covered = vec![false; characters.len()];
        self.find(&plain, |start, length| {
            covered[at[start]..=at[start + length - 1]].fill(true);
            false
        });
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
}

/// `text` with each secret replaced in its usual encodings, and each run of one standing as
/// is; `None` if a trace remains in any view of it.
pub(crate) fn scrub(text: &str, secrets: &[Secret<'_>]) -> Option<String> {
    let mut text = text.to_owned();
    for secret in secrets {
        for form in encoded_forms(secret.text) {
            if !form.is_empty() {
                text = replace(&text, &form, secret.any_case);
            }
        }
    }
    let runs = Runs::new(secrets);
    if runs.is_empty() {
        return Some(text);
    }
    let text = runs.replace(&text);
    (!runs.shown_in_any_view(&text)).then_some(text)
}

/// `text` with every occurrence of `needle` (ignoring ASCII case when `any_case`) replaced.
fn replace(text: &str, needle: &str, any_case: bool) -> String {
    if !any_case {
        return text.replace(needle, REPLACEMENT);
    }
    // ASCII lower-casing keeps every byte where it was, so positions found in the lowered
    // copy are positions in the text, on its character boundaries.
    let lowered = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut end = 0;
    for (start, found) in lowered.match_indices(&needle.to_ascii_lowercase()) {
        out.push_str(&text[end..start]);
        out.push_str(REPLACEMENT);
        end = start + found.len();
    }
    out.push_str(&text[end..]);
    out
}

/// The forms a server is likely to echo `secret` in, longest first.
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
    let percent = crate::address::encode::encode(secret);
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
