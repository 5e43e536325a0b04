//! Chat text cut into plain text and web links, for the UI to render (always as text nodes, never as HTML).
//!
//! Only `http://` and `https://` URLs become links, shown in full as written. Everything else stays text:
//! `\\host\share` paths, `file:`, `smb:`, `javascript:`, `data:`. A link ends at a blank, a quote, an angle
//! bracket, a backslash or an invisible or bidirectional control character, and trailing punctuation
//! (`.,;:!?` and an unmatched `)`) belongs to the sentence, not to the link.

/// A piece of a chat line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Link(String),
}

/// Cuts `text` into segments; concatenated they give `text` back.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut i = 0;
    while i < text.len() {
        if let Some(len) = link_at(text, i) {
            if plain_from < i {
                out.push(Segment::Text(text[plain_from..i].to_string()));
            }
            out.push(Segment::Link(text[i..i + len].to_string()));
            i += len;
            plain_from = i;
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    if plain_from < text.len() {
        out.push(Segment::Text(text[plain_from..].to_string()));
    }
    out
}

/// The length of the web link starting at byte `at`, if one does.
fn link_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|s| rest.get(..s.len()).is_some_and(|head| head.eq_ignore_ascii_case(s)))?;
    // "xhttp://" or "view-source:http://" is not a link of ours: the scheme must start a word.
    if let Some(before) = text[..at].chars().next_back() {
        if before.is_alphanumeric() || matches!(before, '+' | '-' | '.' | ':' | '/' | '\\' | '@') {
            return None;
        }
    }
    let end = rest.find(ends_link).unwrap_or(rest.len());
    let mut candidate = &rest[..end];
    while let Some(last) = candidate.chars().next_back() {
        let unmatched_paren = last == ')' && candidate.matches('(').count() < candidate.matches(')').count();
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'') || unmatched_paren {
            candidate = &candidate[..candidate.len() - last.len_utf8()];
        } else {
            break;
        }
    }
    let after_scheme = &candidate[scheme.len()..];
    let host_end = after_scheme.find(['/', '?', '#']).unwrap_or(after_scheme.len());
    if host_end == 0 {
        return None;
    }
    let url = url::Url::parse(candidate).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then_some(candidate.len())
}

fn ends_link(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '<' | '>' | '"' | '`' | '\\' | '{' | '}' | '|' | '^')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' | '\u{061C}')
        || matches!(c, '\u{2060}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Segment {
        Segment::Text(s.into())
    }
    fn l(s: &str) -> Segment {
        Segment::Link(s.into())
    }

    fn joined(segments: &[Segment]) -> String {
        segments.iter().map(|s| match s { Segment::Text(x) | Segment::Link(x) => x.as_str() }).collect()
    }

    #[test]
    fn web_links_are_found_and_shown_in_full() {
        assert_eq!(
            segments("Voir https://www.service-public.fr/particuliers?x=1#a et http://intra.gouv.fr"),
            [t("Voir "), l("https://www.service-public.fr/particuliers?x=1#a"), t(" et "), l("http://intra.gouv.fr")]
        );
        assert_eq!(segments("HTTPS://Exemple.fr/A"), [l("HTTPS://Exemple.fr/A")]);
        assert_eq!(segments("https://légifrance.gouv.fr/été"), [l("https://légifrance.gouv.fr/été")]);
    }

    #[test]
    fn trailing_punctuation_is_not_part_of_the_link() {
        for end in [".", ",", ";", ":", "!", "?", ")", "...", "!)", "'"] {
            let text = format!("(voir https://a.fr/x{end}");
            assert_eq!(segments(&text)[1], l("https://a.fr/x"), "{text}");
        }
        assert_eq!(segments("https://fr.wikipedia.org/wiki/Loi_(France)."), [l("https://fr.wikipedia.org/wiki/Loi_(France)"), t(".")]);
    }

    #[test]
    fn unc_paths_never_become_links() {
        for text in ["\\\\serveur\\partage\\doc.odt", "\\\\https://a.fr", "ouvrir \\\\10.0.0.1\\c$"] {
            assert!(segments(text).iter().all(|s| matches!(s, Segment::Text(_))), "{text}");
        }
    }

    #[test]
    fn other_schemes_stay_text() {
        for text in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(document.cookie)",
            "file:///etc/passwd",
            "file://serveur/partage",
            "smb://serveur/partage",
            "data:text/html,<script>alert(1)</script>",
            "ftp://a.fr",
            "www.a.fr",
            "mailto:a@b.fr",
            "javascript:https://a.fr",
            "xhttps://a.fr",
            "view-source:https://a.fr",
        ] {
            assert!(segments(text).iter().all(|s| matches!(s, Segment::Text(_))), "{text}");
        }
    }

    #[test]
    fn hostile_inputs_stay_text_or_safe_links() {
        assert_eq!(segments("http://"), [t("http://")]);
        assert_eq!(segments("https:///chemin"), [t("https:///chemin")]);
        assert_eq!(segments(""), []);
        assert_eq!(
            segments("<a href=\"https://a.fr\">clic</a>"),
            [t("<a href=\""), l("https://a.fr"), t("\">clic</a>")]
        );
        // A backslash would be read as "/" by browsers: the link stops before it.
        assert_eq!(segments("https://bon.fr\\@mechant.fr"), [l("https://bon.fr"), t("\\@mechant.fr")]);
        // Bidirectional overrides and zero-width characters cannot hide inside a link.
        assert_eq!(segments("https://a.fr\u{202E}rf.b"), [l("https://a.fr"), t("\u{202E}rf.b")]);
        assert_eq!(segments("https://a\u{200B}.fr"), [l("https://a"), t("\u{200B}.fr")]);
        let long = "https://a.fr/".to_string() + &"x".repeat(5000) + " <img src=x onerror=alert(1)>";
        assert_eq!(joined(&segments(&long)), long);
    }

    #[test]
    fn segments_give_the_text_back() {
        for text in ["a https://b.fr, c http://d.fr.", "é https://x.fr/ü?q=ç \u{1F600}", "((https://a.fr/(b)))"] {
            assert_eq!(joined(&segments(text)), text);
        }
    }
}
