//! Whole meetings, scripted: several participants' `Conference`s fed through a fake room server that relays
//! every app message to all (the sender included), stamped with `from`, as Palabre's server does. The fake server
//! does not enforce permissions, so these tests prove that each participant's core protects itself.

use proptest::prelude::*;

use crate::attendance::AttendanceKind;
use crate::message::{AppMessage, Envelope};
use crate::{Change, Conference, Input, Millis, ModeratorAction, Output, ParticipantId, ParticipantInfo, Role, RoomControl};

const MINUTE: Millis = 60_000;

struct Member {
    info: ParticipantInfo,
    conference: Conference,
    changes: Vec<Change>,
    controls: Vec<RoomControl>,
}

/// The fake room server and everyone in it.
#[derive(Default)]
struct Meeting {
    now: Millis,
    members: Vec<Member>,
    lobby: Vec<ParticipantInfo>,
    next_id: u64,
    locked: bool,
    /// App messages relayed so far (after stamping), for assertions on traffic.
    relayed: usize,
}

impl Meeting {
    fn new() -> Self {
        Meeting::default()
    }

    fn join(&mut self, name: &str, role: Role) -> ParticipantId {
        self.join_with(name, role, Conference::new())
    }

    fn join_with(&mut self, name: &str, role: Role, mut conference: Conference) -> ParticipantId {
        self.next_id += 1;
        let info = ParticipantInfo { id: ParticipantId(self.next_id), name: name.into(), role };
        self.admit(info.clone(), &mut conference);
        info.id
    }

    fn admit(&mut self, info: ParticipantInfo, conference: &mut Conference) {
        let participants = self.members.iter().map(|m| m.info.clone()).collect();
        conference.handle(
            Input::Welcomed { you: info.id, role: info.role, name: info.name.clone(), participants },
            self.now,
        );
        for member in &mut self.members {
            member.conference.handle(Input::ParticipantJoined(info.clone()), self.now);
        }
        let conference = std::mem::take(conference);
        self.members.push(Member { info, conference, changes: Vec::new(), controls: Vec::new() });
        self.run();
    }

    fn leave(&mut self, id: ParticipantId) {
        self.members.retain(|m| m.info.id != id);
        for member in &mut self.members {
            member.conference.handle(Input::ParticipantLeft(id), self.now);
        }
        self.run();
    }

    fn wait_in_lobby(&mut self, name: &str) -> ParticipantId {
        self.next_id += 1;
        let id = ParticipantId(self.next_id);
        self.lobby.push(ParticipantInfo { id, name: name.into(), role: Role::ParticipantActif });
        self.lobby_changed();
        id
    }

    fn lobby_changed(&mut self) {
        for member in self.members.iter_mut().filter(|m| m.info.role.may(crate::Permission::Admit)) {
            member.conference.handle(Input::LobbyChanged(self.lobby.clone()), self.now);
        }
        self.run();
    }

    /// The local user `id` does something.
    fn act(&mut self, id: ParticipantId, input: Input) {
        let now = self.now;
        self.member_mut(id).conference.handle(input, now);
        self.run();
    }

    fn moderate(&mut self, id: ParticipantId, action: ModeratorAction) {
        self.act(id, Input::Moderate(action));
    }

    /// A hostile or outdated client sends `message` without its core's checks; the server relays it as usual.
    fn inject(&mut self, from: ParticipantId, message: AppMessage) {
        self.deliver(from, message);
        self.run();
    }

    fn advance(&mut self, by: Millis) {
        self.now += by;
        for i in 0..self.members.len() {
            let deadline = self.members[i].conference.poll_timeout();
            if deadline.is_some_and(|d| d <= self.now) {
                self.members[i].conference.handle(Input::Timeout, self.now);
            }
        }
        self.run();
    }

    /// Drains every output until the meeting is quiet: messages relayed in server order, controls carried out.
    fn run(&mut self) {
        loop {
            let mut sends = Vec::new();
            let mut controls = Vec::new();
            for member in &mut self.members {
                while let Some(output) = member.conference.poll_output() {
                    match output {
                        Output::Send(text) => sends.push((member.info.id, text)),
                        Output::Control(control) => {
                            member.controls.push(control.clone());
                            controls.push(control);
                        }
                        Output::Changed(change) => member.changes.push(change),
                    }
                }
            }
            if sends.is_empty() && controls.is_empty() {
                return;
            }
            for (from, text) in sends {
                let envelope = Envelope::decode(text.as_bytes()).expect("cores send valid messages");
                self.deliver(from, envelope.message);
            }
            for control in controls {
                self.carry_out(control);
            }
        }
    }

    fn deliver(&mut self, from: ParticipantId, message: AppMessage) {
        self.relayed += 1;
        let private_to = match &message {
            AppMessage::Chat { to, .. } => *to,
            _ => None,
        };
        let bytes = Envelope::new(Some(from), message).encode().into_bytes();
        let now = self.now;
        for member in &mut self.members {
            if private_to.is_none_or(|to| to == member.info.id || from == member.info.id) {
                member.conference.handle(Input::Received(bytes.clone()), now);
            }
        }
    }

    fn carry_out(&mut self, control: RoomControl) {
        match control {
            RoomControl::Admit(id) => {
                if let Some(at) = self.lobby.iter().position(|w| w.id == id) {
                    let info = self.lobby.remove(at);
                    self.lobby_changed();
                    self.admit(info, &mut Conference::new());
                }
            }
            RoomControl::Refuse(id) => {
                self.lobby.retain(|w| w.id != id);
                self.lobby_changed();
            }
            RoomControl::Lock(locked) => self.locked = locked,
            RoomControl::Remove(id) => self.leave(id),
            RoomControl::SetRole(id, role) => {
                self.member_mut(id).info.role = role;
                for member in &mut self.members {
                    member.conference.handle(Input::RoleChanged { id, role }, self.now);
                }
            }
        }
    }

