//! The conference as one participant sees it: a state machine with inputs in and outputs out.
//!
//! The driver (the call engine) feeds [`Input`]s — what the room server announced, app messages that arrived,
//! what the local user did — with the current time as a value, and drains [`Output`]s: app messages to send and
//! changes for the UI to render. Nothing here blocks, sleeps or reads a clock, so whole meetings are scripted in
//! tests in microseconds.

use std::collections::{BTreeMap, VecDeque};

use crate::message::{AppMessage, Envelope, WireError, MAX_CHAT_BYTES};
use crate::{ParticipantId, ParticipantInfo, Role};

/// Milliseconds on the driver's clock; only differences matter.
pub type Millis = u64;

/// Someone in the room, as this participant knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub info: ParticipantInfo,
    pub joined_at: Millis,
    pub audio_muted: bool,
    pub video_muted: bool,
    pub hand_raised: bool,
}

/// A chat line as received or sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatEntry {
    pub from: ParticipantId,
    pub from_name: String,
    /// `Some` for a private message (to this participant, or from it to `to`).
    pub to: Option<ParticipantId>,
    pub text: String,
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The server let us in.
    Welcomed { you: ParticipantId, role: Role, name: String, participants: Vec<ParticipantInfo> },
    ParticipantJoined(ParticipantInfo),
    ParticipantLeft(ParticipantId),
    /// Raw bytes from the data channel; decoding errors are reported, never fatal.
    Received(Vec<u8>),
    /// The local user writes in the chat.
    SendChat { text: String, to: Option<ParticipantId> },
    /// The local user's microphone or camera changed.
    SetMediaState { audio_muted: bool, video_muted: bool },
    SetHand { raised: bool },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Encoded app message for the data channel.
    Send(String),
    Changed(Change),
}

/// What the UI re-renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Joined,
    ParticipantJoined(ParticipantId),
    ParticipantLeft(ParticipantId),
    ParticipantUpdated(ParticipantId),
    Chat(ChatEntry),
    /// The local user's action was refused (for example an over-long chat message); the text says why.
    Refused(String),
    /// A message from the network could not be used; the meeting goes on.
    IgnoredMessage(String),
}

#[derive(Debug, Default)]
pub struct Conference {
    me: Option<Participant>,
    others: BTreeMap<ParticipantId, Participant>,
    chat: Vec<ChatEntry>,
    outputs: VecDeque<Output>,
}

impl Conference {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one input. Call [`Conference::poll_output`] until it returns `None` afterwards.
    pub fn handle(&mut self, input: Input, now: Millis) {
        match input {
            Input::Welcomed { you, role, name, participants } => {
                let me = Participant::new(ParticipantInfo { id: you, name, role }, now);
                self.me = Some(me);
                self.others = participants.into_iter().map(|info| (info.id, Participant::new(info, now))).collect();
                self.changed(Change::Joined);
            }
            Input::ParticipantJoined(info) => {
                let id = info.id;
                self.others.insert(id, Participant::new(info, now));
                self.changed(Change::ParticipantJoined(id));
                // Newcomers learn our state from us, since the server does not keep it.
                if let Some(me) = &self.me {
                    let state = me.media_state();
                    let hand = AppMessage::Hand { raised: me.hand_raised };
                    self.send(state);
                    self.send(hand);
                }
            }
            Input::ParticipantLeft(id) => {
                if self.others.remove(&id).is_some() {
                    self.changed(Change::ParticipantLeft(id));
                }
            }
            Input::Received(bytes) => match Envelope::decode(&bytes) {
                Ok(envelope) => self.receive(envelope, now),
                Err(error) => self.changed(Change::IgnoredMessage(error.to_string())),
            },
            Input::SendChat { text, to } => self.send_chat(text, to, now),
            Input::SetMediaState { audio_muted, video_muted } => {
                if let Some(me) = &mut self.me {
                    me.audio_muted = audio_muted;
                    me.video_muted = video_muted;
                    let id = me.info.id;
                    self.send(AppMessage::MediaState { audio_muted, video_muted });
                    self.changed(Change::ParticipantUpdated(id));
                }
            }
            Input::SetHand { raised } => {
                if let Some(me) = &mut self.me {
                    me.hand_raised = raised;
                    let id = me.info.id;
                    self.send(AppMessage::Hand { raised });
                    self.changed(Change::ParticipantUpdated(id));
                }
            }
        }
    }

