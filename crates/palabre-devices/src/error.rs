//! Why a device could not be listed or opened, in words a user can act on.

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("no {kind} with id {id:?}: list the devices with `palabre-cli devices`")]
    NotFound { kind: &'static str, id: String },
    #[error("this computer has no {0}")]
    NoDefault(&'static str),
    #[error("the {kind} {name:?} cannot be opened: {detail}")]
    Unusable { kind: &'static str, name: String, detail: String },
    #[error("the audio system cannot list its devices: {0}")]
    Listing(String),
}
