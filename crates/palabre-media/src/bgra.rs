//! Screen pictures (BGRA, as X11, DXGI and PipeWire deliver them) to the I420 the VP8 encoder takes.
//!
//! BT.601 with studio range, the matrix VP8 decoders and y4m tools assume (and ffmpeg's default), in 16.16
//! fixed point (8.8 is one level off ffmpeg for pure colours). Luma is one pass over each row with no branches, a shape the compiler vectorises; chroma averages each
//! 2×2 block (the last row and column repeat at odd sizes). Measured in docs/BENCHMARKS.md against the frame
//! budget; `yuvutils-rs` was set aside earlier (docs/ARCHITECTURE.md).

use crate::error::CodecError;
use crate::frame::VideoFrame;

/// Converts a tightly packed `width × height` BGRA picture (alpha ignored) to I420.
pub fn bgra_to_i420(width: u32, height: u32, bgra: &[u8]) -> Result<VideoFrame, CodecError> {
    let (w, h) = (width as usize, height as usize);
    if w == 0 || h == 0 || bgra.len() != w * h * 4 {
        return Err(CodecError::InvalidFrame(format!(
            "a {width}x{height} BGRA picture is {} bytes, not {}",
            w * h * 4,
            bgra.len()
        )));
    }
    let mut frame = VideoFrame::black(width, height);
    for (pixels, luma) in bgra.chunks_exact(w * 4).zip(frame.y.chunks_exact_mut(w)) {
        for (pixel, y) in pixels.chunks_exact(4).zip(luma.iter_mut()) {
            *y = luma_of(i32::from(pixel[2]), i32::from(pixel[1]), i32::from(pixel[0]));
        }
    }
    let chroma_width = frame.chroma_width() as usize;
    let rows = frame.u.chunks_exact_mut(chroma_width).zip(frame.v.chunks_exact_mut(chroma_width));
    for (block_row, (u_row, v_row)) in rows.enumerate() {
        let top = &bgra[2 * block_row * w * 4..][..w * 4];
        let bottom = &bgra[(2 * block_row + 1).min(h - 1) * w * 4..][..w * 4];
        for (block, (u, v)) in u_row.iter_mut().zip(v_row.iter_mut()).enumerate() {
            let (left, right) = (2 * block * 4, (2 * block + 1).min(w - 1) * 4);
            let sum = |channel: usize| {
                i32::from(top[left + channel])
                    + i32::from(top[right + channel])
                    + i32::from(bottom[left + channel])
                    + i32::from(bottom[right + channel])
            };
            let (b, g, r) = ((sum(0) + 2) >> 2, (sum(1) + 2) >> 2, (sum(2) + 2) >> 2);
            *u = clamp(((-9714 * r - 19071 * g + 28784 * b + HALF) >> 16) + 128);
            *v = clamp(((28784 * r - 24103 * g - 4681 * b + HALF) >> 16) + 128);
        }
    }
    Ok(frame)
}

/// Rounding for 16.16 fixed point.
const HALF: i32 = 1 << 15;

fn luma_of(r: i32, g: i32, b: i32) -> u8 {
    // 16..=235 for any input: no clamp needed.
    (((16829 * r + 33039 * g + 6416 * b + HALF) >> 16) + 16) as u8
}

fn clamp(value: i32) -> u8 {
    value.clamp(0, 255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(width: u32, height: u32, colour: [u8; 4]) -> Vec<u8> {
        colour.repeat((width * height) as usize)
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
            assert!(frame.y.iter().all(|&l| l == y), "{bgra:?}: Y {:?}", frame.y[0]);
            assert_eq!((frame.u[0], frame.v[0]), (u, v), "{bgra:?}");
        }
    }

    #[test]
    fn odd_sizes_repeat_the_last_row_and_column() {
        let mut bgra = picture(3, 3, [0, 0, 0, 255]);
        // The bottom-right pixel, alone in its chroma block, is red.
        bgra[8 * 4..9 * 4].copy_from_slice(&[0, 0, 255, 255]);
        let frame = bgra_to_i420(3, 3, &bgra).unwrap();
        assert_eq!((frame.chroma_width(), frame.chroma_height()), (2, 2));
        assert_eq!((frame.u[3], frame.v[3]), (90, 240));
        assert_eq!((frame.u[0], frame.v[0]), (128, 128));
    }

    #[test]
    fn a_picture_of_the_wrong_size_is_refused() {
        assert!(matches!(bgra_to_i420(4, 4, &[0; 60]), Err(CodecError::InvalidFrame(_))));
        assert!(matches!(bgra_to_i420(0, 4, &[]), Err(CodecError::InvalidFrame(_))));
    }
}
