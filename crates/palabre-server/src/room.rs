//! A room: who may enter (tokens, lobby, lock, removals), who is in (members and their server-vouched roles), and
//! what each member publishes.
//!
//! The room is the server's authority: it cleans display names, assigns ids and roles, stamps the sender on
//! every relayed app message, refuses moderation from those whose role does not allow it, and enforces what it
//! can (a muted or passive participant's audio is not forwarded). Members are reached only through their
//! session's event channel, so the room's lock is never held across I/O.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::fs;
use std::path::Path;
use std::sync::{Arc, Mutex};

use palabre_core::message::{AppMessage, Envelope};
use palabre_core::names::{clean_display_name, distinct_name};
use palabre_core::permissions::Permission;
use palabre_core::screen_share::{ScreenShares, ShareChange};
use palabre_core::signal::{Refusal, ServerSignal};
use palabre_core::{ParticipantId, ParticipantInfo, Role, RoomControl};
use rand::Rng;
use tokio::sync::mpsc;

use crate::sfu::{Forwarder, MediaGate};

/// Public chat messages kept in memory for late joiners (never on disk).
pub const CHAT_HISTORY: usize = 200;

/// What the room tells one member's session.
#[derive(Debug)]
pub enum SessionEvent {
    /// A signal to pass on as it is.
    Signal(ServerSignal),
    Left(ParticipantId),
    /// Another member published a track (or started sharing their screen): subscribe to it.
    Subscribe(Arc<Forwarder>),
    /// Another member stopped sharing their screen: drop the subscription to this track.
    Unsubscribe(Arc<Forwarder>),
    /// An app message for this member, already stamped with its sender.
    AppMessage(String),
    /// A moderator let this waiting participant in.
    Admitted(Admission),
    /// The room will not have this participant (any more): tell them why and close.
    Ended(Refusal),
}

pub type SessionEvents = mpsc::UnboundedSender<SessionEvent>;

/// The two secrets of a room: whoever holds the host token is an animateur, the guest token a participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub host: String,
    pub guest: String,
}

/// How a room lets people in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// Guests knock and wait until a moderator admits them.
    pub lobby: bool,
}

pub struct Room {
    pub name: String,
    pub tokens: Tokens,
    policy: Policy,
    state: Mutex<RoomState>,
}

#[derive(Default)]
struct RoomState {
    next_id: u64,
    members: BTreeMap<ParticipantId, Member>,
    waiting: BTreeMap<ParticipantId, Visitor>,
    locked: bool,
    /// Folded names of those removed: they do not come back during this meeting.
    removed: HashSet<String>,
    chat_history: VecDeque<String>,
    /// Raised hands, first raised first: replayed to newcomers, so their queue has the room's order.
    hands: Vec<ParticipantId>,
    /// Who shares a screen: the same rule every client applies, enforced here on the forwarding.
    shares: ScreenShares,
}

struct Member {
    info: ParticipantInfo,
    events: SessionEvents,
    published: Vec<Arc<Forwarder>>,
    /// The member's screen track once published; forwarded to the others only while they share, kept
    /// between shares so that sharing again needs no new publication.
    screen: Option<Arc<Forwarder>>,
    gate: Arc<MediaGate>,
    /// A moderator muted this member; it lasts until they unmute themselves.
    muted_by_moderator: bool,
}

struct Visitor {
    info: ParticipantInfo,
    events: SessionEvents,
}

/// What a newcomer learns on entering.
#[derive(Debug)]
pub struct Admission {
    pub you: ParticipantInfo,
    pub others: Vec<ParticipantInfo>,
    pub tracks: Vec<Arc<Forwarder>>,
    /// What a newcomer must learn of the past, as encoded app messages in order: recent public chat, then the
    /// raised hands in the order they were raised.
    pub replay: Vec<String>,
    /// Shared with this member's forwarders: whether their media may reach others.
    pub gate: Arc<MediaGate>,
}

