//! Filling rectangles of colour in an I420 frame, a row slice at a time.

use crate::frame::{VideoFrame, BLACK_LUMA, NEUTRAL_CHROMA};

/// A colour as Y'CbCr in studio range (BT.601).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Colour {
    pub y: u8,
    pub u: u8,
    pub v: u8,
}

impl Colour {
    pub const BLACK: Self = Self::new(BLACK_LUMA, NEUTRAL_CHROMA, NEUTRAL_CHROMA);
    pub const WHITE: Self = Self::new(235, NEUTRAL_CHROMA, NEUTRAL_CHROMA);

    pub const fn new(y: u8, u: u8, v: u8) -> Self {
        Self { y, u, v }
    }
}

/// A rectangle in luma pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rect {
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
}

impl Rect {
    pub fn right(&self) -> u32 {
        self.left + self.width
    }

    pub fn bottom(&self) -> u32 {
        self.top + self.height
    }
}

/// Paints `rect`, clipped to the frame, in `colour`. Chroma covers every chroma sample the rectangle
/// touches, so a rectangle at odd coordinates bleeds half a pixel of colour, as 4:2:0 must.
pub(super) fn fill_rect(frame: &mut VideoFrame, rect: Rect, colour: Colour) {
    let right = rect.right().min(frame.width);
    let bottom = rect.bottom().min(frame.height);
    let luma = PlaneArea {
        stride: frame.width,
        left: rect.left,
        right,
        top: rect.top,
        bottom,
    };
    luma.fill(&mut frame.y, colour.y);
    let chroma = PlaneArea {
        stride: frame.chroma_width(),
        left: rect.left / 2,
        right: right.div_ceil(2),
        top: rect.top / 2,
        bottom: bottom.div_ceil(2),
    };
    chroma.fill(&mut frame.u, colour.u);
    chroma.fill(&mut frame.v, colour.v);
}

/// A clipped rectangle of samples in one plane.
struct PlaneArea {
    stride: u32,
    left: u32,
    right: u32,
    top: u32,
    bottom: u32,
}

impl PlaneArea {
    fn fill(&self, plane: &mut [u8], value: u8) {
        if self.left >= self.right {
            return;
        }
        for row in self.top..self.bottom {
            let row_start = (row * self.stride) as usize;
            plane[row_start + self.left as usize..row_start + self.right as usize].fill(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_is_clipped_to_the_frame() {
        let mut frame = VideoFrame::black(8, 8);
        fill_rect(
            &mut frame,
            Rect {
                left: 6,
                top: 6,
                width: 10,
                height: 10,
            },
            Colour::WHITE,
        );
        let white_luma = frame.y.iter().filter(|&&y| y == Colour::WHITE.y).count();
        assert_eq!(white_luma, 4);
    }
}
