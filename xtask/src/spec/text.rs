//! Scanning of source text: brackets, top-level splits, comments. The SDK files are
//! generated from templates, so a few bracket-aware scans read them exactly.

use std::collections::BTreeMap;

/// `text` as the scans read it: without a byte-order mark, with `\n` line ends (the SDKs
/// are built on Windows).
pub(crate) fn normalized(text: &str) -> String {
    text.trim_start_matches('\u{feff}').replace("\r\n", "\n")
}

/// The index of the bracket closing the one at `open` (`(`, `[`, `{` or `<`), counting
/// every kind of bracket; `None` when it is not closed. Quoted text is skipped.
pub(crate) fn closing(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut index = open;
    while index < bytes.len() {
        match bytes[index] {
            b'(' | b'[' | b'{' | b'<' => depth += 1,
            b')' | b']' | b'}' | b'>' if !arrow(bytes, index) => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(index);
                }
            }
            quote @ (b'"' | b'\'') => index = string_end(bytes, index, quote)?,
            b'/' if bytes.get(index + 1) == Some(&b'*') => index = comment_end(text, index)?,
            _ => {}
        }
        index += 1;
    }
    None
}

/// The index of the last `/` of the comment that starts at `start`.
fn comment_end(text: &str, start: usize) -> Option<usize> {
    text[start + 2..].find("*/").map(|end| start + 2 + end + 1)
}

/// Whether the `>` at `index` belongs to `=>`.
fn arrow(bytes: &[u8], index: usize) -> bool {
    bytes[index] == b'>' && index > 0 && bytes[index - 1] == b'='
}

/// The index of the quote closing the string that starts at `start`.
fn string_end(bytes: &[u8], start: usize, quote: u8) -> Option<usize> {
    let mut index = start + 1;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 1,
            byte if byte == quote => return Some(index),
            _ => {}
        }
        index += 1;
    }
    None
}

/// `text` split at each `separator` outside brackets and quotes, each part trimmed, empty
/// parts dropped.
pub(crate) fn split_top(text: &str, separator: u8) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'(' | b'[' | b'{' | b'<' => depth += 1,
            b')' | b']' | b'}' | b'>' if !arrow(bytes, index) => depth -= 1,
            quote @ (b'"' | b'\'') => index = string_end(bytes, index, quote).unwrap_or(bytes.len() - 1),
            b'/' if bytes.get(index + 1) == Some(&b'*') => index = comment_end(text, index).unwrap_or(bytes.len() - 1),
            byte if byte == separator && depth == 0 => {
                parts.push(text[start..index].trim());
                start = index + 1;
            }
            _ => {}
        }
        index += 1;
    }
    parts.push(text[start..].trim());
    parts.retain(|part| !part.is_empty());
    parts
}

/// `text` without its `/* .. */` comments.
pub(crate) fn strip_block_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("*/") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// `name<..>` without its type arguments: `Address<TAddressXp>` is `Address`.
pub(crate) fn without_arguments(name: &str) -> &str {
    name.split('<').next().unwrap_or(name).trim()
}

/// The text inside `prefix<..>` when `text` is exactly that, e.g. the `T` of `Promise<T>`.
pub(crate) fn unwrap<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(prefix)?.strip_prefix('<')?;
    let inner = rest.strip_suffix('>')?;
    // `A<x> | B<y>` also starts and ends right: the brackets must pair up whole.
    (closing(text, prefix.len()) == Some(text.len() - 1)).then_some(inner.trim())
}

/// `ty` with each type parameter in `bounds` replaced by its bound: `ListPage<TUser>` is
/// `ListPage<User>` when `TUser` is bounded by `User`.
pub(crate) fn resolve(ty: &str, bounds: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut word = String::new();
    for character in ty.chars().chain(std::iter::once(' ')) {
        if character.is_ascii_alphanumeric() || character == '_' {
            word.push(character);
            continue;
        }
        out.push_str(bounds.get(&word).map_or(word.as_str(), String::as_str));
        word.clear();
        out.push(character);
    }
    out.pop();
    out
}

/// The values of a union of quoted strings, `'Group' | 'Company'`; `None` when any member
/// is not quoted.
pub(crate) fn quoted_union(ty: &str) -> Option<Vec<String>> {
    ty.split(" | ")
        .map(|item| item.strip_prefix('\'').and_then(|item| item.strip_suffix('\'')).map(str::to_owned))
        .collect()
}

/// Whether `name` is an identifier (`[A-Za-z_$][A-Za-z0-9_$]*`).
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut characters = name.chars();
    characters.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == '$')
        && characters.all(|character| character.is_ascii_alphanumeric() || character == '_' || character == '$')
}

/// The text between `<tag>` and `</tag>` in one line of an XML doc comment, unescaped.
pub(crate) fn xml_element(line: &str, tag: &str) -> Option<String> {
    let start = line.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = line[start..].find(&format!("</{tag}>"))? + start;
    Some(
        line[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_and_splits() {
        let text = "List<T extends A<B>>(o?: { a?: string; b?: 'x' | 'y'; }, r?: R): Promise<T>;";
        assert_eq!(closing(text, 4), Some(19));
        assert!(text[closing(text, 20).unwrap()..].starts_with("): Promise"));
        assert_eq!(split_top("a: X<b, c>, d: { e; f }, g", b','), ["a: X<b, c>", "d: { e; f }", "g"]);
        assert_eq!(split_top("'a;b'; c;", b';'), ["'a;b'", "c"]);
        assert_eq!(closing("(x => y)", 0), Some(7));
        assert_eq!(closing("(unclosed", 0), None);
        assert_eq!(closing("{ /** don't */ a }", 0), Some(17), "quotes in comments are no strings");
    }

    #[test]
    fn comments_arguments_and_wrappers() {
        assert_eq!(strip_block_comments("a /** doc */ b /* c */"), "a  b ");
        assert_eq!(without_arguments("Address<TAddressXp>"), "Address");
        assert_eq!(unwrap("Promise<RequiredDeep<T>>", "Promise"), Some("RequiredDeep<T>"));
        assert_eq!(unwrap("Promise<A> | Promise<B>", "Promise"), None);
        assert_eq!(unwrap("PartialDeep<Order>", "Promise"), None);
        assert!(is_identifier("orderID") && !is_identifier("9a") && !is_identifier("a-b"));
        assert_eq!(quoted_union("'Group' | 'Company'"), Some(vec!["Group".to_owned(), "Company".to_owned()]));
        assert_eq!(quoted_union("string"), None);
        assert_eq!(
            xml_element("/// <summary>A &amp; B &lt;br/&gt;</summary>", "summary").as_deref(),
            Some("A & B <br/>")
        );
    }
}