    fn member_mut(&mut self, id: ParticipantId) -> &mut Member {
        self.members.iter_mut().find(|m| m.info.id == id).expect("a member of the meeting")
    }

    fn conference(&self, id: ParticipantId) -> &Conference {
        &self.members.iter().find(|m| m.info.id == id).expect("a member of the meeting").conference
    }

    /// What `id`'s UI and engine were told since the last call.
    fn changes(&mut self, id: ParticipantId) -> Vec<Change> {
        std::mem::take(&mut self.member_mut(id).changes)
    }

    fn clear_changes(&mut self) {
        for member in &mut self.members {
            member.changes.clear();
        }
    }

    fn queue_everywhere(&self) -> Vec<ParticipantId> {
        let first = self.members[0].conference.hand_queue();
        for member in &self.members {
            assert_eq!(member.conference.hand_queue(), first, "{} sees another hand queue", member.info.name);
        }
        first
    }
}

fn refused(changes: &[Change]) -> bool {
    changes.iter().any(|c| matches!(c, Change::Refused(_)))
}

fn ignored(changes: &[Change]) -> bool {
    changes.iter().any(|c| matches!(c, Change::IgnoredMessage(_)))
}

fn muted_by(changes: &[Change]) -> Option<ParticipantId> {
    changes.iter().find_map(|c| match c {
        Change::MutedBy { by } => Some(*by),
        _ => None,
    })
}

/// The local user turns the microphone on (the camera stays off).
fn unmute(_who: ParticipantId) -> Input {
    Input::SetMediaState { audio_muted: false, video_muted: true }
}

/// Ana (animateur), Max (moderateur), Bob and Chloé (participants actifs), Paul (participant passif).
fn council() -> (Meeting, [ParticipantId; 5]) {
    let mut m = Meeting::new();
    let ana = m.join("Ana", Role::Animateur);
    let max = m.join("Max", Role::Moderateur);
    let bob = m.join("Bob", Role::ParticipantActif);
    let chloe = m.join("Chloé", Role::ParticipantActif);
    let paul = m.join("Paul", Role::ParticipantPassif);
    m.clear_changes();
    (m, [ana, max, bob, chloe, paul])
}

// --- Hands ---

#[test]
fn hand_queue_keeps_server_order() {
    let (mut m, [ana, max, bob, chloe, _]) = council();
    m.act(chloe, Input::SetHand { raised: true });
    m.act(bob, Input::SetHand { raised: true });
    m.act(max, Input::SetHand { raised: true });
    assert_eq!(m.queue_everywhere(), [chloe, bob, max]);
    m.act(bob, Input::SetHand { raised: false });
    m.act(bob, Input::SetHand { raised: true });
    assert_eq!(m.queue_everywhere(), [chloe, max, bob]);
    assert!(m.conference(ana).participant(chloe).unwrap().hand_raised);
}

#[test]
fn own_hand_is_raised_only_when_the_server_echoes_it() {
    let mut c = Conference::new();
    let me = ParticipantId(1);
    c.handle(Input::Welcomed { you: me, role: Role::ParticipantActif, name: "Bob".into(), participants: vec![] }, 0);
    c.handle(Input::SetHand { raised: true }, 1);
    assert!(c.hand_queue().is_empty() && !c.me().unwrap().hand_raised);
    c.handle(Input::Received(Envelope::new(Some(me), AppMessage::Hand { raised: true }).encode().into_bytes()), 2);
    assert_eq!(c.hand_queue(), [me]);
    assert!(c.me().unwrap().hand_raised);
}

#[test]
fn a_newcomer_does_not_reshuffle_the_queue() {
    let (mut m, [_, _, bob, chloe, _]) = council();
    m.act(chloe, Input::SetHand { raised: true });
    m.act(bob, Input::SetHand { raised: true });
    let late = m.join("Léa", Role::ParticipantActif);
    // Everyone re-announces a raised hand to the newcomer; those already present keep their order.
    for member in m.members.iter().filter(|member| member.info.id != late) {
        assert_eq!(member.conference.hand_queue(), [chloe, bob]);
    }
    // Known limit: the newcomer sees every raised hand, but in the order of the re-announcements, since the
    // server keeps no hand state (see docs/PROTOCOL.md).
    let mut seen = m.conference(late).hand_queue();
    seen.sort();
    assert_eq!(seen, [bob, chloe]);
}

#[test]
fn leaving_takes_the_hand_out_of_the_queue() {
    let (mut m, [_, max, bob, chloe, _]) = council();
    m.act(bob, Input::SetHand { raised: true });
    m.act(chloe, Input::SetHand { raised: true });
    m.leave(bob);
    assert_eq!(m.conference(max).hand_queue(), [chloe]);
}

#[test]
fn moderator_lowers_a_hand_and_a_guest_cannot() {
    let (mut m, [ana, max, bob, chloe, _]) = council();
    m.act(bob, Input::SetHand { raised: true });
    m.moderate(chloe, ModeratorAction::LowerHand(bob));
    assert!(refused(&m.changes(chloe)));
    m.inject(chloe, AppMessage::LowerHand { id: bob });
    assert!(ignored(&m.changes(ana)));
    assert_eq!(m.queue_everywhere(), [bob]);
    m.moderate(max, ModeratorAction::LowerHand(bob));
    assert!(m.queue_everywhere().is_empty());
    assert!(!m.conference(bob).me().unwrap().hand_raised);
}

