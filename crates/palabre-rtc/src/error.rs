//! Every way a call can fail, each as one sentence a user can act on.

use palabre_core::signal::Refusal;
use palabre_core::LinkError;
use palabre_media::CodecError;

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("the meeting link is not valid: {0}")]
    BadLink(#[from] LinkError),
    #[error("cannot reach the room server at {address} ({detail}): check the link and your network connection")]
    Unreachable { address: String, detail: String },
    #[error(
        "the server at {address} is not the one the link names (its certificate fingerprint differs): \
         do not go on, and ask the organiser for a new link"
    )]
    WrongFingerprint { address: String },
    #[error("the room server refused to let you in: {0}")]
    Refused(Refusal),
    #[error("{0} rooms are not supported by this version of Palabre yet")]
    UnsupportedServer(&'static str),
    #[error("the room server closed the connection (it may have stopped): rejoin with the same link when it is back")]
    ServerGone,
    #[error("the room server did not answer in time ({0})")]
    Timeout(&'static str),
    #[error("the room server sent something this version does not understand ({0}): update Palabre")]
    Protocol(String),
    #[error("the media connection failed: {0}")]
    WebRtc(#[from] webrtc::Error),
    #[error("{0}")]
    Device(#[from] palabre_devices::DeviceError),
    #[error("cannot use {path}: {reason}")]
    MediaFile { path: String, reason: String },
    #[error("cannot record into {path}: {reason}")]
    Recording { path: String, reason: String },
    #[error("media processing failed: {0}")]
    Media(#[from] CodecError),
    #[error("the Janus room {0} does not exist on this server: check the room number in the link")]
    JanusRoomNotFound(u64),
    #[error("the Janus server refused the room's PIN (wrong or missing in the link): ask the organiser for a new link")]
    WrongPin,
    #[error("the room secret in the link is wrong: ask the organiser for a new link")]
    WrongSecret,
    #[error("the room is full (it already has as many participants sending media as it allows): try again later or ask the organiser to raise the limit")]
    RoomFull,
    #[error("the Janus server ended our session (it had not heard from us in time): rejoin with the same link")]
    SessionTimedOut,
    #[error("the Janus server refused: {reason} (Janus error {code})")]
    Janus { code: i64, reason: String },
}
