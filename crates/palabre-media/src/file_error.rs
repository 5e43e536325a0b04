//! Why a media file (y4m, wav) could not be read or written.

/// A file Palabre cannot play or record; the message says what is wrong and, where it can, what to do.
#[derive(Debug, thiserror::Error)]
pub enum MediaFileError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The bytes are not a file of this format that Palabre can use.
    #[error("not a usable {format} file: {reason}")]
    Invalid { format: &'static str, reason: String },
}

impl MediaFileError {
    pub(crate) fn invalid(format: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid { format, reason: reason.into() }
    }
}
