//! Where an arriving audio packet falls in the stream, from its RTP sequence number: next in line (perhaps
//! after lost ones, which the decoder then rebuilds or conceals), or too late to play. Pure, so the rules are
//! tested without a network.

/// Gaps longer than this (5 s of 20 ms packets) are a pause or a restart, not loss: filling them with
/// concealment would only add noise and delay.
const LONGEST_FILLED_GAP: u16 = 250;

/// What to do with one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Play it, after making up `lost` frames for the packets missing just before it.
    Next { lost: u16 },
    /// Its time has passed (reordered or duplicated): drop it.
    Late,
}

#[derive(Debug, Default)]
pub struct AudioSequence {
    highest: Option<u16>,
}

impl AudioSequence {
    pub fn arrive(&mut self, sequence_number: u16) -> Arrival {
        let Some(highest) = self.highest else {
            self.highest = Some(sequence_number);
            return Arrival::Next { lost: 0 };
        };
        // Serial-number arithmetic (RFC 1982): a step of less than half the space forward is newer.
        let step = sequence_number.wrapping_sub(highest);
        if step == 0 || step >= 0x8000 {
            return Arrival::Late;
        }
        self.highest = Some(sequence_number);
        let lost = step - 1;
        Arrival::Next { lost: if lost > LONGEST_FILLED_GAP { 0 } else { lost } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrivals(sequence: &[u16]) -> Vec<Arrival> {
        let mut audio = AudioSequence::default();
        sequence.iter().map(|&s| audio.arrive(s)).collect()
    }

    #[test]
    fn consecutive_packets_lose_nothing_across_wraparound() {
        assert!(arrivals(&[65_534, 65_535, 0, 1]).iter().all(|a| *a == Arrival::Next { lost: 0 }));
    }

    #[test]
    fn a_gap_counts_the_missing_packets() {
        assert_eq!(arrivals(&[10, 13])[1], Arrival::Next { lost: 2 });
        assert_eq!(arrivals(&[65_535, 2])[1], Arrival::Next { lost: 2 });
    }

    #[test]
    fn late_and_duplicate_packets_are_dropped() {
        assert_eq!(arrivals(&[10, 12, 11, 12]), vec![
            Arrival::Next { lost: 0 },
            Arrival::Next { lost: 1 },
            Arrival::Late,
            Arrival::Late,
        ]);
    }

    #[test]
    fn a_long_pause_is_not_filled() {
        assert_eq!(arrivals(&[10, 10 + 1000])[1], Arrival::Next { lost: 0 });
    }
}
