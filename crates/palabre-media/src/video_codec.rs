//! What every video codec of a call shares: its settings, its output, the encoder and decoder shapes the call
//! drives, and the choice between codecs that the two sides of a call negotiate.

use std::fmt;
use std::str::FromStr;

use crate::error::CodecError;
use crate::frame::VideoFrame;
use crate::h264::{H264Decoder, H264Encoder};
use crate::vp8::{Vp8Decoder, Vp8Encoder};

/// What to encode: picture size, frame rate and the bitrate to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoConfig {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub bitrate_kbps: u32,
}

/// The name callers used before a second codec existed; the settings are the same for every codec.
pub type Vp8Config = VideoConfig;

impl VideoConfig {
    /// Checks the settings any codec needs; `codec` and its `max_dimension` word the refusal.
    pub(crate) fn validate(&self, codec: &str, max_dimension: u32) -> Result<(), CodecError> {
        let invalid = |reason: String| Err(CodecError::InvalidConfig(reason));
        if !(1..=max_dimension).contains(&self.width) || !(1..=max_dimension).contains(&self.height) {
            return invalid(format!(
                "{codec} pictures are 1 to {max_dimension} pixels a side, not {}x{}",
                self.width, self.height
            ));
        }
        if !(1..=1000).contains(&self.fps) {
            return invalid(format!("frame rate must be 1 to 1000 fps, not {}", self.fps));
        }
        if self.bitrate_kbps == 0 {
            return invalid("bitrate must be above 0 kbit/s".to_owned());
        }
        Ok(())
    }

    /// How long each frame is shown, in milliseconds (the encoders' time base), at least 1.
    pub(crate) fn frame_duration_ms(&self) -> u32 {
        (1000 / self.fps).max(1)
    }

    /// Refuses a frame of another size than configured, or whose planes are not I420 at its size.
    pub(crate) fn check_frame(&self, frame: &VideoFrame) -> Result<(), CodecError> {
        if (frame.width, frame.height) != (self.width, self.height) {
            return Err(CodecError::InvalidFrame(format!(
                "frame is {}x{} but the encoder was configured for {}x{}",
                frame.width, frame.height, self.width, self.height
            )));
        }
        if !frame.planes_match_dimensions() {
            return Err(CodecError::InvalidFrame(format!(
                "frame planes hold {}, {} and {} bytes, which is not I420 at {}x{}",
                frame.y.len(),
                frame.u.len(),
                frame.v.len(),
                frame.width,
                frame.height
            )));
        }
        Ok(())
    }
}

/// One compressed frame, ready to packetise (H.264: Annex B, start codes before each NAL unit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedFrame {
    pub data: Vec<u8>,
    /// Whether a decoder can start from this frame alone.
    pub keyframe: bool,
}

/// A real-time encoder for one outgoing video stream.
pub trait VideoEncoder: Send {
    /// Encodes `frame`, shown at `pts_ms` milliseconds on the caller's clock (increasing from call to call).
    /// `force_keyframe` answers a receiver's request (PLI/FIR) for a picture it can decode alone.
    fn encode(&mut self, frame: &VideoFrame, pts_ms: i64, force_keyframe: bool) -> Result<Vec<EncodedFrame>, CodecError>;

    /// Aims the following frames at `kbps`, without a keyframe: the engine follows the link with it.
    fn set_bitrate(&mut self, kbps: u32) -> Result<(), CodecError>;
}

/// A decoder for one incoming video stream.
pub trait VideoDecoder: Send {
    /// Decodes one compressed frame into the pictures it completes. Data that is not of this codec, or a frame
    /// that needs a reference the decoder never had, is an error.
    fn decode(&mut self, data: &[u8]) -> Result<Vec<VideoFrame>, CodecError>;
}

/// The video codecs a call can use; the two sides of a call agree on one (see `palabre-net`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VideoCodec {
    /// The default: every WebRTC endpoint has it, and the desktop app's renderer decodes it.
    #[default]
    Vp8,
    /// Constrained Baseline (profile-level-id 42e01f), packetization-mode 1: what every WebRTC browser decodes.
    H264,
}

impl VideoCodec {
    pub const ALL: [VideoCodec; 2] = [VideoCodec::Vp8, VideoCodec::H264];

    /// The RTP payload format name, as SDP and webrtc-rs MIME types spell it after `video/`.
    pub fn rtp_name(self) -> &'static str {
        match self {
            VideoCodec::Vp8 => "VP8",
            VideoCodec::H264 => "H264",
        }
    }

    /// The codec a MIME type such as `video/H264` names (any case), if it is one of ours.
    pub fn from_mime(mime: &str) -> Option<Self> {
        let name = mime.strip_prefix("video/").or_else(|| mime.strip_prefix("VIDEO/")).unwrap_or(mime);
        Self::ALL.into_iter().find(|codec| codec.rtp_name().eq_ignore_ascii_case(name))
    }

    pub fn encoder(self, config: VideoConfig) -> Result<Box<dyn VideoEncoder>, CodecError> {
        Ok(match self {
            VideoCodec::Vp8 => Box::new(Vp8Encoder::new(config)?),
            VideoCodec::H264 => Box::new(H264Encoder::new(config)?),
        })
    }

    pub fn decoder(self) -> Result<Box<dyn VideoDecoder>, CodecError> {
        Ok(match self {
            VideoCodec::Vp8 => Box::new(Vp8Decoder::new()?),
            VideoCodec::H264 => Box::new(H264Decoder::new()?),
        })
    }
}

impl fmt::Display for VideoCodec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VideoCodec::Vp8 => "vp8",
            VideoCodec::H264 => "h264",
        })
    }
}

impl FromStr for VideoCodec {
    type Err = String;

    /// `vp8` or `h264` (any case), as the CLI and settings spell them.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|codec| codec.to_string().eq_ignore_ascii_case(text))
            .ok_or_else(|| format!("unknown video codec {text:?}: expected vp8 or h264"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_mime_types_are_recognised() {
        for codec in VideoCodec::ALL {
            assert_eq!(codec.to_string().parse::<VideoCodec>(), Ok(codec));
            assert_eq!(VideoCodec::from_mime(&format!("video/{}", codec.rtp_name())), Some(codec));
        }
        assert_eq!(VideoCodec::from_mime("video/h264"), Some(VideoCodec::H264));
        assert_eq!(VideoCodec::from_mime("video/VP9"), None);
        assert!("av1".parse::<VideoCodec>().unwrap_err().contains("vp8 or h264"));
    }
}
