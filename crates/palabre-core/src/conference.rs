//! The conference as one participant sees it: a state machine with inputs in and outputs out.
//!
//! The driver (the call engine) feeds [`Input`]s — what the room server announced, app messages that arrived,
//! what the local user did, timeouts — with the current time as a value, and drains [`Output`]s: app messages to
//! send, room controls for the server adapter to carry out, and changes for the UI to render. Nothing here
//! blocks, sleeps or reads a clock, so whole meetings are scripted in tests in microseconds.
//!
//! **Ordering.** The room server relays every app message to all participants, the sender included, stamped
//! with `from`. Shared state (hands, chat, moderation, proxies, votes) therefore changes only when a message
//! comes back through [`Input::Received`], so every participant applies the same messages in the same server
//! order and ends with the same hand queue and the same vote results. The local user's action only produces
//! [`Output::Send`]. The one exception is the user's own media state, which is theirs alone: it applies at once.
//!
//! **Trust.** Roles come only from the server. A received message whose sender's current role lacks the
//! permission it requires (see [`crate::permissions`]), or that names someone not present, is reported as
//! [`Change::IgnoredMessage`] and changes nothing. Nobody is ever unmuted by someone else: a moderator can only
//! mute, or ask.

use std::collections::{BTreeMap, VecDeque};

use crate::attendance::{self, AttendanceEvent, AttendanceKind};
use crate::break_timer::BreakTimer;
use crate::hand_queue::HandQueue;
use crate::message::{AppMessage, Envelope, WireError, MAX_CHAT_BYTES};
use crate::names::clean_display_name;
use crate::permissions::Permission;
use crate::screen_share::{ScreenShares, ShareChange};
use crate::vote::{Answer, Proxy, Vote, DEFAULT_OPTIONS};
use crate::{ParticipantId, ParticipantInfo, Role};

/// Milliseconds on the driver's clock; only differences matter.
pub type Millis = u64;

/// Someone in the room, as this participant knows them. Their role is `info.role`, kept up to date.
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
    /// The server changed someone's role (possibly ours).
    RoleChanged { id: ParticipantId, role: Role },
    /// The server tells moderators who waits in the lobby (the whole list, each time).
    LobbyChanged(Vec<ParticipantInfo>),
    /// Raw bytes from the data channel; decoding errors are reported, never fatal.
    Received(Vec<u8>),
    /// The local user writes in the chat.
    SendChat { text: String, to: Option<ParticipantId> },
    /// The local user's microphone or camera changed.
    SetMediaState { audio_muted: bool, video_muted: bool },
    SetHand { raised: bool },
    /// The local user, a moderator or animateur, acts on the meeting.
    Moderate(ModeratorAction),
    /// The local user answers a vote, for themselves or (`proxy_for`) for an absent person whose proxy they hold.
    CastVote { vote: u32, option: String, proxy_for: Option<String> },
    /// The local user starts or stops sharing a screen. Starting is only asked here: the engine publishes the
    /// picture once the room relays the share back ([`Change::ScreenShare`] for us).
    SetSharing { sharing: bool },
    /// The time given by [`Conference::poll_timeout`] has come.
    Timeout,
}

/// What a moderator or animateur can do. Each needs a [`Permission`] of the local user's role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModeratorAction {
    LowerHand(ParticipantId),
    /// Lowers the hand and asks the person to unmute.
    GiveFloor(ParticipantId),
    Mute(ParticipantId),
    /// Mutes everyone but the sender and `except`.
    MuteAll { except: Vec<ParticipantId> },
    AskUnmute(ParticipantId),
    /// Lets someone in from the lobby.
    Admit(ParticipantId),
    /// Turns someone in the lobby away.
    Refuse(ParticipantId),
    Lock(bool),
    Remove(ParticipantId),
    SetRole(ParticipantId, Role),
    /// Records that `holder` holds the proxy of `absent`, someone not in the meeting.
    RecordProxy { holder: ParticipantId, absent: String },
    /// Opens a vote; no options means "pour", "contre", "abstention".
    OpenVote { question: String, options: Vec<String> },
    CloseVote(u32),
    /// The animateur lets several people share a screen at once (or not).
    AllowManyShares(bool),
}