#[test]
fn passif_cannot_raise_a_hand_or_unmute_but_can_chat() {
    let (mut m, [ana, _, _, _, paul]) = council();
    m.act(paul, Input::SetMediaState { audio_muted: true, video_muted: true });
    m.clear_changes();
    m.act(paul, Input::SetHand { raised: true });
    m.act(paul, unmute(paul));
    m.act(paul, Input::SetMediaState { audio_muted: true, video_muted: false });
    let changes = m.changes(paul);
    assert_eq!(changes.iter().filter(|c| matches!(c, Change::Refused(_))).count(), 3, "{changes:?}");
    let me = m.conference(paul).me().unwrap();
    assert!(me.audio_muted && me.video_muted && !me.hand_raised);
    assert!(m.conference(ana).hand_queue().is_empty());
    m.act(paul, Input::SendChat { text: "Bonjour".into(), to: None });
    assert_eq!(m.conference(ana).chat().last().unwrap().from, paul);
    // Lowering one's own hand and muting oneself are always allowed.
    m.act(paul, Input::SetHand { raised: false });
    m.act(paul, Input::SetMediaState { audio_muted: true, video_muted: true });
    assert!(!refused(&m.changes(paul)));
}

// --- Muting ---

#[test]
fn guest_cannot_mute_all() {
    let (mut m, [ana, max, bob, chloe, _]) = council();
    let before = m.relayed;
    m.moderate(bob, ModeratorAction::MuteAll { except: vec![] });
    assert!(refused(&m.changes(bob)));
    assert_eq!(m.relayed, before, "nothing is sent");
    // An outdated or hostile client sends it anyway, on a server that does not enforce: nobody obeys.
    m.inject(bob, AppMessage::MuteAll { except: vec![] });
    for id in [ana, max, chloe] {
        let changes = m.changes(id);
        assert!(ignored(&changes) && muted_by(&changes).is_none(), "{changes:?}");
    }
}

#[test]
fn mute_all_spares_the_moderator_and_exempted() {
    let (mut m, [ana, max, bob, chloe, paul]) = council();
    m.moderate(max, ModeratorAction::MuteAll { except: vec![chloe] });
    assert_eq!(muted_by(&m.changes(ana)), Some(max));
    assert_eq!(muted_by(&m.changes(bob)), Some(max));
    assert_eq!(muted_by(&m.changes(paul)), Some(max));
    assert_eq!(muted_by(&m.changes(max)), None);
    assert_eq!(muted_by(&m.changes(chloe)), None);
}

#[test]
fn the_muted_engine_obeys_and_everyone_sees_it() {
    let (mut m, [ana, max, bob, ..]) = council();
    m.moderate(max, ModeratorAction::Mute(bob));
    assert_eq!(muted_by(&m.changes(bob)), Some(max));
    assert_eq!(muted_by(&m.changes(ana)), None);
    // The engine mutes the microphone and says so.
    m.act(bob, Input::SetMediaState { audio_muted: true, video_muted: true });
    assert!(m.conference(ana).participant(bob).unwrap().audio_muted);
    // Already muted: a second order asks nothing of the engine.
    m.moderate(max, ModeratorAction::Mute(bob));
    assert_eq!(muted_by(&m.changes(bob)), None);
}

#[test]
fn nobody_is_unmuted_by_someone_else() {
    let (mut m, [ana, max, bob, _, paul]) = council();
    m.act(bob, Input::SetMediaState { audio_muted: true, video_muted: true });
    m.moderate(max, ModeratorAction::AskUnmute(bob));
    m.moderate(ana, ModeratorAction::GiveFloor(bob));
    let changes = m.changes(bob);
    assert_eq!(changes.iter().filter(|c| matches!(c, Change::UnmuteRequested { .. })).count(), 2, "{changes:?}");
    assert!(m.conference(bob).me().unwrap().audio_muted, "still muted until Bob accepts");
    assert!(m.conference(ana).participant(bob).unwrap().audio_muted);
    // A media state only ever describes its sender: Max's unmuting leaves Bob muted everywhere.
    m.act(max, unmute(max));
    assert!(m.conference(ana).participant(bob).unwrap().audio_muted);
    // Bob accepts.
    m.act(bob, unmute(bob));
    assert!(!m.conference(ana).participant(bob).unwrap().audio_muted);
    // A passif cannot be asked to speak.
    m.moderate(max, ModeratorAction::AskUnmute(paul));
    assert!(refused(&m.changes(max)));
}

#[test]
fn give_floor_lowers_the_hand_and_asks_to_unmute() {
    let (mut m, [ana, max, bob, chloe, _]) = council();
    m.act(bob, Input::SetHand { raised: true });
    m.act(chloe, Input::SetHand { raised: true });
    m.clear_changes();
    m.moderate(max, ModeratorAction::GiveFloor(bob));
    assert_eq!(m.queue_everywhere(), [chloe]);
    assert!(m.changes(bob).contains(&Change::UnmuteRequested { by: max }));
    assert!(m.changes(ana).contains(&Change::FloorGiven { to: bob, by: max }));
}

#[test]
fn own_media_state_applies_at_once_and_its_echo_changes_nothing() {
    let mut c = Conference::new();
    let me = ParticipantId(1);
    c.handle(Input::Welcomed { you: me, role: Role::Intervenant, name: "Iris".into(), participants: vec![] }, 0);
    c.handle(Input::SetMediaState { audio_muted: true, video_muted: true }, 1);
    c.handle(Input::SetMediaState { audio_muted: false, video_muted: false }, 2);
    assert!(!c.me().unwrap().audio_muted);
    // The first echo arrives after the second change: it must not undo it.
    let echo = Envelope::new(Some(me), AppMessage::MediaState { audio_muted: true, video_muted: true });
    c.handle(Input::Received(echo.encode().into_bytes()), 3);
    assert!(!c.me().unwrap().audio_muted && !c.me().unwrap().video_muted);
}

// --- Trust ---

