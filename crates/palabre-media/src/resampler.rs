//! Sample-rate conversion of a live stream (a device at 44.1 kHz feeding 48 kHz frames, or the other way):
//! samples go in as they come, in any amounts, and converted samples come out once a chunk is complete.
//! Pure: no clock, no device.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

/// Input frames per resampler chunk: 10 ms at the input rate, so the added delay stays around one chunk.
fn chunk_frames(input_rate: u32) -> usize {
    (input_rate as usize / 100).max(1)
}

/// Converts mono `f32` samples from one rate to another; a pass-through when the rates are equal.
pub struct StreamResampler {
    inner: Option<Fft<f32>>,
    pending: Vec<f32>,
}

impl StreamResampler {
    /// Fails only for rates rubato cannot relate (zero).
    pub fn new(input_rate: u32, output_rate: u32) -> Result<Self, String> {
        let inner = if input_rate == output_rate {
            None
        } else {
            let fft = Fft::<f32>::new(input_rate as usize, output_rate as usize, chunk_frames(input_rate), 1, FixedSync::Input)
                .map_err(|e| format!("cannot resample from {input_rate} Hz to {output_rate} Hz: {e}"))?;
            Some(fft)
        };
        Ok(Self { inner, pending: Vec::new() })
    }

    /// Adds `input` and appends every converted sample that is ready to `output`.
    pub fn process(&mut self, input: &[f32], output: &mut Vec<f32>) {
        let Some(resampler) = &mut self.inner else {
            output.extend_from_slice(input);
            return;
        };
        self.pending.extend_from_slice(input);
        let mut used = 0;
        loop {
            let needed = resampler.input_frames_next();
            if self.pending.len() - used < needed {
                break;
            }
            let chunk = &self.pending[used..used + needed];
            let Ok(adapter) = InterleavedSlice::new(chunk, 1, needed) else { break };
            // Cannot fail with a buffer sized by input_frames_next; were it to, the chunk is skipped (a
            // 10 ms gap) rather than stalling the device's thread.
            if let Ok(converted) = resampler.process(&adapter, None) {
                output.extend(converted.take_data());
            }
            used += needed;
        }
        self.pending.drain(..used);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_rates_pass_samples_through() {
        let mut resampler = StreamResampler::new(48_000, 48_000).unwrap();
        let mut out = Vec::new();
        resampler.process(&[0.1, 0.2, 0.3], &mut out);
        assert_eq!(out, vec![0.1, 0.2, 0.3]);
    }

    #[test]
    fn uneven_pieces_at_44100_come_out_as_the_same_duration_at_48000() {
        let mut resampler = StreamResampler::new(44_100, 48_000).unwrap();
        let input: Vec<f32> = (0..44_100).map(|n| (n as f32 * std::f32::consts::TAU * 440.0 / 44_100.0).sin()).collect();
        let mut out = Vec::new();
        // Device callbacks deliver odd amounts.
        for piece in input.chunks(333) {
            resampler.process(piece, &mut out);
        }
        // Everything but the last partial chunk (under 10 ms) has come out.
        assert!((47_500..=48_000).contains(&out.len()), "{} samples", out.len());
        let crossings = out[4_800..].windows(2).filter(|w| (w[0] < 0.0) != (w[1] < 0.0)).count();
        let seconds = (out.len() - 4_800) as f64 / 48_000.0;
        let pitch = crossings as f64 / 2.0 / seconds;
        assert!((pitch - 440.0).abs() < 5.0, "{pitch} Hz");
    }
}