/// What only the room server can do; the adapter carries it out (signalling, on the embedded server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomControl {
    Admit(ParticipantId),
    Refuse(ParticipantId),
    Lock(bool),
    Remove(ParticipantId),
    SetRole(ParticipantId, Role),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Encoded app message for the data channel.
    Send(String),
    /// A room control for the adapter to carry out.
    Control(RoomControl),
    Changed(Change),
}

/// What the UI re-renders, or the engine obeys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Joined,
    ParticipantJoined(ParticipantId),
    ParticipantLeft(ParticipantId),
    /// Media state, hand or role changed; the hand queue may have changed with it.
    ParticipantUpdated(ParticipantId),
    Chat(ChatEntry),
    /// The local user's action was refused (for example an over-long chat message); the text says why.
    Refused(String),
    /// A message from the network could not be used; the meeting goes on.
    IgnoredMessage(String),
    /// A moderator muted the local user: the engine mutes the microphone, then feeds `SetMediaState`.
    MutedBy { by: ParticipantId },
    /// A moderator asks the local user to unmute; only the user can accept (the engine then feeds
    /// `SetMediaState`).
    UnmuteRequested { by: ParticipantId },
    /// `by` gave the floor to `to` (whose hand, if raised, is lowered).
    FloorGiven { to: ParticipantId, by: ParticipantId },
    /// See [`Conference::lobby`].
    LobbyChanged,
    ProxyRecorded { holder: ParticipantId, absent: String },
    VoteOpened(u32),
    VoteAnswered(u32),
    /// The vote's results are final (and in the attendance record).
    VoteClosed(u32),
    /// For the animateur only: time for a break? `elapsed` is the meeting time reached.
    BreakReminder { elapsed: Millis },
    /// `id` started or stopped sharing a screen, as the room relayed it: receivers show (or drop) the share;
    /// when `id` is us, the engine starts (or stops) sending it.
    ScreenShare { id: ParticipantId, sharing: bool },
    /// The animateur allowed several shares at once, or went back to one.
    ScreenSharesAllowed(bool),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conference {
    me: Option<Participant>,
    others: BTreeMap<ParticipantId, Participant>,
    chat: Vec<ChatEntry>,
    outputs: VecDeque<Output>,
    hands: HandQueue,
    lobby: Vec<ParticipantInfo>,
    attendance: Vec<AttendanceEvent>,
    proxies: Vec<Proxy>,
    votes: Vec<Vote>,
    /// The highest vote id seen or given; the next vote this participant opens gets the one after.
    last_vote_id: u32,
    break_timer: BreakTimer,
    screens: ScreenShares,
}

impl Conference {
    // --- Lifecycle ---

    pub fn new() -> Self {
        Self::default()
    }

    /// A conference whose animateur is reminded of a break every `interval` (zero: never) instead of every 40
    /// minutes.
    pub fn with_break_interval(interval: Millis) -> Self {
        Conference { break_timer: BreakTimer::new(interval), ..Self::default() }
    }

    // --- I/O ---

    /// Feeds one input. Call [`Conference::poll_output`] until it returns `None` afterwards.
    pub fn handle(&mut self, input: Input, now: Millis) {
        match input {
            Input::Welcomed { you, role, name, participants } => self.welcomed(you, role, name, participants, now),
            Input::ParticipantJoined(info) => self.joined(info, now),
            Input::ParticipantLeft(id) => {
                if let Some(gone) = self.others.remove(&id) {
                    self.hands.lower(id);
                    self.end_share(id);
                    self.log(now, AttendanceKind::Left, &gone.info, String::new());
                    self.changed(Change::ParticipantLeft(id));
                }
            }
            Input::RoleChanged { id, role } => self.role_changed(id, role, now),
            Input::LobbyChanged(waiting) => {
                self.lobby = waiting;
                self.changed(Change::LobbyChanged);
            }
            Input::Received(bytes) => match Envelope::decode(&bytes) {
                Ok(envelope) => self.receive(envelope, now),
                Err(error) => self.changed(Change::IgnoredMessage(error.to_string())),
            },
            Input::SendChat { text, to } => self.send_chat(text, to),
            Input::SetMediaState { audio_muted, video_muted } => self.set_media_state(audio_muted, video_muted),
            Input::SetHand { raised } => {
                let needs = if raised { Some(Permission::RaiseHand) } else { None };
                if self.allowed(needs) {
                    self.send(AppMessage::Hand { raised });
                }
            }
            Input::Moderate(action) => self.moderate(action),
            Input::CastVote { vote, option, proxy_for } => self.cast_vote(vote, option, proxy_for),
            Input::SetSharing { sharing } => self.set_sharing(sharing),
            Input::Timeout => {
                if let Some(elapsed) = self.break_timer.advance(now) {
                    if self.my_role() == Some(Role::Animateur) {
                        self.changed(Change::BreakReminder { elapsed });
                    }
                }
            }
        }
    }

