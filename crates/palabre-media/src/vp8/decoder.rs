//! VP8 decoding into tightly packed [`VideoFrame`]s.

use std::ffi::{c_int, c_uint};
use std::ptr;

use vpx_sys::{
    vpx_codec_dec_cfg_t, vpx_codec_dec_init_ver, vpx_codec_decode, vpx_codec_get_frame,
    vpx_codec_vp8_dx, VPX_DECODER_ABI_VERSION,
};

use super::context::VpxContext;
use super::image::copy_to_frame;
use crate::error::CodecError;
use crate::frame::VideoFrame;
use crate::video_codec::VideoDecoder;

/// A VP8 decoder for one incoming video stream.
pub struct Vp8Decoder {
    context: VpxContext,
}

impl Vp8Decoder {
    pub fn new() -> Result<Self, CodecError> {
        // Size 0x0: the decoder learns it from the first keyframe.
        let settings = vpx_codec_dec_cfg_t {
            threads: 1,
            w: 0,
            h: 0,
        };
        let context = VpxContext::init("vpx_codec_dec_init_ver", |context| {
            // SAFETY: `context` is a fresh context; libvpx copies `settings` during the call.
            unsafe {
                vpx_codec_dec_init_ver(
                    context,
                    vpx_codec_vp8_dx(),
                    &settings,
                    0,
                    VPX_DECODER_ABI_VERSION as c_int,
                )
            }
        })?;
        Ok(Self { context })
    }

    /// Decodes one compressed frame and returns the pictures it completes (VP8 gives one, or none for
    /// a frame that is not shown). Data that is not VP8, or an inter frame before any keyframe, is an error.
    pub fn decode(&mut self, data: &[u8]) -> Result<Vec<VideoFrame>, CodecError> {
        let length = c_uint::try_from(data.len()).map_err(|_| {
            CodecError::InvalidFrame(format!("{} bytes is too large for a VP8 frame", data.len()))
        })?;
        // SAFETY: the context is initialised and `data` is readable for `length` bytes during the call.
        let status = unsafe {
            vpx_codec_decode(
                self.context.as_mut_ptr(),
                data.as_ptr(),
                length,
                ptr::null_mut(),
                0,
            )
        };
        self.context.check("vpx_codec_decode", status)?;

        let context = self.context.as_mut_ptr();
        let mut iterator = ptr::null();
        // SAFETY: `iterator` starts null as libvpx requires; each image stays valid until the next call
        // on the context and is copied out before that.
        std::iter::from_fn(|| unsafe { vpx_codec_get_frame(context, &mut iterator).as_ref() })
            .map(copy_to_frame)
            .collect()
    }
}

impl VideoDecoder for Vp8Decoder {
    fn decode(&mut self, data: &[u8]) -> Result<Vec<VideoFrame>, CodecError> {
        Vp8Decoder::decode(self, data)
    }
}
