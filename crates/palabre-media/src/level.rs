//! How loud a frame is, for a microphone level meter, and the short sound a speaker test plays.

use crate::frame::{AudioFrame, FRAME_SAMPLES, SAMPLE_RATE};

/// The floor of the meter: digital silence reads as this rather than minus infinity.
pub const SILENCE_DBFS: f32 = -96.0;

/// Loudness of `frame` as RMS in dB relative to full scale (a full-scale sine reads about -3 dBFS).
pub fn level_dbfs(frame: &AudioFrame) -> f32 {
    if frame.samples.is_empty() {
        return SILENCE_DBFS;
    }
    let mean_square = frame.samples.iter().map(|&s| (f64::from(s) / 32768.0).powi(2)).sum::<f64>() / frame.samples.len() as f64;
    if mean_square <= 0.0 {
        return SILENCE_DBFS;
    }
    (10.0 * mean_square.log10()).max(f64::from(SILENCE_DBFS)) as f32
}

/// A speaker test: two notes (660 Hz then 880 Hz, 0.4 s each, at -12 dBFS peak) with soft edges so they do not
/// click, then 0.2 s of silence. Always the same samples, so a test can find them in a recording.
pub fn test_sound() -> Vec<AudioFrame> {
    const NOTE_SECONDS: f64 = 0.4;
    const FADE_SECONDS: f64 = 0.02;
    let note_samples = (NOTE_SECONDS * f64::from(SAMPLE_RATE)) as usize;
    let fade = FADE_SECONDS * f64::from(SAMPLE_RATE);
    let mut samples = Vec::with_capacity(2 * note_samples + FRAME_SAMPLES * 10);
    for frequency in [660.0, 880.0] {
        for n in 0..note_samples {
            let envelope = (n as f64 / fade).min((note_samples - n) as f64 / fade).min(1.0);
            let phase = std::f64::consts::TAU * frequency * n as f64 / f64::from(SAMPLE_RATE);
            samples.push((phase.sin() * envelope * f64::from(i16::MAX) / 4.0).round() as i16);
        }
    }
    samples.resize(samples.len().div_ceil(FRAME_SAMPLES) * FRAME_SAMPLES + 10 * FRAME_SAMPLES, 0);
    samples.chunks_exact(FRAME_SAMPLES).map(|chunk| AudioFrame { samples: chunk.to_vec() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tone::Tone;

    #[test]
    fn silence_reads_as_the_floor_and_a_tone_as_its_rms() {
        assert_eq!(level_dbfs(&AudioFrame::silence()), SILENCE_DBFS);
        // Tone peaks at a quarter of full scale: RMS = 0.25 / √2 → about -15 dBFS.
        let level = level_dbfs(&Tone::new(440.0).next_frame());
        assert!((level + 15.05).abs() < 0.2, "{level}");
    }

    #[test]
    fn the_test_sound_is_two_notes_then_silence_without_clicks() {
        let frames = test_sound();
        let samples: Vec<i16> = frames.iter().flat_map(|f| f.samples.clone()).collect();
        assert!((1.0..1.2).contains(&(samples.len() as f64 / 48_000.0)));
        assert_eq!(samples[0], 0);
        let largest_step = samples.windows(2).map(|w| (i32::from(w[1]) - i32::from(w[0])).abs()).max().unwrap();
        // A 880 Hz sine of amplitude 8192 moves at most 8192 × 2π × 880 / 48000 ≈ 944 per sample.
        assert!(largest_step < 1000, "a click of {largest_step}");
        assert!(frames.last().unwrap().samples.iter().all(|&s| s == 0));
    }
}
