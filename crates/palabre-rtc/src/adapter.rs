//! The boundary between the call engine and a kind of room server.
//!
//! The engine owns media (encoding, decoding, stats) and the conference model; an adapter owns everything that
//! differs between servers: how to connect and authenticate, how tracks are published and subscribed, how
//! participants are announced and how app messages travel. Two adapters: Palabre's embedded server
//! (`embedded`) and a Janus VideoRoom (`janus`).

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use async_trait::async_trait;
use palabre_core::{Link, ParticipantId, ParticipantInfo, Role, RoomControl};
use tokio::sync::{mpsc, watch};
use webrtc::track::track_local::track_local_static_rtp::TrackLocalStaticRTP;
use webrtc::track::track_remote::TrackRemote;

use crate::embedded::EmbeddedRoom;
use crate::error::CallError;
use crate::janus::JanusRoom;
use crate::video_track::NegotiatedVideoTrack;

/// What the local participant sends, ready to be attached to a peer connection.
#[derive(Clone)]
pub struct LocalTracks {
    /// Opus, packetised by the engine itself (`opus_rtp`) so that DTX can leave silent frames out.
    pub audio: Option<Arc<TrackLocalStaticRTP>>,
    pub video: Option<Arc<NegotiatedVideoTrack>>,
    /// Set by the adapter when a receiver asks for a keyframe; cleared by the video encoder.
    pub keyframe_requested: Arc<AtomicBool>,
    /// The latest fraction of our audio packets lost (in 256ths), as the other end's RTCP reports say; the audio
    /// encoder's bitrate follows it (`palabre_core::AudioBitratePolicy`).
    pub audio_loss: Arc<watch::Sender<Option<u8>>>,
    /// The same for our camera video, whose bitrate follows it (`palabre_core::VideoBitratePolicy`).
    pub video_loss: Arc<watch::Sender<Option<u8>>>,
}

/// Asks the sender of a remote video track for a keyframe (after loss, or a decoder error).
pub type KeyframeRequester = Arc<dyn Fn() + Send + Sync>;

/// What an adapter reports, in the order it happened.
pub enum RoomEvent {
    /// The room has a lobby: we wait for a moderator.
    Waiting,
    Welcomed { you: ParticipantId, role: Role, name: String, participants: Vec<ParticipantInfo> },
    ParticipantJoined(ParticipantInfo),
    ParticipantLeft(ParticipantId),
    RoleChanged { id: ParticipantId, role: Role },
    /// Who waits in the lobby (told to those who may admit).
    LobbyChanged(Vec<ParticipantInfo>),
    /// The server did not do something we asked; the meeting goes on.
    Denied(String),
    /// Media from `owner` arrived.
    Track { owner: ParticipantId, track: Arc<TrackRemote>, request_keyframe: KeyframeRequester },
    /// An app message, as received (the engine's conference model decodes it).
    AppMessage(Vec<u8>),
    /// The connection to the room ended without us leaving.
    Closed(CallError),
}

/// A joined room, as the engine drives it.
#[async_trait]
pub trait RoomConnection: Send + Sync {
    /// Sends an encoded app message to the room (waits until the channel for it is open).
    async fn send_app_message(&self, text: String) -> Result<(), CallError>;
    /// Carries out moderation that only the room server can do.
    async fn control(&self, control: RoomControl) -> Result<(), CallError>;
    /// Round-trip time of the media transport, in milliseconds, when known.
    async fn round_trip_ms(&self) -> Option<f64>;
    /// Adds our screen-share track to what we publish (once per call; later shares reuse it). Keyframe requests
    /// for it raise `keyframe_requested`.
    async fn publish_screen(
        &self,
        track: Arc<TrackLocalStaticRTP>,
        keyframe_requested: Arc<AtomicBool>,
    ) -> Result<(), CallError> {
        let _ = (track, keyframe_requested);
        // Only the embedded server's adapter publishes a share so far.
        Err(CallError::UnsupportedServer("Janus (screen sharing)"))
    }
    /// Leaves the room and closes every connection.
    async fn leave(&self);
}

/// Joins the room a link names, publishing `local`, and reports what happens on `events`.
pub async fn connect(
    link: &Link,
    name: &str,
    local: &LocalTracks,
    events: mpsc::UnboundedSender<RoomEvent>,
) -> Result<Box<dyn RoomConnection>, CallError> {
    match link {
        Link::Embedded(link) => Ok(Box::new(EmbeddedRoom::connect(link, name, local, events).await?)),
        Link::Janus(link) => Ok(Box::new(JanusRoom::connect(link, name, local, events).await?)),
    }
}