    /// The next thing to send or render, in the order it happened.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// This participant, once welcomed.
    pub fn me(&self) -> Option<&Participant> {
        self.me.as_ref()
    }

    /// The other participants, by id (the order the server gave them).
    pub fn others(&self) -> impl Iterator<Item = &Participant> {
        self.others.values()
    }

    pub fn participant(&self, id: ParticipantId) -> Option<&Participant> {
        self.others.get(&id).or(self.me.as_ref().filter(|me| me.info.id == id))
    }

    /// The chat so far, oldest first.
    pub fn chat(&self) -> &[ChatEntry] {
        &self.chat
    }

    fn receive(&mut self, envelope: Envelope, now: Millis) {
        // Only the server sets `from`; a message without it did not come through the room and is not trusted.
        let Some(from) = envelope.from else {
            self.changed(Change::IgnoredMessage("message without a sender".into()));
            return;
        };
        let Some(sender) = self.others.get_mut(&from) else {
            self.changed(Change::IgnoredMessage(format!("message from unknown participant {from}")));
            return;
        };
        match envelope.message {
            AppMessage::Chat { text, to } => {
                let entry = ChatEntry { from, from_name: sender.info.name.clone(), to, text, at: now };
                self.chat.push(entry.clone());
                self.changed(Change::Chat(entry));
            }
            AppMessage::MediaState { audio_muted, video_muted } => {
                sender.audio_muted = audio_muted;
                sender.video_muted = video_muted;
                self.changed(Change::ParticipantUpdated(from));
            }
            AppMessage::Hand { raised } => {
                sender.hand_raised = raised;
                self.changed(Change::ParticipantUpdated(from));
            }
        }
    }

    fn send_chat(&mut self, text: String, to: Option<ParticipantId>, now: Millis) {
        let Some(me) = &self.me else {
            self.changed(Change::Refused("not in the meeting yet".into()));
            return;
        };
        if text.trim().is_empty() {
            return;
        }
        if text.len() > MAX_CHAT_BYTES {
            self.changed(Change::Refused(WireError::ChatTooLong(text.len()).to_string()));
            return;
        }
        if let Some(to) = to.filter(|to| !self.others.contains_key(to)) {
            self.changed(Change::Refused(format!("participant {to} is not in the meeting")));
            return;
        }
        let entry = ChatEntry { from: me.info.id, from_name: me.info.name.clone(), to, text: text.clone(), at: now };
        self.send(AppMessage::Chat { text, to });
        self.chat.push(entry.clone());
        self.changed(Change::Chat(entry));
    }

    fn send(&mut self, message: AppMessage) {
        self.outputs.push_back(Output::Send(Envelope::new(None, message).encode()));
    }

    fn changed(&mut self, change: Change) {
        self.outputs.push_back(Output::Changed(change));
    }
}

impl Participant {
    fn new(info: ParticipantInfo, now: Millis) -> Self {
        Participant { info, joined_at: now, audio_muted: false, video_muted: false, hand_raised: false }
    }

