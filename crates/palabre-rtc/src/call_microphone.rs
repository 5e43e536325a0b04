//! The microphone a call sends, and what happens when it goes: the user is told, and the call switches to the
//! system's default microphone (unless the lost one was the default), so that a headset unplugged mid-sentence
//! leaves the laptop's own microphone on. Without any microphone left the call goes on silent.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use palabre_devices::{open_microphone, DeviceError, Microphone};
use palabre_media::AudioFrame;
use tokio::sync::mpsc;

/// The chosen microphone and, after it was lost, the default one; they stop when this is dropped.
pub struct CallMicrophone {
    _devices: Arc<Mutex<Vec<Microphone>>>,
}

/// Opens microphone `id` (None: the default), its frames going to `frames` and what happens to it to `problems`.
pub fn open_call_microphone(
    id: Option<&str>,
    frames: mpsc::UnboundedSender<AudioFrame>,
    problems: mpsc::UnboundedSender<String>,
) -> Result<CallMicrophone, DeviceError> {
    let devices = Arc::new(Mutex::new(Vec::new()));
    let on_loss = switch_to_default(id.is_some(), Arc::downgrade(&devices), frames.clone(), problems);
    let chosen = open_microphone(id, send_to(frames), on_loss)?;
    tracing::info!(device = %chosen.device.id, rate = chosen.rate, channels = chosen.channels, "microphone open");
    devices.lock().expect("microphones lock").push(chosen);
    Ok(CallMicrophone { _devices: devices })
}

fn send_to(frames: mpsc::UnboundedSender<AudioFrame>) -> impl FnMut(AudioFrame) + Send + 'static {
    move |frame| {
        let _ = frames.send(frame);
    }
}

/// What to do when the chosen microphone fails: once (the audio system may repeat its error), tell the user and
/// open the default one, from a thread of our own rather than the audio system's callback.
fn switch_to_default(
    may_switch: bool,
    devices: Weak<Mutex<Vec<Microphone>>>,
    frames: mpsc::UnboundedSender<AudioFrame>,
    problems: mpsc::UnboundedSender<String>,
) -> impl FnMut(String) + Send + 'static {
    let reported = AtomicBool::new(false);
    move |problem| {
        if reported.swap(true, Ordering::Relaxed) {
            return;
        }
        if !may_switch {
            let _ = problems.send(format!("{problem}; the call goes on without your microphone"));
            return;
        }
        let (devices, frames, problems) = (devices.clone(), frames.clone(), problems.clone());
        std::thread::spawn(move || {
            let lost_again = problems.clone();
            let on_loss = move |again: String| {
                let _ = lost_again.send(format!("{again}; the call goes on without your microphone"));
            };
            match open_microphone(None, send_to(frames), on_loss) {
                Ok(default) => {
                    let _ = problems.send(format!("{problem}; switched to the default microphone {:?}", default.device.name));
                    // The call may have ended meanwhile: then the default microphone closes here.
                    if let Some(devices) = devices.upgrade() {
                        devices.lock().expect("microphones lock").push(default);
                    }
                }
                Err(error) => {
                    let _ = problems.send(format!("{problem}; the call goes on without your microphone ({error})"));
                }
            }
        });
    }
}
