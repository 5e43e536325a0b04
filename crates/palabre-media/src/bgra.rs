//! Screen pictures (BGRA, as X11, DXGI and PipeWire deliver them) to the I420 the VP8 encoder takes.
//!
//! libyuv's `ARGBToI420` (its "ARGB" is B G R A in memory), the same SIMD converter as the camera's
//! ([`crate::to_i420`]): BT.601 studio range, the matrix VP8 decoders and y4m tools assume. Unlike camera
//! pictures, screens and windows may have odd sizes; the last chroma row and column then cover one pixel.

use crate::error::CodecError;
use crate::frame::VideoFrame;

/// Converts a tightly packed `width × height` BGRA picture (alpha ignored) to I420.
pub fn bgra_to_i420(width: u32, height: u32, bgra: &[u8]) -> Result<VideoFrame, CodecError> {
    let (w, h) = (width as usize, height as usize);
    if w == 0 || h == 0 || width > 16384 || height > 16384 || bgra.len() != w * h * 4 {
        return Err(CodecError::InvalidFrame(format!(
            "a {width}x{height} BGRA picture (at most 16384x16384) is {} bytes, not {}",
            w * h * 4,
            bgra.len()
        )));
    }
    let mut frame = VideoFrame::black(width, height);
    let chroma_stride = frame.chroma_width() as i32;
    let [y, u, v] = [frame.y.as_mut_ptr(), frame.u.as_mut_ptr(), frame.v.as_mut_ptr()];
    // SAFETY: the source is exactly width x height x 4 bytes (checked above) and the planes are those of a frame
    // of that size, with rounded-up chroma; libyuv reads and writes nothing else.
    let status = unsafe {
        yuv_sys::rs_ARGBToI420(bgra.as_ptr(), width as i32 * 4, y, width as i32, u, chroma_stride, v, chroma_stride, width as i32, height as i32)
    };
    if status != 0 {
        return Err(CodecError::InvalidFrame(format!("libyuv could not convert a {width}x{height} BGRA picture (status {status})")));
    }
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(width: u32, height: u32, colour: [u8; 4]) -> Vec<u8> {
        colour.repeat((width * height) as usize)
    }

    /// libyuv's fixed point and ffmpeg's differ by at most one level.
    fn near(got: u8, want: u8) -> bool {
        got.abs_diff(want) <= 1
    }

    #[test]
    fn primary_colours_get_bt601_studio_range_values() {
        // (B, G, R, A) -> (Y, U, V), as ffmpeg's rgb-to-yuv420p gives them.
        let cases = [
            ([0, 0, 0, 255], (16, 128, 128)),
            ([255, 255, 255, 255], (235, 128, 128)),
            ([0, 0, 255, 255], (81, 90, 240)),
            ([0, 255, 0, 255], (145, 54, 34)),
            ([255, 0, 0, 255], (41, 240, 110)),
        ];
        for (bgra, (y, u, v)) in cases {
            let frame = bgra_to_i420(4, 2, &picture(4, 2, bgra)).unwrap();
            assert!(frame.y.iter().all(|&l| near(l, y)), "{bgra:?}: Y {:?}", frame.y[0]);
            assert!(near(frame.u[0], u) && near(frame.v[0], v), "{bgra:?}: U V {:?}", (frame.u[0], frame.v[0]));
        }
    }

    #[test]
    fn odd_sizes_give_the_last_pixel_its_own_chroma() {
        let mut bgra = picture(3, 3, [0, 0, 0, 255]);
        // The bottom-right pixel, alone in its chroma block, is red.
        bgra[8 * 4..9 * 4].copy_from_slice(&[0, 0, 255, 255]);
        let frame = bgra_to_i420(3, 3, &bgra).unwrap();
        assert_eq!((frame.chroma_width(), frame.chroma_height()), (2, 2));
        assert!(near(frame.u[3], 90) && near(frame.v[3], 240), "{:?}", (frame.u[3], frame.v[3]));
        assert_eq!((frame.u[0], frame.v[0]), (128, 128));
    }

    #[test]
    fn a_picture_of_the_wrong_size_is_refused() {
        assert!(matches!(bgra_to_i420(4, 4, &[0; 60]), Err(CodecError::InvalidFrame(_))));
        assert!(matches!(bgra_to_i420(0, 4, &[]), Err(CodecError::InvalidFrame(_))));
    }
}
