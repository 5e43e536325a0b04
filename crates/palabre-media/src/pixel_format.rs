//! What cameras deliver, turned into the I420 the encoder takes, and PSNR to measure what a conversion or a
//! codec lost. So far NV12 (Windows and macOS capture paths): its Y plane is already right and its interleaved
//! chroma plane only needs splitting, no arithmetic. YUYV and MJPEG come with the camera work (see
//! docs/ARCHITECTURE.md: `yuvutils-rs` 0.8.3 was tried and set aside).

use crate::error::CodecError;
use crate::frame::VideoFrame;

/// Layouts of raw camera pictures Palabre converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// Y plane, then one plane of interleaved U V at half resolution.
    Nv12,
}

impl PixelFormat {
    /// Bytes of one tightly packed picture.
    pub fn frame_bytes(self, width: u32, height: u32) -> usize {
        let (w, h) = (width as usize, height as usize);
        match self {
            PixelFormat::Nv12 => w * h + w * h / 2,
        }
    }
}

/// Converts one tightly packed camera picture to I420. Camera pictures have even sizes; others are refused.
pub fn to_i420(format: PixelFormat, width: u32, height: u32, data: &[u8]) -> Result<VideoFrame, CodecError> {
    check_shape(format, width, height, data.len())?;
    let mut frame = VideoFrame::black(width, height);
    match format {
        PixelFormat::Nv12 => {
            let (luma, chroma) = data.split_at((width * height) as usize);
            frame.y.copy_from_slice(luma);
            // Splitting pairs: a shape the compiler vectorises, no arithmetic per pixel.
            for ((pair, u), v) in chroma.chunks_exact(2).zip(frame.u.iter_mut()).zip(frame.v.iter_mut()) {
                (*u, *v) = (pair[0], pair[1]);
            }
        }
    }
    Ok(frame)
}

/// The reverse of [`to_i420`], for tests and for sending our own pictures to code that wants a camera format.
pub fn from_i420(format: PixelFormat, frame: &VideoFrame) -> Result<Vec<u8>, CodecError> {
    let (width, height) = (frame.width, frame.height);
    check_shape(format, width, height, format.frame_bytes(width, height))?;
    if !frame.planes_match_dimensions() {
        return Err(CodecError::InvalidFrame("the frame's planes do not match its size".into()));
    }
    let mut out = vec![0u8; format.frame_bytes(width, height)];
    match format {
        PixelFormat::Nv12 => {
            let (luma, chroma) = out.split_at_mut((width * height) as usize);
            luma.copy_from_slice(&frame.y);
            for ((pair, u), v) in chroma.chunks_exact_mut(2).zip(&frame.u).zip(&frame.v) {
                (pair[0], pair[1]) = (*u, *v);
            }
        }
    }
    Ok(out)
}

fn check_shape(format: PixelFormat, width: u32, height: u32, len: usize) -> Result<(), CodecError> {
    if width == 0 || height == 0 || width % 2 == 1 || height % 2 == 1 {
        return Err(CodecError::InvalidFrame(format!("a {format:?} picture must have an even, non-zero size, not {width}x{height}")));
    }
    let expected = format.frame_bytes(width, height);
    if len != expected {
        return Err(CodecError::InvalidFrame(format!("a {width}x{height} {format:?} picture has {expected} bytes, not {len}")));
    }
    Ok(())
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
    use crate::test_pattern::{read_frame_number, TestPattern};

    #[test]
    fn a_pattern_survives_each_camera_format_and_back() {
        let reference = TestPattern::new(320, 180).frame(42);
        for format in [PixelFormat::Nv12] {
            let camera = from_i420(format, &reference).unwrap();
            assert_eq!(camera.len(), format.frame_bytes(320, 180));
            let back = to_i420(format, 320, 180, &camera).unwrap();
            let quality = psnr(&reference, &back).unwrap();
            // Only the chroma layout changes: nothing is lost.
            assert_eq!(quality, f64::INFINITY, "{format:?}");
            assert_eq!(read_frame_number(&back), Some(42));
        }
    }

    #[test]
    fn malformed_camera_buffers_are_refused() {
        assert!(to_i420(PixelFormat::Nv12, 320, 180, &[0; 100]).is_err());
        assert!(to_i420(PixelFormat::Nv12, 321, 180, &vec![0; PixelFormat::Nv12.frame_bytes(321, 180)]).is_err());
        assert!(to_i420(PixelFormat::Nv12, 0, 0, &[]).is_err());
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
