//! The pre-join device test the app shows: which devices there are, a live level meter for a microphone,
//! and a short sound on a speaker. Nothing here joins a call.
//!
//! ```ignore
//! let devices = palabre_rtc::device_test::devices()?;            // ids and names for the pickers
//! let mut meter = palabre_rtc::device_test::mic_level_meter(Some(&id))?;
//! while let Some(dbfs) = meter.levels.recv().await { /* draw */ } // every 100 ms; drop `meter` to stop
//! palabre_rtc::device_test::play_test_sound(Some(&speaker_id)).await?;
//! ```

use std::time::Duration;

use palabre_devices::{audio_devices, open_microphone, open_speaker, AudioDevices, Microphone};
use palabre_media::{level_dbfs, test_sound, AudioFrame, FRAME_MS, SILENCE_DBFS};
use tokio::sync::{mpsc, oneshot};

use crate::error::CallError;

/// Frames (20 ms) per meter reading: 100 ms, as fast as an eye follows.
const FRAMES_PER_READING: usize = 5;

/// The microphones and speakers, with the ids the other calls take.
pub fn devices() -> Result<AudioDevices, CallError> {
    Ok(audio_devices()?)
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