#[test]
fn forged_sender_is_ignored() {
    let (mut m, [ana, _, bob, ..]) = council();
    let mute = AppMessage::Mute { id: bob };
    // No `from`: did not come through the room. Unknown `from`: nobody we know.
    for bytes in [Envelope::new(None, mute.clone()).encode(), Envelope::new(Some(ParticipantId(99)), mute).encode()] {
        m.act(bob, Input::Received(bytes.into_bytes()));
    }
    let changes = m.changes(bob);
    assert_eq!(changes.len(), 2);
    assert!(changes.iter().all(|c| matches!(c, Change::IgnoredMessage(_))));
    // A guest whose message claims a moderator's power is judged by its server-vouched role.
    m.inject(bob, AppMessage::VoteOpen { vote: 7, question: "?".into(), options: vec!["a".into(), "b".into()] });
    assert!(ignored(&m.changes(ana)) && m.conference(ana).votes().is_empty());
}

#[test]
fn targets_not_present_are_ignored() {
    let (mut m, [ana, max, bob, ..]) = council();
    let gone = ParticipantId(99);
    m.moderate(max, ModeratorAction::Mute(gone));
    assert!(refused(&m.changes(max)));
    for message in [
        AppMessage::Mute { id: gone },
        AppMessage::LowerHand { id: gone },
        AppMessage::GiveFloor { id: gone },
        AppMessage::AskUnmute { id: gone },
    ] {
        m.inject(max, message);
        assert!(ignored(&m.changes(bob)));
    }
    m.inject(ana, AppMessage::Proxy { holder: gone, absent: "Luc".into() });
    assert!(ignored(&m.changes(bob)) && m.conference(bob).proxies().is_empty());
}

#[test]
fn role_changes_come_from_the_server_and_take_effect() {
    let (mut m, [ana, max, bob, chloe, _]) = council();
    m.moderate(max, ModeratorAction::SetRole(bob, Role::Moderateur));
    assert!(refused(&m.changes(max)), "only the animateur changes roles");
    m.moderate(ana, ModeratorAction::SetRole(bob, Role::Moderateur));
    assert_eq!(m.members[0].controls, [RoomControl::SetRole(bob, Role::Moderateur)]);
    assert_eq!(m.conference(chloe).participant(bob).unwrap().info.role, Role::Moderateur);
    assert_eq!(m.conference(bob).me().unwrap().info.role, Role::Moderateur);
    m.moderate(bob, ModeratorAction::Mute(chloe));
    assert_eq!(muted_by(&m.changes(chloe)), Some(bob));
    let last = m.conference(chloe).attendance().last().unwrap();
    assert_eq!((last.kind, last.name.as_str(), last.role), (AttendanceKind::RoleChanged, "Bob", Some(Role::Moderateur)));
}

#[test]
fn private_chat_reaches_only_the_addressee_and_the_sender() {
    let (mut m, [ana, max, bob, ..]) = council();
    m.act(bob, Input::SendChat { text: "psst".into(), to: Some(ana) });
    assert!(m.conference(bob).chat().is_empty() || m.conference(bob).chat()[0].to == Some(ana));
    assert_eq!(m.conference(ana).chat()[0].text, "psst");
    assert_eq!(m.conference(bob).chat()[0].to, Some(ana));
    assert!(m.conference(max).chat().is_empty());
    // A server that leaks it to a third party: the third party does not show it.
    let leaked = Envelope::new(Some(bob), AppMessage::Chat { text: "psst".into(), to: Some(ana) });
    m.act(max, Input::Received(leaked.encode().into_bytes()));
    assert!(m.conference(max).chat().is_empty() && ignored(&m.changes(max)));
}

#[test]
fn chat_appears_in_the_same_order_for_everyone() {
    let (mut m, [ana, max, bob, chloe, paul]) = council();
    m.act(bob, Input::SendChat { text: "un".into(), to: None });
    m.act(ana, Input::SendChat { text: "deux".into(), to: None });
    m.act(paul, Input::SendChat { text: "trois".into(), to: None });
    for id in [ana, max, bob, chloe, paul] {
        let texts: Vec<_> = m.conference(id).chat().iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["un", "deux", "trois"]);
    }
}

// --- Room controls and lobby ---

#[test]
fn room_controls_go_to_the_adapter() {
    let (mut m, [ana, max, bob, chloe, _]) = council();
    let guest = m.wait_in_lobby("Invité");
    assert!(m.changes(max).contains(&Change::LobbyChanged));
    assert_eq!(m.conference(max).lobby()[0].name, "Invité");
    assert!(m.conference(bob).lobby().is_empty(), "only moderators are told");
    m.moderate(bob, ModeratorAction::Admit(guest));
    assert!(refused(&m.changes(bob)));
    m.moderate(max, ModeratorAction::Admit(guest));
    assert!(m.conference(ana).participant(guest).is_some());
    assert!(m.conference(max).lobby().is_empty());
    m.moderate(max, ModeratorAction::Admit(guest));
    assert!(refused(&m.changes(max)), "no longer waiting");
    let other = m.wait_in_lobby("Autre");
    m.moderate(max, ModeratorAction::Refuse(other));
    m.moderate(max, ModeratorAction::Lock(true));
    assert!(m.locked);
    m.moderate(max, ModeratorAction::Remove(chloe));
    assert!(m.conference(ana).participant(chloe).is_none());
    m.moderate(max, ModeratorAction::Remove(max));
    assert!(refused(&m.changes(max)));
    assert_eq!(
        m.members[1].controls,
        [RoomControl::Admit(guest), RoomControl::Refuse(other), RoomControl::Lock(true), RoomControl::Remove(chloe)]
    );
}

// --- Votes and proxies ---

