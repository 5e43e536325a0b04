//! The microphone and speaker a call uses, and what happens when one goes: the user is told, and the call
//! switches to the system's default device of that kind (unless the lost one was the default), so that a headset
//! unplugged mid-sentence leaves the laptop's own microphone and speakers on. With no device of that kind left,
//! the call goes on without it.
//!
//! A device can go two ways: its stream fails (ALSA, WASAPI), or the audio system moves the stream to another
//! device by itself and nothing fails (PulseAudio 15 and later), which the user would not be told. So the
//! chosen device is also looked for in the device list every [`WATCH_EVERY`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use palabre_devices::{audio_devices, DeviceError, DeviceInfo, Microphone, Speaker};
use tokio::sync::mpsc;

/// How often a chosen device is looked for in the list: soon enough that the notice comes while the user still
/// wonders what happened, rarely enough that listing (a round trip to the audio server) costs nothing.
const WATCH_EVERY: Duration = Duration::from_secs(2);

/// A device of the kind this module switches.
pub(crate) trait CallDevice: Send + 'static {
    /// "microphone", "speaker": how the user's messages name the kind.
    const KIND: &'static str;
    /// What the call goes on without, in the user's words.
    const WITHOUT: &'static str;
    fn name(&self) -> &str;
    /// The devices of this kind the audio system lists now; None when it cannot say.
    fn listed() -> Option<Vec<DeviceInfo>>;
}

impl CallDevice for Microphone {
    const KIND: &'static str = "microphone";
    const WITHOUT: &'static str = "your microphone";
    fn name(&self) -> &str {
        &self.device.name
    }
    fn listed() -> Option<Vec<DeviceInfo>> {
        audio_devices().ok().map(|devices| devices.microphones)
    }
}

impl CallDevice for Speaker {
    const KIND: &'static str = "speaker";
    const WITHOUT: &'static str = "sound";
    fn name(&self) -> &str {
        &self.device.name
    }
    fn listed() -> Option<Vec<DeviceInfo>> {
        audio_devices().ok().map(|devices| devices.speakers)
    }
}

/// Opens a device by id (None: the default); its later problems go to the callback.
pub(crate) type Opener<D> = dyn Fn(Option<&str>, Box<dyn FnMut(String) + Send>) -> Result<D, DeviceError> + Send + Sync;

/// The chosen device and, after it was lost, the default one; they stop when this is dropped.
pub(crate) struct FallbackDevice<D> {
    _devices: Arc<Mutex<Vec<D>>>,
}

impl<D: CallDevice> FallbackDevice<D> {
    /// Opens device `id` (None: the default) with `open`; when it fails, `problems` is told in words.
    pub fn open(id: Option<&str>, open: Arc<Opener<D>>, problems: mpsc::UnboundedSender<String>) -> Result<Self, DeviceError> {
        let devices = Arc::new(Mutex::new(Vec::new()));
        let on_loss = Arc::new(Mutex::new(switch_to_default(id.is_some(), Arc::downgrade(&devices), open.clone(), problems)));
        let stream_failed = {
            let on_loss = on_loss.clone();
            move |problem: String| (on_loss.lock().expect("loss lock"))(problem)
        };
        let chosen = open(id, Box::new(stream_failed))?;
        tracing::info!(kind = D::KIND, device = chosen.name(), "device open");
        if let Some(id) = id {
            watch(id.to_owned(), chosen.name().to_owned(), Arc::downgrade(&devices), on_loss);
        }
        devices.lock().expect("devices lock").push(chosen);
        Ok(Self { _devices: devices })
    }
}

/// Looks for the chosen device `id` in the list until it is gone (then `on_loss` is told, once) or the call
/// lets go of its devices.
fn watch<D: CallDevice>(id: String, name: String, devices: Weak<Mutex<Vec<D>>>, on_loss: Arc<Mutex<impl FnMut(String) + Send + 'static>>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(WATCH_EVERY);
        if devices.strong_count() == 0 {
            return;
        }
        let gone = D::listed().is_some_and(|listed| listed.iter().all(|device| device.id != id));
        if gone {
            (on_loss.lock().expect("loss lock"))(format!("the {} {name:?} was unplugged", D::KIND));
            return;
        }
    });
}

/// What to do when the chosen device fails: once (the audio system may repeat its error), tell the user and open
/// the default one, from a thread of our own rather than the audio system's callback.
fn switch_to_default<D: CallDevice>(
    may_switch: bool,
    devices: Weak<Mutex<Vec<D>>>,
    open: Arc<Opener<D>>,
    problems: mpsc::UnboundedSender<String>,
) -> impl FnMut(String) + Send + 'static {
    let reported = AtomicBool::new(false);
    let without = format!("the call goes on without {}", D::WITHOUT);
    move |problem| {
        if reported.swap(true, Ordering::Relaxed) {
            return;
        }
        if !may_switch {
            let _ = problems.send(format!("{problem}; {without}"));
            return;
        }
        let (devices, open, problems, without) = (devices.clone(), open.clone(), problems.clone(), without.clone());
        std::thread::spawn(move || {
            let (lost_again, without_again) = (problems.clone(), without.clone());
            let on_loss = move |again: String| {
                let _ = lost_again.send(format!("{again}; {without_again}"));
            };
            match open(None, Box::new(on_loss)) {
                Ok(default) => {
                    let _ = problems.send(format!("{problem}; switched to the default {} {:?}", D::KIND, default.name()));
                    // The call may have ended meanwhile: then the default device closes here. The lost device's
                    // stream closes now: failed, or moved by the audio system to a device we now use ourselves.
                    if let Some(devices) = devices.upgrade() {
                        *devices.lock().expect("devices lock") = vec![default];
                    }
                }
                Err(error) => {
                    let _ = problems.send(format!("{problem}; {without} ({error})"));
                }
            }
        });
    }
}
