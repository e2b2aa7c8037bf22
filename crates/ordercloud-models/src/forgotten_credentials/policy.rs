//! Password requirements: what a `PasswordReset.InsecurePassword` error's `Data` carries.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The password requirements a marketplace enforces, as OrderCloud reports them in the
/// `Data` of a `PasswordReset.InsecurePassword` error.
///
/// Reading is lenient: every field is optional, numbers and booleans may also arrive as
/// strings, and fields this version does not know are kept in [`other`](Self::other).
/// `MinimumCharacterCount` and `UpperCaseRequired` are documented names; the others follow
/// the same naming as OrderCloud's security-profile settings.
///
/// ```
/// use ordercloud_models::PasswordRequirements;
///
/// let data = serde_json::json!({"MinimumCharacterCount": 12, "UpperCaseRequired": true, "Novel": 1});
/// let requirements = PasswordRequirements::from_data(&data).unwrap();
/// assert_eq!(requirements.minimum_character_count, Some(12));
/// assert_eq!(requirements.describe(), vec!["at least 12 characters", "an upper-case letter"]);
/// assert!(requirements.other.contains_key("Novel"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "Map<String, Value>")]
#[non_exhaustive]
pub struct PasswordRequirements {
    /// The fewest characters a password may have.
    #[serde(rename = "MinimumCharacterCount", skip_serializing_if = "Option::is_none")]
    pub minimum_character_count: Option<u64>,
    /// The most characters a password may have.
    #[serde(rename = "MaximumCharacterCount", skip_serializing_if = "Option::is_none")]
    pub maximum_character_count: Option<u64>,
    /// Whether an upper-case letter is required.
    #[serde(rename = "UpperCaseRequired", skip_serializing_if = "Option::is_none")]
    pub upper_case_required: Option<bool>,
    /// Whether a lower-case letter is required.
    #[serde(rename = "LowerCaseRequired", skip_serializing_if = "Option::is_none")]
    pub lower_case_required: Option<bool>,
    /// Whether a digit is required.
    #[serde(rename = "NumericRequired", skip_serializing_if = "Option::is_none")]
    pub numeric_required: Option<bool>,
    /// Whether a character that is neither a letter nor a digit is required.
    #[serde(rename = "SpecialCharacterRequired", skip_serializing_if = "Option::is_none")]
    pub special_character_required: Option<bool>,
    /// Requirements this version does not know, as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl PasswordRequirements {
    /// OrderCloud's platform default: at least 10 characters with an upper-case letter, a
    /// lower-case letter and a digit. A marketplace can tighten it per security profile, so
    /// the server's `InsecurePassword` error remains the authority.
    pub fn platform_default() -> Self {
        Self {
            minimum_character_count: Some(10),
            upper_case_required: Some(true),
            lower_case_required: Some(true),
            numeric_required: Some(true),
            ..Self::default()
        }
    }

    /// Reads the requirements from an error's `Data`; `None` when it is not a JSON object.
    pub fn from_data(data: &Value) -> Option<Self> {
        data.as_object().map(|fields| Self::from(fields.clone()))
    }

    /// The requirements `password` does not meet, each described as in
    /// [`describe`](Self::describe); empty when it meets them all.
    pub fn unmet_by(&self, password: &str) -> Vec<String> {
        let characters = password.chars().count() as u64;
        let has = |test: fn(char) -> bool| password.chars().any(test);
        let mut unmet = Vec::new();
        if self.minimum_character_count.is_some_and(|min| characters < min) {
            unmet.extend(self.minimum_text());
        }
        if self.maximum_character_count.is_some_and(|max| characters > max) {
            unmet.extend(self.maximum_text());
        }
        for (required, test, text) in self.character_classes() {
            if required && !has(test) {
                unmet.push(text.to_owned());
            }
        }
        unmet
    }

    /// Each known requirement in words, for showing to the person choosing a password:
    /// `["at least 10 characters", "an upper-case letter", ...]`.
    pub fn describe(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.minimum_text().into_iter().chain(self.maximum_text()).collect();
        lines.extend(
            self.character_classes().into_iter().filter(|(required, ..)| *required).map(|(.., text)| text.to_owned()),
        );
        lines
    }