/// The outcome of knocking.
#[derive(Debug)]
pub enum Entry {
    Admitted(Admission),
    /// In the lobby under this id, until [`SessionEvent::Admitted`] or [`SessionEvent::Ended`].
    Waiting(ParticipantId),
}

impl Room {
    pub fn new(name: String, tokens: Tokens, policy: Policy) -> Room {
        Room { name, tokens, policy, state: Mutex::default() }
    }

    /// Lets someone in, puts them in the lobby, or says why not.
    pub fn enter(&self, token: &str, name: &str, events: SessionEvents) -> Result<Entry, Refusal> {
        let role = if constant_time_eq(token, &self.tokens.host) {
            Role::Animateur
        } else if constant_time_eq(token, &self.tokens.guest) {
            Role::ParticipantActif
        } else {
            return Err(Refusal::BadToken);
        };
        let name = clean_display_name(name).map_err(|_| Refusal::BadName)?;
        let mut state = self.lock();
        if state.removed.contains(&fold(&name)) {
            return Err(Refusal::Removed);
        }
        if state.locked {
            return Err(Refusal::Locked);
        }
        let taken: Vec<&str> = (state.members.values().map(|m| m.info.name.as_str()))
            .chain(state.waiting.values().map(|v| v.info.name.as_str()))
            .collect();
        let name = distinct_name(&name, taken.iter().copied());
        state.next_id += 1;
        let info = ParticipantInfo { id: ParticipantId(state.next_id), name, role };
        if self.policy.lobby && role != Role::Animateur {
            let id = info.id;
            state.waiting.insert(id, Visitor { info, events });
            state.announce_lobby();
            return Ok(Entry::Waiting(id));
        }
        Ok(Entry::Admitted(state.admit(info, events)))
    }

    /// Records a member's new track and has every other member subscribe to it. A screen track is forwarded only
    /// if its owner's share was accepted first (their `screen` message relayed); otherwise the owner is told.
    pub fn publish(&self, forwarder: Arc<Forwarder>) {
        let mut state = self.lock();
        let sharing = state.shares.is_sharing(forwarder.owner);
        let Some(owner) = state.members.get_mut(&forwarder.owner) else { return };
        if forwarder.screen {
            owner.screen = Some(forwarder.clone());
            if !sharing {
                let reason = "your screen is not forwarded: start sharing first (only one share at a time, by an intervenant or above)";
                let _ = owner.events.send(SessionEvent::Signal(ServerSignal::Denied { reason: reason.into() }));
                return;
            }
        } else {
            owner.published.push(forwarder.clone());
        }
        state.subscribe_others(&forwarder);
    }

    /// Delivers an app message from `from` to everyone, the sender included (so all apply it in one order); a
    /// private chat to its addressee and the sender only. Refused when the sender's role does not allow it.
    pub fn relay(&self, from: ParticipantId, message: AppMessage) {
        let mut state = self.lock();
        let Some(sender) = state.members.get(&from) else { return };
        if let Some(permission) = message.required_permission().filter(|&p| !sender.info.role.may(p)) {
            let reason = sender.info.role.refusal(permission);
            let _ = sender.events.send(SessionEvent::Signal(ServerSignal::Denied { reason }));
            return;
        }
        let (sender_name, sender_role) = (sender.info.name.clone(), sender.info.role);
        if let AppMessage::Screen { sharing: true } = message {
            if let Err(reason) = state.start_share(from, sender_role) {
                let _ = state.members[&from].events.send(SessionEvent::Signal(ServerSignal::Denied { reason }));
                return;
            }
        }
        state.enforce(from, &message);
        state.track_hands(from, &message);
        let to = match &message {
            AppMessage::Chat { to, .. } => *to,
            _ => None,
        };
        let encoded = Envelope::new(Some(from), message).with_sender_name(sender_name).encode();
        if to.is_none() && encoded.contains(r#""kind":"chat""#) {
            if state.chat_history.len() == CHAT_HISTORY {
                state.chat_history.pop_front();
            }
            state.chat_history.push_back(encoded.clone());
        }
        for member in state.members.values() {
            let addressed = to.is_none_or(|to| to == member.info.id || from == member.info.id);
            if addressed {
                let _ = member.events.send(SessionEvent::AppMessage(encoded.clone()));
            }
        }
    }

