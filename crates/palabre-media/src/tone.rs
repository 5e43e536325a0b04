//! A sine tone: a synthetic microphone whose pitch a test can recognise after coding.

use std::f64::consts::TAU;

use crate::frame::{AudioFrame, FRAME_SAMPLES, SAMPLE_RATE};

/// Peak amplitude of a quarter of full scale (about -12 dBFS): loud enough for a codec to keep, far enough
/// from clipping that coding overshoot never wraps.
const AMPLITUDE: f64 = i16::MAX as f64 / 4.0;

/// An endless sine wave cut into [`AudioFrame`]s.
#[derive(Debug, Clone)]
pub struct Tone {
    /// Phase of the next sample, in radians within [0, 2π).
    phase: f64,
    /// Phase advance per sample.
    step: f64,
}

impl Tone {
    /// A tone of `frequency_hz`, starting at phase zero.
    pub fn new(frequency_hz: f32) -> Self {
        Self {
            phase: 0.0,
            step: TAU * f64::from(frequency_hz) / f64::from(SAMPLE_RATE),
        }
    }

    /// The next 20 ms. The phase carries over from the previous frame, so frames join without a click.
    pub fn next_frame(&mut self) -> AudioFrame {
        let samples = (0..FRAME_SAMPLES)
            .map(|_| {
                let sample = (self.phase.sin() * AMPLITUDE).round() as i16;
                self.phase = (self.phase + self.step) % TAU;
                sample
            })
            .collect();
        AudioFrame { samples }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_peaks_near_minus_twelve_dbfs() {
        let frame = Tone::new(440.0).next_frame();
        let peak = frame
            .samples
            .iter()
            .map(|s| s.unsigned_abs())
            .max()
            .unwrap();
        assert!((8000..=8200).contains(&peak), "peak {peak}");
    }

    #[test]
    fn consecutive_frames_join_without_a_jump() {
        let mut tone = Tone::new(1000.0);
        let first = tone.next_frame();
        let second = tone.next_frame();
        // The steepest step of a 1 kHz sine of amplitude A at 48 kHz is A * 2π * 1000 / 48000.
        let max_step = AMPLITUDE * TAU * 1000.0 / 48_000.0 + 1.0;
        let jump = f64::from(second.samples[0]) - f64::from(*first.samples.last().unwrap());
        assert!(jump.abs() <= max_step, "jump {jump}");
    }
}
