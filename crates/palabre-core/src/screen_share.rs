//! Who shares a screen, and whether someone else may start.
//!
//! One rule, applied in the same order by everyone: the room server (which refuses a share it would break) and
//! every client (which ignores a relayed share that breaks it, so a server that does not enforce the rule changes
//! nothing). Only a role with [`Permission::Present`] shares; one share at a time unless the animateur allowed
//! more with a `screen-shares` message. Shares are kept in the order they started.

use crate::permissions::Permission;

/// The id a sharer gives its screen's video track, so that servers and receivers tell it from the camera.
pub const SCREEN_TRACK_ID: &str = "screen";

/// Whether a track carries a screen share: ours as sent (`screen`), or as a server forwards it under a name of
/// its own that ends the same way (`7-screen` on Palabre's server).
pub fn is_screen_track(track_id: &str) -> bool {
    track_id == SCREEN_TRACK_ID || track_id.ends_with("-screen")
}
use crate::{ParticipantId, Role};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScreenShares {
    sharers: Vec<ParticipantId>,
    many_allowed: bool,
}

/// Whether a share changed what receivers show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareChange {
    Started,
    Stopped,
    /// Already in that state (a repeated message).
    Unchanged,
}

impl ScreenShares {
    /// Whether `who`, with `role`, may start sharing now; the error is one sentence for them.
    pub fn may_start(&self, who: ParticipantId, role: Role) -> Result<(), String> {
        if !role.may(Permission::Present) {
            return Err(role.refusal(Permission::Present));
        }
        match self.sharers.iter().find(|&&id| id != who) {
            Some(other) if !self.many_allowed => {
                Err(format!("someone else ({other}) is already sharing a screen, and the animateur allows one share at a time"))
            }
            _ => Ok(()),
        }
    }

    /// Starts `who`'s share if the rule allows it.
    pub fn start(&mut self, who: ParticipantId, role: Role) -> Result<ShareChange, String> {
        if self.is_sharing(who) {
            return Ok(ShareChange::Unchanged);
        }
        self.may_start(who, role)?;
        self.sharers.push(who);
        Ok(ShareChange::Started)
    }

    /// Ends `who`'s share (they stopped, left, or lost the right to present).
    pub fn stop(&mut self, who: ParticipantId) -> ShareChange {
        let before = self.sharers.len();
        self.sharers.retain(|&id| id != who);
        if self.sharers.len() < before {
            ShareChange::Stopped
        } else {
            ShareChange::Unchanged
        }
    }

    /// The animateur's choice; shares already running go on either way.
    pub fn set_many_allowed(&mut self, many: bool) {
        self.many_allowed = many;
    }

    pub fn many_allowed(&self) -> bool {
        self.many_allowed
    }

    pub fn is_sharing(&self, who: ParticipantId) -> bool {
        self.sharers.contains(&who)
    }

    /// Who shares, first started first.
    pub fn sharers(&self) -> &[ParticipantId] {
        &self.sharers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: ParticipantId = ParticipantId(1);
    const B: ParticipantId = ParticipantId(2);

    #[test]
    fn screen_tracks_are_told_from_cameras_by_their_id() {
        assert!(is_screen_track(SCREEN_TRACK_ID) && is_screen_track("7-screen"));
        assert!(!is_screen_track("7-video") && !is_screen_track("screenshot"));
    }

    #[test]
    fn only_intervenant_and_up_may_share() {
        let mut shares = ScreenShares::default();
        for role in [Role::ParticipantActif, Role::ParticipantPassif] {
            let refusal = shares.start(A, role).unwrap_err();
            assert!(refusal.contains("share a screen"), "{refusal}");
        }
        assert_eq!(shares.start(A, Role::Intervenant), Ok(ShareChange::Started));
        assert_eq!(shares.sharers(), [A]);
    }

    #[test]
    fn one_share_at_a_time_until_the_animateur_allows_more() {
        let mut shares = ScreenShares::default();
        shares.start(A, Role::Intervenant).unwrap();
        let refusal = shares.start(B, Role::Animateur).unwrap_err();
        assert!(refusal.contains("(p1) is already sharing"), "{refusal}");
        assert_eq!(shares.start(A, Role::Intervenant), Ok(ShareChange::Unchanged), "a repeated start is harmless");

        shares.set_many_allowed(true);
        assert_eq!(shares.start(B, Role::Moderateur), Ok(ShareChange::Started));
        assert_eq!(shares.sharers(), [A, B]);

        // Going back to one share leaves running shares alone but lets no third one in.
        shares.set_many_allowed(false);
        assert!(shares.may_start(ParticipantId(3), Role::Animateur).is_err());
        assert_eq!(shares.stop(A), ShareChange::Stopped);
        assert!(shares.may_start(ParticipantId(3), Role::Animateur).is_err(), "B still shares");
        assert_eq!(shares.stop(B), ShareChange::Stopped);
        assert_eq!(shares.stop(B), ShareChange::Unchanged);
        assert!(shares.may_start(ParticipantId(3), Role::Intervenant).is_ok());
    }
}