    /// Tells a member that something they sent was not done.
    pub fn deny(&self, id: ParticipantId, reason: String) {
        if let Some(member) = self.lock().members.get(&id) {
            let _ = member.events.send(SessionEvent::Signal(ServerSignal::Denied { reason }));
        }
    }

    /// Carries out a moderator's request, if their role allows it.
    pub fn control(&self, by: ParticipantId, control: RoomControl) -> Result<(), String> {
        let mut state = self.lock();
        let role = state.members.get(&by).map(|m| m.info.role).ok_or("you are not in the meeting")?;
        let permission = control.required_permission();
        if !role.may(permission) {
            return Err(role.refusal(permission));
        }
        match control {
            RoomControl::Admit(id) => {
                let visitor = state.waiting.remove(&id).ok_or("nobody with that id is waiting")?;
                let admission = state.admit(visitor.info, visitor.events.clone());
                let _ = visitor.events.send(SessionEvent::Admitted(admission));
                state.announce_lobby();
            }
            RoomControl::Refuse(id) => {
                let visitor = state.waiting.remove(&id).ok_or("nobody with that id is waiting")?;
                let _ = visitor.events.send(SessionEvent::Ended(Refusal::NotAdmitted));
                state.announce_lobby();
            }
            RoomControl::Lock(locked) => state.locked = locked,
            RoomControl::Remove(id) => {
                if id == by {
                    return Err("you cannot remove yourself: leave instead".into());
                }
                let member = state.members.get(&id).ok_or("nobody with that id is in the meeting")?;
                let (name, events) = (member.info.name.clone(), member.events.clone());
                state.removed.insert(fold(&name));
                let _ = events.send(SessionEvent::Ended(Refusal::Removed));
            }
            RoomControl::SetRole(id, new_role) => {
                let member = state.members.get_mut(&id).ok_or("nobody with that id is in the meeting")?;
                member.info.role = new_role;
                member.update_gate();
                if !new_role.may(Permission::Present) {
                    state.end_share(id);
                }
                state.broadcast(ServerSignal::RoleChanged { id, role: new_role });
            }
        }
        Ok(())
    }

    /// Removes a member, or a visitor who gave up waiting, and tells everyone else.
    pub fn leave(&self, id: ParticipantId) {
        let mut state = self.lock();
        if state.waiting.remove(&id).is_some() {
            state.announce_lobby();
        }
        state.hands.retain(|&hand| hand != id);
        state.shares.stop(id);
        if state.members.remove(&id).is_some() {
            for member in state.members.values() {
                let _ = member.events.send(SessionEvent::Left(id));
            }
        }
    }