fn open_vote(m: &mut Meeting, by: ParticipantId, options: &[&str]) -> u32 {
    m.moderate(by, ModeratorAction::OpenVote {
        question: "Adopter le budget ?".into(),
        options: options.iter().map(|o| o.to_string()).collect(),
    });
    m.conference(by).votes().last().expect("the vote opened").id
}

fn cast(m: &mut Meeting, who: ParticipantId, vote: u32, option: &str, proxy_for: Option<&str>) {
    m.act(who, Input::CastVote { vote, option: option.into(), proxy_for: proxy_for.map(String::from) });
}

#[test]
fn vote_with_default_options_counts_each_member_once() {
    let (mut m, [ana, max, bob, chloe, paul]) = council();
    let vote = open_vote(&mut m, ana, &[]);
    assert_eq!(m.conference(bob).vote(vote).unwrap().options, ["pour", "contre", "abstention"]);
    cast(&mut m, bob, vote, "pour", None);
    cast(&mut m, chloe, vote, "contre", None);
    cast(&mut m, max, vote, "pour", None);
    cast(&mut m, bob, vote, "contre", None);
    assert!(refused(&m.changes(bob)), "a second answer is refused");
    m.inject(bob, AppMessage::Vote { vote, option: "contre".into(), proxy_for: None });
    assert!(ignored(&m.changes(ana)), "and ignored when sent anyway");
    cast(&mut m, paul, vote, "pour", None);
    assert!(refused(&m.changes(paul)), "a passif does not vote");
    cast(&mut m, ana, vote, "peut-être", None);
    assert!(refused(&m.changes(ana)));
    for id in [ana, max, bob, chloe, paul] {
        let v = m.conference(id).vote(vote).unwrap();
        assert_eq!(v.totals(), [("pour".into(), 2), ("contre".into(), 1), ("abstention".into(), 0)]);
        let names: Vec<_> = v.answers.iter().map(|a| a.voter_name.as_str()).collect();
        assert_eq!(names, ["Bob", "Chloé", "Max"], "results are public, with names");
    }
}

#[test]
fn only_the_animateur_runs_votes_and_custom_options_are_bounded() {
    let (mut m, [ana, max, ..]) = council();
    m.moderate(max, ModeratorAction::OpenVote { question: "?".into(), options: vec![] });
    assert!(refused(&m.changes(max)));
    let eleven = (0..11).map(|i| i.to_string()).collect();
    m.moderate(ana, ModeratorAction::OpenVote { question: "?".into(), options: eleven });
    m.moderate(ana, ModeratorAction::OpenVote { question: "x".repeat(501), options: vec![] });
    m.moderate(ana, ModeratorAction::OpenVote { question: " ".into(), options: vec![] });
    assert_eq!(m.changes(ana).iter().filter(|c| matches!(c, Change::Refused(_))).count(), 3);
    assert!(m.conference(ana).votes().is_empty());
    let vote = open_vote(&mut m, ana, &["Option A", "Option B"]);
    assert_eq!(m.conference(max).vote(vote).unwrap().options, ["Option A", "Option B"]);
}

#[test]
fn two_animateurs_open_votes_with_distinct_ids() {
    let (mut m, [ana, ..]) = council();
    let eve = m.join("Ève", Role::Animateur);
    let first = open_vote(&mut m, ana, &[]);
    let second = open_vote(&mut m, eve, &[]);
    assert_ne!(first, second);
    assert_eq!(m.conference(ana).votes().len(), 2);
}

#[test]
fn proxy_vote_counts_once_per_proxy() {
    let (mut m, [ana, _, bob, chloe, _]) = council();
    m.moderate(ana, ModeratorAction::RecordProxy { holder: bob, absent: "  Marie   Dupont ".into() });
    m.moderate(ana, ModeratorAction::RecordProxy { holder: bob, absent: "Luc Martin".into() });
    assert_eq!(m.conference(chloe).proxies().iter().map(|p| p.absent.as_str()).collect::<Vec<_>>(), ["Marie Dupont", "Luc Martin"]);
    let vote = open_vote(&mut m, ana, &[]);
    cast(&mut m, bob, vote, "pour", None);
    cast(&mut m, bob, vote, "contre", Some("Marie Dupont"));
    cast(&mut m, bob, vote, "pour", Some("Luc Martin"));
    cast(&mut m, bob, vote, "pour", Some("Marie Dupont"));
    assert!(refused(&m.changes(bob)), "one answer per proxy");
    cast(&mut m, chloe, vote, "pour", Some("Luc Martin"));
    assert!(refused(&m.changes(chloe)), "Chloé holds no proxy");
    m.inject(chloe, AppMessage::Vote { vote, option: "pour".into(), proxy_for: Some("Luc Martin".into()) });
    assert!(ignored(&m.changes(ana)));
    // Moving Marie's proxy to Chloé does not give Marie a second answer.
    m.moderate(ana, ModeratorAction::RecordProxy { holder: chloe, absent: "Marie Dupont".into() });
    cast(&mut m, chloe, vote, "pour", Some("Marie Dupont"));
    assert!(refused(&m.changes(chloe)));
    let v = m.conference(chloe).vote(vote).unwrap();
    assert_eq!(v.totals_line(), "pour: 2, contre: 1, abstention: 0");
    let proxies: Vec<_> = v.answers.iter().map(|a| a.proxy_for.as_deref()).collect();
    assert_eq!(proxies, [None, Some("Marie Dupont"), Some("Luc Martin")]);
}

