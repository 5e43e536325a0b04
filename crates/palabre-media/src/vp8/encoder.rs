//! VP8 encoding tuned for a live call: no lookahead, constant bitrate, fast.

use std::ffi::{c_int, c_ulong};
use std::mem::MaybeUninit;
use std::ptr;

use vpx_sys::{
    vp8e_enc_control_id, vpx_codec_cx_pkt_kind, vpx_codec_enc_cfg_t, vpx_codec_enc_config_default,
    vpx_codec_enc_config_set, vpx_codec_enc_init_ver, vpx_codec_encode, vpx_codec_get_cx_data, vpx_codec_vp8_cx,
    vpx_enc_frame_flags_t, vpx_kf_mode, vpx_rc_mode, VPX_DL_REALTIME, VPX_EFLAG_FORCE_KF,
    VPX_ENCODER_ABI_VERSION, VPX_ERROR_RESILIENT_DEFAULT, VPX_FRAME_IS_KEY,
};

use super::context::{check_status, VpxContext};
use super::image::BorrowedImage;
use crate::error::CodecError;
use crate::frame::VideoFrame;
use crate::video_codec::{EncodedFrame, VideoConfig, VideoEncoder};

/// VP8's frame header stores each dimension in 14 bits.
const MAX_DIMENSION: u32 = (1 << 14) - 1;

/// Encoder speed, negative to make it fixed: a positive value lets libvpx pick the speed from how long
/// previous frames took, which makes output depend on machine load. At speed 12 (of 16) one core encodes
/// a 640x360 frame in a few milliseconds, and flat areas still come out clean.
const CPU_USED: c_int = -12;

/// Seconds between automatic keyframes: how long a receiver that lost a keyframe waits at worst
/// when nobody asks for one.
const KEYFRAME_INTERVAL_SECONDS: u32 = 3;

/// Largest keyframe, in percent of an average frame. Bounds the burst a keyframe puts on the link,
/// which would otherwise delay every packet behind it.
const MAX_KEYFRAME_SIZE_PERCENT: c_int = 600;

/// Worst quantiser allowed, below libvpx's 63: past this, detail is so smeared that spending a little
/// over the target is the better trade.
const MAX_QUANTIZER: u32 = 56;

/// libvpx's own worst quantiser.
const LIBVPX_MAX_QUANTIZER: u32 = 63;

/// A share's worst quantiser: libvpx's own limit. A page of dense text at 1920x1080 overshoots any sensible
/// rate even at 56, and every byte over the target is a burst the link and the receiver must absorb; blurred
/// glyphs for a frame or two are the better trade, since unchanged blocks sharpen again at the next frames.
const SCREEN_MAX_QUANTIZER: u32 = LIBVPX_MAX_QUANTIZER;

/// libvpx's screen-content mode 1: on, without the frame dropping of mode 2 (callers expect one output per input).
const SCREEN_CONTENT_MODE: c_int = 1;

/// A real-time VP8 encoder for one outgoing video stream.
pub struct Vp8Encoder {
    context: VpxContext,
    config: VideoConfig,
    /// What libvpx was configured with, kept to change the bitrate (libvpx takes a whole configuration).
    settings: Settings,
    /// The worst quantiser chosen at creation, for when the bitrate is back at its start.
    max_quantizer: u32,
}

/// An encoder configuration that may move between threads with its encoder.
struct Settings(vpx_codec_enc_cfg_t);

// SAFETY: the only pointers in the configuration are the two-pass statistics buffers, which one-pass real-time
// encoding leaves null; nothing else refers to thread-local data.
unsafe impl Send for Settings {}

impl Vp8Encoder {
    pub fn new(config: VideoConfig) -> Result<Self, CodecError> {
        config.validate("VP8", MAX_DIMENSION)?;
        Self::with_settings(config, realtime_settings(&config)?)
    }

    fn with_settings(config: VideoConfig, settings: vpx_codec_enc_cfg_t) -> Result<Self, CodecError> {
        let mut context = VpxContext::init("vpx_codec_enc_init_ver", |context| {
            // SAFETY: `context` is a fresh context and `settings` a complete configuration; libvpx copies
            // the configuration during the call.
            unsafe {
                vpx_codec_enc_init_ver(
                    context,
                    vpx_codec_vp8_cx(),
                    &settings,
                    0,
                    VPX_ENCODER_ABI_VERSION as c_int,
                )
            }
        })?;
        context.control(
            "VP8E_SET_CPUUSED",
            vp8e_enc_control_id::VP8E_SET_CPUUSED as u32,
            CPU_USED,
        )?;
        context.control(
            "VP8E_SET_MAX_INTRA_BITRATE_PCT",
            vp8e_enc_control_id::VP8E_SET_MAX_INTRA_BITRATE_PCT as u32,
            MAX_KEYFRAME_SIZE_PERCENT,
        )?;
        Ok(Self { context, config, max_quantizer: settings.rc_max_quantizer, settings: Settings(settings) })
    }

    /// An encoder for a shared screen: libvpx's screen-content mode (text and flat areas kept sharp, unchanged
    /// blocks skipped so a still slide costs almost nothing), detail preferred over motion, the whole quantiser
    /// range, and keyframes only when asked for (`force_keyframe`): a 1920x1080 keyframe of text is ten times
    /// an ordinary frame, so the sender decides how often receivers may have one.
    pub fn for_screen(config: VideoConfig) -> Result<Self, CodecError> {
        config.validate("VP8", MAX_DIMENSION)?;
        let mut settings = realtime_settings(&config)?;
        settings.rc_max_quantizer = SCREEN_MAX_QUANTIZER;
        settings.kf_mode = vpx_kf_mode::VPX_KF_DISABLED;
        let mut encoder = Self::with_settings(config, settings)?;
        encoder.context.control(
            "VP8E_SET_SCREEN_CONTENT_MODE",
            vp8e_enc_control_id::VP8E_SET_SCREEN_CONTENT_MODE as u32,
            SCREEN_CONTENT_MODE,
        )?;
        Ok(encoder)
    }

