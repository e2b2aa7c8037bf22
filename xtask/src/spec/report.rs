//! What the sources agreed and disagreed on, counted and listed, as the part of
//! `spec/README.md` that `cargo xtask spec` writes.

use std::collections::BTreeMap;

/// The lines of `spec/README.md` around the part this command writes.
pub(crate) const BEGIN: &str = "<!-- Written by `cargo xtask spec`: do not edit between these lines. -->";
pub(crate) const END: &str = "<!-- End of what `cargo xtask spec` writes. -->";

#[derive(Default)]
pub(crate) struct Report {
    /// Disagreements and notes, by topic, in the order first met.
    topics: Vec<(String, Vec<String>)>,
    pub(crate) operations: Vec<OperationLine>,
    /// JS methods left out, and why.
    pub(crate) excluded: Vec<(String, String)>,
    pub(crate) roles_unknown: Vec<String>,
    pub(crate) roles_changed: Vec<String>,
    pub(crate) list_values_changed: Vec<String>,
    pub(crate) required_changed: Vec<String>,
    pub(crate) new_models: Vec<String>,
    pub(crate) new_enums: Vec<String>,
    pub(crate) enum_values: Vec<(String, Vec<String>)>,
    /// Fields of 2022 models that 2022 lacks: model, field, read-only.
    pub(crate) new_fields: Vec<(String, String, bool)>,
}

pub(crate) struct OperationLine {
    pub(crate) resource: String,
    /// The section's `x-id`.
    pub(crate) section: &'static str,
    /// Not in the 2022 description.
    pub(crate) new: bool,
    pub(crate) roles_from: &'static str,
}

impl Report {
    /// Adds `line` under `topic`.
    pub(crate) fn note(&mut self, topic: &str, line: String) {
        match self.topics.iter_mut().find(|(known, _)| known == topic) {
            Some((_, lines)) => {
                if !lines.contains(&line) {
                    lines.push(line);
                }
            }
            None => self.topics.push((topic.to_owned(), vec![line])),
        }
    }

    /// One line of counts, for the terminal.
    pub(crate) fn summary(&self) -> String {
        let new = self.operations.iter().filter(|op| op.new).count();
        format!(
            "{} operations ({new} new since 2022), {} new models, {} new enums, {} new fields in 2022 models, roles unknown for {}",
            self.operations.len(),
            self.new_models.len(),
            self.new_enums.len(),
            self.new_fields.len(),
            self.roles_unknown.len()
        )
    }

