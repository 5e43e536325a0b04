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

use crate::names::clean_display_name;
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
    /// A moderator lowers someone's hand.
    LowerHand { id: ParticipantId },
    /// A moderator gives someone the floor: their hand is lowered and they are asked to unmute.
    GiveFloor { id: ParticipantId },
    /// A moderator mutes someone; that person's engine mutes the microphone and announces its media state.
    Mute { id: ParticipantId },
    /// A moderator mutes everyone but themselves and those in `except`.
    MuteAll {
        #[serde(default)]
        except: Vec<ParticipantId>,
    },
    /// A moderator asks someone to unmute; only that person can accept.
    AskUnmute { id: ParticipantId },
    /// The animateur records that `holder` holds the proxy of `absent`, someone not in the meeting.
    Proxy { holder: ParticipantId, absent: String },
    /// The animateur opens a vote; `vote` is chosen by the opener and unique in the meeting.
    VoteOpen { vote: u32, question: String, options: Vec<String> },
    /// The sender's answer, or with `proxy_for` the answer of the absent person whose proxy the sender holds.
    Vote {
        vote: u32,
        option: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        proxy_for: Option<String>,
    },
    /// The animateur closes a vote; its results are final.
    VoteClose { vote: u32 },
    /// The sender starts or stops sharing a screen. A share is shown only once the room relays this back, so
    /// everyone agrees on who shares (see `screen_share`); the picture itself is a video track named `screen`.
    Screen { sharing: bool },
    /// The animateur lets several people share at once, or goes back to one share at a time.
    ScreenShares { many: bool },
}

/// Every kind this build understands; anything else is [`WireError::UnknownKind`].
const KNOWN_KINDS: &[&str] = &[
    "chat",
    "media-state",
    "hand",
    "lower-hand",
    "give-floor",
    "mute",
    "mute-all",
    "ask-unmute",
    "proxy",
    "vote-open",
    "vote",
    "vote-close",
    "screen",
    "screen-shares",
];

/// Longest vote question, in bytes of UTF-8.
pub const MAX_QUESTION_BYTES: usize = 500;
/// Most options one vote offers.
pub const MAX_VOTE_OPTIONS: usize = 10;
/// Longest vote option, in bytes of UTF-8.
pub const MAX_OPTION_BYTES: usize = 100;
/// Longest absent person's name as sent, before cleaning (cleaning then cuts it to 64 characters).
pub const MAX_ABSENT_BYTES: usize = 1024;

/// A decoded message and, if a server relayed it, who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub from: Option<ParticipantId>,
    /// The sender's display name as the server knew it when relaying: lets a late joiner read recent chat from
    /// someone who has left since. Set only by servers, like `from`.
    pub from_name: Option<String>,
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
    #[error("{field} of {bytes} bytes is over the {max}-byte limit")]
    TooLong { field: &'static str, bytes: usize, max: usize },
    #[error("message is invalid: {0}")]
    Invalid(String),
}

impl Envelope {
    pub fn new(from: Option<ParticipantId>, message: AppMessage) -> Self {
        Envelope { from, from_name: None, message }
    }

    /// The same message, stamped with the sender's name as a room server vouches for it.
    pub fn with_sender_name(mut self, name: String) -> Self {
        self.from_name = Some(name);
        self
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
        if let Some(name) = &self.from_name {
            wire.insert("from_name".into(), name.as_str().into());
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
        let from_name = match object.remove("from_name") {
            None => None,
            Some(Value::String(name)) => {
                Some(clean_display_name(&name).map_err(|_| WireError::Invalid("empty sender name".into()))?)
            }
            Some(_) => return Err(WireError::Malformed("sender name is not text".into())),
        };
        match object.get("kind").and_then(Value::as_str) {
            None => return Err(WireError::MissingKind),
            Some(kind) if !KNOWN_KINDS.contains(&kind) => return Err(WireError::UnknownKind(kind.to_string())),
            Some(_) => {}
        }
        let message: AppMessage =
            serde_json::from_value(Value::Object(object)).map_err(|e| WireError::Malformed(e.to_string()))?;
        message.validate()?;
        Ok(Envelope { from, from_name, message })
    }
}

impl AppMessage {
    /// The wire `kind`, for logs and reasons.
    pub fn kind(&self) -> &'static str {
        match self {
            AppMessage::Chat { .. } => "chat",
            AppMessage::MediaState { .. } => "media-state",
            AppMessage::Hand { .. } => "hand",
            AppMessage::LowerHand { .. } => "lower-hand",
            AppMessage::GiveFloor { .. } => "give-floor",
            AppMessage::Mute { .. } => "mute",
            AppMessage::MuteAll { .. } => "mute-all",
            AppMessage::AskUnmute { .. } => "ask-unmute",
            AppMessage::Proxy { .. } => "proxy",
            AppMessage::VoteOpen { .. } => "vote-open",
            AppMessage::Vote { .. } => "vote",
            AppMessage::VoteClose { .. } => "vote-close",
            AppMessage::Screen { .. } => "screen",
            AppMessage::ScreenShares { .. } => "screen-shares",
        }
    }

