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
    /// No pinned certificate in the link, and no authority this computer trusts vouches for the server's.
    #[error(
        "the server at {address} has a security certificate this computer does not trust ({detail}): \
         do not go on; ask your IT support, or the organiser for a link with the server's fingerprint (fp=)"
    )]
    UntrustedCertificate { address: String, detail: String },
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
    /// Our own media: a codec, a source file, a device, a recording. One variant so that the app's exhaustive
    /// list of call errors stays as it is while media grows; `code()` still tells the kinds apart.
    #[error("{0}")]
    Media(MediaError),
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

/// What went wrong with our own media.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("media processing failed: {0}")]
    Codec(#[from] CodecError),
    #[error("{0}")]
    Device(#[from] palabre_devices::DeviceError),
    #[error("cannot use {path}: {reason}")]
    File { path: String, reason: String },
    #[error("cannot record into {path}: {reason}")]
    Recording { path: String, reason: String },
    #[error("cannot share the screen: {0}")]
    Screen(#[from] palabre_screen::ScreenError),
}

impl From<CodecError> for CallError {
    fn from(error: CodecError) -> Self {
        CallError::Media(MediaError::Codec(error))
    }
}

impl From<palabre_devices::DeviceError> for CallError {
    fn from(error: palabre_devices::DeviceError) -> Self {
        CallError::Media(MediaError::Device(error))
    }
}

impl From<MediaError> for CallError {
    fn from(error: MediaError) -> Self {
        CallError::Media(error)
    }
}

impl CallError {
    /// A stable name for the kind of failure, for a UI that words it in the user's language (the sentences above
    /// are English, for logs and support staff). A refusal is named after its reason: `refused-locked`, …
    pub fn code(&self) -> String {
        let code = match self {
            CallError::BadLink(error) => return format!("link-{}", error.code()),
            CallError::Refused(refusal) => {
                let reason = serde_json::to_value(refusal).ok().and_then(|v| v.as_str().map(str::to_owned));
                return format!("refused-{}", reason.unwrap_or_default());
            }
            CallError::Unreachable { .. } => "unreachable",
            CallError::WrongFingerprint { .. } => "wrong-fingerprint",
            CallError::UntrustedCertificate { .. } => "untrusted-certificate",
            CallError::UnsupportedServer(_) => "unsupported-server",
            CallError::ServerGone => "server-gone",
            CallError::Timeout(_) => "timeout",
            CallError::Protocol(_) => "protocol",
            CallError::WebRtc(_) => "media-connection",
            CallError::Media(MediaError::Codec(_)) => "media",
            CallError::Media(MediaError::Device(error)) => match error {
                palabre_devices::DeviceError::NotFound { .. } => "device-not-found",
                palabre_devices::DeviceError::NoDefault(_) => "device-none",
                palabre_devices::DeviceError::Unusable { .. } => "device-unusable",
                palabre_devices::DeviceError::Listing(_) => "device-listing",
            },
            CallError::Media(MediaError::File { .. }) => "media-file",
            CallError::Media(MediaError::Recording { .. }) => "recording",
            CallError::Media(MediaError::Screen(_)) => "screen-capture",
            CallError::JanusRoomNotFound(_) => "room-not-found",
            CallError::WrongPin => "wrong-pin",
            CallError::WrongSecret => "wrong-secret",
            CallError::RoomFull => "room-full",
            CallError::SessionTimedOut => "session-timed-out",
            CallError::Janus { .. } => "janus",
        };
        code.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_name_the_kind_and_the_refusal_reason() {
        assert_eq!(CallError::Refused(Refusal::NotAdmitted).code(), "refused-not-admitted");
        assert_eq!(CallError::Refused(Refusal::BadToken).code(), "refused-bad-token");
        assert_eq!(CallError::BadLink(LinkError::MissingToken).code(), "link-missing-token");
        assert_eq!(CallError::WrongFingerprint { address: "h:1".into() }.code(), "wrong-fingerprint");
        assert_eq!(CallError::ServerGone.code(), "server-gone");
    }
}
