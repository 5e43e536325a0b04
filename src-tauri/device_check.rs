//! The pre-join device check: which microphones and speakers there are, our camera as the others will see it
//! (over the same raw channel as a call's video), a live level meter for the chosen microphone (event
//! `mic-level`, ten readings a second), and a test sound on the chosen speaker.
//!
//! One preview and one meter at a time; they stop when the agent leaves the pre-join screen or joins, so that
//! the call can open the devices they hold.

pub use palabre_devices::AudioDevices as Devices;
pub use palabre_rtc::device_test::devices;
use palabre_rtc::device_test::{self, CameraPreview, MicLevelMeter};
use palabre_rtc::VideoSource;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::video_channel;

/// Our camera until the device layer lands: a moving test pattern, which the pre-join screen says it is.
pub const CAMERA: VideoSource = VideoSource::TestPattern { width: 640, height: 360, fps: 30 };

/// A reading of the meter, or what went wrong with the microphone.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum MicLevel {
    Level { dbfs: f32 },
    Problem { detail: String },
}

/// The checks running on the pre-join screen.
#[derive(Default)]
pub struct DeviceChecks {
    meter: TaskSlot,
    preview: TaskSlot,
}

impl DeviceChecks {
    /// Meters microphone `id` (None: the default), replacing the meter running before.
    pub async fn start_meter<R: Runtime>(&self, app: AppHandle<R>, id: Option<String>) -> Result<(), palabre_rtc::CallError> {
        self.meter.stop().await;
        let meter = device_test::mic_level_meter(id.as_deref())?;
        self.meter.run(tokio::spawn(forward_levels(app, meter))).await;
        Ok(())
    }

    /// Sends our camera's picture to `video`, replacing the preview running before.
    pub async fn start_preview(&self, video: Channel) -> Result<(), palabre_rtc::CallError> {
        self.preview.stop().await;
        if let Some(preview) = device_test::camera_preview(&CAMERA)? {
            self.preview.run(tokio::spawn(forward_preview(preview, video))).await;
        }
        Ok(())
    }

    /// Stops the meter and closes its microphone.
    pub async fn stop_meter(&self) {
        self.meter.stop().await;
    }

    pub async fn stop_preview(&self) {
        self.preview.stop().await;
    }

    /// Lets go of every device, for the call to open them.
    pub async fn stop_all(&self) {
        self.stop_meter().await;
        self.stop_preview().await;
    }
}

/// A task that holds a device while it runs; starting another stops it.
#[derive(Default)]
struct TaskSlot(Mutex<Option<JoinHandle<()>>>);

impl TaskSlot {
    async fn run(&self, task: JoinHandle<()>) {
        if let Some(before) = self.0.lock().await.replace(task) {
            before.abort();
        }
    }

    async fn stop(&self) {
        if let Some(task) = self.0.lock().await.take() {
            task.abort();
            // The device closes when the aborted task drops it.
            let _ = task.await;
        }
    }
}

async fn forward_levels<R: Runtime>(app: AppHandle<R>, mut meter: MicLevelMeter) {
    loop {
        let reading = tokio::select! {
            Some(dbfs) = meter.levels.recv() => MicLevel::Level { dbfs },
            Some(detail) = meter.problems.recv() => MicLevel::Problem { detail },
            else => return,
        };
        let _ = app.emit("mic-level", reading);
    }
}

async fn forward_preview(mut preview: CameraPreview, video: Channel) {
    tokio::select! {
        () = video_channel::forward(&mut preview.frames, video) => {}
        Some(problem) = preview.problems.recv() => tracing::warn!(%problem, "the camera preview stopped"),
    }
}
