//! What the call window shows, computed from the engine's state: the UI renders a [`MeetingView`] and holds no
//! conference logic of its own.
//!
//! Everything here is text the webview puts into text nodes. Nothing secret crosses: no link, token or PIN.

use palabre_core::chat_text::{segments, Segment};
use palabre_core::{ChatEntry, Conference, Millis, Participant, ParticipantId, Permission, Role};
use palabre_rtc::CallStats;
use serde::Serialize;

/// The whole call window at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingView {
    pub room: String,
    pub me: Option<PersonView>,
    /// Everyone else, in the order they joined.
    pub others: Vec<PersonView>,
    /// Participant ids whose hand is up, first raised first.
    pub hand_queue: Vec<u64>,
    pub chat: Vec<ChatLine>,
    /// Participant ids sharing a screen, first started first: the first is the main view.
    pub screen_shares: Vec<u64>,
    /// People waiting to be let in (shown to those who may admit them).
    pub lobby: Vec<LobbyEntry>,
    pub elapsed_ms: Millis,
    pub quality: Quality,
    /// What our role lets us do, so the UI offers only actions that will not be refused.
    pub may: Abilities,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonView {
    pub id: u64,
    pub name: String,
    pub role: Role,
    pub microphone_on: bool,
    pub camera_on: bool,
    /// 1 for the first hand raised; absent when the hand is down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hand_position: Option<usize>,
    /// Heard speaking just now: their tile is highlighted.
    pub speaking: bool,
    pub sharing_screen: bool,
}

/// What the engine measured just now, which the conference model does not know.
#[derive(Debug, Default)]
pub struct Measured {
    pub round_trip_ms: Option<f64>,
    pub speakers: Vec<ParticipantId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatLine {
    pub from_name: String,
    /// Whether we wrote it.
    pub mine: bool,
    pub private: bool,
    pub at_ms: Millis,
    /// The text cut into plain text and web links; `\\server\share` paths and other schemes stay text.
    pub parts: Vec<ChatPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "lowercase")]
