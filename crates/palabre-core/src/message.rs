//! The app-message wire format: what participants say to each other over the data channel, on any room server.
//!
//! One message is one JSON object: a protocol version `v`, a `kind`, the kind's fields, and — once a room server
//! has relayed it — `from`, the sender as the server knows it. Senders never set `from`; a server overwrites it,
//! so nobody can speak in someone else's name. See docs/PROTOCOL.md.
//!
//! Decoding never panics: an unknown version or kind, a missing field or a message over [`MAX_MESSAGE_BYTES`] is
//! a [`WireError`] the caller can log and drop.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ParticipantId;

/// The version this build speaks. A message of another version is refused, not guessed at.
pub const PROTOCOL_VERSION: u64 = 1;

/// Bound on one encoded message, so a hostile peer cannot make everyone allocate without limit. Chat text is
/// bounded more tightly by [`MAX_CHAT_BYTES`].
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024;

/// Longest chat message, in bytes of UTF-8.
pub const MAX_CHAT_BYTES: usize = 4 * 1024;

/// What one participant tells the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum AppMessage {
    /// A chat line, to everyone or, with `to`, privately to one participant.
    Chat {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<ParticipantId>,
    },
    /// The sender's own microphone and camera state, sent on join and on every change.
    MediaState { audio_muted: bool, video_muted: bool },
    /// The sender raised or lowered their hand.
    Hand { raised: bool },
}

/// Every kind this build understands; anything else is [`WireError::UnknownKind`].
const KNOWN_KINDS: &[&str] = &["chat", "media-state", "hand"];

/// A decoded message and, if a server relayed it, who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub from: Option<ParticipantId>,
    pub message: AppMessage,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("message of {0} bytes is over the {MAX_MESSAGE_BYTES}-byte limit")]
    TooLarge(usize),
    #[error("message is not a JSON object")]
    NotAnObject,
    #[error("message has no protocol version")]
    MissingVersion,
    #[error("message speaks protocol version {0}, this build speaks version {PROTOCOL_VERSION}")]
    UnsupportedVersion(u64),
    #[error("message has no kind")]
    MissingKind,
    #[error("message kind {0:?} is unknown to this build")]
    UnknownKind(String),
    #[error("message is malformed: {0}")]
    Malformed(String),
    #[error("chat message of {0} bytes is over the {MAX_CHAT_BYTES}-byte limit")]
    ChatTooLong(usize),
}

impl Envelope {
    pub fn new(from: Option<ParticipantId>, message: AppMessage) -> Self {
        Envelope { from, message }
    }

    pub fn encode(&self) -> String {
        let mut object = match serde_json::to_value(&self.message) {
            Ok(Value::Object(object)) => object,
            // A tagged enum of plain fields always serialises to an object.
            _ => unreachable!("AppMessage serialises to a JSON object"),
        };
        let mut wire = Map::new();
        wire.insert("v".into(), PROTOCOL_VERSION.into());
        if let Some(from) = self.from {
            wire.insert("from".into(), from.0.into());
        }
        wire.append(&mut object);
        Value::Object(wire).to_string()
    }

    pub fn decode(bytes: &[u8]) -> Result<Envelope, WireError> {
        if bytes.len() > MAX_MESSAGE_BYTES {
            return Err(WireError::TooLarge(bytes.len()));
        }
        let value: Value = serde_json::from_slice(bytes).map_err(|_| WireError::NotAnObject)?;
        let Value::Object(mut object) = value else {
            return Err(WireError::NotAnObject);
        };
        match object.remove("v") {
            None => return Err(WireError::MissingVersion),
            Some(v) => match v.as_u64() {
                Some(PROTOCOL_VERSION) => {}
                Some(other) => return Err(WireError::UnsupportedVersion(other)),
                None => return Err(WireError::Malformed("version is not a number".into())),
            },
        }
        let from = match object.remove("from") {
            None => None,
            Some(v) => Some(serde_json::from_value(v).map_err(|e| WireError::Malformed(e.to_string()))?),
        };
        match object.get("kind").and_then(Value::as_str) {
            None => return Err(WireError::MissingKind),
            Some(kind) if !KNOWN_KINDS.contains(&kind) => return Err(WireError::UnknownKind(kind.to_string())),
            Some(_) => {}
        }
        let message: AppMessage =
            serde_json::from_value(Value::Object(object)).map_err(|e| WireError::Malformed(e.to_string()))?;
        message.validate()?;
        Ok(Envelope { from, message })
    }
}

impl AppMessage {
    /// Checks the bounds a well-behaved sender respects; receivers apply it to everything they decode.
    pub fn validate(&self) -> Result<(), WireError> {
        match self {
            AppMessage::Chat { text, .. } if text.len() > MAX_CHAT_BYTES => Err(WireError::ChatTooLong(text.len())),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(text: &str) -> AppMessage {
        AppMessage::Chat { text: text.into(), to: None }
    }

    #[test]
    fn chat_round_trips_with_and_without_sender() {
        for envelope in [
            Envelope::new(None, chat("Bonjour")),
            Envelope::new(Some(ParticipantId(7)), AppMessage::Chat { text: "à toi".into(), to: Some(ParticipantId(2)) }),
            Envelope::new(Some(ParticipantId(1)), AppMessage::MediaState { audio_muted: true, video_muted: false }),
            Envelope::new(None, AppMessage::Hand { raised: true }),
        ] {
            assert_eq!(Envelope::decode(envelope.encode().as_bytes()), Ok(envelope));
        }
    }

    #[test]
    fn wire_form_is_flat_and_versioned() {
        let text = Envelope::new(Some(ParticipantId(3)), chat("Bonjour")).encode();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value, serde_json::json!({"v": 1, "from": 3, "kind": "chat", "text": "Bonjour"}));
    }

    #[test]
    fn unknown_version_and_kind_are_errors_not_panics() {
        let cases = [
            (r#"{"v":2,"kind":"chat","text":"x"}"#, WireError::UnsupportedVersion(2)),
            (r#"{"kind":"chat","text":"x"}"#, WireError::MissingVersion),
            (r#"{"v":1,"kind":"vote","choice":"oui"}"#, WireError::UnknownKind("vote".into())),
            (r#"{"v":1,"text":"x"}"#, WireError::MissingKind),
            (r#"[1,2]"#, WireError::NotAnObject),
            ("not json", WireError::NotAnObject),
        ];
        for (text, expected) in cases {
            assert_eq!(Envelope::decode(text.as_bytes()), Err(expected), "for {text}");
        }
        for malformed in [r#"{"v":1,"kind":"chat"}"#, r#"{"v":1,"kind":"chat","text":5}"#, r#"{"v":"1","kind":"hand"}"#] {
            assert!(matches!(Envelope::decode(malformed.as_bytes()), Err(WireError::Malformed(_))), "{malformed}");
        }
    }

    #[test]
    fn oversized_messages_are_refused() {
        let long = "a".repeat(MAX_CHAT_BYTES + 1);
        let encoded = Envelope::new(None, chat(&long)).encode();
        assert_eq!(Envelope::decode(encoded.as_bytes()), Err(WireError::ChatTooLong(long.len())));
        let huge = vec![b' '; MAX_MESSAGE_BYTES + 1];
        assert_eq!(Envelope::decode(&huge), Err(WireError::TooLarge(huge.len())));
    }

    #[test]
    fn html_in_chat_stays_text() {
        let text = "<img src=x onerror=alert(1)> \\\\serveur\\partage";
        let decoded = Envelope::decode(Envelope::new(None, chat(text)).encode().as_bytes()).unwrap();
        assert_eq!(decoded.message, chat(text));
    }
}
