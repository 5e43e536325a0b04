//! Who is in a room, as the room server vouches for them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A participant's id, given by the room server and unique within a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ParticipantId(pub u64);

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.0)
    }
}

/// Roles of a French public meeting, from most to least rights. The server decides them (a host link's token
/// makes an animateur); a peer's own claim is never trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Animateur,
    Moderateur,
    Intervenant,
    ParticipantActif,
    ParticipantPassif,
}

/// A participant as the server announces them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantInfo {
    pub id: ParticipantId,
    pub name: String,
    pub role: Role,
}
