//! From Palabre's frames to a device's playback callback: 48 kHz mono converted to the device's rate and
//! copied to each of its channels. The callback asks for a buffer; frames are pulled from the source (the
//! playout mixer) as needed, so the device's clock paces the playout. Pure, so it is tested without a device.

use std::collections::VecDeque;

use palabre_media::{AudioFrame, StreamResampler, SAMPLE_RATE};

pub struct PlaybackFeed {
    channels: usize,
    resampler: StreamResampler,
    ready: VecDeque<f32>,
    converted: Vec<f32>,
    input: Vec<f32>,
}

impl PlaybackFeed {
    pub fn new(device_rate: u32, channels: u16) -> Result<Self, String> {
        Ok(Self {
            channels: usize::from(channels.max(1)),
            resampler: StreamResampler::new(SAMPLE_RATE, device_rate)?,
            ready: VecDeque::new(),
            converted: Vec::new(),
            input: Vec::new(),
        })
    }

    /// Fills an interleaved device buffer, pulling 20 ms frames from `next_frame` while it needs more.
    pub fn fill(&mut self, output: &mut [f32], mut next_frame: impl FnMut() -> AudioFrame) {
        let needed = output.len() / self.channels;
        while self.ready.len() < needed {
            let frame = next_frame();
            self.input.clear();
            self.input.extend(frame.samples.iter().map(|&s| f32::from(s) / 32768.0));
            self.converted.clear();
            self.resampler.process(&self.input, &mut self.converted);
            self.ready.extend(&self.converted);
        }
        for slot in output.chunks_exact_mut(self.channels) {
            let sample = self.ready.pop_front().unwrap_or(0.0);
            slot.fill(sample);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_fill_a_stereo_buffer_in_order() {
        let mut feed = PlaybackFeed::new(48_000, 2).unwrap();
        let mut next = 0i16;
        let mut output = vec![0.0; 2 * 1500];
        feed.fill(&mut output, || {
            let frame = AudioFrame { samples: (0..960).map(|n| next.wrapping_add(n)).collect() };
            next = next.wrapping_add(960);
            frame
        });
        assert_eq!(output[0], output[1]);
        assert_eq!((output[2 * 1499] * 32768.0).round() as i32, 1499);
    }

    #[test]
    fn a_44100_device_gets_its_own_rate() {
        let mut feed = PlaybackFeed::new(44_100, 1).unwrap();
        let mut pulled = 0;
        let mut output = vec![0.0; 44_100];
        feed.fill(&mut output, || {
            pulled += 1;
            AudioFrame::silence()
        });
        // One second at 44.1 kHz needs about one second of 48 kHz frames (50), plus the resampler's delay.
        assert!((50..=53).contains(&pulled), "{pulled} frames pulled");
    }
}
