//! Opus voice coding: one 20 ms [`AudioFrame`] per packet, mono at 48 kHz.

use ::opus::{Application, Bitrate, Channels, Decoder, Encoder};

use crate::error::CodecError;
use crate::frame::{AudioFrame, FRAME_SAMPLES, SAMPLE_RATE};

/// The largest packet one Opus frame can produce (RFC 6716, section 3.2.1).
const MAX_PACKET_BYTES: usize = 1275;

/// The loss rate the encoder plans for. In-band FEC only spends bits when this is above zero; 10 % is
/// what a busy Wi-Fi link loses and costs a few kbit/s.
const EXPECTED_LOSS_PERCENT: i32 = 10;

/// Encodes speech for a call: VoIP tuning, in-band forward error correction and DTX on.
pub struct OpusEncoder {
    inner: Encoder,
}

impl OpusEncoder {
    /// An encoder targeting `bitrate_bps` bits per second (Opus accepts 500 to 512 000).
    pub fn new(bitrate_bps: i32) -> Result<Self, CodecError> {
        let mut inner = Encoder::new(SAMPLE_RATE, Channels::Mono, Application::Voip)?;
        inner.set_bitrate(Bitrate::Bits(bitrate_bps))?;
        inner.set_inband_fec(true)?;
        inner.set_packet_loss_perc(EXPECTED_LOSS_PERCENT)?;
        // Discontinuous transmission: in a silence, one packet in 400 ms carries the background noise and the
        // others shrink to a header of one or two bytes, which the sender need not send (palabre-rtc's `opus_rtp`).
        inner.set_dtx(true)?;
        Ok(Self { inner })
    }

    /// Follows the link: a new target bitrate, and the loss in-band FEC should plan for (0 to 100 %).
    pub fn adapt(&mut self, bitrate_bps: i32, expected_loss_percent: i32) -> Result<(), CodecError> {
        self.inner.set_bitrate(Bitrate::Bits(bitrate_bps))?;
        self.inner.set_packet_loss_perc(expected_loss_percent)?;
        Ok(())
    }

    /// Encodes one 20 ms frame into one packet.
    pub fn encode(&mut self, frame: &AudioFrame) -> Result<Vec<u8>, CodecError> {
        if frame.samples.len() != FRAME_SAMPLES {
            return Err(CodecError::InvalidFrame(format!(
                "audio frame has {} samples, Opus encodes {FRAME_SAMPLES} (20 ms) at a time",
                frame.samples.len()
            )));
        }
        Ok(self.inner.encode_vec(&frame.samples, MAX_PACKET_BYTES)?)
    }
}

/// Decodes packets from an [`OpusEncoder`] and hides lost ones.
pub struct OpusDecoder {
    inner: Decoder,
}

impl OpusDecoder {
    pub fn new() -> Result<Self, CodecError> {
        Ok(Self {
            inner: Decoder::new(SAMPLE_RATE, Channels::Mono)?,
        })
    }

    /// Decodes one packet of 20 ms. Packets of another duration are refused: the rest of Palabre counts
    /// audio in 20 ms frames.
    pub fn decode(&mut self, packet: &[u8]) -> Result<AudioFrame, CodecError> {
        if packet.is_empty() {
            return Err(CodecError::InvalidFrame(
                "empty Opus packet; call conceal_loss for a lost packet".to_owned(),
            ));
        }
        self.decode_into_frame(packet)
    }

    /// Makes up 20 ms to play where a packet was lost, continuing what was heard before.
    pub fn conceal_loss(&mut self) -> Result<AudioFrame, CodecError> {
        // libopus reads an empty input as "this packet was lost".
        self.decode_into_frame(&[])
    }

    /// Rebuilds the 20 ms lost just before `next_packet` from the redundancy the encoder put into it
    /// (in-band FEC); without FEC data libopus conceals instead. Decode `next_packet` itself afterwards.
    pub fn recover_lost_from(&mut self, next_packet: &[u8]) -> Result<AudioFrame, CodecError> {
        if next_packet.is_empty() {
            return self.conceal_loss();
        }
        self.decode_with(next_packet, true)
    }

    fn decode_into_frame(&mut self, input: &[u8]) -> Result<AudioFrame, CodecError> {
        self.decode_with(input, false)
    }

    fn decode_with(&mut self, input: &[u8], fec: bool) -> Result<AudioFrame, CodecError> {
        let mut frame = AudioFrame::silence();
        let decoded = self.inner.decode(input, &mut frame.samples, fec)?;
        if decoded != FRAME_SAMPLES {
            return Err(CodecError::InvalidFrame(format!(
                "Opus packet holds {decoded} samples, expected {FRAME_SAMPLES} (20 ms)"
            )));
        }
        Ok(frame)
    }
}