    pub fn member_count(&self) -> usize {
        self.lock().members.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RoomState> {
        // Every change is a handful of map updates; a panic cannot leave the state half-made in a way that matters.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl RoomState {
    fn admit(&mut self, you: ParticipantInfo, events: SessionEvents) -> Admission {
        let others = self.members.values().map(|m| m.info.clone()).collect();
        let shared_screens = self.members.values().filter(|m| self.shares.is_sharing(m.info.id)).filter_map(|m| m.screen.clone());
        let tracks = self.members.values().flat_map(|m| m.published.iter().cloned()).chain(shared_screens).collect();
        self.broadcast(ServerSignal::ParticipantJoined { participant: you.clone() });
        let gate = Arc::new(MediaGate::default());
        let member =
            Member { info: you.clone(), events, published: Vec::new(), screen: None, gate: gate.clone(), muted_by_moderator: false };
        member.update_gate();
        self.members.insert(you.id, member);
        let hands = self.hands.iter().map(|&id| Envelope::new(Some(id), AppMessage::Hand { raised: true }).encode());
        let replay = self.chat_history.iter().cloned().chain(hands).collect();
        Admission { you, others, tracks, replay, gate }
    }

    /// Keeps the order in which hands were raised (raising a raised hand keeps its place).
    fn track_hands(&mut self, from: ParticipantId, message: &AppMessage) {
        let lowered = match message {
            AppMessage::Hand { raised: true } => {
                if !self.hands.contains(&from) {
                    self.hands.push(from);
                }
                return;
            }
            AppMessage::Hand { raised: false } => from,
            AppMessage::LowerHand { id } | AppMessage::GiveFloor { id } => *id,
            _ => return,
        };
        self.hands.retain(|&id| id != lowered);
    }

    /// Has every member but the owner subscribe to `forwarder`.
    fn subscribe_others(&self, forwarder: &Arc<Forwarder>) {
        for member in self.members.values().filter(|m| m.info.id != forwarder.owner) {
            let _ = member.events.send(SessionEvent::Subscribe(forwarder.clone()));
        }
    }

    /// Accepts `from`'s share if the rule allows; a screen already published (an earlier share) goes out again.
    fn start_share(&mut self, from: ParticipantId, role: Role) -> Result<(), String> {
        if self.shares.start(from, role)? == ShareChange::Started {
            if let Some(screen) = self.members.get(&from).and_then(|m| m.screen.clone()) {
                self.subscribe_others(&screen);
            }
        }
        Ok(())
    }

    /// Ends `id`'s share: the others drop its screen track; the track stays published for the next share.
    fn end_share(&mut self, id: ParticipantId) {
        if self.shares.stop(id) != ShareChange::Stopped {
            return;
        }
        let Some(screen) = self.members.get(&id).and_then(|m| m.screen.clone()) else { return };
        for member in self.members.values().filter(|m| m.info.id != id) {
            let _ = member.events.send(SessionEvent::Unsubscribe(screen.clone()));
        }
    }

    /// What the server enforces itself of a message it relays.
    fn enforce(&mut self, from: ParticipantId, message: &AppMessage) {
        let targets: Vec<ParticipantId> = match message {
            AppMessage::Screen { sharing: false } => {
                self.end_share(from);
                return;
            }
            AppMessage::ScreenShares { many } => {
                self.shares.set_many_allowed(*many);
                return;
            }
            AppMessage::Mute { id } => vec![*id],
            AppMessage::MuteAll { except } => {
                self.members.keys().copied().filter(|id| *id != from && !except.contains(id)).collect()
            }
            AppMessage::MediaState { audio_muted: false, .. } => {
                if let Some(member) = self.members.get_mut(&from) {
                    member.muted_by_moderator = false;
                    member.update_gate();
                }
                return;
            }
            _ => return,
        };
        for id in targets {
            if let Some(member) = self.members.get_mut(&id) {
                member.muted_by_moderator = true;
                member.update_gate();
            }
        }
    }

    fn broadcast(&self, signal: ServerSignal) {
        for member in self.members.values() {
            let _ = member.events.send(SessionEvent::Signal(signal.clone()));
        }
    }

    /// Tells those who may admit who is waiting.
    fn announce_lobby(&self) {
        let waiting: Vec<ParticipantInfo> = self.waiting.values().map(|v| v.info.clone()).collect();
        for member in self.members.values().filter(|m| m.info.role.may(Permission::Admit)) {
            let _ = member.events.send(SessionEvent::Signal(ServerSignal::Lobby { waiting: waiting.clone() }));
        }
    }
}

impl Member {
    /// A passive participant's media, and a muted participant's audio, are not forwarded.
    fn update_gate(&self) {
        let may_speak = self.info.role.may(Permission::Speak);
        self.gate.set(may_speak && !self.muted_by_moderator, may_speak);
    }
}

/// Names compare for removal without case or surrounding suffix noise: "marie dupont" is "Marie Dupont".
fn fold(name: &str) -> String {
    name.to_lowercase()
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

    type Events = mpsc::UnboundedReceiver<SessionEvent>;

    fn room(policy: Policy) -> Room {
        Room::new("R".into(), Tokens { host: "h".into(), guest: "g".into() }, policy)
    }

    fn enter(room: &Room, token: &str, name: &str) -> (Entry, Events) {
        let (tx, rx) = mpsc::unbounded_channel();
        (room.enter(token, name, tx).unwrap(), rx)
    }

    fn member(room: &Room, token: &str, name: &str) -> (Admission, Events) {
        match enter(room, token, name) {
            (Entry::Admitted(admission), rx) => (admission, rx),
            (Entry::Waiting(_), _) => panic!("{name} should enter directly"),
        }
    }

    fn drain(rx: &mut Events) -> Vec<SessionEvent> {
        std::iter::from_fn(|| rx.try_recv().ok()).collect()
    }

    fn app_messages(rx: &mut Events) -> Vec<Envelope> {
        drain(rx)
            .into_iter()
            .filter_map(|e| match e {
                SessionEvent::AppMessage(text) => Some(Envelope::decode(text.as_bytes()).unwrap()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn tokens_decide_roles_and_wrong_tokens_are_refused() {
        let room = room(Policy::default());
        assert_eq!(member(&room, "h", "Ana").0.you.role, Role::Animateur);
        assert_eq!(member(&room, "g", "Bob").0.you.role, Role::ParticipantActif);
        let (tx, _rx) = mpsc::unbounded_channel();
        assert_eq!(room.enter("x", "Eve", tx.clone()).err(), Some(Refusal::BadToken));
        assert_eq!(room.enter("g", " \u{202E} ", tx).err(), Some(Refusal::BadName));
        assert_eq!(room.member_count(), 2);
    }

    #[test]
    fn newcomers_are_announced_and_names_made_distinct() {
        let room = room(Policy::default());
        let (_, mut first) = member(&room, "g", "Marie");
        let (second, _) = member(&room, "g", "Marie");
        assert_eq!(second.you.name, "Marie (2)");
        assert_eq!(second.others.len(), 1);
        assert!(matches!(drain(&mut first).as_slice(),
            [SessionEvent::Signal(ServerSignal::ParticipantJoined { participant })] if participant.name == "Marie (2)"));
        room.leave(second.you.id);
        assert!(matches!(drain(&mut first).as_slice(), [SessionEvent::Left(id)] if *id == second.you.id));
    }

    #[test]
    fn relay_echoes_to_the_sender_stamps_it_and_honours_private_chat() {
        let room = room(Policy::default());
        let (a, mut a_rx) = member(&room, "g", "A");
        let (b, mut b_rx) = member(&room, "g", "B");
        let (_c, mut c_rx) = member(&room, "g", "C");
        drain(&mut a_rx);
        drain(&mut b_rx);
        room.relay(a.you.id, AppMessage::Chat { text: "à B".into(), to: Some(b.you.id) });
        let to_b = app_messages(&mut b_rx);
        assert_eq!(to_b.len(), 1);
        assert_eq!(to_b[0].from, Some(a.you.id));
        assert_eq!(app_messages(&mut a_rx).len(), 1, "the sender gets its echo");
        assert!(app_messages(&mut c_rx).is_empty(), "C does not see a private message");
    }

    #[test]
    fn guest_cannot_mute_all_and_is_told_why() {
        let room = room(Policy::default());
        let (guest, mut guest_rx) = member(&room, "g", "Invité");
        let (_host, mut host_rx) = member(&room, "h", "Animatrice");
        drain(&mut guest_rx);
        drain(&mut host_rx);
        room.relay(guest.you.id, AppMessage::MuteAll { except: vec![] });
        assert!(app_messages(&mut host_rx).is_empty());
        assert!(matches!(drain(&mut guest_rx).as_slice(), [SessionEvent::Signal(ServerSignal::Denied { .. })]));
    }

    #[test]
    fn mute_all_stops_forwarding_audio_until_the_person_unmutes() {
        let room = room(Policy::default());
        let (host, _h) = member(&room, "h", "Animatrice");
        let (guest, _g) = member(&room, "g", "Invité");
        room.relay(host.you.id, AppMessage::MuteAll { except: vec![] });
        assert!(!guest.gate.allows_audio(), "the guest's audio is no longer forwarded");
        assert!(host.gate.allows_audio(), "the moderator is not muted");
        assert!(guest.gate.allows_video());
        room.relay(guest.you.id, AppMessage::MediaState { audio_muted: false, video_muted: false });
        assert!(guest.gate.allows_audio(), "the guest chose to speak again");
    }

    #[test]
    fn the_server_refuses_a_share_without_the_right_or_while_someone_else_shares() {
        let room = room(Policy::default());
        let (host, mut host_rx) = member(&room, "h", "Animatrice");
        let (guest, mut guest_rx) = member(&room, "g", "Invité");
        let (speaker, mut speaker_rx) = member(&room, "g", "Oratrice");
        room.control(host.you.id, RoomControl::SetRole(speaker.you.id, Role::Intervenant)).unwrap();
        let denied = |rx: &mut Events| drain(rx).iter().any(|e| matches!(e, SessionEvent::Signal(ServerSignal::Denied { .. })));
        drain(&mut host_rx);
        drain(&mut speaker_rx);
        room.relay(guest.you.id, AppMessage::Screen { sharing: true });
        assert!(denied(&mut guest_rx), "a participant-actif may not share");
        assert!(app_messages(&mut host_rx).is_empty(), "a refused share is not relayed");

        room.relay(speaker.you.id, AppMessage::Screen { sharing: true });
        assert_eq!(app_messages(&mut host_rx).len(), 1);
        room.relay(host.you.id, AppMessage::Screen { sharing: true });
        assert!(denied(&mut host_rx), "one share at a time, even for the animateur");

        room.relay(host.you.id, AppMessage::ScreenShares { many: true });
        drain(&mut host_rx);
        room.relay(host.you.id, AppMessage::Screen { sharing: true });
        assert!(!denied(&mut host_rx), "the animateur allowed more");
    }

    #[test]
    fn losing_the_right_to_present_ends_the_share() {
        let room = room(Policy::default());
        let (host, _h) = member(&room, "h", "Animatrice");
        let (speaker, _s) = member(&room, "g", "Oratrice");
        let (other, mut other_rx) = member(&room, "g", "Autre");
        room.control(host.you.id, RoomControl::SetRole(speaker.you.id, Role::Intervenant)).unwrap();
        room.control(host.you.id, RoomControl::SetRole(other.you.id, Role::Intervenant)).unwrap();
        room.relay(speaker.you.id, AppMessage::Screen { sharing: true });
        room.control(host.you.id, RoomControl::SetRole(speaker.you.id, Role::ParticipantActif)).unwrap();
        drain(&mut other_rx);
        room.relay(other.you.id, AppMessage::Screen { sharing: true });
        assert_eq!(app_messages(&mut other_rx).len(), 1, "the share slot is free again");
    }

    #[test]
    fn a_passive_participant_publishes_nothing() {
        let room = room(Policy::default());
        let (host, _h) = member(&room, "h", "Animatrice");
        let (guest, _g) = member(&room, "g", "Public");
        room.control(host.you.id, RoomControl::SetRole(guest.you.id, Role::ParticipantPassif)).unwrap();
        assert!(!guest.gate.allows_audio() && !guest.gate.allows_video());
        room.relay(guest.you.id, AppMessage::MediaState { audio_muted: false, video_muted: false });
        assert!(!guest.gate.allows_audio(), "a passive participant cannot unmute through the server");
    }

    #[test]
    fn lobby_admits_only_who_a_moderator_admits() {
        let room = room(Policy { lobby: true });
        let (host, mut host_rx) = member(&room, "h", "Animatrice");
        let (entry, mut knocker) = enter(&room, "g", "Visiteur");
        let Entry::Waiting(id) = entry else { panic!("guests wait in the lobby") };
        assert!(matches!(drain(&mut host_rx).as_slice(),
            [SessionEvent::Signal(ServerSignal::Lobby { waiting })] if waiting[0].name == "Visiteur"));
        let (Entry::Waiting(other), mut refused) = enter(&room, "g", "Autre") else { panic!() };
        assert_eq!(room.member_count(), 1);
        room.control(host.you.id, RoomControl::Admit(id)).unwrap();
        room.control(host.you.id, RoomControl::Refuse(other)).unwrap();
        assert!(matches!(drain(&mut knocker).as_slice(), [SessionEvent::Admitted(a)] if a.you.id == id));
        assert!(matches!(drain(&mut refused).as_slice(), [SessionEvent::Ended(Refusal::NotAdmitted)]));
        assert_eq!(room.member_count(), 2);
    }

    #[test]
    fn a_guest_cannot_admit_lock_remove_or_change_roles() {
        let room = room(Policy::default());
        let (host, _h) = member(&room, "h", "Animatrice");
        let (guest, _g) = member(&room, "g", "Invité");
        for control in [RoomControl::Admit(host.you.id), RoomControl::Lock(true), RoomControl::Remove(host.you.id), RoomControl::SetRole(guest.you.id, Role::Animateur)] {
            assert!(room.control(guest.you.id, control.clone()).is_err(), "{control:?}");
        }
    }

    #[test]
    fn removed_people_cannot_come_back_and_a_locked_room_admits_nobody() {
        let room = room(Policy::default());
        let (host, _h) = member(&room, "h", "Animatrice");
        let (guest, mut guest_rx) = member(&room, "g", "Perturbateur");
        room.control(host.you.id, RoomControl::Remove(guest.you.id)).unwrap();
        assert!(drain(&mut guest_rx).iter().any(|e| matches!(e, SessionEvent::Ended(Refusal::Removed))));
        room.leave(guest.you.id);
        let (tx, _rx) = mpsc::unbounded_channel();
        assert_eq!(room.enter("g", "perturbateur", tx.clone()).err(), Some(Refusal::Removed));
        room.control(host.you.id, RoomControl::Lock(true)).unwrap();
        assert_eq!(room.enter("g", "Nouveau", tx).err(), Some(Refusal::Locked));
    }

    #[test]
    fn late_joiners_receive_recent_public_chat_only() {
        let room = room(Policy::default());
        let (a, _a) = member(&room, "g", "A");
        let (b, _b) = member(&room, "g", "B");
        for n in 0..(CHAT_HISTORY + 5) {
            room.relay(a.you.id, AppMessage::Chat { text: format!("m{n}"), to: None });
        }
        room.relay(a.you.id, AppMessage::Chat { text: "secret".into(), to: Some(b.you.id) });
        let (late, _l) = member(&room, "g", "Tard");
        assert_eq!(late.replay.len(), CHAT_HISTORY);
        assert!(late.replay[0].contains("\"m5\""));
        assert!(late.replay.iter().all(|m| !m.contains("secret")));
        let first = Envelope::decode(late.replay[0].as_bytes()).unwrap();
        assert_eq!(first.from_name.as_deref(), Some("A"), "the sender's name travels with the history");
    }

    #[test]
    fn newcomers_learn_raised_hands_in_the_order_raised() {
        let room = room(Policy::default());
        let (host, _h) = member(&room, "h", "Animatrice");
        let (a, _a) = member(&room, "g", "A");
        let (b, _b) = member(&room, "g", "B");
        let (c, _c) = member(&room, "g", "C");
        for id in [c.you.id, a.you.id, b.you.id] {
            room.relay(id, AppMessage::Hand { raised: true });
        }
        room.relay(a.you.id, AppMessage::Hand { raised: true }); // again: keeps its place
        room.relay(host.you.id, AppMessage::LowerHand { id: b.you.id });
        let (late, _l) = member(&room, "g", "Tard");
        let hands: Vec<_> = late.replay.iter().map(|m| Envelope::decode(m.as_bytes()).unwrap().from.unwrap()).collect();
        assert_eq!(hands, [c.you.id, a.you.id]);
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