    /// The next thing to send, carry out or render, in the order it happened.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When to feed [`Input::Timeout`] next, if ever: the animateur's next break reminder.
    pub fn poll_timeout(&self) -> Option<Millis> {
        if self.my_role() == Some(Role::Animateur) {
            self.break_timer.next_deadline()
        } else {
            None
        }
    }

    // --- State ---

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

    /// The chat so far, oldest first (private lines included, to or from this participant).
    pub fn chat(&self) -> &[ChatEntry] {
        &self.chat
    }

    /// Raised hands, first raised first, in the room server's order (the same for everyone present).
    pub fn hand_queue(&self) -> Vec<ParticipantId> {
        self.hands.order().to_vec()
    }

    /// Who waits in the lobby, as the server last said (moderators only are told).
    pub fn lobby(&self) -> &[ParticipantInfo] {
        &self.lobby
    }

    /// Entries, exits, role changes, proxies and vote results, oldest first.
    pub fn attendance(&self) -> &[AttendanceEvent] {
        &self.attendance
    }

    /// The attendance record as RFC 4180 CSV (`time,event,name,role,detail`), safe to open in a spreadsheet.
    pub fn attendance_csv(&self, time_label: impl Fn(Millis) -> String) -> String {
        attendance::to_csv(&self.attendance, time_label)
    }

    /// Proxies recorded, oldest first.
    pub fn proxies(&self) -> &[Proxy] {
        &self.proxies
    }

    /// Votes, open and closed, oldest first, with public answers.
    pub fn votes(&self) -> &[Vote] {
        &self.votes
    }

    /// Who shares a screen now, first started first.
    pub fn screen_sharers(&self) -> &[ParticipantId] {
        self.screens.sharers()
    }

    /// Whether the animateur allows several shares at once.
    pub fn many_shares_allowed(&self) -> bool {
        self.screens.many_allowed()
    }

    pub fn vote(&self, id: u32) -> Option<&Vote> {
        self.votes.iter().find(|v| v.id == id)
    }

    /// Meeting time: since this participant joined, zero before.
    pub fn elapsed(&self, now: Millis) -> Millis {
        self.break_timer.elapsed(now)
    }

    // --- Room server announcements ---

    fn welcomed(&mut self, you: ParticipantId, role: Role, name: String, participants: Vec<ParticipantInfo>, now: Millis) {
        let me = Participant::new(ParticipantInfo { id: you, name, role }, now);
        self.log(now, AttendanceKind::Present, &me.info, String::new());
        for info in &participants {
            self.log(now, AttendanceKind::Present, info, String::new());
        }
        self.me = Some(me);
        self.others = participants.into_iter().map(|info| (info.id, Participant::new(info, now))).collect();
        self.hands.clear();
        self.break_timer.start(now);
        self.changed(Change::Joined);
    }

    fn joined(&mut self, info: ParticipantInfo, now: Millis) {
        let id = info.id;
        self.log(now, AttendanceKind::Joined, &info, String::new());
        self.others.insert(id, Participant::new(info, now));
        self.changed(Change::ParticipantJoined(id));
        // Newcomers learn our state from us, since the server keeps none. Everyone gets the repeat (the server
        // relays to all); a repeated raise keeps its place in the queue.
        if let Some(me) = &self.me {
            let state = me.media_state();
            let raised = me.hand_raised;
            self.send(state);
            if raised {
                self.send(AppMessage::Hand { raised });
            }
        }
    }

