//! Palabre's conference model, sans-IO.
//!
//! Everything here is pure: no async runtime, no sockets, no threads, no clock. Drivers (the call engine, the
//! embedded server, the desktop shell) feed inputs in and carry outputs out; time arrives as a value.

pub mod attendance;
pub mod audio_bitrate;
pub mod break_timer;
pub mod chat_text;
pub mod conference;
pub mod hand_queue;
pub mod link;
pub mod loss;
pub mod message;
pub mod names;
pub mod participant;
pub mod permissions;
pub mod screen_share;
pub mod signal;
pub mod video_bitrate;
pub mod vote;

#[cfg(test)]
mod meeting_tests;

pub use attendance::{AttendanceEvent, AttendanceKind};
pub use audio_bitrate::{AudioBitrate, AudioBitratePolicy};
pub use chat_text::Segment;
pub use conference::{ChatEntry, Change, Conference, Input, Millis, ModeratorAction, Output, Participant, RoomControl};
pub use link::{EmbeddedLink, Fingerprint, JanusLink, Link, LinkError};
pub use message::{AppMessage, Envelope, WireError};
pub use participant::{ParticipantId, ParticipantInfo, Role};
pub use permissions::Permission;
pub use video_bitrate::VideoBitratePolicy;
pub use vote::{Answer, Proxy, Vote, VoteError};
