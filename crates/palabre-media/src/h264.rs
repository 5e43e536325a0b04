//! H.264 video coding through Cisco's OpenH264, compiled from its source by the `openh264` crate.
//!
//! Licence: the OpenH264 source is BSD-2-Clause; Cisco's patent licence covers only the binaries Cisco builds and
//! distributes, not this build (see docs/ARCHITECTURE.md).

use openh264::decoder::{DecodedYUV, Decoder};
use openh264::encoder::{
    BitRate, Encoder, EncoderConfig, FrameRate, FrameType, IntraFramePeriod, Level, Profile, RateControlMode, UsageType,
};
use openh264::formats::{YUVSlices, YUVSource};
use openh264::{OpenH264API, Timestamp};
use openh264_sys2::{SBitrateInfo, ENCODER_OPTION_BITRATE, SPATIAL_LAYER_ALL};

use crate::error::CodecError;
use crate::frame::VideoFrame;
use crate::video_codec::{EncodedFrame, VideoConfig, VideoDecoder, VideoEncoder};

/// Seconds between automatic keyframes, as for VP8: how long a receiver that lost one waits at worst.
const KEYFRAME_INTERVAL_SECONDS: u32 = 3;

/// OpenH264 refuses pictures larger than 3840 on a side (level 5.2).
const MAX_DIMENSION: u32 = 3840;

/// A real-time H.264 encoder (Constrained Baseline, what `profile-level-id=42e01f` announces) for one stream.
pub struct H264Encoder {
    encoder: Encoder,
    config: VideoConfig,
    /// A bitrate asked for before the first frame: the `openh264` crate sets OpenH264 up at the first frame
    /// (from the picture's size), and an encoder not set up refuses options.
    pending_kbps: Option<u32>,
    set_up: bool,
}

impl H264Encoder {
    pub fn new(config: VideoConfig) -> Result<Self, CodecError> {
        config.validate("H.264", MAX_DIMENSION)?;
        if !config.width.is_multiple_of(2) || !config.height.is_multiple_of(2) {
            return Err(CodecError::InvalidConfig(format!(
                "H.264 pictures need even sides, not {}x{}",
                config.width, config.height
            )));
        }
        let settings = EncoderConfig::new()
            .usage_type(UsageType::CameraVideoRealTime)
            .profile(Profile::Baseline)
            .level(level_for(&config))
            .rate_control_mode(RateControlMode::Bitrate)
            .bitrate(BitRate::from_bps(config.bitrate_kbps.saturating_mul(1000)))
            .max_frame_rate(FrameRate::from_hz(config.fps as f32))
            // Callers expect one output per input, as with VP8.
            .skip_frames(false)
            .intra_frame_period(IntraFramePeriod::from_num_frames(config.fps * KEYFRAME_INTERVAL_SECONDS))
            // One thread: a participant's machine runs an encoder and several decoders at once.
            .num_threads(1);
        let encoder = Encoder::with_api_config(OpenH264API::from_source(), settings).map_err(openh264_error)?;
        Ok(Self { encoder, config, pending_kbps: None, set_up: false })
    }
}

/// Level 3.1 (the `1f` of 42e01f) holds 1280×720 at 30 fps; larger pictures need a level that says so, or a
/// strict decoder refuses them.
fn level_for(config: &VideoConfig) -> Level {
    let macroblocks = config.width.div_ceil(16) * config.height.div_ceil(16);
    if macroblocks <= 3_600 {
        Level::Level_3_1
    } else if macroblocks <= 8_192 {
        Level::Level_4_1
    } else {
        Level::Level_5_2
    }
}