    fn role_changed(&mut self, id: ParticipantId, role: Role, now: Millis) {
        let Some(participant) = self.participant_mut(id) else {
            self.changed(Change::IgnoredMessage(format!("role change for participant {id}, who is not in the meeting")));
            return;
        };
        participant.info.role = role;
        let info = participant.info.clone();
        self.log(now, AttendanceKind::RoleChanged, &info, String::new());
        if !role.may(Permission::Present) {
            self.end_share(id);
        }
        if self.is_me(id) {
            // Reminders count from the meeting start; a new animateur is not reminded of boundaries already past.
            self.break_timer.advance(now);
        }
        self.changed(Change::ParticipantUpdated(id));
    }

    // --- Received app messages ---

    fn receive(&mut self, envelope: Envelope, now: Millis) {
        // Only the server sets `from`; a message without it did not come through the room and is not trusted.
        let Some(from) = envelope.from else {
            self.changed(Change::IgnoredMessage("message without a sender".into()));
            return;
        };
        let Some(sender) = self.participant(from) else {
            // Recent chat replayed to a late joiner may come from someone who has left: the server vouched for
            // the name when it relayed it. Nothing else is taken from someone not in the meeting.
            match (envelope.message, envelope.from_name) {
                (AppMessage::Chat { text, to: None }, Some(from_name)) => {
                    let entry = ChatEntry { from, from_name, to: None, text, at: now };
                    self.chat.push(entry.clone());
                    self.changed(Change::Chat(entry));
                }
                _ => self.changed(Change::IgnoredMessage(format!("message from unknown participant {from}"))),
            }
            return;
        };
        let (sender_name, role) = (sender.info.name.clone(), sender.info.role);
        let message = envelope.message;
        if !role.may_send(&message) {
            self.ignore(format!("{sender_name} ({}) may not send {}", role.label(), message.kind()));
            return;
        }
        if let Some(target) = message_target(&message).filter(|&id| self.participant(id).is_none()) {
            self.ignore(format!("{} from {sender_name} names participant {target}, who is not in the meeting", message.kind()));
            return;
        }
        let me = self.me.as_ref().map(|me| me.info.id);
        match message {
            AppMessage::Chat { text, to } => {
                if to.is_some() && to != me && Some(from) != me {
                    self.ignore(format!("private message from {sender_name} to someone else"));
                    return;
                }
                let entry = ChatEntry { from, from_name: sender_name, to, text, at: now };
                self.chat.push(entry.clone());
                self.changed(Change::Chat(entry));
            }
            AppMessage::MediaState { audio_muted, video_muted } => {
                // Our own media state applied when we set it; an echo may be older than our latest change.
                if Some(from) == me {
                    return;
                }
                if let Some(sender) = self.others.get_mut(&from) {
                    sender.audio_muted = audio_muted;
                    sender.video_muted = video_muted;
                    self.changed(Change::ParticipantUpdated(from));
                }
            }
            AppMessage::Hand { raised } => self.set_hand(from, raised),
            AppMessage::LowerHand { id } => self.set_hand(id, false),
            AppMessage::Screen { sharing: true } => match self.screens.start(from, role) {
                Ok(ShareChange::Started) => self.changed(Change::ScreenShare { id: from, sharing: true }),
                Ok(_) => {}
                // Our own share refused by the rule here means the server did not enforce it: we do not share.
                Err(why) if Some(from) == me => self.refuse(why),
                Err(why) => self.ignore(format!("share from {sender_name} ignored: {why}")),
            },
            AppMessage::Screen { sharing: false } => self.end_share(from),
            AppMessage::ScreenShares { many } => {
                self.screens.set_many_allowed(many);
                self.changed(Change::ScreenSharesAllowed(many));
            }
            AppMessage::GiveFloor { id } => {
                self.set_hand(id, false);
                self.changed(Change::FloorGiven { to: id, by: from });
                if Some(id) == me {
                    self.unmute_requested(from);
                }
            }
            AppMessage::Mute { id } => {
                if Some(id) == me {
                    self.muted_by(from);
                }
            }
            AppMessage::MuteAll { except } => {
                if me.is_some_and(|me| me != from && !except.contains(&me)) {
                    self.muted_by(from);
                }
            }
            AppMessage::AskUnmute { id } => {
                if Some(id) == me {
                    self.unmute_requested(from);
                }
            }
            AppMessage::Proxy { holder, absent } => self.record_proxy(holder, &absent, now),
            AppMessage::VoteOpen { vote, question, options } => {
                if self.vote(vote).is_some() {
                    self.ignore(format!("vote {vote} is already open or closed"));
                    return;
                }
                self.last_vote_id = self.last_vote_id.max(vote);
                self.votes.push(Vote::new(vote, from, question, options, now));
                self.changed(Change::VoteOpened(vote));
            }
            AppMessage::Vote { vote, option, proxy_for } => {
                let proxy_for = proxy_for.map(|name| clean_display_name(&name).unwrap_or(name));
                match self.check_answer(vote, from, &sender_name, &option, proxy_for.as_deref()) {
                    Err(reason) => self.ignore(reason),
                    Ok(()) => {
                        let answer = Answer { voter: from, voter_name: sender_name, proxy_for, option, at: now };
                        if let Some(v) = self.votes.iter_mut().find(|v| v.id == vote) {
                            v.record(answer);
                        }
                        self.changed(Change::VoteAnswered(vote));
                    }
                }
            }
            AppMessage::VoteClose { vote } => {
                let Some(v) = self.votes.iter_mut().find(|v| v.id == vote && v.open) else {
                    self.ignore(format!("vote {vote} is not open"));
                    return;
                };
                v.close(now);
                let detail = format!("{} — {}", v.question, v.totals_line());
                self.attendance.push(AttendanceEvent {
                    at: now,
                    kind: AttendanceKind::VoteResult,
                    name: String::new(),
                    role: None,
                    detail,
                });
                self.changed(Change::VoteClosed(vote));
            }
        }
    }

