//! The pre-join device check: which microphones and speakers there are, a live level meter for the chosen
//! microphone (event `mic-level`, ten readings a second), and a test sound on the chosen speaker.
//!
//! One meter at a time; it stops when the agent leaves the pre-join screen (`stop_mic_meter`) or joins.

pub use palabre_devices::AudioDevices as Devices;
pub use palabre_rtc::device_test::devices;
use palabre_rtc::device_test::{self, MicLevelMeter};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

/// A reading of the meter, or what went wrong with the microphone.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum MicLevel {
    Level { dbfs: f32 },
    Problem { detail: String },
}

/// The running meter, if any.
#[derive(Default)]
pub struct MeterSlot(Mutex<Option<JoinHandle<()>>>);

impl MeterSlot {
    /// Meters microphone `id` (None: the default), replacing the meter running before.
    pub async fn start<R: Runtime>(&self, app: AppHandle<R>, id: Option<String>) -> Result<(), palabre_rtc::CallError> {
        self.stop().await;
        let meter = device_test::mic_level_meter(id.as_deref())?;
        *self.0.lock().await = Some(tokio::spawn(forward(app, meter)));
        Ok(())
    }

    /// Stops the meter and closes its microphone.
    pub async fn stop(&self) {
        if let Some(task) = self.0.lock().await.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

async fn forward<R: Runtime>(app: AppHandle<R>, mut meter: MicLevelMeter) {
    loop {
        let reading = tokio::select! {
            Some(dbfs) = meter.levels.recv() => MicLevel::Level { dbfs },
            Some(detail) = meter.problems.recv() => MicLevel::Problem { detail },
            else => return,
        };
        let _ = app.emit("mic-level", reading);
    }
}
