//! Which characters a one-line text must not show as they are, and the normalised view a
//! secret is looked for in once those characters are taken out.

use unicode_general_category::{GeneralCategory, get_general_category};

/// Whether `character` must not reach a log line as it is: a control, format (Cf),
/// surrogate, private-use or unassigned character, or another default-ignorable one (such
/// as a variation selector), which renders as nothing and can hide or reorder text.
///
/// The categories come from a table generated from the Unicode Character Database, so new
/// format characters are covered when the table is; the few default-ignorable characters of
/// other categories are listed below (Unicode's `Other_Default_Ignorable_Code_Point` and
/// `Variation_Selector`, which change rarely).
pub(crate) fn is_unsafe(character: char) -> bool {
    use GeneralCategory::{Control, Format, PrivateUse, Surrogate, Unassigned};
    if character.is_ascii() {
        return character.is_ascii_control();
    }
    matches!(get_general_category(character), Control | Format | Surrogate | PrivateUse | Unassigned)
        || is_other_default_ignorable(character)
}

/// Default-ignorable characters outside the format and unassigned categories.
fn is_other_default_ignorable(character: char) -> bool {
    matches!(
        character,
        '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// `text` with every [unsafe](is_unsafe) character and every U+FFFD (which stands for one
/// in a line already made safe) taken out, and full-width ASCII folded to ASCII: a secret
/// split by soft hyphens or zero-width characters, or typed in full-width forms, reads as
/// itself here.
pub(crate) fn normalized(text: &str) -> String {
    text.chars().filter_map(normalized_char).collect()
}

/// What `character` is in a [normalized] text: `None` when it is taken out.
pub(crate) fn normalized_char(character: char) -> Option<char> {
    match character {
        char::REPLACEMENT_CHARACTER => None,
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(character) - 0xFEE0),
        '\u{3000}' => Some(' '),
        other if is_unsafe(other) => None,
        other => Some(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_invisible_class_is_unsafe() {
        let invisible = [
            '\u{00AD}',
            '\u{061C}',
            '\u{0600}',
            '\u{0605}',
            '\u{180E}',
            '\u{200B}',
            '\u{200F}',
            '\u{202E}',
            '\u{2060}',
            '\u{2066}',
            '\u{206A}',
            '\u{206F}',
            '\u{FEFF}',
            '\u{FFF9}',
            '\u{FFFB}',
            '\u{1D173}',
            '\u{1D17A}',
            '\u{E0000}',
            '\u{E0001}',
            '\u{E0041}',
            '\u{E007F}',
            '\u{FE0F}',
            '\u{E0100}',
            '\u{3164}',
            '\u{E000}',
            '\u{10FFFD}',
            '\u{1B}',
            '\u{7F}',
            '\u{9F}',
        ];
        for character in invisible {
            assert!(is_unsafe(character), "U+{:04X}", u32::from(character));
        }
        for visible in ['a', 'é', 'ß', '€', '漢', '😀', ' ', '-', '\u{FFFD}'] {
            assert!(!is_unsafe(visible), "U+{:04X}", u32::from(visible));
        }
    }

    #[test]
    fn normalising_joins_split_text_and_folds_full_width() {
        assert_eq!(normalized("se\u{00AD}cr\u{200B}et\u{E0041}"), "secret");
        assert_eq!(normalized("ｓｅｃｒｅｔ－１"), "secret-1");
        assert_eq!(normalized("a\u{FFFD}b"), "ab");
    }
}