    fn end_share(&mut self, id: ParticipantId) {
        if self.screens.stop(id) == ShareChange::Stopped {
            self.changed(Change::ScreenShare { id, sharing: false });
        }
    }

    fn set_hand(&mut self, id: ParticipantId, raised: bool) {
        let changed = if raised { self.hands.raise(id) } else { self.hands.lower(id) };
        if let Some(participant) = self.participant_mut(id) {
            participant.hand_raised = raised;
        }
        if changed {
            self.changed(Change::ParticipantUpdated(id));
        }
    }

    fn muted_by(&mut self, by: ParticipantId) {
        if self.me.as_ref().is_some_and(|me| !me.audio_muted) {
            self.changed(Change::MutedBy { by });
        }
    }

    fn unmute_requested(&mut self, by: ParticipantId) {
        match self.my_role() {
            Some(role) if role.may(Permission::Speak) => self.changed(Change::UnmuteRequested { by }),
            _ => self.ignore("asked to unmute, but this participant's role cannot speak".into()),
        }
    }

    fn record_proxy(&mut self, holder: ParticipantId, absent: &str, now: Millis) {
        let Ok(absent) = clean_display_name(absent) else {
            self.ignore("proxy without a name".into());
            return;
        };
        if self.present_name(&absent) {
            self.ignore(format!("{absent} is in the meeting and needs no proxy"));
            return;
        }
        let Some(holder_info) = self.participant(holder).map(|p| p.info.clone()) else { return };
        match self.proxies.iter_mut().find(|p| p.absent == absent) {
            Some(existing) if existing.holder == holder => return,
            // Moved to another holder: answers already given for `absent` still count once (see `Vote::check`).
            Some(existing) => {
                existing.holder = holder;
                existing.holder_name = holder_info.name.clone();
                existing.at = now;
            }
            None => self.proxies.push(Proxy { holder, holder_name: holder_info.name.clone(), absent: absent.clone(), at: now }),
        }
        self.log(now, AttendanceKind::Proxy, &holder_info, absent.clone());
        self.changed(Change::ProxyRecorded { holder, absent });
    }

    fn check_answer(
        &self,
        vote: u32,
        voter: ParticipantId,
        voter_name: &str,
        option: &str,
        proxy_for: Option<&str>,
    ) -> Result<(), String> {
        let Some(v) = self.vote(vote) else { return Err(format!("there is no vote {vote}")) };
        let holds = proxy_for.is_some_and(|absent| self.proxies.iter().any(|p| p.holder == voter && p.absent == absent));
        v.check(voter, voter_name, option, proxy_for, holds).map_err(|e| e.to_string())
    }

    // --- Local user's actions ---

