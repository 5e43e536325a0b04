//! What each role may do, and what each app message requires.
//!
//! Roles come only from the room server (welcome, participant-joined, role changes); a peer's own claim is never
//! trusted. The same table serves twice: the local core refuses the user's action before sending it, and every
//! received message is checked against its sender's server-vouched role, so a meeting stays orderly even on a
//! room server that does not enforce the table itself (Palabre's embedded server calls [`Role::may_send`] too).

use crate::message::AppMessage;
use crate::Role;

/// Something a participant may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Publish audio (unmute the microphone).
    Speak,
    /// Publish video or a screen (turn the camera on).
    Present,
    Chat,
    RaiseHand,
    Vote,
    /// Let people in from the lobby, or refuse them.
    Admit,
    /// Mute someone, mute everyone, ask someone to unmute.
    Mute,
    LowerHands,
    GiveFloor,
    Remove,
    ChangeRoles,
    /// Lock or unlock the room.
    Lock,
    RecordProxies,
    RunVotes,
    /// Let several people share a screen at once.
    AllowManyShares,
}

impl Permission {
    pub const ALL: [Permission; 15] = [
        Permission::Speak,
        Permission::Present,
        Permission::Chat,
        Permission::RaiseHand,
        Permission::Vote,
        Permission::Admit,
        Permission::Mute,
        Permission::LowerHands,
        Permission::GiveFloor,
        Permission::Remove,
        Permission::ChangeRoles,
        Permission::Lock,
        Permission::RecordProxies,
        Permission::RunVotes,
        Permission::AllowManyShares,
    ];

    /// What the permission allows, to end the sentence "your role does not allow you to …".
    pub fn describe(self) -> &'static str {
        match self {
            Permission::Speak => "turn on your microphone or camera",
            Permission::Present => "present (share a screen)",
            Permission::Chat => "write in the chat",
            Permission::RaiseHand => "raise your hand",
            Permission::Vote => "vote",
            Permission::Admit => "admit people from the lobby",
            Permission::Mute => "mute other participants",
            Permission::LowerHands => "lower other participants' hands",
            Permission::GiveFloor => "give the floor",
            Permission::Remove => "remove participants",
            Permission::ChangeRoles => "change roles",
            Permission::Lock => "lock the room",
            Permission::RecordProxies => "record proxies",
            Permission::RunVotes => "run votes",
            Permission::AllowManyShares => "let several people share a screen at once",
        }
    }
}

impl Role {
    /// Whether this role grants `permission`.
    pub fn may(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Animateur => true,
            Role::Moderateur => !matches!(permission, ChangeRoles | RecordProxies | RunVotes | AllowManyShares),
            Role::Intervenant => matches!(permission, Speak | Present | Chat | RaiseHand | Vote),
            Role::ParticipantActif => matches!(permission, Speak | Chat | RaiseHand | Vote),
            Role::ParticipantPassif => matches!(permission, Chat),
        }
    }

    /// Whether this role may send `message`.
    pub fn may_send(self, message: &AppMessage) -> bool {
        message.required_permission().is_none_or(|p| self.may(p))
    }

    /// Why this role may not do what `permission` allows, as one sentence for the person refused.
    pub fn refusal(self, permission: Permission) -> String {
        format!("your role ({}) does not allow you to {}", self.label(), permission.describe())
    }

    /// The role as written in the attendance log and in refusals ("participant-actif").
    pub fn label(self) -> &'static str {
        match self {
            Role::Animateur => "animateur",
            Role::Moderateur => "moderateur",
            Role::Intervenant => "intervenant",
            Role::ParticipantActif => "participant-actif",
            Role::ParticipantPassif => "participant-passif",
        }
    }
}