#[test]
fn proxies_are_for_absent_people_and_recorded_by_the_animateur() {
    let (mut m, [ana, max, bob, chloe, _]) = council();
    m.moderate(ana, ModeratorAction::RecordProxy { holder: bob, absent: "Chloé".into() });
    m.moderate(ana, ModeratorAction::RecordProxy { holder: bob, absent: "\u{202E}\u{200B}".into() });
    m.moderate(max, ModeratorAction::RecordProxy { holder: bob, absent: "Luc".into() });
    assert!(refused(&m.changes(ana)) && refused(&m.changes(max)));
    m.inject(ana, AppMessage::Proxy { holder: bob, absent: "Chloé".into() });
    assert!(ignored(&m.changes(chloe)));
    assert!(m.conference(bob).proxies().is_empty());
}

#[test]
fn closing_a_vote_records_totals_in_attendance() {
    let (mut m, [ana, _, bob, chloe, _]) = council();
    let vote = open_vote(&mut m, ana, &[]);
    cast(&mut m, bob, vote, "pour", None);
    m.moderate(ana, ModeratorAction::CloseVote(vote));
    assert!(m.changes(chloe).contains(&Change::VoteClosed(vote)));
    cast(&mut m, chloe, vote, "pour", None);
    assert!(refused(&m.changes(chloe)), "the vote is closed");
    m.inject(chloe, AppMessage::Vote { vote, option: "pour".into(), proxy_for: None });
    let v = m.conference(ana).vote(vote).unwrap();
    assert!(!v.open && v.answers.len() == 1);
    let last = m.conference(chloe).attendance().last().unwrap();
    assert_eq!(last.kind, AttendanceKind::VoteResult);
    assert_eq!(last.detail, "Adopter le budget ? — pour: 1, contre: 0, abstention: 0");
    m.moderate(ana, ModeratorAction::CloseVote(vote));
    assert!(refused(&m.changes(ana)));
}

// --- Attendance ---

#[test]
fn attendance_records_entries_exits_roles_and_proxies() {
    let mut m = Meeting::new();
    let ana = m.join("Ana", Role::Animateur);
    m.now = MINUTE;
    let bob = m.join("=cmd|' /C calc'!A0", Role::ParticipantActif);
    m.now = 2 * MINUTE;
    let late = m.join("Chloé, DGFiP", Role::Intervenant);
    m.moderate(ana, ModeratorAction::RecordProxy { holder: late, absent: "Marie \"la maire\"".into() });
    m.now = 3 * MINUTE;
    m.leave(bob);
    let events: Vec<_> = m.conference(late).attendance().iter().map(|e| (e.at, e.kind, e.name.as_str())).collect();
    assert_eq!(
        events,
        [
            (2 * MINUTE, AttendanceKind::Present, "Chloé, DGFiP"),
            (2 * MINUTE, AttendanceKind::Present, "Ana"),
            (2 * MINUTE, AttendanceKind::Present, "=cmd|' /C calc'!A0"),
            (2 * MINUTE, AttendanceKind::Proxy, "Chloé, DGFiP"),
            (3 * MINUTE, AttendanceKind::Left, "=cmd|' /C calc'!A0"),
        ]
    );
    let csv = m.conference(ana).attendance_csv(|ms| format!("{:02}:{:02}", ms / 3_600_000, ms / MINUTE % 60));
    assert_eq!(
        csv,
        "time,event,name,role,detail\r\n\
         00:00,present,Ana,animateur,\r\n\
         00:01,joined,'=cmd|' /C calc'!A0,participant-actif,\r\n\
         00:02,joined,\"Chloé, DGFiP\",intervenant,\r\n\
         00:02,proxy,\"Chloé, DGFiP\",intervenant,\"Marie \"\"la maire\"\"\"\r\n\
         00:03,left,'=cmd|' /C calc'!A0,participant-actif,\r\n"
    );
}

// --- Break reminder ---

#[test]
fn break_reminder_every_40_minutes_to_animateur_only() {
    let mut m = Meeting::new();
    m.now = 5_000;
    let ana = m.join("Ana", Role::Animateur);
    let bob = m.join("Bob", Role::ParticipantActif);
    assert_eq!(m.conference(ana).poll_timeout(), Some(5_000 + 40 * MINUTE));
    assert_eq!(m.conference(bob).poll_timeout(), None);
    m.clear_changes();
    m.advance(39 * MINUTE);
    assert!(m.changes(ana).is_empty());
    m.advance(MINUTE);
    assert_eq!(m.changes(ana), [Change::BreakReminder { elapsed: 40 * MINUTE }]);
    m.advance(40 * MINUTE);
    assert_eq!(m.changes(ana), [Change::BreakReminder { elapsed: 80 * MINUTE }]);
    // Bob hears nothing, even fed timeouts.
    m.act(bob, Input::Timeout);
    assert!(m.changes(bob).is_empty());
    assert_eq!(m.conference(bob).elapsed(m.now), 80 * MINUTE);
}

#[test]
fn break_interval_is_configurable_and_promotion_does_not_replay_old_reminders() {
    let mut m = Meeting::new();
    let ana = m.join_with("Ana", Role::Animateur, Conference::with_break_interval(10 * MINUTE));
    let bob = m.join_with("Bob", Role::ParticipantActif, Conference::with_break_interval(10 * MINUTE));
    m.clear_changes();
    m.advance(10 * MINUTE);
    assert_eq!(m.changes(ana), [Change::BreakReminder { elapsed: 10 * MINUTE }]);
    m.now += 5 * MINUTE;
    m.moderate(ana, ModeratorAction::SetRole(bob, Role::Animateur));
    assert_eq!(m.conference(bob).poll_timeout(), Some(20 * MINUTE));
    m.clear_changes();
    m.advance(5 * MINUTE);
    assert_eq!(m.changes(bob), [Change::BreakReminder { elapsed: 20 * MINUTE }]);
    assert_eq!(Conference::with_break_interval(0).poll_timeout(), None);
}

// --- A whole meeting ---

