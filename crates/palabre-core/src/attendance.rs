//! The attendance record: who was there, when, in which role; proxies; vote results. Exported as CSV for the
//! minutes of the meeting.
//!
//! The CSV follows RFC 4180 (CRLF line ends; a field holding a comma, a quote, CR or LF is quoted and its quotes
//! doubled) and is safe to open in a spreadsheet: a field starting with `=`, `+`, `-`, `@`, a tab or CR gets a
//! leading apostrophe, so a display name such as `=HYPERLINK(…)` stays text.

use crate::{Millis, Role};

/// One line of the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceEvent {
    pub at: Millis,
    pub kind: AttendanceKind,
    /// The participant concerned (the proxy holder for a proxy; empty for a vote result).
    pub name: String,
    pub role: Option<Role>,
    /// The absent person for a proxy, the question and totals for a vote result.
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendanceKind {
    /// Already in the room when this participant joined (or this participant, joining).
    Present,
    Joined,
    Left,
    RoleChanged,
    Proxy,
    VoteResult,
}

impl AttendanceKind {
    pub fn label(self) -> &'static str {
        match self {
            AttendanceKind::Present => "present",
            AttendanceKind::Joined => "joined",
            AttendanceKind::Left => "left",
            AttendanceKind::RoleChanged => "role-changed",
            AttendanceKind::Proxy => "proxy",
            AttendanceKind::VoteResult => "vote-result",
        }
    }
}

/// The header row of [`to_csv`].
pub const CSV_HEADER: [&str; 5] = ["time", "event", "name", "role", "detail"];

/// The record as CSV text; `time_label` writes a time (for example as a wall-clock time the driver knows).
pub fn to_csv(events: &[AttendanceEvent], time_label: impl Fn(Millis) -> String) -> String {
    let mut csv = String::new();
    push_row(&mut csv, CSV_HEADER.iter().map(|s| s.to_string()));
    for event in events {
        push_row(
            &mut csv,
            [
                time_label(event.at),
                event.kind.label().to_string(),
                event.name.clone(),
                event.role.map_or(String::new(), |r| r.label().to_string()),
                event.detail.clone(),
            ],
        );
    }
    csv
}

fn push_row(csv: &mut String, fields: impl IntoIterator<Item = String>) {
    let fields: Vec<String> = fields.into_iter().map(|f| csv_field(&f)).collect();
    csv.push_str(&fields.join(","));
    csv.push_str("\r\n");
}

/// One field, neutralised against formula injection, then quoted if needed.
pub fn csv_field(raw: &str) -> String {
    let neutral =
        if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{raw}") } else { raw.to_string() };
    if neutral.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_escapes_quotes_and_formulas() {
        assert_eq!(csv_field("Marie Dupont"), "Marie Dupont");
        assert_eq!(csv_field("Dupont, Marie"), "\"Dupont, Marie\"");
        assert_eq!(csv_field("dit \"bonjour\""), "\"dit \"\"bonjour\"\"\"");
        assert_eq!(csv_field("ligne\r\nsuivante"), "\"ligne\r\nsuivante\"");
        assert_eq!(csv_field("=HYPERLINK(\"http://x\",\"clic\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"clic\"\")\"");
        for formula in ["=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx"] {
            assert_eq!(csv_field(formula), format!("'{formula}"), "{formula:?}");
        }
        assert_eq!(csv_field("Marie-Anne"), "Marie-Anne");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn csv_has_a_header_and_crlf_rows() {
        let events = [
            AttendanceEvent { at: 0, kind: AttendanceKind::Present, name: "Ana".into(), role: Some(Role::Animateur), detail: String::new() },
            AttendanceEvent { at: 60_000, kind: AttendanceKind::Proxy, name: "Bob".into(), role: Some(Role::ParticipantActif), detail: "Chloé, maire".into() },
        ];
        let csv = to_csv(&events, |ms| format!("{}:{:02}", ms / 60_000, ms / 1000 % 60));
        assert_eq!(
            csv,
            "time,event,name,role,detail\r\n0:00,present,Ana,animateur,\r\n1:00,proxy,Bob,participant-actif,\"Chloé, maire\"\r\n"
        );
    }
}