    fn send_chat(&mut self, text: String, to: Option<ParticipantId>) {
        if !self.allowed(Some(Permission::Chat)) || text.trim().is_empty() {
            return;
        }
        if text.len() > MAX_CHAT_BYTES {
            self.refuse(WireError::ChatTooLong(text.len()).to_string());
            return;
        }
        if let Some(to) = to.filter(|to| !self.others.contains_key(to)) {
            self.refuse(format!("participant {to} is not in the meeting"));
            return;
        }
        self.send(AppMessage::Chat { text, to });
    }

    fn set_media_state(&mut self, audio_muted: bool, video_muted: bool) {
        let message = AppMessage::MediaState { audio_muted, video_muted };
        let Some(role) = self.my_role() else {
            self.refuse("not in the meeting yet".into());
            return;
        };
        if let Some(missing) = message.required_permission().filter(|&p| !role.may(p)) {
            self.refuse(role.refusal(missing));
            return;
        }
        if let Some(me) = &mut self.me {
            me.audio_muted = audio_muted;
            me.video_muted = video_muted;
            let id = me.info.id;
            self.send(message);
            self.changed(Change::ParticipantUpdated(id));
        }
    }

    fn moderate(&mut self, action: ModeratorAction) {
        if !self.allowed(Some(action.required_permission())) {
            return;
        }
        match action {
            ModeratorAction::LowerHand(id) => {
                if self.require_present(id) {
                    self.send(AppMessage::LowerHand { id });
                }
            }
            ModeratorAction::GiveFloor(id) => {
                if self.require_present(id) && self.require_may_speak(id) {
                    self.send(AppMessage::GiveFloor { id });
                }
            }
            ModeratorAction::Mute(id) => {
                if self.require_present(id) {
                    self.send(AppMessage::Mute { id });
                }
            }
            ModeratorAction::MuteAll { except } => self.send(AppMessage::MuteAll { except }),
            ModeratorAction::AskUnmute(id) => {
                if self.require_present(id) && self.require_may_speak(id) {
                    self.send(AppMessage::AskUnmute { id });
                }
            }
            ModeratorAction::Admit(id) | ModeratorAction::Refuse(id) if !self.lobby.iter().any(|w| w.id == id) => {
                self.refuse(format!("participant {id} is not waiting in the lobby"));
            }
            ModeratorAction::Admit(id) => self.control(RoomControl::Admit(id)),
            ModeratorAction::Refuse(id) => self.control(RoomControl::Refuse(id)),
            ModeratorAction::Lock(locked) => self.control(RoomControl::Lock(locked)),
            ModeratorAction::Remove(id) => {
                if self.is_me(id) {
                    self.refuse("to leave the meeting, hang up".into());
                } else if self.require_present(id) {
                    self.control(RoomControl::Remove(id));
                }
            }
            ModeratorAction::SetRole(id, role) => {
                if self.require_present(id) {
                    self.control(RoomControl::SetRole(id, role));
                }
            }
            ModeratorAction::RecordProxy { holder, absent } => {
                let Ok(absent) = clean_display_name(&absent) else {
                    self.refuse("a proxy needs the absent person's name".into());
                    return;
                };
                if self.present_name(&absent) {
                    self.refuse(format!("{absent} is in the meeting and needs no proxy"));
                } else if self.require_present(holder) {
                    self.send(AppMessage::Proxy { holder, absent });
                }
            }
            ModeratorAction::OpenVote { question, options } => {
                let mut options: Vec<String> =
                    options.iter().map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect();
                if options.is_empty() {
                    options = DEFAULT_OPTIONS.map(String::from).to_vec();
                }
                let vote = self.last_vote_id + 1;
                let message = AppMessage::VoteOpen { vote, question: question.trim().to_string(), options };
                match message.validate() {
                    Err(error) => self.refuse(error.to_string()),
                    Ok(()) => {
                        self.last_vote_id = vote;
                        self.send(message);
                    }
                }
            }
            ModeratorAction::CloseVote(vote) => {
                if self.vote(vote).is_some_and(|v| v.open) {
                    self.send(AppMessage::VoteClose { vote });
                } else {
                    self.refuse(format!("vote {vote} is not open"));
                }
            }
            ModeratorAction::AllowManyShares(many) => self.send(AppMessage::ScreenShares { many }),
        }
    }

