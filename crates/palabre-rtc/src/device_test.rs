//! The pre-join device test the app shows: which devices there are, our camera as the others will see it, a
//! live level meter for a microphone, and a short sound on a speaker. Nothing here joins a call.
//!
//! ```ignore
//! let devices = palabre_rtc::device_test::devices()?;            // ids and names for the pickers
//! let mut preview = palabre_rtc::device_test::camera_preview(&camera)?;   // None without a camera
//! while let Ok(frame) = preview.frames.recv().await { /* decode, draw */ } // drop `preview` to stop
//! let mut meter = palabre_rtc::device_test::mic_level_meter(Some(&id))?;
//! while let Some(dbfs) = meter.levels.recv().await { /* draw */ } // every 100 ms; drop `meter` to stop
//! palabre_rtc::device_test::play_test_sound(Some(&speaker_id)).await?;
//! ```

use std::time::Duration;

use palabre_devices::{audio_devices, open_microphone, open_speaker, AudioDevices, Microphone};
use palabre_media::{level_dbfs, test_sound, AudioFrame, FRAME_MS, SILENCE_DBFS};
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::error::CallError;
use crate::local_media::{start_preview, VideoSource};
use crate::video_feed::{EncodedVideo, VideoFeed};

/// Frames (20 ms) per meter reading: 100 ms, as fast as an eye follows.
const FRAMES_PER_READING: usize = 5;

/// The microphones and speakers, with the ids the other calls take.
pub fn devices() -> Result<AudioDevices, CallError> {
    Ok(audio_devices()?)
}

/// Our video, encoded as a call sends it (VP8 at the call's size and rate), so that a renderer that draws the call
/// draws the preview the same way. Dropping it stops the camera.
pub struct CameraPreview {
    pub frames: broadcast::Receiver<EncodedVideo>,
    /// Device problems after opening (unplugged), in words.
    pub problems: mpsc::UnboundedReceiver<String>,
    task: JoinHandle<Result<(), CallError>>,
}

impl Drop for CameraPreview {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts previewing `video` (a camera, or what stands in for one); `None` when it is [`VideoSource::None`].
/// A source that cannot be opened is the same error a call would give, before any call.
pub fn camera_preview(video: &VideoSource) -> Result<Option<CameraPreview>, CallError> {
    let feed = VideoFeed::new();
    // Subscribed before the first frame, which is the keyframe a decoder needs to start.
    let frames = feed.subscribe();
    let (problems_tx, problems) = mpsc::unbounded_channel();
    Ok(start_preview(video, feed, problems_tx)?.map(|task| CameraPreview { frames, problems, task }))
}

/// A microphone being metered; dropping it closes the microphone.
pub struct MicLevelMeter {
    /// Loudness in dBFS (RMS over 100 ms; [`SILENCE_DBFS`] for silence), ten readings a second.
    pub levels: mpsc::UnboundedReceiver<f32>,
    /// Device problems after opening (unplugged), in words.
    pub problems: mpsc::UnboundedReceiver<String>,
    pub device: palabre_devices::DeviceInfo,
    _microphone: Microphone,
}

/// Opens microphone `id` (None: the default) and reports its level.
pub fn mic_level_meter(id: Option<&str>) -> Result<MicLevelMeter, CallError> {
    let (levels_tx, levels) = mpsc::unbounded_channel();
    let (problems_tx, problems) = mpsc::unbounded_channel();
    let mut loudest = SILENCE_DBFS;
    let mut frames = 0;
    let microphone = open_microphone(
        id,
        move |frame: AudioFrame| {
            // The loudest 20 ms of each reading: a meter that averages hides the peaks that clip.
            loudest = loudest.max(level_dbfs(&frame));
            frames += 1;
            if frames == FRAMES_PER_READING {
                let _ = levels_tx.send(loudest);
                (loudest, frames) = (SILENCE_DBFS, 0);
            }
        },
        move |problem| {
            let _ = problems_tx.send(problem);
        },
    )?;
    Ok(MicLevelMeter { levels, problems, device: microphone.device.clone(), _microphone: microphone })
}

/// Plays the test sound (two notes, about a second) on speaker `id` (None: the default) and returns once it
/// has played.
pub async fn play_test_sound(id: Option<&str>) -> Result<(), CallError> {
    let mut frames = test_sound().into_iter();
    let (done_tx, done) = oneshot::channel();
    let mut done_tx = Some(done_tx);
    let duration = Duration::from_millis(FRAME_MS * frames.len() as u64);
    let speaker = open_speaker(
        id,
        move || match frames.next() {
            Some(frame) => frame,
            None => {
                if let Some(done) = done_tx.take() {
                    let _ = done.send(());
                }
                AudioFrame::silence()
            }
        },
        |_| {},
    )?;
    // The device pulls the sound at its own pace; a device that stops pulling must not hang the app.
    let _ = tokio::time::timeout(duration * 3 + Duration::from_secs(1), done).await;
    drop(speaker);
    Ok(())
}
