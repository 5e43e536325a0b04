//! A room: who may enter (tokens), who is in (members), and what each member publishes.
//!
//! The room is the server's authority: it cleans display names, assigns ids and roles, and stamps the sender on
//! every relayed app message. Members are reached only through their session's event channel, so the room's
//! lock is never held across I/O.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::{Arc, Mutex};

use palabre_core::message::{AppMessage, Envelope};
use palabre_core::names::{clean_display_name, distinct_name};
use palabre_core::signal::Refusal;
use palabre_core::{ParticipantId, ParticipantInfo, Role};
use rand::Rng;
use tokio::sync::mpsc;

use crate::sfu::Forwarder;

/// What the room tells one member's session.
#[derive(Debug)]
pub enum SessionEvent {
    Joined(ParticipantInfo),
    Left(ParticipantId),
    /// Another member published a track: subscribe to it.
    Subscribe(Arc<Forwarder>),
    /// An app message for this member, already stamped with its sender.
    AppMessage(String),
}

pub type SessionEvents = mpsc::UnboundedSender<SessionEvent>;

/// The two secrets of a room: whoever holds the host token is an animateur, the guest token a participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub host: String,
    pub guest: String,
}

pub struct Room {
    pub name: String,
    pub tokens: Tokens,
    members: Mutex<Members>,
}

#[derive(Default)]
struct Members {
    next_id: u64,
    by_id: BTreeMap<ParticipantId, Member>,
}

struct Member {
    info: ParticipantInfo,
    events: SessionEvents,
    published: Vec<Arc<Forwarder>>,
}

/// What a newcomer learns on entering.
pub struct Admission {
    pub you: ParticipantInfo,
    pub others: Vec<ParticipantInfo>,
    pub tracks: Vec<Arc<Forwarder>>,
}

impl Room {
    pub fn new(name: String, tokens: Tokens) -> Room {
        Room { name, tokens, members: Mutex::default() }
    }

    /// Lets someone in if their token is valid, and tells everyone else.
    pub fn admit(&self, token: &str, name: &str, events: SessionEvents) -> Result<Admission, Refusal> {
        let role = if constant_time_eq(token, &self.tokens.host) {
            Role::Animateur
        } else if constant_time_eq(token, &self.tokens.guest) {
            Role::ParticipantActif
        } else {
            return Err(Refusal::BadToken);
        };
        let name = clean_display_name(name).map_err(|_| Refusal::BadName)?;
        let mut members = self.lock();
        let name = distinct_name(&name, members.by_id.values().map(|m| m.info.name.as_str()));
        members.next_id += 1;
        let you = ParticipantInfo { id: ParticipantId(members.next_id), name, role };
        let others = members.by_id.values().map(|m| m.info.clone()).collect();
        let tracks = members.by_id.values().flat_map(|m| m.published.iter().cloned()).collect();
        for member in members.by_id.values() {
            let _ = member.events.send(SessionEvent::Joined(you.clone()));
        }
        members.by_id.insert(you.id, Member { info: you.clone(), events, published: Vec::new() });
        Ok(Admission { you, others, tracks })
    }

    /// Records a member's new track and has every other member subscribe to it.
    pub fn publish(&self, forwarder: Arc<Forwarder>) {
        let mut members = self.lock();
        let Some(owner) = members.by_id.get_mut(&forwarder.owner) else { return };
        owner.published.push(forwarder.clone());
        for member in members.by_id.values().filter(|m| m.info.id != forwarder.owner) {
            let _ = member.events.send(SessionEvent::Subscribe(forwarder.clone()));
        }
    }

    /// Delivers an app message from `from`: a private chat to its addressee only, anything else to all others.
    pub fn relay(&self, from: ParticipantId, message: AppMessage) {
        let to = match &message {
            AppMessage::Chat { to, .. } => *to,
            _ => None,
        };
        let encoded = Envelope::new(Some(from), message).encode();
        let members = self.lock();
        for member in members.by_id.values() {
            let addressed = to.is_none_or(|to| to == member.info.id);
            if member.info.id != from && addressed {
                let _ = member.events.send(SessionEvent::AppMessage(encoded.clone()));
            }
        }
    }

    /// Removes a member and tells everyone else.
    pub fn leave(&self, id: ParticipantId) {
        let mut members = self.lock();
        if members.by_id.remove(&id).is_some() {
            for member in members.by_id.values() {
                let _ = member.events.send(SessionEvent::Left(id));
            }
        }
    }