    fn set_sharing(&mut self, sharing: bool) {
        if !sharing {
            if self.me.is_some() {
                self.send(AppMessage::Screen { sharing: false });
            }
            return;
        }
        let (Some(me), Some(role)) = (self.me.as_ref().map(|me| me.info.id), self.my_role()) else {
            self.refuse("not in the meeting yet".into());
            return;
        };
        match self.screens.may_start(me, role) {
            Ok(()) => self.send(AppMessage::Screen { sharing: true }),
            Err(why) => self.refuse(why),
        }
    }

    fn cast_vote(&mut self, vote: u32, option: String, proxy_for: Option<String>) {
        if !self.allowed(Some(Permission::Vote)) {
            return;
        }
        let proxy_for = match proxy_for.map(|name| clean_display_name(&name)) {
            None => None,
            Some(Ok(name)) => Some(name),
            Some(Err(_)) => {
                self.refuse("a proxy vote needs the absent person's name".into());
                return;
            }
        };
        let Some(me) = &self.me else { return };
        let (id, name) = (me.info.id, me.info.name.clone());
        match self.check_answer(vote, id, &name, &option, proxy_for.as_deref()) {
            Err(reason) => self.refuse(reason),
            Ok(()) => self.send(AppMessage::Vote { vote, option, proxy_for }),
        }
    }

    /// Whether the local user is in the meeting and their role grants `permission`; refuses otherwise.
    fn allowed(&mut self, permission: Option<Permission>) -> bool {
        match (self.my_role(), permission) {
            (None, _) => {
                self.refuse("not in the meeting yet".into());
                false
            }
            (Some(role), Some(p)) if !role.may(p) => {
                self.refuse(role.refusal(p));
                false
            }
            _ => true,
        }
    }

    fn require_present(&mut self, id: ParticipantId) -> bool {
        let present = self.participant(id).is_some();
        if !present {
            self.refuse(format!("participant {id} is not in the meeting"));
        }
        present
    }

    fn require_may_speak(&mut self, id: ParticipantId) -> bool {
        let Some(p) = self.participant(id) else { return false };
        let (role, name) = (p.info.role, p.info.name.clone());
        if !role.may(Permission::Speak) {
            self.refuse(format!("{name} ({}) cannot speak in this meeting", role.label()));
        }
        role.may(Permission::Speak)
    }

    // --- Helpers ---

    fn my_role(&self) -> Option<Role> {
        self.me.as_ref().map(|me| me.info.role)
    }

    fn is_me(&self, id: ParticipantId) -> bool {
        self.me.as_ref().is_some_and(|me| me.info.id == id)
    }

    fn participant_mut(&mut self, id: ParticipantId) -> Option<&mut Participant> {
        match &mut self.me {
            Some(me) if me.info.id == id => Some(me),
            _ => self.others.get_mut(&id),
        }
    }

    fn present_name(&self, name: &str) -> bool {
        self.me.iter().chain(self.others.values()).any(|p| p.info.name == name)
    }

    fn log(&mut self, at: Millis, kind: AttendanceKind, who: &ParticipantInfo, detail: String) {
        self.attendance.push(AttendanceEvent { at, kind, name: who.name.clone(), role: Some(who.role), detail });
    }

    fn send(&mut self, message: AppMessage) {
        self.outputs.push_back(Output::Send(Envelope::new(None, message).encode()));
    }

    fn control(&mut self, control: RoomControl) {
        self.outputs.push_back(Output::Control(control));
    }

    fn changed(&mut self, change: Change) {
        self.outputs.push_back(Output::Changed(change));
    }

    fn refuse(&mut self, why: String) {
        self.changed(Change::Refused(why));
    }

    fn ignore(&mut self, why: String) {
        self.changed(Change::IgnoredMessage(why));
    }
}

