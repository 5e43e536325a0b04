//! Signalling between a participant and Palabre's embedded room server, over its WebSocket (one JSON object per
//! text frame, tagged by `type`).
//!
//! Each participant has two peer connections with the server, as LiveKit and Janus do: a *publish* connection
//! that the participant offers (its own tracks and the app-message data channel) and never renegotiates, and a
//! *subscribe* connection that only the server offers, renegotiated as others come and go. With one offerer per
//! connection there is no glare to resolve. ICE candidates travel inside the SDP (gathering completes first).

use serde::{Deserialize, Serialize};

use crate::{ParticipantId, ParticipantInfo, Role};

/// Sent by a participant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ClientSignal {
    /// First message: who I am and what lets me in.
    Join { protocol: u64, room: String, token: String, name: String },
    PublishOffer { sdp: String },
    SubscribeAnswer { sdp: String },
    /// Moderation the server carries out itself; it checks the sender's role first.
    Admit { id: ParticipantId },
    Refuse { id: ParticipantId },
    Lock { locked: bool },
    Remove { id: ParticipantId },
    SetRole { id: ParticipantId, role: Role },
    Leave,
}

/// Sent by the room server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ServerSignal {
    /// You are in: your id, the role the server vouches for, your name as others see it, and who is already here.
    Welcome { you: ParticipantId, role: Role, name: String, participants: Vec<ParticipantInfo> },
    /// Why the server will not let you in (or keep you in); the connection closes after it.
    Refused { reason: Refusal },
    /// The room has a lobby: wait until a moderator admits you (then `welcome`) or refuses you (`refused`).
    Waiting,
    /// To moderators: who is waiting in the lobby, in order of arrival.
    Lobby { waiting: Vec<ParticipantInfo> },
    RoleChanged { id: ParticipantId, role: Role },
    /// Something you asked was not done; the meeting goes on.
    Denied { reason: String },
    PublishAnswer { sdp: String },
    SubscribeOffer { sdp: String },
    ParticipantJoined { participant: ParticipantInfo },
    ParticipantLeft { id: ParticipantId },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "kebab-case")]
pub enum Refusal {
    #[error("this room does not exist on the server: check the link")]
    UnknownRoom,
    #[error("the link's access token is not valid for this room: ask the organiser for a new link")]
    BadToken,
    #[error("a display name is required")]
    BadName,
    #[error("the server speaks another protocol version: update Palabre")]
    ProtocolVersion,
    #[error("the server did not understand this client: update Palabre")]
    BadRequest,
    #[error("the room is locked: ask the organiser to unlock it")]
    Locked,
    #[error("a moderator did not let you in")]
    NotAdmitted,
    #[error("a moderator removed you from the meeting")]
    Removed,
}

impl ClientSignal {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("signals serialise")
    }
}

impl ServerSignal {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("signals serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_round_trip_as_tagged_json() {
        let join = ClientSignal::Join { protocol: 1, room: "R".into(), token: "t".into(), name: "Ana".into() };
        assert_eq!(serde_json::from_str::<ClientSignal>(&join.to_json()).unwrap(), join);
        assert!(join.to_json().starts_with(r#"{"type":"join""#));
        let refused = ServerSignal::Refused { reason: Refusal::BadToken };
        assert_eq!(refused.to_json(), r#"{"type":"refused","reason":"bad-token"}"#);
    }

    #[test]
    fn unknown_signal_is_an_error() {
        assert!(serde_json::from_str::<ClientSignal>(r#"{"type":"dance"}"#).is_err());
    }
}
