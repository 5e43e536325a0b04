//! A jitter buffer for one participant's Opus packets: packets go in as the network delivers them (late, out
//! of order, some never), and come out one per 20 ms when the playout asks, in order, with a plan for each gap.
//! Pure: the caller's playout clock decides when to pop.

use std::collections::BTreeMap;

/// Packets held before playing starts (60 ms): absorbs the jitter of a loaded Wi-Fi link.
const START_DEPTH: usize = 3;
/// Above this many packets waiting (200 ms), the oldest are dropped: latency matters more than completeness.
const MAX_DEPTH: usize = 10;
/// After this many made-up frames in a row (200 ms) the speaker has stopped or the link is down: go quiet
/// and buffer again.
const MAX_CONCEALED_IN_A_ROW: u32 = 10;

/// What to play for the next 20 ms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Playout {
    /// Decode this packet.
    Packet(Vec<u8>),
    /// This slot's packet is missing but the next one is here: rebuild this slot from its FEC data.
    RecoverFrom(Vec<u8>),
    /// Missing with nothing to rebuild from: let the decoder conceal.
    Conceal,
    /// Nothing to play (not started, or the stream paused).
    Silence,
}

#[derive(Debug, Default)]
pub struct JitterBuffer {
    /// Waiting packets by extended sequence number.
    packets: BTreeMap<u64, Vec<u8>>,
    /// The sequence number of the next slot to play, once playing.
    next: Option<u64>,
    /// Highest extended sequence number seen: the reference for extending 16-bit numbers.
    highest: Option<u64>,
    concealed_in_a_row: u32,
    /// Packets dropped for arriving after their slot was played, or to cut the delay.
    pub dropped: u64,
}

impl JitterBuffer {
    pub fn push(&mut self, sequence_number: u16, payload: Vec<u8>) {
        let extended = match self.highest {
            None => u64::from(sequence_number) + (1 << 16),
            Some(highest) => {
                let distance = i64::from(sequence_number.wrapping_sub(highest as u16) as i16);
                highest.saturating_add_signed(distance)
            }
        };
        self.highest = Some(self.highest.map_or(extended, |h| h.max(extended)));
        if self.next.is_some_and(|next| extended < next) {
            self.dropped += 1;
            return;
        }
        self.packets.insert(extended, payload);
        while self.packets.len() > MAX_DEPTH {
            self.packets.pop_first();
            self.dropped += 1;
            self.next = self.packets.keys().next().copied();
        }
    }

    /// Packets waiting to be played.
    pub fn depth(&self) -> usize {
        self.packets.len()
    }

    /// What to play for the next 20 ms.
    pub fn pop(&mut self) -> Playout {
        let next = match self.next {
            Some(next) => next,
            None if self.packets.len() >= START_DEPTH => *self.packets.keys().next().expect("not empty"),
            None => return Playout::Silence,
        };
        self.next = Some(next + 1);
        if let Some(packet) = self.packets.remove(&next) {
            self.concealed_in_a_row = 0;
            return Playout::Packet(packet);
        }
        self.concealed_in_a_row += 1;
        if self.concealed_in_a_row > MAX_CONCEALED_IN_A_ROW {
            // Start again from whatever arrives next, after buffering.
            self.next = None;
            self.concealed_in_a_row = 0;
            return Playout::Silence;
        }
        match self.packets.get(&(next + 1)) {
            Some(following) => Playout::RecoverFrom(following.clone()),
            None => Playout::Conceal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(n: u8) -> Vec<u8> {
        vec![n]
    }

    #[test]
    fn waits_for_three_packets_then_plays_in_order() {
        let mut buffer = JitterBuffer::default();
        buffer.push(10, packet(10));
        assert_eq!(buffer.pop(), Playout::Silence);
        buffer.push(12, packet(12));
        buffer.push(11, packet(11));
        assert_eq!(buffer.pop(), Playout::Packet(packet(10)));
        assert_eq!(buffer.pop(), Playout::Packet(packet(11)));
        assert_eq!(buffer.pop(), Playout::Packet(packet(12)));
    }

    #[test]
    fn a_missing_packet_is_rebuilt_from_the_next_one_or_concealed() {
        let mut buffer = JitterBuffer::default();
        for seq in [1u16, 2, 3, 5] {
            buffer.push(seq, packet(seq as u8));
        }
        for _ in 0..3 {
            buffer.pop();
        }
        assert_eq!(buffer.pop(), Playout::RecoverFrom(packet(5)));
        assert_eq!(buffer.pop(), Playout::Packet(packet(5)));
        assert_eq!(buffer.pop(), Playout::Conceal);
    }

    #[test]
    fn a_packet_later_than_its_slot_is_dropped() {
        let mut buffer = JitterBuffer::default();
        for seq in [1u16, 3, 4] {
            buffer.push(seq, packet(seq as u8));
        }
        buffer.pop();
        assert_eq!(buffer.pop(), Playout::RecoverFrom(packet(3)));
        buffer.push(2, packet(2));
        assert_eq!(buffer.dropped, 1);
        assert_eq!(buffer.pop(), Playout::Packet(packet(3)));
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut buffer = JitterBuffer::default();
        for seq in [65_534u16, 65_535, 0, 1] {
            buffer.push(seq, packet(seq as u8));
        }
        let played: Vec<_> = (0..4).map(|_| buffer.pop()).collect();
        assert_eq!(played, [65_534u16, 65_535, 0, 1].map(|s| Playout::Packet(packet(s as u8))));
    }

    #[test]
    fn a_backlog_is_cut_to_bound_the_delay() {
        let mut buffer = JitterBuffer::default();
        for seq in 0..30u16 {
            buffer.push(seq, packet(seq as u8));
        }
        assert_eq!(buffer.depth(), MAX_DEPTH);
        assert_eq!(buffer.pop(), Playout::Packet(packet(20)));
    }

    #[test]
    fn a_long_silence_stops_concealing_and_buffers_again() {
        let mut buffer = JitterBuffer::default();
        for seq in 0..3u16 {
            buffer.push(seq, packet(seq as u8));
        }
        for _ in 0..3 {
            buffer.pop();
        }
        let gap: Vec<_> = (0..=MAX_CONCEALED_IN_A_ROW).map(|_| buffer.pop()).collect();
        assert!(gap[..MAX_CONCEALED_IN_A_ROW as usize].iter().all(|p| *p == Playout::Conceal));
        assert_eq!(gap.last(), Some(&Playout::Silence));
        buffer.push(100, packet(100));
        assert_eq!(buffer.pop(), Playout::Silence, "buffers again before playing");
    }
}
