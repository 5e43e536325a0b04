//! Palabre's hardware: microphones and speakers through `cpal`, listed with stable ids and opened as streams
//! of 48 kHz mono 20 ms frames whatever the device's own rate and channel count; cameras through `nokhwa`,
//! opened in the mode nearest 1280×720 at 30 fps and delivered as I420 frames.
//!
//! Kept apart from `palabre-media` so that codecs, files and the pure audio logic build and test without any
//! audio system; this crate is the only one that talks to one. On Linux, devices come from the PulseAudio
//! server (also PipeWire's pulse service) when one runs, else from ALSA.
//!
//! ```text
//! device callback ─> CaptureFrames (downmix, resample, cut in 20 ms) ─> on_frame(AudioFrame)
//! device callback <─ PlaybackFeed (resample, upmix) <─ next_frame() -> AudioFrame   (the playout mixer)
//! camera thread ─> palabre_media::to_i420 (YUYV, MJPEG, NV12) ─> on_frame(VideoFrame)
//! ```

mod camera;
mod camera_mode;
mod capture;
mod error;
mod list;
mod playback;
mod stream;

pub use crate::camera::{cameras, open_camera, Camera};
pub use crate::camera_mode::{choose_mode, CameraMode};
pub use crate::capture::CaptureFrames;
pub use crate::error::DeviceError;
pub use crate::list::{audio_devices, AudioDevices, DeviceInfo};
pub use crate::playback::PlaybackFeed;
pub use crate::stream::{open_microphone, open_speaker, Microphone, Speaker};
