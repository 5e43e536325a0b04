//! What the engine measured during a call: per remote participant, frames decoded and packets received, lost
//! and their bytes; for the call, what we sent and the transport's round-trip time.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use palabre_core::ParticipantId;
use webrtc::peer_connection::RTCPeerConnection;
use webrtc::rtp_transceiver::rtp_codec::RTPCodecType;
use webrtc::stats::StatsReportType;

/// Round-trip time to the room server, in milliseconds, from the RTCP reports on what `publish` sends
/// (webrtc-rs' ICE candidate-pair statistics carry none). Unlike the W3C field of the same name (seconds),
/// webrtc-rs 0.17 fills `RemoteInboundRTPStats::round_trip_time` in milliseconds (`calculate_rtt_ms`).
pub async fn round_trip_ms(publish: &RTCPeerConnection) -> Option<f64> {
    let report = publish.get_stats().await;
    report
        .reports
        .values()
        .filter_map(|stat| match stat {
            StatsReportType::RemoteInboundRTP(remote) => remote.round_trip_time,
            _ => None,
        })
        .reduce(f64::max)
}

/// Loudness above which a decoded 20 ms frame is someone speaking: speech arrives around -30 to -15 dBFS, a
/// room's background after the sender's noise suppression below -50.
pub const VOICE_DBFS: f32 = -42.0;

/// How long someone still counts as speaking after their last loud frame, so that the pauses between words do
/// not make the highlight flicker.
pub const SPEAKING_HOLD: Duration = Duration::from_millis(600);

#[derive(Debug, Default, Clone)]
pub struct CallStats {
    pub remote: BTreeMap<ParticipantId, RemoteMedia>,
    /// Problems that did not end the call, in words.
    pub errors: Vec<String>,
}

impl CallStats {
    /// Who is speaking at `now`, by id.
    pub fn speakers(&self, now: Instant) -> Vec<ParticipantId> {
        let speaking = |media: &RemoteMedia| media.last_voice_at.is_some_and(|at| now.saturating_duration_since(at) <= SPEAKING_HOLD);
        self.remote.iter().filter(|(_, media)| speaking(media)).map(|(id, _)| *id).collect()
    }
}

/// What we received from one participant.
#[derive(Debug, Default, Clone)]
pub struct RemoteMedia {
    pub video_frames_decoded: u64,
    /// 20 ms frames decoded, counting those of a silence the sender left out (DTX), which the decoder fills in.
    pub audio_frames_decoded: u64,
    /// Frames of their screen share (a second video track), counted apart from the camera's.
    pub screen_frames_decoded: u64,
    pub first_screen_at: Option<Instant>,
    pub first_video_at: Option<Instant>,
    pub first_audio_at: Option<Instant>,
    /// Frame numbers drawn into a test pattern, first and last decoded: with `video_frames_decoded` they tell
    /// how much of what was sent arrived.
    pub video_first_frame_number: Option<u32>,
    pub video_last_frame_number: Option<u32>,
    pub video_size: Option<(u32, u32)>,
    /// The codec their video arrives in (`vp8`, `h264`), as negotiated.
    pub video_codec: Option<String>,
    /// Payloads the decoders refused (garbage, or frames referencing a lost picture).
    pub video_decode_errors: u64,
    pub audio_decode_errors: u64,
    /// Audio frames made up for lost packets, from FEC or by concealment.
    pub audio_frames_repaired: u64,
    /// When we last decoded a frame of theirs louder than [`VOICE_DBFS`].
    pub last_voice_at: Option<Instant>,
    pub video_packets: PacketCounter,
    pub audio_packets: PacketCounter,
}

impl RemoteMedia {
    pub fn record_packet(&mut self, kind: RTPCodecType, sequence_number: u16, bytes: usize) {
        match kind {
            RTPCodecType::Video => self.video_packets.record(sequence_number, bytes),
            _ => self.audio_packets.record(sequence_number, bytes),
        }
    }

    pub fn bytes_received(&self) -> u64 {
        self.video_packets.bytes + self.audio_packets.bytes
    }

    pub fn packets_lost(&self) -> u64 {
        self.video_packets.lost() + self.audio_packets.lost()
    }
}

/// Packets of one RTP stream: received, and lost as RTP counts it (expected from sequence numbers − received).
#[derive(Debug, Default, Clone)]
pub struct PacketCounter {
    pub received: u64,
    pub bytes: u64,
    first: Option<u64>,
    highest: u64,
}

impl PacketCounter {
    pub fn record(&mut self, sequence_number: u16, bytes: usize) {
        self.received += 1;
        self.bytes += bytes as u64;
        let extended = match self.first {
            None => {
                self.first = Some(u64::from(sequence_number));
                u64::from(sequence_number)
            }
            Some(_) => extend(self.highest, sequence_number),
        };
        self.highest = self.highest.max(extended);
    }

    pub fn lost(&self) -> u64 {
        match self.first {
            None => 0,
            Some(first) => (self.highest - first + 1).saturating_sub(self.received),
        }
    }
}

/// Places a 16-bit sequence number in the 64-bit sequence nearest to `reference` (RFC 3550 A.1).
fn extend(reference: u64, sequence_number: u16) -> u64 {
    let distance = i64::from(sequence_number.wrapping_sub(reference as u16) as i16);
    reference.saturating_add_signed(distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_counts_gaps_across_wraparound() {
        let mut counter = PacketCounter::default();
        for seq in [65_530u16, 65_531, 65_533, 65_535, 0, 1, 3] {
            counter.record(seq, 100);
        }
        // Expected 65530..=65535 and 0..=3: 10 packets, 7 received.
        assert_eq!(counter.lost(), 3);
        assert_eq!(counter.bytes, 700);
    }

    #[test]
    fn speakers_are_those_loud_within_the_hold() {
        let start = Instant::now();
        let mut stats = CallStats::default();
        stats.remote.entry(ParticipantId(1)).or_default().last_voice_at = Some(start);
        stats.remote.entry(ParticipantId(2)).or_default().last_voice_at = Some(start + Duration::from_millis(500));
        stats.remote.entry(ParticipantId(3)).or_default();
        assert_eq!(stats.speakers(start + Duration::from_millis(400)), [ParticipantId(1), ParticipantId(2)]);
        assert_eq!(stats.speakers(start + SPEAKING_HOLD + Duration::from_millis(1)), [ParticipantId(2)]);
        assert_eq!(stats.speakers(start + Duration::from_secs(5)), []);
    }

    #[test]
    fn reordered_and_duplicate_packets_are_not_loss() {
        let mut counter = PacketCounter::default();
        for seq in [10u16, 12, 11, 13] {
            counter.record(seq, 1);
        }
        assert_eq!(counter.lost(), 0);
    }
}
