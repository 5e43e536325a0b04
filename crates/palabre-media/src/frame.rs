//! Raw media as it flows between sources, codecs and sinks.

use std::fmt;

/// Luma of video black in studio range (BT.601), the range VP8 assumes.
pub(crate) const BLACK_LUMA: u8 = 16;
/// Chroma with no colour.
pub(crate) const NEUTRAL_CHROMA: u8 = 128;

/// A picture in I420 (planar YUV 4:2:0, tightly packed: stride == width, chroma planes
/// (width+1)/2 x (height+1)/2).
#[derive(Clone, PartialEq, Eq)]
pub struct VideoFrame {
    pub width: u32,
    pub height: u32,
    pub y: Vec<u8>,
    pub u: Vec<u8>,
    pub v: Vec<u8>,
}

impl VideoFrame {
    /// An all-black picture, the starting canvas for drawing and a stand-in when no video is available.
    pub fn black(width: u32, height: u32) -> Self {
        let luma_len = width as usize * height as usize;
        let chroma_len = chroma_extent(width) as usize * chroma_extent(height) as usize;
        Self {
            width,
            height,
            y: vec![BLACK_LUMA; luma_len],
            u: vec![NEUTRAL_CHROMA; chroma_len],
            v: vec![NEUTRAL_CHROMA; chroma_len],
        }
    }

    /// Width of the U and V planes: half the luma width, rounded up.
    pub fn chroma_width(&self) -> u32 {
        chroma_extent(self.width)
    }

    /// Height of the U and V planes: half the luma height, rounded up.
    pub fn chroma_height(&self) -> u32 {
        chroma_extent(self.height)
    }

    /// Whether each plane holds exactly as many bytes as the dimensions say. The fields are public, so a
    /// frame can be malformed; anything handing planes to C must check this first.
    pub(crate) fn planes_match_dimensions(&self) -> bool {
        let luma_len = self.width as usize * self.height as usize;
        let chroma_len = self.chroma_width() as usize * self.chroma_height() as usize;
        self.y.len() == luma_len && self.u.len() == chroma_len && self.v.len() == chroma_len
    }
}

/// Shows the size only: the planes are hundreds of kilobytes of noise in a log.
impl fmt::Debug for VideoFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VideoFrame")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

fn chroma_extent(luma_extent: u32) -> u32 {
    luma_extent.div_ceil(2)
}

/// Sample rate of all audio in Palabre, Opus's native rate.
pub const SAMPLE_RATE: u32 = 48_000;
/// Samples in one [`AudioFrame`]: 20 ms of mono 48 kHz audio.
pub const FRAME_SAMPLES: usize = 960;
/// Duration of one [`AudioFrame`] in milliseconds.
pub const FRAME_MS: u64 = 20;

/// 20 ms of mono 48 kHz audio: [`FRAME_SAMPLES`] signed 16-bit samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioFrame {
    pub samples: Vec<i16>,
}

impl AudioFrame {
    /// 20 ms of silence, e.g. to fill a gap nothing better can fill.
    pub fn silence() -> Self {
        Self {
            samples: vec![0; FRAME_SAMPLES],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_sizes_round_chroma_planes_up() {
        let frame = VideoFrame::black(5, 3);
        assert_eq!((frame.chroma_width(), frame.chroma_height()), (3, 2));
        assert_eq!(frame.u.len(), 6);
        assert!(frame.planes_match_dimensions());
    }

    #[test]
    fn a_truncated_plane_is_detected() {
        let mut frame = VideoFrame::black(16, 16);
        frame.v.pop();
        assert!(!frame.planes_match_dimensions());
    }

    #[test]
    fn silence_is_one_full_frame_of_zeros() {
        let silence = AudioFrame::silence();
        assert_eq!(silence.samples.len(), FRAME_SAMPLES);
        assert!(silence.samples.iter().all(|&s| s == 0));
    }
}