    pub fn member_count(&self) -> usize {
        self.lock().by_id.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Members> {
        // A panic elsewhere while holding the lock leaves the map consistent (every change is one insert or remove).
        self.members.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Tokens {
    pub fn random() -> Tokens {
        Tokens { host: random_token(), guest: random_token() }
    }

    /// Loads the room's tokens from `dir`, or makes and saves new ones, so that links survive a restart.
    pub fn load_or_create(dir: &Path, room: &str) -> std::io::Result<Tokens> {
        let path = dir.join(format!("room-{room}.tokens"));
        if let Ok(text) = fs::read_to_string(&path) {
            let mut lines = text.lines();
            if let (Some(host), Some(guest)) = (lines.next(), lines.next()) {
                return Ok(Tokens { host: host.to_string(), guest: guest.to_string() });
            }
        }
        let tokens = Tokens::random();
        fs::create_dir_all(dir)?;
        crate::cert::write_private(&path, format!("{}\n{}\n", tokens.host, tokens.guest).as_bytes())?;
        Ok(tokens)
    }
}

/// 128 random bits, URL-safe.
fn random_token() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A readable room name such as "ConseilBleu472", for people to say aloud.
pub fn random_room_name() -> String {
    const NOUNS: &[&str] = &["Reunion", "Conseil", "Cellule", "Atelier", "Comite", "Point", "Equipe", "Salon"];
    const ADJECTIVES: &[&str] = &["Bleu", "Vert", "Clair", "Calme", "Grand", "Vif", "Doux", "Neuf"];
    let mut rng = rand::thread_rng();
    format!(
        "{}{}{}",
        NOUNS[rng.gen_range(0..NOUNS.len())],
        ADJECTIVES[rng.gen_range(0..ADJECTIVES.len())],
        rng.gen_range(100..1000)
    )
}

/// Compares secrets in time that does not depend on where they differ.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use palabre_core::link::is_room_name;

    fn room() -> Room {
        Room::new("R".into(), Tokens { host: "h".into(), guest: "g".into() })
    }

    fn member(room: &Room, token: &str, name: &str) -> (Admission, mpsc::UnboundedReceiver<SessionEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (room.admit(token, name, tx).unwrap(), rx)
    }

    #[test]
    fn tokens_decide_roles_and_wrong_tokens_are_refused() {
        let room = room();
        assert_eq!(member(&room, "h", "Ana").0.you.role, Role::Animateur);
        assert_eq!(member(&room, "g", "Bob").0.you.role, Role::ParticipantActif);
        let (tx, _rx) = mpsc::unbounded_channel();
        assert_eq!(room.admit("x", "Eve", tx.clone()).err(), Some(Refusal::BadToken));
        assert_eq!(room.admit("g", " \u{202E} ", tx).err(), Some(Refusal::BadName));
        assert_eq!(room.member_count(), 2);
    }

    #[test]
    fn newcomers_are_announced_and_names_made_distinct() {
        let room = room();
        let (_, mut first) = member(&room, "g", "Marie");
        let (second, _) = member(&room, "g", "Marie");
        assert_eq!(second.you.name, "Marie (2)");
        assert_eq!(second.others.len(), 1);
        assert!(matches!(first.try_recv(), Ok(SessionEvent::Joined(info)) if info.name == "Marie (2)"));
        room.leave(second.you.id);
        assert!(matches!(first.try_recv(), Ok(SessionEvent::Left(id)) if id == second.you.id));
    }

    #[test]
    fn relay_stamps_the_sender_and_honours_private_chat() {
        let room = room();
        let (a, _a_rx) = member(&room, "g", "A");
        let (b, mut b_rx) = member(&room, "g", "B");
        let (_c, mut c_rx) = member(&room, "g", "C");
        room.relay(a.you.id, AppMessage::Chat { text: "à B".into(), to: Some(b.you.id) });
        let delivered = std::iter::from_fn(|| b_rx.try_recv().ok())
            .find_map(|e| match e {
                SessionEvent::AppMessage(text) => Some(text),
                _ => None,
            })
            .expect("B receives the private message");
        assert_eq!(Envelope::decode(delivered.as_bytes()).unwrap().from, Some(a.you.id));
        assert!(std::iter::from_fn(|| c_rx.try_recv().ok()).all(|e| !matches!(e, SessionEvent::AppMessage(_))));
    }

    #[test]
    fn random_room_names_are_valid_room_names() {
        for _ in 0..50 {
            assert!(is_room_name(&random_room_name()));
        }
    }

    #[test]
    fn tokens_persist_across_restarts() {
        let dir = std::env::temp_dir().join(format!("palabre-tokens-{}", std::process::id()));
        let first = Tokens::load_or_create(&dir, "R").unwrap();
        assert_eq!(Tokens::load_or_create(&dir, "R").unwrap(), first);
        assert_ne!(first.host, first.guest);
        fs::remove_dir_all(dir).unwrap();
    }
}