    /// Checks the bounds a well-behaved sender respects; receivers apply it to everything they decode.
    pub fn validate(&self) -> Result<(), WireError> {
        match self {
            AppMessage::Chat { text, .. } if text.len() > MAX_CHAT_BYTES => Err(WireError::ChatTooLong(text.len())),
            AppMessage::Proxy { absent, .. } => check_name("absent", absent),
            AppMessage::Vote { option, proxy_for, .. } => {
                check_len("option", option, MAX_OPTION_BYTES)?;
                proxy_for.as_deref().map_or(Ok(()), |name| check_name("proxy_for", name))
            }
            AppMessage::VoteOpen { question, options, .. } => {
                check_len("question", question, MAX_QUESTION_BYTES)?;
                if question.trim().is_empty() {
                    return Err(WireError::Invalid("a vote needs a question".into()));
                }
                if !(2..=MAX_VOTE_OPTIONS).contains(&options.len()) {
                    return Err(WireError::Invalid(format!(
                        "a vote offers 2 to {MAX_VOTE_OPTIONS} options, not {}",
                        options.len()
                    )));
                }
                for (i, option) in options.iter().enumerate() {
                    check_len("option", option, MAX_OPTION_BYTES)?;
                    if option.trim().is_empty() {
                        return Err(WireError::Invalid("a vote option is empty".into()));
                    }
                    if options[..i].contains(option) {
                        return Err(WireError::Invalid(format!("vote option {option:?} is given twice")));
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

fn check_len(field: &'static str, text: &str, max: usize) -> Result<(), WireError> {
    if text.len() > max {
        Err(WireError::TooLong { field, bytes: text.len(), max })
    } else {
        Ok(())
    }
}

/// A person's name carried in a message: bounded, and not empty once cleaned like a display name.
fn check_name(field: &'static str, name: &str) -> Result<(), WireError> {
    check_len(field, name, MAX_ABSENT_BYTES)?;
    crate::names::clean_display_name(name).map(drop).map_err(|_| WireError::Invalid(format!("{field} is not a name")))
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
            Envelope::new(Some(ParticipantId(4)), chat("signé")).with_sender_name("Zoé (DREAL)".into()),
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
            (r#"{"v":1,"kind":"dance","step":"valse"}"#, WireError::UnknownKind("dance".into())),
            (r#"{"v":1,"text":"x"}"#, WireError::MissingKind),
            (r#"[1,2]"#, WireError::NotAnObject),
            ("not json", WireError::NotAnObject),
        ];
        for (text, expected) in cases {
            assert_eq!(Envelope::decode(text.as_bytes()), Err(expected), "for {text}");
        }
        for malformed in [r#"{"v":1,"kind":"vote","choice":"oui"}"#, r#"{"v":1,"kind":"chat"}"#, r#"{"v":1,"kind":"chat","text":5}"#, r#"{"v":"1","kind":"hand"}"#] {
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

    fn round_trip(message: AppMessage) -> Result<AppMessage, WireError> {
        Envelope::decode(Envelope::new(Some(ParticipantId(4)), message).encode().as_bytes()).map(|e| e.message)
    }

    #[test]
    fn moderation_and_vote_messages_round_trip() {
        let id = ParticipantId(2);
        for message in [
            AppMessage::LowerHand { id },
            AppMessage::GiveFloor { id },
            AppMessage::Mute { id },
            AppMessage::MuteAll { except: vec![id, ParticipantId(3)] },
            AppMessage::AskUnmute { id },
            AppMessage::Proxy { holder: id, absent: "Marie Dupont".into() },
            AppMessage::VoteOpen { vote: 1, question: "Budget ?".into(), options: vec!["pour".into(), "contre".into()] },
            AppMessage::Vote { vote: 1, option: "pour".into(), proxy_for: None },
            AppMessage::Vote { vote: 1, option: "pour".into(), proxy_for: Some("Marie Dupont".into()) },
            AppMessage::VoteClose { vote: 1 },
        ] {
            assert!(KNOWN_KINDS.contains(&message.kind()));
            let wire: Value = serde_json::from_str(&Envelope::new(None, message.clone()).encode()).unwrap();
            assert_eq!(wire["kind"], message.kind());
            assert_eq!(round_trip(message.clone()), Ok(message));
        }
    }

    #[test]
    fn new_kinds_are_kebab_case_and_flat() {
        let text = Envelope::new(None, AppMessage::MuteAll { except: vec![ParticipantId(5)] }).encode();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value, serde_json::json!({"v": 1, "kind": "mute-all", "except": [5]}));
        let text = Envelope::new(None, AppMessage::VoteClose { vote: 3 }).encode();
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), serde_json::json!({"v": 1, "kind": "vote-close", "vote": 3}));
        assert_eq!(
            Envelope::decode(br#"{"v":1,"kind":"mute-all"}"#).unwrap().message,
            AppMessage::MuteAll { except: vec![] }
        );
    }

    #[test]
    fn unknown_fields_in_new_kinds_are_refused() {
        for text in [
            r#"{"v":1,"kind":"mute","id":2,"loud":true}"#,
            r#"{"v":1,"kind":"vote-close","vote":1,"winner":"pour"}"#,
            r#"{"v":1,"kind":"mute","id":"two"}"#,
            r#"{"v":1,"kind":"vote","vote":-1,"option":"pour"}"#,
        ] {
            assert!(matches!(Envelope::decode(text.as_bytes()), Err(WireError::Malformed(_))), "{text}");
        }
    }

    #[test]
    fn vote_bounds_are_enforced() {
        let open = |question: String, options: Vec<String>| round_trip(AppMessage::VoteOpen { vote: 1, question, options });
        let two = || vec!["a".to_string(), "b".to_string()];
        assert!(matches!(open("q".repeat(MAX_QUESTION_BYTES + 1), two()), Err(WireError::TooLong { field: "question", .. })));
        assert!(open("q".repeat(MAX_QUESTION_BYTES), two()).is_ok());
        let eleven: Vec<String> = (0..11).map(|i| i.to_string()).collect();
        assert!(matches!(open("q".into(), eleven), Err(WireError::Invalid(_))));
        assert!(matches!(open("q".into(), vec!["a".into()]), Err(WireError::Invalid(_))));
        assert!(matches!(open("q".into(), vec!["a".into(), "a".into()]), Err(WireError::Invalid(_))));
        assert!(matches!(open("q".into(), vec!["a".into(), " ".into()]), Err(WireError::Invalid(_))));
        assert!(matches!(open("  ".into(), two()), Err(WireError::Invalid(_))));
        assert!(matches!(open("q".into(), vec!["a".into(), "b".repeat(MAX_OPTION_BYTES + 1)]), Err(WireError::TooLong { .. })));
        let vote = AppMessage::Vote { vote: 1, option: "o".repeat(MAX_OPTION_BYTES + 1), proxy_for: None };
        assert!(matches!(round_trip(vote), Err(WireError::TooLong { field: "option", .. })));
    }

    #[test]
    fn proxy_names_must_be_names() {
        for absent in ["", "  ", "\u{202E}\u{200B}"] {
            let proxy = AppMessage::Proxy { holder: ParticipantId(2), absent: absent.into() };
            assert!(matches!(round_trip(proxy), Err(WireError::Invalid(_))), "{absent:?}");
        }
        let vote = AppMessage::Vote { vote: 1, option: "pour".into(), proxy_for: Some("\t".into()) };
        assert!(matches!(round_trip(vote), Err(WireError::Invalid(_))));
        let long = AppMessage::Proxy { holder: ParticipantId(2), absent: "a".repeat(MAX_ABSENT_BYTES + 1) };
        assert!(matches!(round_trip(long), Err(WireError::TooLong { .. })));
    }
}