#[test]
fn twenty_participants_meeting_stays_consistent() {
    let mut m = Meeting::new();
    let ana = m.join("Ana", Role::Animateur);
    let max = m.join("Max", Role::Moderateur);
    let guests: Vec<_> = (0..18).map(|i| m.join(&format!("Agent {i}"), Role::ParticipantActif)).collect();
    for &g in &guests {
        m.act(g, Input::SetMediaState { audio_muted: true, video_muted: true });
    }
    for &g in guests.iter().rev().step_by(3) {
        m.act(g, Input::SetHand { raised: true });
        m.act(g, unmute(g));
    }
    m.moderate(max, ModeratorAction::MuteAll { except: vec![] });
    let muted: Vec<_> = guests.iter().filter(|&&g| muted_by(&m.changes(g)).is_some()).collect();
    assert_eq!(muted.len(), 6, "only the unmuted need to obey");
    m.moderate(max, ModeratorAction::GiveFloor(guests[17]));
    m.moderate(ana, ModeratorAction::RecordProxy { holder: guests[0], absent: "Absent".into() });
    let vote = open_vote(&mut m, ana, &[]);
    for (i, &g) in guests.iter().enumerate() {
        cast(&mut m, g, vote, ["pour", "contre", "abstention"][i % 3], None);
    }
    cast(&mut m, guests[0], vote, "pour", Some("Absent"));
    m.moderate(ana, ModeratorAction::CloseVote(vote));
    let expected_queue: Vec<_> = guests.iter().rev().step_by(3).copied().filter(|&g| g != guests[17]).collect();
    assert_eq!(m.queue_everywhere(), expected_queue);
    let totals = m.conference(ana).vote(vote).unwrap().totals_line();
    assert_eq!(totals, "pour: 7, contre: 6, abstention: 6");
    for member in &m.members {
        assert_eq!(member.conference.vote(vote).unwrap().totals_line(), totals);
        assert_eq!(member.conference.others().count(), 19);
    }
}

// --- Properties ---

/// A participant of [`hand_meeting`] by index: the animateur, the moderateur, then actifs.
fn hand_meeting() -> Conference {
    let mut c = Conference::new();
    let others = (2..=6)
        .map(|i| ParticipantInfo { id: ParticipantId(i), name: format!("P{i}"), role: Role::ParticipantActif })
        .collect();
    c.handle(Input::Welcomed { you: ParticipantId(1), role: Role::Animateur, name: "Ana".into(), participants: others }, 0);
    c
}

fn relayed(from: ParticipantId, message: AppMessage) -> Input {
    Input::Received(Envelope::new(Some(from), message).encode().into_bytes())
}

proptest! {
    #[test]
    fn hand_queue_is_the_order_of_current_raises(steps in prop::collection::vec((1u64..=6, any::<bool>()), 0..60)) {
        let mut c = hand_meeting();
        for &(who, raised) in &steps {
            c.handle(relayed(ParticipantId(who), AppMessage::Hand { raised }), 1);
        }
        // The model: someone is raised if their last message raised; their place is the raise that began it.
        let mut model: Vec<(usize, ParticipantId)> = Vec::new();
        for who in 1..=6 {
            let mine: Vec<(usize, bool)> =
                steps.iter().enumerate().filter(|(_, s)| s.0 == who).map(|(i, s)| (i, s.1)).collect();
            if mine.last().is_some_and(|&(_, raised)| raised) {
                let began = mine.iter().rev().take_while(|&&(_, raised)| raised).last().unwrap().0;
                model.push((began, ParticipantId(who)));
            }
        }
        model.sort();
        let expected: Vec<_> = model.into_iter().map(|(_, id)| id).collect();
        let queue = c.hand_queue();
        prop_assert_eq!(&queue, &expected);
        let mut unique = queue.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), queue.len());
        for id in 1..=6 {
            prop_assert_eq!(c.participant(ParticipantId(id)).unwrap().hand_raised, queue.contains(&ParticipantId(id)));
        }
    }

    #[test]
    fn unauthorised_messages_never_change_state(role_index in 0usize..5, message in any_message()) {
        const ROLES: [Role; 5] =
            [Role::Animateur, Role::Moderateur, Role::Intervenant, Role::ParticipantActif, Role::ParticipantPassif];
        let role = ROLES[role_index];
        // Me (1, participant actif), the sender (2, of `role`), two others, a proxy, an open vote, a raised hand.
        let mut c = Conference::new();
        let others = vec![
            ParticipantInfo { id: ParticipantId(2), name: "Sender".into(), role },
            ParticipantInfo { id: ParticipantId(3), name: "Chloé".into(), role: Role::ParticipantActif },
            ParticipantInfo { id: ParticipantId(4), name: "Ana".into(), role: Role::Animateur },
        ];
        c.handle(Input::Welcomed { you: ParticipantId(1), role: Role::ParticipantActif, name: "Bob".into(), participants: others }, 0);
        c.handle(relayed(ParticipantId(4), AppMessage::Proxy { holder: ParticipantId(2), absent: "Marie".into() }), 1);
        c.handle(relayed(ParticipantId(4), AppMessage::VoteOpen { vote: 1, question: "?".into(), options: vec!["pour".into(), "contre".into()] }), 1);
        c.handle(relayed(ParticipantId(3), AppMessage::Hand { raised: true }), 1);
        c.handle(relayed(ParticipantId(1), AppMessage::Hand { raised: true }), 1);
        while c.poll_output().is_some() {}
        let before = c.clone();
        c.handle(relayed(ParticipantId(2), message.clone()), 2);
        let outputs: Vec<_> = std::iter::from_fn(|| c.poll_output()).collect();
        if !role.may_send(&message) {
            prop_assert_eq!(&c, &before);
            prop_assert_eq!(outputs.len(), 1);
            prop_assert!(matches!(outputs[0], Output::Changed(Change::IgnoredMessage(_))), "{:?}", outputs);
        }
    }
}