    fn minimum_text(&self) -> Option<String> {
        self.minimum_character_count.map(|min| format!("at least {min} characters"))
    }

    fn maximum_text(&self) -> Option<String> {
        self.maximum_character_count.map(|max| format!("at most {max} characters"))
    }

    fn character_classes(&self) -> [CharacterClass; 4] {
        [
            (self.upper_case_required == Some(true), char::is_uppercase, "an upper-case letter"),
            (self.lower_case_required == Some(true), char::is_lowercase, "a lower-case letter"),
            (self.numeric_required == Some(true), |c: char| c.is_ascii_digit(), "a digit"),
            (self.special_character_required == Some(true), |c: char| !c.is_alphanumeric(), "a special character"),
        ]
    }
}

/// Whether a class of character is required, how to find one, and its description.
type CharacterClass = (bool, fn(char) -> bool, &'static str);

impl From<Map<String, Value>> for PasswordRequirements {
    fn from(mut fields: Map<String, Value>) -> Self {
        let mut count = |name: &str| fields.remove(name).and_then(|value| lenient_u64(&value));
        let minimum_character_count = count("MinimumCharacterCount");
        let maximum_character_count = count("MaximumCharacterCount");
        let mut flag = |name: &str| fields.remove(name).and_then(|value| lenient_bool(&value));
        Self {
            minimum_character_count,
            maximum_character_count,
            upper_case_required: flag("UpperCaseRequired"),
            lower_case_required: flag("LowerCaseRequired"),
            numeric_required: flag("NumericRequired"),
            special_character_required: flag("SpecialCharacterRequired"),
            other: fields,
        }
    }
}

fn lenient_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn lenient_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::String(text) => text.trim().to_ascii_lowercase().parse().ok(),
        Value::Number(number) => number.as_u64().map(|n| n != 0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_leniently_and_keeps_unknown_fields() {
        let data = json!({
            "MinimumCharacterCount": "12", "UpperCaseRequired": "True", "NumericRequired": 1,
            "LowerCaseRequired": null, "SpecialCharacterRequired": false, "MaxAgeDays": 90
        });
        let requirements = PasswordRequirements::from_data(&data).unwrap();
        assert_eq!(requirements.minimum_character_count, Some(12));
        assert_eq!(requirements.upper_case_required, Some(true));
        assert_eq!(requirements.numeric_required, Some(true));
        assert_eq!(requirements.lower_case_required, None);
        assert_eq!(requirements.special_character_required, Some(false));
        assert_eq!(requirements.other.get("MaxAgeDays"), Some(&json!(90)));
        assert_eq!(PasswordRequirements::from_data(&json!(null)), None);
        assert_eq!(PasswordRequirements::from_data(&json!({})), Some(PasswordRequirements::default()));
    }

    #[test]
    fn serializes_known_fields_and_round_trips() {
        let requirements = PasswordRequirements::platform_default();
        let text = serde_json::to_string(&requirements).unwrap();
        assert_eq!(
            text,
            r#"{"MinimumCharacterCount":10,"UpperCaseRequired":true,"LowerCaseRequired":true,"NumericRequired":true}"#
        );
        assert_eq!(serde_json::from_str::<PasswordRequirements>(&text).unwrap(), requirements);
    }

    #[test]
    fn platform_default_policy_is_checked_exactly() {
        let policy = PasswordRequirements::platform_default();
        assert!(policy.unmet_by("Abcdefghi1").is_empty());
        assert_eq!(policy.unmet_by("Abcdefgh1"), vec!["at least 10 characters"]);
        assert_eq!(policy.unmet_by("abcdefghij1"), vec!["an upper-case letter"]);
        assert_eq!(policy.unmet_by("ABCDEFGHIJ1"), vec!["a lower-case letter"]);
        assert_eq!(policy.unmet_by("Abcdefghijk"), vec!["a digit"]);
        assert_eq!(policy.unmet_by("").len(), 4);
        // Characters, not bytes: ten accented letters are ten characters.
        assert!(policy.unmet_by("Ééééééééé1").is_empty());
    }
}
