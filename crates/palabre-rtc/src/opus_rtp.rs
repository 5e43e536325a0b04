//! Our Opus packets as RTP (RFC 7587): one 20 ms frame per packet. With DTX the encoder marks the frames of a
//! silence that need not be sent (a TOC byte and nothing more, two bytes at most); those are left out, but the
//! clock runs on, so the receiver places the next packet after the silence, and that packet carries the marker
//! bit of a talkspurt's start. Pure: payloads in, packets out.

use std::hash::{BuildHasher, Hasher};

use bytes::Bytes;
use palabre_media::FRAME_SAMPLES;
use webrtc::rtp::header::Header;
use webrtc::rtp::packet::Packet;

/// An encoded frame this short is DTX: nothing for the receiver that its decoder would not make up.
const LONGEST_DTX_PAYLOAD: usize = 2;

/// Sequence numbers and timestamps for one outgoing Opus stream. The SSRC and payload type are the track
/// binding's, filled in by webrtc-rs when the packet is written.
#[derive(Debug)]
pub struct OpusRtp {
    sequence_number: u16,
    timestamp: u32,
    /// Whether the previous frame was left out (or none was sent yet): the next one sent starts a talkspurt.
    after_silence: bool,
}

impl OpusRtp {
    /// Starts at unpredictable numbers, as RFC 3550 §5.1 asks (std's per-process random hash keys supply them).
    pub fn new() -> Self {
        let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
        Self::starting_at(random as u16, (random >> 32) as u32)
    }

    pub fn starting_at(sequence_number: u16, timestamp: u32) -> Self {
        Self { sequence_number, timestamp, after_silence: true }
    }

    /// The packet to send for the next 20 ms frame, or None when DTX leaves it out.
    pub fn next(&mut self, payload: Vec<u8>) -> Option<Packet> {
        let timestamp = self.timestamp;
        self.timestamp = self.timestamp.wrapping_add(FRAME_SAMPLES as u32);
        if payload.len() <= LONGEST_DTX_PAYLOAD {
            self.after_silence = true;
            return None;
        }
        let sequence_number = self.sequence_number;
        self.sequence_number = self.sequence_number.wrapping_add(1);
        let marker = std::mem::replace(&mut self.after_silence, false);
        let header = Header { version: 2, marker, sequence_number, timestamp, ..Default::default() };
        Some(Packet { header, payload: Bytes::from(payload) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio_sequence::{Arrival, AudioSequence};

    fn speech() -> Vec<u8> {
        vec![0x78; 60]
    }

    #[test]
    fn a_silence_is_left_out_and_the_receiver_fills_it_back() {
        let mut rtp = OpusRtp::starting_at(65_534, u32::MAX - 960);
        let frames = [speech(), speech(), vec![0x78], vec![0x78], vec![0x78], speech(), speech()];
        let sent: Vec<Packet> = frames.into_iter().filter_map(|payload| rtp.next(payload)).collect();
        let numbers: Vec<(u16, u32, bool)> =
            sent.iter().map(|p| (p.header.sequence_number, p.header.timestamp, p.header.marker)).collect();
        assert_eq!(numbers, [
            (65_534, u32::MAX - 960, true),
            (65_535, u32::MAX - 960 + 960, false),
            (0, 4 * 960 - 1, true),
            (1, 5 * 960 - 1, false),
        ]);
        let mut receiver = AudioSequence::default();
        let arrivals: Vec<Arrival> = sent.iter().map(|p| receiver.arrive(p.header.sequence_number, p.header.timestamp)).collect();
        assert_eq!(arrivals[2], Arrival::Next { lost: 0, silent: 3 });
        assert_eq!(arrivals[3], Arrival::Next { lost: 0, silent: 0 });
    }
}