    /// The Markdown between [`BEGIN`] and [`END`].
    pub(crate) fn markdown(&self) -> String {
        let mut out = String::new();
        let ops = &self.operations;
        let new = ops.iter().filter(|op| op.new).count();
        out.push_str("### In numbers\n\n");
        out.push_str(&format!(
            "{} operations, {new} of them new since 2022. Left out: {}.\n\n",
            ops.len(),
            self.excluded.iter().map(|(id, why)| format!("`{id}` ({why})")).collect::<Vec<_>>().join(", ")
        ));
        out.push_str("| section (`x-id`) | operations | new since 2022 |\n|---|---:|---:|\n");
        let mut sections: Vec<&str> = Vec::new();
        for op in ops {
            if !sections.contains(&op.section) {
                sections.push(op.section);
            }
        }
        for section in &sections {
            let all = ops.iter().filter(|op| op.section == *section);
            let count = all.clone().count();
            out.push_str(&format!("| {section} | {count} | {} |\n", all.filter(|op| op.new).count()));
        }
        out.push_str("\n| resource (JS class) | section | operations | new since 2022 |\n|---|---|---:|---:|\n");
        let mut resources: Vec<(&str, &str)> = Vec::new();
        for op in ops {
            if !resources.iter().any(|(name, _)| *name == op.resource) {
                resources.push((&op.resource, op.section));
            }
        }
        resources.sort_by_key(|(_, section)| sections.iter().position(|s| s == section));
        for (resource, section) in resources {
            let all = ops.iter().filter(|op| op.resource == resource);
            let count = all.clone().count();
            out.push_str(&format!("| {resource} | {section} | {count} | {} |\n", all.filter(|op| op.new).count()));
        }
        let writable = self.new_fields.iter().filter(|(_, _, read_only)| !read_only).count();
        let mut by_model: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (model, field, read_only) in &self.new_fields {
            by_model.entry(model).or_default().push(if *read_only {
                format!("{field} (read-only)")
            } else {
                field.clone()
            });
        }
        out.push_str(&format!(
            "\nModels: {} new ({}).\n\nEnums: {} new ({}); new values: {}.\n\n",
            self.new_models.len(),
            self.new_models.join(", "),
            self.new_enums.len(),
            self.new_enums.join(", "),
            self.enum_values
                .iter()
                .map(|(name, values)| format!("{name} +{}", values.join(", ")))
                .collect::<Vec<_>>()
                .join("; ")
        ));
        out.push_str(&format!(
            "Fields 2022's models lack: {} in {} models, {writable} writable and {} read-only:\n\n",
            self.new_fields.len(),
            by_model.len(),
            self.new_fields.len() - writable
        ));
        for (model, fields) in &by_model {
            out.push_str(&format!("- {model}: {}\n", fields.join(", ")));
        }
        let count = |from: &str| ops.iter().filter(|op| op.roles_from == from).count();
        out.push_str(&format!(
            "\n### Roles\n\nFrom the API reference's table: {}. From 2022 (not in the table): {}. Unknown (marked `x-roles-unknown`, no role listed): {}.\n",
            count("roles-table"),
            count("2022"),
            count("unknown")
        ));
        list_section(&mut out, "Operations whose roles are unknown", &self.roles_unknown);
        list_section(
            &mut out,
            "Roles that differ between 2022 and the API reference (the reference kept)",
            &self.roles_changed,
        );
        out.push_str("\n### Where the sources disagree\n");
        list_section(&mut out, "Required body fields: today's (JS, or .NET) against 2022's", &self.required_changed);
        list_section(&mut out, "searchOn / sortBy values: today's (JS) against 2022's", &self.list_values_changed);
        for (topic, lines) in &self.topics {
            list_section(&mut out, topic, lines);
        }
        out
    }
}

fn list_section(out: &mut String, title: &str, lines: &[String]) {
    out.push_str(&format!("\n#### {title} ({})\n\n", lines.len()));
    if lines.is_empty() {
        out.push_str("None.\n");
    }
    for line in lines {
        out.push_str(&format!("- {line}\n"));
    }
}

/// `readme` with the part between [`BEGIN`] and [`END`] replaced by `generated`.
pub(crate) fn replace_block(readme: &str, generated: &str) -> Result<String, String> {
    let start = readme.find(BEGIN).ok_or("spec/README.md lacks the line that opens the written part")?;
    let end = readme.find(END).ok_or("spec/README.md lacks the line that closes the written part")?;
    if end < start {
        return Err("spec/README.md closes the written part before opening it".to_owned());
    }
    Ok(format!("{}{BEGIN}\n\n{generated}\n{}", &readme[..start], &readme[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_group_by_topic_and_the_block_is_replaced() {
        let mut report = Report::default();
        report.note("B", "one".to_owned());
        report.note("A", "two".to_owned());
        report.note("B", "one".to_owned());
        report.note("B", "three".to_owned());
        report.operations.push(OperationLine {
            resource: "Cart".to_owned(),
            section: "OrdersAndFulfillment",
            new: true,
            roles_from: "unknown",
        });
        report.roles_unknown.push("Cart.Get".to_owned());
        let text = report.markdown();
        assert!(text.find("#### B (2)").unwrap() < text.find("#### A (1)").unwrap());
        assert!(text.contains("| Cart | OrdersAndFulfillment | 1 | 1 |"));
        assert!(text.contains("#### Operations whose roles are unknown (1)\n\n- Cart.Get\n"));
        let readme = format!("intro\n{BEGIN}\nold\n{END}\nafter\n");
        assert_eq!(replace_block(&readme, "new\n").unwrap(), format!("intro\n{BEGIN}\n\nnew\n\n{END}\nafter\n"));
        assert!(replace_block("no markers", "x").is_err());
    }
}