    fn media_state(&self) -> AppMessage {
        AppMessage::MediaState { audio_muted: self.audio_muted, video_muted: self.video_muted }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(id: u64, name: &str) -> ParticipantInfo {
        ParticipantInfo { id: ParticipantId(id), name: name.into(), role: Role::ParticipantActif }
    }

    fn welcomed(others: Vec<ParticipantInfo>) -> Conference {
        let mut c = Conference::new();
        c.handle(Input::Welcomed { you: ParticipantId(1), role: Role::Animateur, name: "Ana".into(), participants: others }, 0);
        drain(&mut c);
        c
    }

    fn drain(c: &mut Conference) -> Vec<Output> {
        std::iter::from_fn(|| c.poll_output()).collect()
    }

    fn relayed(from: u64, message: AppMessage) -> Input {
        Input::Received(Envelope::new(Some(ParticipantId(from)), message).encode().into_bytes())
    }

    #[test]
    fn participants_join_and_leave() {
        let mut c = welcomed(vec![info(2, "Bob")]);
        c.handle(Input::ParticipantJoined(info(3, "Chloé")), 10);
        let out = drain(&mut c);
        assert_eq!(out[0], Output::Changed(Change::ParticipantJoined(ParticipantId(3))));
        // The newcomer is told our media and hand state.
        assert_eq!(out.iter().filter(|o| matches!(o, Output::Send(_))).count(), 2);
        c.handle(Input::ParticipantLeft(ParticipantId(2)), 20);
        assert_eq!(drain(&mut c), vec![Output::Changed(Change::ParticipantLeft(ParticipantId(2)))]);
        let names: Vec<_> = c.others().map(|p| p.info.name.as_str()).collect();
        assert_eq!(names, ["Chloé"]);
        assert_eq!(c.participant(ParticipantId(3)).unwrap().joined_at, 10);
    }

    #[test]
    fn chat_is_sent_and_received_in_order() {
        let mut c = welcomed(vec![info(2, "Bob")]);
        c.handle(Input::SendChat { text: "Bonjour".into(), to: None }, 5);
        let out = drain(&mut c);
        let Output::Send(sent) = &out[0] else { panic!("expected a message to send, got {out:?}") };
        let sent = Envelope::decode(sent.as_bytes()).unwrap();
        assert_eq!(sent, Envelope::new(None, AppMessage::Chat { text: "Bonjour".into(), to: None }));
        c.handle(relayed(2, AppMessage::Chat { text: "Salut".into(), to: None }), 6);
        let texts: Vec<_> = c.chat().iter().map(|e| (e.from_name.as_str(), e.text.as_str())).collect();
        assert_eq!(texts, [("Ana", "Bonjour"), ("Bob", "Salut")]);
    }

    #[test]
    fn messages_without_a_known_sender_are_ignored() {
        let mut c = welcomed(vec![info(2, "Bob")]);
        let chat = AppMessage::Chat { text: "x".into(), to: None };
        c.handle(Input::Received(Envelope::new(None, chat.clone()).encode().into_bytes()), 1);
        c.handle(relayed(9, chat), 1);
        c.handle(Input::Received(b"{\"v\":9}".to_vec()), 1);
        let out = drain(&mut c);
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|o| matches!(o, Output::Changed(Change::IgnoredMessage(_)))));
        assert!(c.chat().is_empty());
    }

    #[test]
    fn media_state_and_hand_follow_messages() {
        let mut c = welcomed(vec![info(2, "Bob")]);
        c.handle(relayed(2, AppMessage::MediaState { audio_muted: true, video_muted: false }), 1);
        c.handle(relayed(2, AppMessage::Hand { raised: true }), 2);
        let bob = c.participant(ParticipantId(2)).unwrap();
        assert!(bob.audio_muted && bob.hand_raised && !bob.video_muted);
    }

    #[test]
    fn too_long_or_misaddressed_chat_is_refused_and_not_sent() {
        let mut c = welcomed(vec![info(2, "Bob")]);
        c.handle(Input::SendChat { text: "a".repeat(MAX_CHAT_BYTES + 1), to: None }, 1);
        c.handle(Input::SendChat { text: "psst".into(), to: Some(ParticipantId(7)) }, 1);
        let out = drain(&mut c);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|o| matches!(o, Output::Changed(Change::Refused(_)))));
        assert!(c.chat().is_empty());
    }

    #[test]
    fn nothing_is_sent_before_the_server_welcomes_us() {
        let mut c = Conference::new();
        c.handle(Input::SendChat { text: "tôt".into(), to: None }, 0);
        c.handle(Input::SetHand { raised: true }, 0);
        assert!(drain(&mut c).iter().all(|o| !matches!(o, Output::Send(_))));
    }
}
