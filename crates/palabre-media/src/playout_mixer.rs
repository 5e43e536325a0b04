//! What the speakers play: every remote participant's voice through its own jitter buffer and Opus decoder,
//! summed into one 20 ms frame per call of [`PlayoutMixer::next_frame`]. The audio device's clock drives the
//! calls, so there is no second clock to drift against. Pure: no device, no clock.

use std::collections::BTreeMap;

use crate::frame::{AudioFrame, FRAME_SAMPLES};
use crate::jitter_buffer::{JitterBuffer, Playout};
use crate::opus::OpusDecoder;

/// Counts of what the mixer had to make up, for the call's stats.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PlayoutCounts {
    pub played: u64,
    /// Frames rebuilt from the next packet's FEC data.
    pub recovered: u64,
    /// Frames the decoder invented to cover a loss.
    pub concealed: u64,
    /// Packets the decoder refused.
    pub decode_errors: u64,
}

struct Voice {
    buffer: JitterBuffer,
    decoder: OpusDecoder,
    counts: PlayoutCounts,
}

#[derive(Default)]
pub struct PlayoutMixer {
    /// By a caller-chosen key (the participant's id).
    voices: BTreeMap<u64, Voice>,
}

impl PlayoutMixer {
    /// Queues one Opus packet from `voice`.
    pub fn push(&mut self, voice: u64, sequence_number: u16, payload: Vec<u8>) {
        let entry = match self.voices.entry(voice) {
            std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::btree_map::Entry::Vacant(entry) => match OpusDecoder::new() {
                Ok(decoder) => entry.insert(Voice { buffer: JitterBuffer::default(), decoder, counts: PlayoutCounts::default() }),
                Err(_) => return,
            },
        };
        entry.buffer.push(sequence_number, payload);
    }

    /// Forgets `voice` (the participant left).
    pub fn remove(&mut self, voice: u64) {
        self.voices.remove(&voice);
    }

    pub fn counts(&self, voice: u64) -> Option<PlayoutCounts> {
        self.voices.get(&voice).map(|v| v.counts)
    }

    /// The next 20 ms of everyone together. Voices are summed and clipped: two people talking at once are both
    /// heard; a clip is rarer and less harmful than halving everyone's level.
    pub fn next_frame(&mut self) -> AudioFrame {
        let mut sum = [0i32; FRAME_SAMPLES];
        for voice in self.voices.values_mut() {
            if let Some(frame) = voice.next_frame() {
                for (total, sample) in sum.iter_mut().zip(&frame.samples) {
                    *total += i32::from(*sample);
                }
            }
        }
        AudioFrame { samples: sum.iter().map(|&s| s.clamp(i16::MIN.into(), i16::MAX.into()) as i16).collect() }
    }
}

impl Voice {
    fn next_frame(&mut self) -> Option<AudioFrame> {
        let decoded = match self.buffer.pop() {
            Playout::Silence => return None,
            Playout::Packet(packet) => {
                self.counts.played += 1;
                self.decoder.decode(&packet)
            }
            Playout::RecoverFrom(next) => {
                self.counts.recovered += 1;
                self.decoder.recover_lost_from(&next)
            }
            Playout::Conceal => {
                self.counts.concealed += 1;
                self.decoder.conceal_loss()
            }
        };
        match decoded {
            Ok(frame) => Some(frame),
            Err(_) => {
                self.counts.decode_errors += 1;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opus::OpusEncoder;
    use crate::tone::Tone;

    fn packets(frequency: f32, count: usize) -> Vec<Vec<u8>> {
        let mut encoder = OpusEncoder::new(32_000).unwrap();
        let mut tone = Tone::new(frequency);
        (0..count).map(|_| encoder.encode(&tone.next_frame()).unwrap()).collect()
    }

    /// Plays `count` frames while packets arrive in real time: one per 20 ms, the first three before playing.
    fn play(mixer: &mut PlayoutMixer, arrivals: &[(u64, u16, Vec<u8>)], voices: usize, count: usize) -> Vec<AudioFrame> {
        let mut arrivals = arrivals.iter();
        let mut frames = Vec::new();
        for slot in 0..count {
            let per_slot = if slot == 0 { 3 * voices } else { voices };
            for (voice, seq, packet) in arrivals.by_ref().take(per_slot) {
                mixer.push(*voice, *seq, packet.clone());
            }
            frames.push(mixer.next_frame());
        }
        frames
    }

    fn peak(frame: &AudioFrame) -> u16 {
        frame.samples.iter().map(|s| s.unsigned_abs()).max().unwrap()
    }

    #[test]
    fn two_voices_are_heard_together() {
        let mut mixer = PlayoutMixer::default();
        let (low, high) = (packets(300.0, 20), packets(1200.0, 20));
        let arrivals: Vec<_> = (0..20).flat_map(|seq| [(1, seq as u16, low[seq].clone()), (2, seq as u16, high[seq].clone())]).collect();
        let frames = play(&mut mixer, &arrivals, 2, 18);
        // Each tone peaks near 8200; together they exceed either alone.
        assert!(frames[10..].iter().all(|f| peak(f) > 10_000), "{:?}", frames.iter().map(peak).collect::<Vec<_>>());
    }

    #[test]
    fn five_percent_loss_is_filled_without_silent_frames() {
        let mut mixer = PlayoutMixer::default();
        // Every twentieth packet lost; its slot passes without an arrival.
        let arrivals: Vec<_> = packets(440.0, 100).into_iter().enumerate().map(|(seq, packet)| (1, seq as u16, packet)).collect();
        let mut frames = Vec::new();
        for (slot, (voice, seq, packet)) in arrivals.iter().enumerate() {
            if slot % 20 != 7 {
                mixer.push(*voice, *seq, packet.clone());
            }
            if slot >= 2 {
                frames.push(mixer.next_frame());
            }
        }
        let peaks: Vec<_> = frames.iter().map(peak).collect();
        // Concealment may fade a frame, but none goes silent.
        assert!(peaks[5..].iter().all(|&p| p > 1_500), "a gap was heard: {peaks:?}");
        let counts = mixer.counts(1).unwrap();
        assert_eq!(counts.recovered + counts.concealed, 5);
        assert!(counts.recovered >= 4, "{counts:?}");
    }

    #[test]
    fn garbage_is_counted_and_the_rest_still_plays() {
        let mut mixer = PlayoutMixer::default();
        let mut all = packets(440.0, 10);
        all[4] = vec![0xff; 3];
        let arrivals: Vec<_> = all.into_iter().enumerate().map(|(seq, packet)| (9, seq as u16, packet)).collect();
        let frames = play(&mut mixer, &arrivals, 1, 10);
        assert!(peak(&frames[8]) > 4_000);
        assert!(mixer.counts(9).unwrap().decode_errors >= 1);
    }
}
