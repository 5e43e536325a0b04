//! Palabre's call engine: joins a room by link, sends and receives media over WebRTC, carries the conference
//! model's app messages, and measures the call.
//!
//! ```text
//! join(CallOptions) ─> adapter::connect ─> RoomConnection (embedded, janus)
//!        │                                   │ RoomEvent
//!        ├─ local_media: sources → encoders → local tracks
//!        ├─ screen: a screen (or y4m file) → screen-mode encoder → a second video track, while we share
//!        ├─ remote_media: remote tracks → decoders → stats, recording, speaker
//!        ├─ video_feed: encoded frames, local and remote, for renderers that decode them (the app's webview)
//!        └─ call::Driver: RoomEvent / user actions → palabre_core::Conference → app messages, CallEvent
//! ```

pub mod adapter;
pub mod device_test;
mod audio_sequence;
pub mod call;
mod connections;
mod device_fallback;
mod embedded;
pub mod error;
mod janus;
mod opus_rtp;
pub mod playout;
pub mod local_media;
pub mod recording;
mod remote_media;
pub mod screen;
pub mod stats;
pub mod video_feed;
pub mod video_track;

pub use call::{join, join_with, Call, CallEvent, CallOptions, MediaOptions};
pub use error::{CallError, MediaError};
pub use local_media::{AudioSource, VideoSource};
pub use playout::SpeakerChoice;
pub use screen::{ScreenOptions, ScreenSource};
pub use stats::{CallStats, RemoteMedia};
pub use video_feed::{EncodedVideo, VideoOrigin};
/// The app sets what the microphone gets through [`MediaOptions::voice`].
pub use palabre_media::{VideoCodec, VoiceProcessing};