impl AppMessage {
    /// The permission the sender's role must grant, if any (none for muting oneself, lowering one's own hand or
    /// stopping one's own share).
    /// Turning one's own camera on is publishing, like the microphone: [`Permission::Speak`]. Presenting a
    /// screen is [`Permission::Present`].
    pub fn required_permission(&self) -> Option<Permission> {
        use Permission::*;
        let permission = match self {
            AppMessage::Chat { .. } => Chat,
            AppMessage::MediaState { audio_muted: true, video_muted: true } => return None,
            AppMessage::MediaState { .. } => Speak,
            AppMessage::Hand { raised: true } => RaiseHand,
            AppMessage::Hand { raised: false } => return None,
            AppMessage::LowerHand { .. } => LowerHands,
            AppMessage::GiveFloor { .. } => GiveFloor,
            AppMessage::Mute { .. } | AppMessage::MuteAll { .. } | AppMessage::AskUnmute { .. } => Mute,
            AppMessage::Proxy { .. } => RecordProxies,
            AppMessage::VoteOpen { .. } | AppMessage::VoteClose { .. } => RunVotes,
            AppMessage::Vote { .. } => Vote,
            AppMessage::Screen { sharing: true } => Present,
            AppMessage::Screen { sharing: false } => return None,
            AppMessage::ScreenShares { .. } => AllowManyShares,
        };
        Some(permission)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    const ROLES: [Role; 5] =
        [Role::Animateur, Role::Moderateur, Role::Intervenant, Role::ParticipantActif, Role::ParticipantPassif];

    fn granted(role: Role) -> Vec<Permission> {
        Permission::ALL.into_iter().filter(|&p| role.may(p)).collect()
    }

    #[test]
    fn animateur_may_do_everything() {
        assert_eq!(granted(Role::Animateur), Permission::ALL.to_vec());
    }

    #[test]
    fn moderateur_runs_the_room_but_not_roles_proxies_or_votes() {
        assert_eq!(
            granted(Role::Moderateur),
            [Speak, Present, Chat, RaiseHand, Vote, Admit, Mute, LowerHands, GiveFloor, Remove, Lock]
        );
    }

    #[test]
    fn intervenant_and_actif_take_part_without_moderating() {
        assert_eq!(granted(Role::Intervenant), [Speak, Present, Chat, RaiseHand, Vote]);
        assert_eq!(granted(Role::ParticipantActif), [Speak, Chat, RaiseHand, Vote]);
    }

    #[test]
    fn passif_only_listens_and_chats() {
        assert_eq!(granted(Role::ParticipantPassif), [Chat]);
    }

    #[test]
    fn only_the_animateur_changes_roles_records_proxies_runs_votes_and_allows_many_shares() {
        for role in ROLES {
            for p in [ChangeRoles, RecordProxies, RunVotes, AllowManyShares] {
                assert_eq!(role.may(p), role == Role::Animateur, "{role:?} {p:?}");
            }
        }
    }

    #[test]
    fn presenting_implies_speaking_in_every_role() {
        // required_permission() relies on it for a media state turning both on.
        for role in ROLES {
            assert!(!role.may(Present) || role.may(Speak), "{role:?}");
        }
    }

    #[test]
    fn muting_oneself_and_lowering_ones_hand_need_nothing() {
        for message in [
            AppMessage::MediaState { audio_muted: true, video_muted: true },
            AppMessage::Hand { raised: false },
        ] {
            assert_eq!(message.required_permission(), None);
            assert!(ROLES.iter().all(|r| r.may_send(&message)));
        }
    }

    #[test]
    fn microphone_and_camera_need_speak_which_passive_lacks() {
        let audio = AppMessage::MediaState { audio_muted: false, video_muted: true };
        let video = AppMessage::MediaState { audio_muted: true, video_muted: false };
        let both = AppMessage::MediaState { audio_muted: false, video_muted: false };
        for message in [&audio, &video, &both] {
            assert_eq!(message.required_permission(), Some(Speak));
            assert!(Role::ParticipantActif.may_send(message));
            assert!(!Role::ParticipantPassif.may_send(message));
        }
    }

    #[test]
    fn each_message_kind_requires_its_permission() {
        let id = crate::ParticipantId(2);
        let cases = [
            (AppMessage::Chat { text: "x".into(), to: None }, Some(Chat)),
            (AppMessage::Hand { raised: true }, Some(RaiseHand)),
            (AppMessage::LowerHand { id }, Some(LowerHands)),
            (AppMessage::GiveFloor { id }, Some(GiveFloor)),
            (AppMessage::Mute { id }, Some(Mute)),
            (AppMessage::MuteAll { except: vec![] }, Some(Mute)),
            (AppMessage::AskUnmute { id }, Some(Mute)),
            (AppMessage::Proxy { holder: id, absent: "Marie".into() }, Some(RecordProxies)),
            (AppMessage::VoteOpen { vote: 1, question: "?".into(), options: vec!["a".into(), "b".into()] }, Some(RunVotes)),
            (AppMessage::Vote { vote: 1, option: "a".into(), proxy_for: None }, Some(Vote)),
            (AppMessage::VoteClose { vote: 1 }, Some(RunVotes)),
            (AppMessage::Screen { sharing: true }, Some(Present)),
            (AppMessage::Screen { sharing: false }, None),
            (AppMessage::ScreenShares { many: true }, Some(AllowManyShares)),
        ];
        for (message, expected) in cases {
            assert_eq!(message.required_permission(), expected, "{message:?}");
        }
    }
}