fn any_message() -> impl Strategy<Value = AppMessage> {
    let id = (1u64..=5).prop_map(ParticipantId);
    let name = prop::sample::select(vec!["Marie", "Luc", "Chloé"]).prop_map(String::from);
    let option = prop::sample::select(vec!["pour", "contre", "autre"]).prop_map(String::from);
    prop_oneof![
        (".{0,20}", prop::option::of(id.clone())).prop_map(|(text, to)| AppMessage::Chat { text, to }),
        (any::<bool>(), any::<bool>()).prop_map(|(audio_muted, video_muted)| AppMessage::MediaState { audio_muted, video_muted }),
        any::<bool>().prop_map(|raised| AppMessage::Hand { raised }),
        id.clone().prop_map(|id| AppMessage::LowerHand { id }),
        id.clone().prop_map(|id| AppMessage::GiveFloor { id }),
        id.clone().prop_map(|id| AppMessage::Mute { id }),
        prop::collection::vec(id.clone(), 0..3).prop_map(|except| AppMessage::MuteAll { except }),
        id.clone().prop_map(|id| AppMessage::AskUnmute { id }),
        (id, name.clone()).prop_map(|(holder, absent)| AppMessage::Proxy { holder, absent }),
        (1u32..=3).prop_map(|vote| AppMessage::VoteOpen { vote, question: "Q".into(), options: vec!["oui".into(), "non".into()] }),
        (1u32..=2, option, prop::option::of(name)).prop_map(|(vote, option, proxy_for)| AppMessage::Vote { vote, option, proxy_for }),
        (1u32..=2).prop_map(|vote| AppMessage::VoteClose { vote }),
    ]
}

#[test]
fn a_screen_share_is_shown_by_everyone_once_relayed_and_ends_when_stopped() {
    let mut meeting = Meeting::new();
    let ana = meeting.join("Ana", Role::Animateur);
    let bob = meeting.join("Bob", Role::Intervenant);
    meeting.clear_changes();
    meeting.act(bob, Input::SetSharing { sharing: true });
    for id in [ana, bob] {
        assert_eq!(meeting.conference(id).screen_sharers(), [bob]);
        assert!(meeting.changes(id).contains(&Change::ScreenShare { id: bob, sharing: true }), "{id}");
    }
    meeting.act(bob, Input::SetSharing { sharing: false });
    assert!(meeting.conference(ana).screen_sharers().is_empty());
    assert!(meeting.changes(ana).contains(&Change::ScreenShare { id: bob, sharing: false }));
}

#[test]
fn a_participant_without_the_right_cannot_share_and_a_forced_share_is_ignored() {
    let mut meeting = Meeting::new();
    let ana = meeting.join("Ana", Role::Animateur);
    let guest = meeting.join("Invité", Role::ParticipantActif);
    meeting.clear_changes();
    let relayed = meeting.relayed;
    meeting.act(guest, Input::SetSharing { sharing: true });
    assert_eq!(meeting.relayed, relayed, "nothing is sent");
    assert!(matches!(meeting.changes(guest).as_slice(), [Change::Refused(why)] if why.contains("share a screen")));
    // A modified client on a server that does not enforce: nobody shows its share.
    meeting.inject(guest, AppMessage::Screen { sharing: true });
    assert!(meeting.conference(ana).screen_sharers().is_empty());
    assert!(!meeting.changes(ana).iter().any(|c| matches!(c, Change::ScreenShare { .. })));
}

#[test]
fn one_share_at_a_time_unless_the_animateur_allows_more() {
    let mut meeting = Meeting::new();
    let ana = meeting.join("Ana", Role::Animateur);
    let bob = meeting.join("Bob", Role::Intervenant);
    let eve = meeting.join("Ève", Role::Intervenant);
    meeting.act(bob, Input::SetSharing { sharing: true });
    meeting.clear_changes();
    meeting.act(eve, Input::SetSharing { sharing: true });
    assert!(matches!(meeting.changes(eve).as_slice(), [Change::Refused(why)] if why.contains("already sharing")));
    // Two shares sent at once (both cores saw nobody sharing): everyone keeps the one relayed first.
    meeting.inject(eve, AppMessage::Screen { sharing: true });
    for id in [ana, bob, eve] {
        assert_eq!(meeting.conference(id).screen_sharers(), [bob], "{id}");
    }
    // Only the animateur opens more.
    meeting.moderate(bob, ModeratorAction::AllowManyShares(true));
    assert!(!meeting.conference(ana).many_shares_allowed());
    meeting.moderate(ana, ModeratorAction::AllowManyShares(true));
    meeting.act(eve, Input::SetSharing { sharing: true });
    for id in [ana, bob, eve] {
        assert_eq!(meeting.conference(id).screen_sharers(), [bob, eve], "{id}");
    }
}

#[test]
fn a_share_ends_when_its_sharer_leaves_or_loses_the_right() {
    let mut meeting = Meeting::new();
    let ana = meeting.join("Ana", Role::Animateur);
    let bob = meeting.join("Bob", Role::Intervenant);
    let eve = meeting.join("Ève", Role::Intervenant);
    meeting.moderate(ana, ModeratorAction::AllowManyShares(true));
    meeting.act(bob, Input::SetSharing { sharing: true });
    meeting.act(eve, Input::SetSharing { sharing: true });
    meeting.clear_changes();
    meeting.moderate(ana, ModeratorAction::SetRole(bob, Role::ParticipantActif));
    assert!(meeting.changes(bob).contains(&Change::ScreenShare { id: bob, sharing: false }), "Bob's engine stops sending");
    meeting.leave(eve);
    assert!(meeting.conference(ana).screen_sharers().is_empty());
}