    /// Encodes `frame`, shown at `pts_ms` milliseconds on the caller's clock (it must increase from call
    /// to call; rate control reads the frame rate from it). `force_keyframe` answers a receiver's request
    /// for a picture it can decode alone. Returns the compressed frames libvpx produced for this input:
    /// with these settings, exactly one.
    pub fn encode(
        &mut self,
        frame: &VideoFrame,
        pts_ms: i64,
        force_keyframe: bool,
    ) -> Result<Vec<EncodedFrame>, CodecError> {
        self.config.check_frame(frame)?;
        let image = BorrowedImage::new(frame);
        let flags = if force_keyframe {
            VPX_EFLAG_FORCE_KF as vpx_enc_frame_flags_t
        } else {
            0
        };
        // SAFETY: the context is initialised; `image` describes planes that stay borrowed for this call,
        // and libvpx copies them before returning (no lookahead is configured).
        let status = unsafe {
            vpx_codec_encode(
                self.context.as_mut_ptr(),
                image.as_ptr(),
                pts_ms,
                c_ulong::from(self.config.frame_duration_ms()),
                flags,
                c_ulong::from(VPX_DL_REALTIME),
            )
        };
        self.context.check("vpx_codec_encode", status)?;
        Ok(self.take_output())
    }

    /// Collects the compressed frames waiting in the encoder after an encode call.
    fn take_output(&mut self) -> Vec<EncodedFrame> {
        let context = self.context.as_mut_ptr();
        let mut iterator = ptr::null();
        // SAFETY: the context is initialised and `iterator` starts null, as libvpx requires. Each packet
        // stays valid until the next call on the context, and is copied out before that.
        let packets = std::iter::from_fn(|| unsafe {
            vpx_codec_get_cx_data(context, &mut iterator).as_ref()
        });
        packets
            .filter(|packet| packet.kind == vpx_codec_cx_pkt_kind::VPX_CODEC_CX_FRAME_PKT)
            .map(|packet| {
                // SAFETY: `frame` is the union member of frame packets; it points to `sz` bytes.
                let frame = unsafe { packet.data.frame };
                let data = unsafe {
                    std::slice::from_raw_parts(frame.buf.cast::<u8>(), frame.sz as usize)
                };
                EncodedFrame {
                    data: data.to_vec(),
                    keyframe: frame.flags & VPX_FRAME_IS_KEY != 0,
                }
            })
            .collect()
    }
}

impl VideoEncoder for Vp8Encoder {
    fn encode(&mut self, frame: &VideoFrame, pts_ms: i64, force_keyframe: bool) -> Result<Vec<EncodedFrame>, CodecError> {
        Vp8Encoder::encode(self, frame, pts_ms, force_keyframe)
    }

    fn set_bitrate(&mut self, kbps: u32) -> Result<(), CodecError> {
        let settings = &mut self.settings.0;
        settings.rc_target_bitrate = kbps;
        // Below the bitrate it started at, the link is what limits the stream, and every byte over the target is
        // lost on the way: fitting the link matters more than the detail `MAX_QUANTIZER` keeps.
        settings.rc_max_quantizer = if kbps < self.config.bitrate_kbps { LIBVPX_MAX_QUANTIZER } else { self.max_quantizer };
        // SAFETY: the context is initialised and `settings` is the complete configuration it was made with, new
        // target and quantiser aside; libvpx copies it during the call.
        let status = unsafe { vpx_codec_enc_config_set(self.context.as_mut_ptr(), &self.settings.0) };
        self.context.check("vpx_codec_enc_config_set", status)
    }
}

/// libvpx's defaults for VP8, changed for a live call at the configured size and rate.
fn realtime_settings(config: &VideoConfig) -> Result<vpx_codec_enc_cfg_t, CodecError> {
    let mut settings = MaybeUninit::<vpx_codec_enc_cfg_t>::uninit();
    // SAFETY: libvpx fills the whole configuration when it returns OK, checked before reading it.
    let status =
        unsafe { vpx_codec_enc_config_default(vpx_codec_vp8_cx(), settings.as_mut_ptr(), 0) };
    check_status("vpx_codec_enc_config_default", status)?;
    let mut settings = unsafe { settings.assume_init() };

    settings.g_w = config.width;
    settings.g_h = config.height;
    // Timestamps are milliseconds.
    settings.g_timebase.num = 1;
    settings.g_timebase.den = 1000;
    // One thread: a participant's machine runs an encoder and several decoders at once.
    settings.g_threads = 1;
    // Each frame can be decoded after a lost one once its references arrive, at a small cost in size.
    settings.g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT;
    // No lookahead: every frame goes out as soon as it is encoded.
    settings.g_lag_in_frames = 0;
    settings.rc_end_usage = vpx_rc_mode::VPX_CBR;
    settings.rc_target_bitrate = config.bitrate_kbps;
    settings.rc_max_quantizer = MAX_QUANTIZER;
    // Never drop a frame to save bits: callers expect one output per input.
    settings.rc_dropframe_thresh = 0;
    settings.kf_mode = vpx_kf_mode::VPX_KF_AUTO;
    settings.kf_max_dist = config.fps * KEYFRAME_INTERVAL_SECONDS;
    Ok(settings)
}