impl VideoEncoder for H264Encoder {
    fn encode(&mut self, frame: &VideoFrame, pts_ms: i64, force_keyframe: bool) -> Result<Vec<EncodedFrame>, CodecError> {
        self.config.check_frame(frame)?;
        if force_keyframe {
            self.encoder.force_intra_frame();
        }
        let source = YUVSlices::new(
            (&frame.y, &frame.u, &frame.v),
            (frame.width as usize, frame.height as usize),
            (frame.width as usize, frame.chroma_width() as usize, frame.chroma_width() as usize),
        );
        let timestamp = Timestamp::from_millis(pts_ms.max(0) as u64);
        let stream = self.encoder.encode_at(&source, timestamp).map_err(openh264_error)?;
        let encoded = match stream.frame_type() {
            FrameType::IDR | FrameType::I => vec![EncodedFrame { data: stream.to_vec(), keyframe: true }],
            FrameType::P | FrameType::IPMixed => vec![EncodedFrame { data: stream.to_vec(), keyframe: false }],
            FrameType::Skip | FrameType::Invalid => Vec::new(),
        };
        self.set_up = true;
        if let Some(kbps) = self.pending_kbps.take() {
            self.apply_bitrate(kbps)?;
        }
        Ok(encoded)
    }

    fn set_bitrate(&mut self, kbps: u32) -> Result<(), CodecError> {
        if self.set_up {
            self.apply_bitrate(kbps)
        } else {
            self.pending_kbps = Some(kbps);
            Ok(())
        }
    }
}

impl H264Encoder {
    /// Sets OpenH264's target, at most the bitrate the encoder was made with: the `openh264` crate makes that the
    /// layer's maximum, and OpenH264 refuses a target above it.
    fn apply_bitrate(&mut self, kbps: u32) -> Result<(), CodecError> {
        let kbps = kbps.min(self.config.bitrate_kbps);
        let bps = kbps.saturating_mul(1000).min(i32::MAX as u32) as i32;
        let mut target = SBitrateInfo { iLayer: SPATIAL_LAYER_ALL, iBitrate: bps };
        // SAFETY: OpenH264 is set up (a frame was encoded); ENCODER_OPTION_BITRATE reads one `SBitrateInfo`
        // during the call, and checks the target against the layer's maximum itself.
        let status = unsafe { self.encoder.raw_api().set_option(ENCODER_OPTION_BITRATE, (&raw mut target).cast()) };
        if status == 0 {
            Ok(())
        } else {
            Err(CodecError::OpenH264(format!("setting the bitrate to {kbps} kbit/s failed with status {status}")))
        }
    }
}

/// An H.264 decoder for one incoming stream; takes Annex B access units as the RTP depacketiser rebuilds them.
pub struct H264Decoder {
    decoder: Decoder,
}

impl H264Decoder {
    pub fn new() -> Result<Self, CodecError> {
        Ok(Self { decoder: Decoder::new().map_err(openh264_error)? })
    }
}

impl VideoDecoder for H264Decoder {
    fn decode(&mut self, data: &[u8]) -> Result<Vec<VideoFrame>, CodecError> {
        // What the depacketiser hands over always starts with a start code; anything else is not H.264, and is
        // refused in words rather than with OpenH264's bare status.
        if !data.starts_with(&[0, 0, 1]) && !data.starts_with(&[0, 0, 0, 1]) {
            return Err(CodecError::InvalidFrame(format!(
                "{} bytes that do not start with an H.264 start code",
                data.len()
            )));
        }
        let decoded = self.decoder.decode(data).map_err(openh264_error)?;
        Ok(decoded.map(|picture| to_frame(&picture)).into_iter().collect())
    }
}

/// Copies OpenH264's padded planes into a tightly packed frame.
fn to_frame(picture: &DecodedYUV<'_>) -> VideoFrame {
    let (width, height) = picture.dimensions();
    let (chroma_width, chroma_height) = picture.dimensions_uv();
    let (y_stride, u_stride, v_stride) = picture.strides();
    // Row by row with slice copies (memcpy), never byte by byte: this runs for every picture of a call.
    let packed = |plane: &[u8], stride: usize, row: usize, rows: usize| -> Vec<u8> {
        let mut packed = Vec::with_capacity(row * rows);
        plane.chunks(stride).take(rows).for_each(|line| packed.extend_from_slice(&line[..row]));
        packed
    };
    VideoFrame {
        width: width as u32,
        height: height as u32,
        y: packed(picture.y(), y_stride, width, height),
        u: packed(picture.u(), u_stride, chroma_width, chroma_height),
        v: packed(picture.v(), v_stride, chroma_width, chroma_height),
    }
}

fn openh264_error(error: openh264::Error) -> CodecError {
    CodecError::OpenH264(error.to_string())
}
