//! The description as text: members in the order built, two spaces of indent, short lists
//! of scalars on one line. The same value always gives the same bytes.

use crate::json::{self, Json};

/// How long a list of scalars may be, written on one line.
const LINE: usize = 100;

/// `value` as pretty JSON text, ending in a newline.
pub(crate) fn pretty(value: &Json) -> String {
    let mut out = String::new();
    write(&mut out, value, 0);
    out.push('\n');
    out
}

fn write(out: &mut String, value: &Json, depth: usize) {
    match value {
        Json::Array(items) if items.is_empty() => out.push_str("[]"),
        Json::Object(members) if members.is_empty() => out.push_str("{}"),
        Json::Array(items) => {
            let scalars = items.iter().all(|item| !matches!(item, Json::Array(_) | Json::Object(_)));
            let inline: Vec<String> = items.iter().map(Json::compact).collect();
            if scalars && inline.iter().map(|item| item.len() + 2).sum::<usize>() <= LINE {
                out.push('[');
                out.push_str(&inline.join(", "));
                out.push(']');
                return;
            }
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                out.push_str(if index == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                write(out, item, depth + 1);
            }
            out.push('\n');
            indent(out, depth);
            out.push(']');
        }
        Json::Object(members) => {
            out.push('{');
            for (index, (key, member)) in members.iter().enumerate() {
                out.push_str(if index == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                json::string(out, key);
                out.push_str(": ");
                write(out, member, depth + 1);
            }
            out.push('\n');
            indent(out, depth);
            out.push('}');
        }
        scalar => out.push_str(&scalar.compact()),
    }
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_stable_readable_json() {
        let value = Json::Object(vec![
            ("b".to_owned(), Json::Array(vec![Json::String("x\"y".to_owned()), Json::Number(3.0)])),
            ("a".to_owned(), Json::Object(vec![("n".to_owned(), Json::Null), ("t".to_owned(), Json::Bool(true))])),
            ("e".to_owned(), Json::Array(Vec::new())),
            ("f".to_owned(), Json::Number(0.5)),
        ]);
        let text = pretty(&value);
        assert_eq!(
            text,
            "{\n  \"b\": [\"x\\\"y\", 3],\n  \"a\": {\n    \"n\": null,\n    \"t\": true\n  },\n  \"e\": [],\n  \"f\": 0.5\n}\n"
        );
        assert_eq!(crate::json::parse(&text).ok(), Some(value));
        let long = Json::Array((0..40).map(|n| Json::String(format!("Value{n}"))).collect());
        assert!(pretty(&long).lines().count() > 40, "a long list has one item a line");
    }
}
