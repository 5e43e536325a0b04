//! From a device's capture callback to Palabre's frames: channels averaged to mono, the device's rate
//! converted to 48 kHz, and the result cut into 20 ms frames. Pure, so it is tested without a device.

use palabre_media::{AudioFrame, StreamResampler, FRAME_SAMPLES, SAMPLE_RATE};

pub struct CaptureFrames {
    channels: usize,
    resampler: StreamResampler,
    mono: Vec<f32>,
    at_48k: Vec<f32>,
}

impl CaptureFrames {
    pub fn new(device_rate: u32, channels: u16) -> Result<Self, String> {
        Ok(Self {
            channels: usize::from(channels.max(1)),
            resampler: StreamResampler::new(device_rate, SAMPLE_RATE)?,
            mono: Vec::new(),
            at_48k: Vec::new(),
        })
    }

    /// Takes interleaved samples in [-1, 1] and hands over each 20 ms frame completed.
    pub fn push(&mut self, interleaved: &[f32], mut on_frame: impl FnMut(AudioFrame)) {
        self.mono.clear();
        let channels = self.channels;
        self.mono.extend(interleaved.chunks_exact(channels).map(|c| c.iter().sum::<f32>() / channels as f32));
        self.resampler.process(&self.mono, &mut self.at_48k);
        let whole_frames = self.at_48k.len() / FRAME_SAMPLES * FRAME_SAMPLES;
        for chunk in self.at_48k[..whole_frames].chunks_exact(FRAME_SAMPLES) {
            on_frame(AudioFrame { samples: chunk.iter().map(|&s| to_i16(s)).collect() });
        }
        self.at_48k.drain(..whole_frames);
    }
}

pub(crate) fn to_i16(sample: f32) -> i16 {
    (sample * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stereo_at_44100_becomes_48k_mono_frames() {
        let mut capture = CaptureFrames::new(44_100, 2).unwrap();
        let mut frames = Vec::new();
        // One second of a 0.5 tone on the left only, in 10 ms callbacks.
        let second: Vec<f32> = (0..44_100).flat_map(|n| [0.5 * (n as f32 * std::f32::consts::TAU * 300.0 / 44_100.0).sin(), 0.0]).collect();
        for callback in second.chunks(882) {
            capture.push(callback, |f| frames.push(f));
        }
        assert!((48..=50).contains(&frames.len()), "{} frames", frames.len());
        let peak = frames[10..].iter().flat_map(|f| &f.samples).map(|s| s.unsigned_abs()).max().unwrap();
        // Left at 0.5 averaged with a silent right: a quarter of full scale.
        assert!((7_800..=8_600).contains(&peak), "peak {peak}");
    }

    #[test]
    fn mono_at_48k_is_cut_without_loss() {
        let mut capture = CaptureFrames::new(48_000, 1).unwrap();
        let mut frames = Vec::new();
        let input: Vec<f32> = (0..2_000).map(|n| n as f32 / 32768.0).collect();
        capture.push(&input, |f| frames.push(f));
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[1].samples[0], 960);
        capture.push(&vec![0.0; 880], |f| frames.push(f));
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[2].samples[0], 1920);
    }
}
