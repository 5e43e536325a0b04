//! What we hear: every remote participant's audio mixed and played on a speaker. The speaker's callback pulls
//! 20 ms at a time from the shared [`PlayoutMixer`] (jitter buffers, FEC, concealment), so the device's clock
//! paces the playout; the receive tasks only queue packets.

use std::sync::{Arc, Mutex};

use palabre_devices::{open_speaker, Speaker};

use crate::device_fallback::FallbackDevice;
use palabre_media::{PlayoutMixer, VoiceProcessor};
use tokio::sync::mpsc;

use crate::error::CallError;

/// Where received audio is played.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SpeakerChoice {
    /// Not played (headless participants, tests).
    #[default]
    None,
    /// The system's default speaker.
    Default,
    /// A speaker by its id from `palabre_devices::audio_devices`.
    Device(String),
}

/// A running speaker and the mixer it plays.
pub struct SpeakerPlayout {
    pub mixer: Arc<Mutex<PlayoutMixer>>,
    _speaker: FallbackDevice<Speaker>,
}

impl SpeakerPlayout {
    /// Opens the chosen speaker (None for [`SpeakerChoice::None`]); what it plays is also given to `voice` (the
    /// microphone's echo canceller). Later device problems go to `problems`.
    pub fn start(
        choice: &SpeakerChoice,
        voice: Option<Arc<Mutex<VoiceProcessor>>>,
        problems: mpsc::UnboundedSender<String>,
    ) -> Result<Option<Self>, CallError> {
        let id = match choice {
            SpeakerChoice::None => return Ok(None),
            SpeakerChoice::Default => None,
            SpeakerChoice::Device(id) => Some(id.as_str()),
        };
        let mixer = Arc::new(Mutex::new(PlayoutMixer::default()));
        let playing = mixer.clone();
        // The default speaker, after a switch, plays the same mixer.
        let open = move |id: Option<&str>, on_problem: Box<dyn FnMut(String) + Send>| {
            let (playing, voice) = (playing.clone(), voice.clone());
            let next_frame = move || {
                let frame = playing.lock().expect("mixer lock").next_frame();
                if let Some(voice) = &voice {
                    voice.lock().expect("voice lock").far_end(&frame);
                }
                frame
            };
            open_speaker(id, next_frame, on_problem)
        };
        let speaker = FallbackDevice::open(id, Arc::new(open), problems)?;
        Ok(Some(Self { mixer, _speaker: speaker }))
    }
}
