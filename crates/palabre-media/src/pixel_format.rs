//! What cameras deliver, turned into the I420 the encoder takes, and PSNR to measure what a conversion or a
//! codec lost.
//!
//! The arithmetic is Google's libyuv (SIMD, the converter browsers use), built from the source `yuv-sys` bundles;
//! MJPEG is decoded to RGB by `zune-jpeg` (pure Rust, SIMD) and then converted by libyuv. Why these and not
//! `yuvutils-rs` or `dcv-color-primitives`: docs/ARCHITECTURE.md.

use std::io::Cursor;

use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use crate::error::CodecError;
use crate::frame::VideoFrame;

/// Layouts of raw camera pictures Palabre converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// Y plane, then one plane of interleaved U V at half resolution (Windows and macOS capture paths).
    Nv12,
    /// Packed 4:2:2, Y0 U Y1 V per pair of pixels (most webcams' raw mode, `YUY2` on Windows).
    Yuyv,
    /// Each picture a JPEG (webcams' mode for 720p and above at 30 fps over USB 2).
    Mjpeg,
}

impl PixelFormat {
    /// Bytes of one tightly packed picture; None for compressed pictures, whose size varies.
    pub fn frame_bytes(self, width: u32, height: u32) -> Option<usize> {
        let (w, h) = (width as usize, height as usize);
        match self {
            PixelFormat::Nv12 => Some(w * h + w * h / 2),
            PixelFormat::Yuyv => Some(w * h * 2),
            PixelFormat::Mjpeg => None,
        }
    }
}

/// Converts one tightly packed camera picture to I420. Camera pictures have even sizes; others are refused, as
/// is a buffer of the wrong length or a JPEG of another size than announced.
pub fn to_i420(format: PixelFormat, width: u32, height: u32, data: &[u8]) -> Result<VideoFrame, CodecError> {
    if width == 0 || height == 0 || width % 2 == 1 || height % 2 == 1 || width > 8192 || height > 8192 {
        return Err(CodecError::InvalidFrame(format!("a {format:?} picture must have an even size from 2x2 to 8192x8192, not {width}x{height}")));
    }
    if let Some(expected) = format.frame_bytes(width, height) {
        if data.len() != expected {
            return Err(CodecError::InvalidFrame(format!("a {width}x{height} {format:?} picture has {expected} bytes, not {}", data.len())));
        }
    }
    let mut frame = VideoFrame::black(width, height);
    let (w, h) = (width as i32, height as i32);
    let [y, u, v] = [frame.y.as_mut_ptr(), frame.u.as_mut_ptr(), frame.v.as_mut_ptr()];
    // SAFETY (all three calls): the sizes were checked above (and for MJPEG, the decoded RGB's below), the
    // planes are those of a frame of exactly width x height, and libyuv reads and writes nothing else.
    let status = match format {
        PixelFormat::Nv12 => unsafe {
            let chroma = data.as_ptr().add((width * height) as usize);
            yuv_sys::rs_NV12ToI420(data.as_ptr(), w, chroma, w, y, w, u, w / 2, v, w / 2, w, h)
        },
        PixelFormat::Yuyv => unsafe { yuv_sys::rs_YUY2ToI420(data.as_ptr(), w * 2, y, w, u, w / 2, v, w / 2, w, h) },
        PixelFormat::Mjpeg => {
            let rgb = decode_jpeg(data, width, height)?;
            unsafe { yuv_sys::rs_RAWToI420(rgb.as_ptr(), w * 3, y, w, u, w / 2, v, w / 2, w, h) }
        }
    };
    if status != 0 {
        return Err(CodecError::InvalidFrame(format!("libyuv could not convert a {width}x{height} {format:?} picture (status {status})")));
    }
    Ok(frame)
}

/// A JPEG's pixels as R G B bytes, refused unless it is `width` x `height`.
fn decode_jpeg(data: &[u8], width: u32, height: u32) -> Result<Vec<u8>, CodecError> {
    let bad = |reason: String| CodecError::InvalidFrame(format!("an MJPEG picture {reason}"));
    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = JpegDecoder::new_with_options(Cursor::new(data), options);
    decoder.decode_headers().map_err(|e| bad(format!("cannot be decoded: {e}")))?;
    let info = decoder.info().ok_or_else(|| bad("has no size".into()))?;
    if (u32::from(info.width), u32::from(info.height)) != (width, height) {
        return Err(bad(format!("is {}x{}, not the {width}x{height} announced", info.width, info.height)));
    }
    let rgb = decoder.decode().map_err(|e| bad(format!("cannot be decoded: {e}")))?;
    if rgb.len() != (width * height * 3) as usize {
        return Err(bad(format!("decoded to {} bytes, not RGB", rgb.len())));
    }
    Ok(rgb)
}

/// Peak signal-to-noise ratio of `received` against `reference` over all three planes, in dB (higher is closer;
/// identical pictures give infinity). None when the sizes differ.
pub fn psnr(reference: &VideoFrame, received: &VideoFrame) -> Option<f64> {
    if (reference.width, reference.height) != (received.width, received.height)
        || !reference.planes_match_dimensions()
        || !received.planes_match_dimensions()
    {
        return None;
    }
    let pairs = [(&reference.y, &received.y), (&reference.u, &received.u), (&reference.v, &received.v)];
    let (sum, count) = pairs.iter().fold((0u64, 0usize), |(sum, count), (a, b)| {
        let plane: u64 = a.iter().zip(b.iter()).map(|(&x, &y)| u64::from(x.abs_diff(y)).pow(2)).sum();
        (sum + plane, count + a.len())
    });
    let mse = sum as f64 / count as f64;
    Some(if mse == 0.0 { f64::INFINITY } else { 10.0 * (255.0f64.powi(2) / mse).log10() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pattern::TestPattern;

    #[test]
    fn malformed_camera_buffers_are_refused() {
        let nv12 = |w, h| PixelFormat::Nv12.frame_bytes(w, h).unwrap();
        assert!(to_i420(PixelFormat::Nv12, 320, 180, &[0; 100]).is_err());
        assert!(to_i420(PixelFormat::Nv12, 321, 180, &vec![0; nv12(321, 180)]).is_err());
        assert!(to_i420(PixelFormat::Yuyv, 320, 180, &vec![0; nv12(320, 180)]).is_err());
        assert!(to_i420(PixelFormat::Nv12, 0, 0, &[]).is_err());
        for garbage in [&[][..], &[0xff, 0xd8, 0xff][..], &[7; 5000][..]] {
            let error = to_i420(PixelFormat::Mjpeg, 320, 180, garbage).unwrap_err();
            assert!(error.to_string().contains("MJPEG"), "{error}");
        }
    }

    #[test]
    fn psnr_ranks_closer_pictures_higher() {
        let reference = TestPattern::new(64, 64).frame(1);
        let mut slightly = reference.clone();
        slightly.y[0] ^= 4;
        let other = TestPattern::new(64, 64).frame(2);
        assert_eq!(psnr(&reference, &reference), Some(f64::INFINITY));
        assert!(psnr(&reference, &slightly).unwrap() > psnr(&reference, &other).unwrap());
        assert_eq!(psnr(&reference, &VideoFrame::black(32, 32)), None);
    }
}
