//! Display names ("Prénom Nom (Administration)"): made safe once, by the room server, before anyone sees them.
//!
//! A name reaches other people's screens, logs, attendance records and file names, so it is normalised (NFC),
//! stripped of control and bidirectional-override characters (which can make a name read backwards or hide
//! text), trimmed, and bounded.

use unicode_normalization::UnicodeNormalization;

/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("a display name is required, for example \"Prénom Nom (Administration)\"")]
    Empty,
}

/// Returns the name as everyone will see it.
pub fn clean_display_name(raw: &str) -> Result<String, NameError> {
    let cleaned: String = raw
        .nfc()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|&c| !c.is_control() && !is_bidi_control(c) && !is_invisible_format(c))
        .collect();
    let collapsed = cleaned.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    let bounded: String = collapsed.chars().take(MAX_NAME_CHARS).collect();
    let bounded = bounded.trim_end().to_string();
    if bounded.is_empty() {
        Err(NameError::Empty)
    } else {
        Ok(bounded)
    }
}

/// Makes `name` distinct from `taken` by adding a visible " (2)", " (3)"…, so two "Marie Dupont" can be told apart.
pub fn distinct_name<'a>(name: &str, taken: impl Iterator<Item = &'a str> + Clone) -> String {
    if !taken.clone().any(|t| t == name) {
        return name.to_string();
    }
    (2..)
        .map(|n| format!("{name} ({n})"))
        .find(|candidate| !taken.clone().any(|t| t == candidate))
        .expect("an unbounded counter finds a free suffix")
}

/// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the marks U+200E/U+200F, U+061C.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Zero-width characters that would let two names look equal while differing.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_normalised_and_cleaned() {
        assert_eq!(clean_display_name("  Marie   Dupont (Mairie)\n").unwrap(), "Marie Dupont (Mairie)");
        // "e" + combining acute becomes the single precomposed "é".
        assert_eq!(clean_display_name("Ce\u{301}line").unwrap(), "C\u{e9}line");
        assert_eq!(clean_display_name("Jean\u{202E}siraP\u{0007}").unwrap(), "JeansiraP");
        assert_eq!(clean_display_name("a\u{200B}b").unwrap(), "ab");
    }

    #[test]
    fn empty_or_invisible_names_are_refused() {
        for raw in ["", "   ", "\u{202E}\u{200B}", "\t\n"] {
            assert_eq!(clean_display_name(raw), Err(NameError::Empty), "{raw:?}");
        }
    }

    #[test]
    fn long_names_are_cut_at_64_characters() {
        let long = "é".repeat(100);
        assert_eq!(clean_display_name(&long).unwrap().chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn equal_names_get_a_visible_suffix() {
        let taken = ["Marie", "Marie (2)"];
        assert_eq!(distinct_name("Marie", taken.iter().copied()), "Marie (3)");
        assert_eq!(distinct_name("Paul", taken.iter().copied()), "Paul");
    }
}
