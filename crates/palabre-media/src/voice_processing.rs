//! Echo cancellation, noise suppression and automatic gain for the microphone, through `sonora` (a pure-Rust
//! port of WebRTC's audio processing: AEC3, NS, AGC2), so it builds the same on every platform with no C
//! toolchain. The echo canceller learns from what the speaker plays (`far_end`) and removes it from what the
//! microphone hears (`near_end`); it finds the delay between the two itself.

use sonora::config::{EchoCanceller, GainController2, HighPassFilter, NoiseSuppression};
use sonora::{AudioProcessing, Config, StreamConfig};

use crate::frame::{AudioFrame, FRAME_SAMPLES, SAMPLE_RATE};

/// Which processing the microphone gets. All on by default: what a call in a real room needs. A part left out of
/// a saved setting is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct VoiceProcessing {
    pub echo_cancellation: bool,
    pub noise_suppression: bool,
    pub auto_gain: bool,
}

impl Default for VoiceProcessing {
    fn default() -> Self {
        Self { echo_cancellation: true, noise_suppression: true, auto_gain: true }
    }
}

impl VoiceProcessing {
    /// Nothing at all: the microphone as it is (for measuring, or a studio microphone).
    pub const OFF: Self = Self { echo_cancellation: false, noise_suppression: false, auto_gain: false };

    pub fn any(self) -> bool {
        self.echo_cancellation || self.noise_suppression || self.auto_gain
    }
}

/// The processor works on 10 ms; our frames are 20 ms.
const CHUNK: usize = FRAME_SAMPLES / 2;

/// One call's processor: the speaker's thread feeds `far_end`, the sending task `near_end`.
pub struct VoiceProcessor {
    apm: AudioProcessing,
    samples: Vec<f32>,
    processed: Vec<f32>,
}

impl VoiceProcessor {
    pub fn new(settings: VoiceProcessing) -> Self {
        let config = Config {
            // Low rumble (desks, traffic) is never voice; WebRTC filters it whenever it processes.
            high_pass_filter: settings.any().then(HighPassFilter::default),
            echo_canceller: settings.echo_cancellation.then(EchoCanceller::default),
            noise_suppression: settings.noise_suppression.then(NoiseSuppression::default),
            gain_controller2: settings.auto_gain.then(GainController2::default),
            ..Config::default()
        };
        let stream = StreamConfig::new(SAMPLE_RATE, 1);
        let apm = AudioProcessing::builder().config(config).capture_config(stream).render_config(stream).build();
        Self { apm, samples: vec![0.0; FRAME_SAMPLES], processed: vec![0.0; FRAME_SAMPLES] }
    }

    /// What the speaker is about to play: the echo to expect.
    pub fn far_end(&mut self, frame: &AudioFrame) {
        self.load(frame);
        for (chunk, out) in self.samples.chunks(CHUNK).zip(self.processed.chunks_mut(CHUNK)) {
            // Only a wrong chunk length fails, and ours are fixed.
            let _ = self.apm.process_render_f32(&[chunk], &mut [out]);
        }
    }

    /// A frame from the microphone, processed in place.
    pub fn near_end(&mut self, frame: &mut AudioFrame) {
        self.load(frame);
        for (chunk, out) in self.samples.chunks(CHUNK).zip(self.processed.chunks_mut(CHUNK)) {
            if self.apm.process_capture_f32(&[chunk], &mut [out]).is_err() {
                out.copy_from_slice(chunk);
            }
        }
        for (sample, &value) in frame.samples.iter_mut().zip(&self.processed) {
            *sample = (value * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
        }
    }

    fn load(&mut self, frame: &AudioFrame) {
        self.samples.clear();
        self.samples.extend(frame.samples.iter().map(|&s| f32::from(s) / 32768.0));
        self.samples.resize(FRAME_SAMPLES, 0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn energy(frames: &[AudioFrame]) -> f64 {
        frames.iter().flat_map(|f| &f.samples).map(|&s| f64::from(s).powi(2)).sum()
    }

    /// The far end's sound, reaching the microphone 30 ms later at half strength, is mostly removed; with the
    /// processing off it goes through untouched.
    #[test]
    fn an_echo_of_the_speaker_is_removed_from_the_microphone() {
        // Broadband like speech (a pure tone would leave the delay ambiguous): seeded noise.
        let mut state = 0x2545_f491_u32;
        let far: Vec<AudioFrame> = (0..250)
            .map(|_| {
                let samples = (0..FRAME_SAMPLES)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 17;
                        state ^= state << 5;
                        (state >> 16) as i16 / 4
                    })
                    .collect();
                AudioFrame { samples }
            })
            .collect();
        let echo = |index: usize| -> AudioFrame {
            let delayed = |i: usize| if index >= i { far[index - i].samples.clone() } else { vec![0; FRAME_SAMPLES] };
            // 30 ms: half of the frame before last, then the last.
            let (before, last) = (delayed(2), delayed(1));
            let joined: Vec<i16> = before[FRAME_SAMPLES / 2..].iter().chain(&last[..FRAME_SAMPLES / 2]).map(|&s| s / 2).collect();
            AudioFrame { samples: joined }
        };
        let run = |settings: VoiceProcessing| -> Vec<AudioFrame> {
            let mut processor = VoiceProcessor::new(settings);
            (0..far.len())
                .map(|index| {
                    processor.far_end(&far[index]);
                    let mut heard = echo(index);
                    processor.near_end(&mut heard);
                    heard
                })
                .collect()
        };
        let untouched = energy(&run(VoiceProcessing::OFF)[150..]);
        let cancelled = energy(&run(VoiceProcessing { echo_cancellation: true, ..VoiceProcessing::OFF })[150..]);
        let reduction_db = 10.0 * (untouched / cancelled.max(1.0)).log10();
        println!("echo reduced by {reduction_db:.1} dB");
        assert!(reduction_db > 10.0, "only {reduction_db:.1} dB");
        let off = run(VoiceProcessing::OFF);
        assert_eq!(off[100], echo(100), "nothing is changed when all is off");
    }
}