pub enum ChatPart {
    Text(String),
    Link(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LobbyEntry {
    pub id: u64,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Abilities {
    pub speak: bool,
    pub present: bool,
    pub chat: bool,
    pub raise_hand: bool,
    pub admit: bool,
    pub mute_others: bool,
    pub remove: bool,
    pub give_floor: bool,
    pub change_roles: bool,
    pub lock: bool,
}

/// The connection as the user should read it, with the figures behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quality {
    pub level: QualityLevel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round_trip_ms: Option<f64>,
    /// Share of the packets from the others that never arrived, in percent.
    pub loss_percent: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QualityLevel {
    /// Nothing measured yet.
    Unknown,
    Good,
    /// Noticeable: speech may stutter, video may freeze briefly.
    Fair,
    /// A conversation is hard: suggest turning video off.
    Poor,
}

impl QualityLevel {
    /// Thresholds from what people notice in a conversation: ITU-T G.114 puts one-way delay above 150 ms as
    /// noticeable and above 400 ms as unacceptable; Opus with FEC hides a few percent of loss, not 10.
    pub fn assess(round_trip_ms: Option<f64>, loss_percent: f64, packets_seen: bool) -> QualityLevel {
        if round_trip_ms.is_none() && !packets_seen {
            return QualityLevel::Unknown;
        }
        let rtt = round_trip_ms.unwrap_or(0.0);
        if rtt > 800.0 || loss_percent > 10.0 {
            QualityLevel::Poor
        } else if rtt > 300.0 || loss_percent > 3.0 {
            QualityLevel::Fair
        } else {
            QualityLevel::Good
        }
    }
}

impl MeetingView {
    pub fn new(room: String, conference: &Conference, stats: &CallStats, measured: &Measured, now: Millis) -> Self {
        let hand_queue: Vec<u64> = conference.hand_queue().iter().map(|id| id.0).collect();
        let screen_shares: Vec<u64> = conference.screen_sharers().iter().map(|id| id.0).collect();
        let person = |p: &Participant| PersonView {
            id: p.info.id.0,
            name: p.info.name.clone(),
            role: p.info.role,
            microphone_on: !p.audio_muted,
            camera_on: !p.video_muted,
            hand_position: hand_queue.iter().position(|id| *id == p.info.id.0).map(|i| i + 1),
            speaking: measured.speakers.contains(&p.info.id),
            sharing_screen: screen_shares.contains(&p.info.id.0),
        };
        let me = conference.me();
        let my_id = me.map(|m| m.info.id);
        let role = me.map(|m| m.info.role);
        let may = |permission| role.is_some_and(|role| role.may(permission));
        MeetingView {
            room,
            me: me.map(&person),
            others: conference.others().map(&person).collect(),
            chat: conference.chat().iter().map(|entry| ChatLine::new(entry, my_id.map(|id| id.0))).collect(),
            lobby: conference.lobby().iter().map(|info| LobbyEntry { id: info.id.0, name: info.name.clone() }).collect(),
            hand_queue,
            screen_shares,
            elapsed_ms: conference.elapsed(now),
            quality: Quality::measure(stats, measured.round_trip_ms),
            may: Abilities {
                speak: may(Permission::Speak),
                present: may(Permission::Present),
                chat: may(Permission::Chat),
                raise_hand: may(Permission::RaiseHand),
                admit: may(Permission::Admit),
                mute_others: may(Permission::Mute),
                remove: may(Permission::Remove),
                give_floor: may(Permission::GiveFloor),
                change_roles: may(Permission::ChangeRoles),
                lock: may(Permission::Lock),
            },
        }
    }
}

impl ChatLine {
    fn new(entry: &ChatEntry, me: Option<u64>) -> Self {
        let parts = segments(&entry.text)
            .into_iter()
            .map(|segment| match segment {
                Segment::Text(text) => ChatPart::Text(text),
                Segment::Link(url) => ChatPart::Link(url),
            })
            .collect();
        ChatLine {
            from_name: entry.from_name.clone(),
            mine: Some(entry.from.0) == me,
            private: entry.to.is_some(),
            at_ms: entry.at,
            parts,
        }
    }
}

impl Quality {
    fn measure(stats: &CallStats, round_trip_ms: Option<f64>) -> Quality {
        let (received, lost) = stats.remote.values().fold((0, 0), |(received, lost), media| {
            (received + media.video_packets.received + media.audio_packets.received, lost + media.packets_lost())
        });
        let expected = received + lost;
        let loss_percent = if expected == 0 { 0.0 } else { lost as f64 * 100.0 / expected as f64 };
        Quality { level: QualityLevel::assess(round_trip_ms, loss_percent, expected > 0), round_trip_ms, loss_percent }
    }
}

#[cfg(test)]
mod tests {
    use palabre_core::conference::Input;
    use palabre_core::{AppMessage, Envelope, ParticipantId, ParticipantInfo};
    use serde_json::json;

    use super::*;

    fn info(id: u64, name: &str, role: Role) -> ParticipantInfo {
        ParticipantInfo { id: ParticipantId(id), name: name.into(), role }
    }

    /// A meeting where we are Marie (participante active) and the animateur Paul is there.
    fn meeting() -> Conference {
        let mut conference = Conference::new();
        let welcome = Input::Welcomed {
            you: ParticipantId(2),
            role: Role::ParticipantActif,
            name: "Marie Dupont (Mairie)".into(),
            participants: vec![info(1, "Paul (Préfecture)", Role::Animateur)],
        };
        conference.handle(welcome, 0);
        conference
    }

    /// What the room server relays: a message stamped with its sender, echoed to everyone.
    fn relayed(from: u64, message: AppMessage) -> Input {
        Input::Received(Envelope::new(Some(ParticipantId(from)), message).encode().into_bytes())
    }

    #[test]
    fn view_lists_people_roles_and_what_we_may_do() {
        let view = MeetingView::new("Salle".into(), &meeting(), &CallStats::default(), &Measured::default(), 5_000);
        let me = view.me.as_ref().expect("we are in");
        assert_eq!(me.name, "Marie Dupont (Mairie)");
        assert_eq!(view.others.len(), 1);
        assert_eq!(view.others[0].role, Role::Animateur);
        assert!(view.may.chat && view.may.raise_hand && view.may.speak);
        assert!(!view.may.mute_others && !view.may.admit && !view.may.remove);
        assert_eq!(view.quality.level, QualityLevel::Unknown);
        assert_eq!(view.elapsed_ms, 5_000);
    }

    #[test]
    fn raised_hand_shows_its_place_in_the_queue() {
        let mut conference = meeting();
        conference.handle(relayed(2, AppMessage::Hand { raised: true }), 100);
        let view = MeetingView::new("Salle".into(), &conference, &CallStats::default(), &Measured::default(), 200);
        assert_eq!(view.hand_queue, [2]);
        assert_eq!(view.me.unwrap().hand_position, Some(1));
        assert_eq!(view.others[0].hand_position, None);
    }

    #[test]
    fn a_screen_share_is_listed_and_marks_its_sharer() {
        let mut conference = meeting();
        conference.handle(relayed(1, AppMessage::Screen { sharing: true }), 100);
        let view = MeetingView::new("Salle".into(), &conference, &CallStats::default(), &Measured::default(), 200);
        assert_eq!(view.screen_shares, [1], "the animateur presents");
        assert!(view.others[0].sharing_screen);
        assert!(!view.me.unwrap().sharing_screen);
    }

    #[test]
    fn those_heard_just_now_are_marked_speaking() {
        let measured = Measured { round_trip_ms: None, speakers: vec![ParticipantId(1)] };
        let view = MeetingView::new("Salle".into(), &meeting(), &CallStats::default(), &measured, 10);
        assert!(view.others[0].speaking, "Paul is heard");
        assert!(!view.me.unwrap().speaking);
    }

    #[test]
    fn chat_is_cut_into_text_and_links_and_marks_our_own_lines() {
        let mut conference = meeting();
        let text = "Voir https://ex.fr/a et \\\\srv\\share".to_string();
        conference.handle(relayed(2, AppMessage::Chat { text, to: None }), 10);
        let view = MeetingView::new("Salle".into(), &conference, &CallStats::default(), &Measured::default(), 20);
        let line = serde_json::to_value(&view.chat[0]).unwrap();
        assert_eq!(line["mine"], true);
        assert_eq!(
            line["parts"],
            json!([
                {"kind": "text", "text": "Voir "},
                {"kind": "link", "text": "https://ex.fr/a"},
                {"kind": "text", "text": " et \\\\srv\\share"}
            ])
        );
    }

    #[test]
    fn quality_follows_delay_and_loss() {
        assert_eq!(QualityLevel::assess(None, 0.0, false), QualityLevel::Unknown);
        assert_eq!(QualityLevel::assess(Some(40.0), 0.5, true), QualityLevel::Good);
        assert_eq!(QualityLevel::assess(Some(450.0), 0.0, true), QualityLevel::Fair);
        assert_eq!(QualityLevel::assess(Some(40.0), 5.0, true), QualityLevel::Fair);
        assert_eq!(QualityLevel::assess(None, 12.0, true), QualityLevel::Poor);
        assert_eq!(QualityLevel::assess(Some(1000.0), 0.0, true), QualityLevel::Poor);
    }

    #[test]
    fn quality_counts_lost_packets_of_everyone() {
        let mut stats = CallStats::default();
        let media = stats.remote.entry(ParticipantId(1)).or_default();
        for sequence_number in (0..100).filter(|n| n % 20 != 0) {
            media.audio_packets.record(sequence_number, 100);
        }
        let quality = Quality::measure(&stats, Some(12.0));
        assert_eq!(quality.level, QualityLevel::Fair, "{quality:?}");
        // 20, 40, 60 and 80 of 1..=99.
        assert!((quality.loss_percent - 400.0 / 99.0).abs() < 1e-9, "{quality:?}");
        assert_eq!(quality.round_trip_ms, Some(12.0));
    }
}
