//! The one error type of this crate's codecs.

/// Why encoding or decoding failed.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// libopus refused a call; the source names the call and its reason.
    #[error("Opus codec failed: {0}")]
    Opus(#[from] ::opus::Error),
    /// A libvpx call returned an error status.
    #[error("libvpx {call} failed with code {code}: {detail}")]
    Vpx {
        /// The libvpx function that failed.
        call: &'static str,
        /// Its `vpx_codec_err_t` status.
        code: i32,
        /// libvpx's own words for the failure.
        detail: String,
    },
    /// OpenH264 refused a call; its own words.
    #[error("OpenH264 failed: {0}")]
    OpenH264(String),
    /// A frame or packet does not have the shape the codec expects.
    #[error("invalid frame: {0}")]
    InvalidFrame(String),
    /// An encoder was asked for settings it cannot use.
    #[error("invalid codec configuration: {0}")]
    InvalidConfig(String),
}