impl ModeratorAction {
    /// The permission the local user's role needs for this action.
    pub fn required_permission(&self) -> Permission {
        match self {
            ModeratorAction::LowerHand(_) => Permission::LowerHands,
            ModeratorAction::GiveFloor(_) => Permission::GiveFloor,
            ModeratorAction::Mute(_) | ModeratorAction::MuteAll { .. } | ModeratorAction::AskUnmute(_) => Permission::Mute,
            ModeratorAction::Admit(_) | ModeratorAction::Refuse(_) => Permission::Admit,
            ModeratorAction::Lock(_) => Permission::Lock,
            ModeratorAction::Remove(_) => Permission::Remove,
            ModeratorAction::SetRole(..) => Permission::ChangeRoles,
            ModeratorAction::RecordProxy { .. } => Permission::RecordProxies,
            ModeratorAction::OpenVote { .. } | ModeratorAction::CloseVote(_) => Permission::RunVotes,
            ModeratorAction::AllowManyShares(_) => Permission::AllowManyShares,
        }
    }
}

impl RoomControl {
    /// The permission whoever asks for this control needs; the room server checks it.
    pub fn required_permission(&self) -> Permission {
        ModeratorAction::from(self.clone()).required_permission()
    }
}

impl From<RoomControl> for ModeratorAction {
    fn from(control: RoomControl) -> Self {
        match control {
            RoomControl::Admit(id) => ModeratorAction::Admit(id),
            RoomControl::Refuse(id) => ModeratorAction::Refuse(id),
            RoomControl::Lock(locked) => ModeratorAction::Lock(locked),
            RoomControl::Remove(id) => ModeratorAction::Remove(id),
            RoomControl::SetRole(id, role) => ModeratorAction::SetRole(id, role),
        }
    }
}

/// The participant a message acts on, who must be present.
fn message_target(message: &AppMessage) -> Option<ParticipantId> {
    match message {
        AppMessage::LowerHand { id } | AppMessage::GiveFloor { id } | AppMessage::Mute { id } | AppMessage::AskUnmute { id } => {
            Some(*id)
        }
        AppMessage::Proxy { holder, .. } => Some(*holder),
        _ => None,
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
        // The newcomer is told our media state (and our hand, were it raised).
        assert_eq!(out.iter().filter(|o| matches!(o, Output::Send(_))).count(), 1);
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
        // Not shown until the server echoes it, so that everyone sees the chat in the same order.
        assert!(c.chat().is_empty());
        c.handle(relayed(1, sent.message), 6);
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
    fn replayed_chat_from_someone_who_left_is_shown_with_the_server_vouched_name() {
        let mut c = welcomed(vec![info(2, "Bob")]);
        let chat = AppMessage::Chat { text: "avant".into(), to: None };
        let replayed = Envelope::new(Some(ParticipantId(9)), chat).with_sender_name("Zoé".into());
        c.handle(Input::Received(replayed.encode().into_bytes()), 1);
        assert_eq!(c.chat().iter().map(|e| (e.from_name.as_str(), e.text.as_str())).collect::<Vec<_>>(), [("Zoé", "avant")]);
        // Anything else from someone not in the meeting is still ignored, name or not.
        let hand = Envelope::new(Some(ParticipantId(9)), AppMessage::Hand { raised: true }).with_sender_name("Zoé".into());
        c.handle(Input::Received(hand.encode().into_bytes()), 2);
        assert!(c.hand_queue().is_empty());
    }

    #[test]
    fn media_state_and_hand_follow_messages() {
        let mut c = welcomed(vec![info(2, "Bob")]);
        c.handle(relayed(2, AppMessage::MediaState { audio_muted: false, video_muted: true }), 1);
        c.handle(relayed(2, AppMessage::Hand { raised: true }), 2);
        let bob = c.participant(ParticipantId(2)).unwrap();
        assert!(!bob.audio_muted && bob.hand_raised && bob.video_muted);
        assert_eq!(c.hand_queue(), [ParticipantId(2)]);
        // A participant actif may turn a camera on, a participant passif may not.
        c.handle(relayed(2, AppMessage::MediaState { audio_muted: false, video_muted: false }), 3);
        assert!(!c.participant(ParticipantId(2)).unwrap().video_muted);
        c.handle(Input::RoleChanged { id: ParticipantId(2), role: Role::ParticipantPassif }, 4);
        c.handle(relayed(2, AppMessage::MediaState { audio_muted: true, video_muted: true }), 5);
        c.handle(relayed(2, AppMessage::MediaState { audio_muted: true, video_muted: false }), 6);
        assert!(c.participant(ParticipantId(2)).unwrap().video_muted);
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
