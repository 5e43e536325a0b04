//! Where an arriving audio packet falls in the stream, from its RTP sequence number and timestamp: next in line
//! (perhaps after lost ones, which the decoder then rebuilds or conceals, or after a silence the sender did not
//! send, DTX), or too late to play. Pure, so the rules are tested without a network.

use palabre_media::FRAME_SAMPLES;

/// Gaps longer than this (5 s of 20 ms packets) are a pause or a restart, not loss: filling them with
/// concealment would only add noise and delay.
const LONGEST_FILLED_GAP: u16 = 250;

/// RTP timestamp ticks (48 kHz, RFC 7587) in one 20 ms frame.
const FRAME_TICKS: u32 = FRAME_SAMPLES as u32;

/// What to do with one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Play it, after making up `lost` frames for the packets missing just before it, and `silent` frames for
    /// the time the sender sent nothing (Opus DTX: the sequence numbers run on, the timestamp jumps).
    Next { lost: u16, silent: u16 },
    /// Its time has passed (reordered or duplicated): drop it.
    Late,
}

#[derive(Debug, Default)]
pub struct AudioSequence {
    highest: Option<(u16, u32)>,
}

impl AudioSequence {
    pub fn arrive(&mut self, sequence_number: u16, timestamp: u32) -> Arrival {
        let Some((highest, highest_timestamp)) = self.highest else {
            self.highest = Some((sequence_number, timestamp));
            return Arrival::Next { lost: 0, silent: 0 };
        };
        // Serial-number arithmetic (RFC 1982): a step of less than half the space forward is newer.
        let step = sequence_number.wrapping_sub(highest);
        if step == 0 || step >= 0x8000 {
            return Arrival::Late;
        }
        self.highest = Some((sequence_number, timestamp));
        let lost = step - 1;
        // Frames of time between the two packets beyond one per sequence step: not sent, not lost.
        // A timestamp that went backwards (a sender restarting its clock) is no silence.
        let ticks = timestamp.wrapping_sub(highest_timestamp);
        let frames = if ticks < 0x8000_0000 { ticks / FRAME_TICKS } else { 0 };
        let silent = u16::try_from(frames.saturating_sub(u32::from(step))).unwrap_or(u16::MAX);
        let filled = |frames: u16| if lost.saturating_add(silent) > LONGEST_FILLED_GAP { 0 } else { frames };
        Arrival::Next { lost: filled(lost), silent: filled(silent) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Packets sent back to back: each sequence number one frame of time after the one before it.
    fn arrivals(sequence: &[u16]) -> Vec<Arrival> {
        let mut audio = AudioSequence::default();
        let first = sequence[0];
        let timestamp = |s: u16| u32::from(s.wrapping_sub(first)).wrapping_mul(FRAME_TICKS);
        sequence.iter().map(|&s| audio.arrive(s, timestamp(s))).collect()
    }

    #[test]
    fn consecutive_packets_lose_nothing_across_wraparound() {
        assert!(arrivals(&[65_534, 65_535, 0, 1]).iter().all(|a| *a == Arrival::Next { lost: 0, silent: 0 }));
    }

    #[test]
    fn a_gap_counts_the_missing_packets() {
        assert_eq!(arrivals(&[10, 13])[1], Arrival::Next { lost: 2, silent: 0 });
        assert_eq!(arrivals(&[65_535, 2])[1], Arrival::Next { lost: 2, silent: 0 });
    }

    #[test]
    fn late_and_duplicate_packets_are_dropped() {
        assert_eq!(arrivals(&[10, 12, 11, 12]), vec![
            Arrival::Next { lost: 0, silent: 0 },
            Arrival::Next { lost: 1, silent: 0 },
            Arrival::Late,
            Arrival::Late,
        ]);
    }

    #[test]
    fn a_long_pause_is_not_filled() {
        assert_eq!(arrivals(&[10, 10 + 1000])[1], Arrival::Next { lost: 0, silent: 0 });
    }

    #[test]
    fn a_timestamp_jump_without_a_sequence_gap_is_silence_the_sender_left_out() {
        let mut audio = AudioSequence::default();
        assert_eq!(audio.arrive(10, 1_000), Arrival::Next { lost: 0, silent: 0 });
        // 30 frames of time in one sequence step: 29 silent frames (DTX), none lost.
        assert_eq!(audio.arrive(11, 1_000 + 30 * FRAME_TICKS), Arrival::Next { lost: 0, silent: 29 });
        // Both at once, across the timestamp's wraparound: 2 lost, 5 silent.
        let mut audio = AudioSequence::default();
        audio.arrive(20, u32::MAX - 100);
        assert_eq!(audio.arrive(23, (u32::MAX - 100).wrapping_add(8 * FRAME_TICKS)), Arrival::Next { lost: 2, silent: 5 });
    }

    #[test]
    fn a_silence_longer_than_the_filled_gap_is_not_filled() {
        let mut audio = AudioSequence::default();
        audio.arrive(10, 0);
        assert_eq!(audio.arrive(11, 1_000 * FRAME_TICKS), Arrival::Next { lost: 0, silent: 0 });
    }
}
