//! Horizontal bands of vertical stripes that scroll sideways, the pattern's background.

use std::ops::Range;

use super::canvas::Colour;
use crate::frame::VideoFrame;

/// 100 % colour bars (BT.601, studio range): white, yellow, cyan, green, magenta, red, blue, black.
const BARS: [Colour; 8] = [
    Colour::WHITE,
    Colour::new(210, 16, 146),
    Colour::new(170, 166, 16),
    Colour::new(145, 54, 34),
    Colour::new(106, 202, 222),
    Colour::new(81, 90, 240),
    Colour::new(41, 240, 110),
    Colour::BLACK,
];

/// One row of a band, laid out twice over so that any scroll offset is a plain slice of it: every row
/// of the band is then a copy of the same window.
pub(super) struct ScrollingBand {
    luma: Vec<u8>,
    u: Vec<u8>,
    v: Vec<u8>,
    /// Frame width, the period of the pattern in luma pixels.
    width: u32,
}

impl ScrollingBand {
    /// Colour bars, each an eighth of the frame wide.
    pub fn colour_bars(width: u32) -> Self {
        Self::new(width, |x| BARS[(x as usize * BARS.len()) / width as usize])
    }

    /// A grey ramp from black to white across the frame.
    pub fn grey_ramp(width: u32) -> Self {
        let (black, white) = (u32::from(Colour::BLACK.y), u32::from(Colour::WHITE.y));
        Self::new(width, |x| Colour {
            y: (black + (white - black) * x / width) as u8,
            ..Colour::BLACK
        })
    }

    /// Samples `colour_at` (for luma x in 0..width) into the doubled row.
    fn new(width: u32, colour_at: impl Fn(u32) -> Colour) -> Self {
        let chroma_width = width.div_ceil(2);
        let luma = (0..2 * width).map(|x| colour_at(x % width).y).collect();
        let chroma: Vec<Colour> = (0..2 * chroma_width)
            .map(|x| colour_at(2 * x % width))
            .collect();
        Self {
            luma,
            u: chroma.iter().map(|colour| colour.u).collect(),
            v: chroma.iter().map(|colour| colour.v).collect(),
            width,
        }
    }

    /// Paints luma `rows` of `frame` with the band moved `shift` pixels to the left.
    pub fn paint(&self, frame: &mut VideoFrame, rows: Range<u32>, shift: u64) {
        let offset = (shift % u64::from(self.width)) as usize;
        let luma_window = &self.luma[offset..offset + self.width as usize];
        copy_to_rows(&mut frame.y, luma_window, rows.clone());

        let chroma_offset = offset / 2;
        let chroma_width = frame.chroma_width() as usize;
        let chroma_rows = rows.start / 2..rows.end.div_ceil(2);
        copy_to_rows(
            &mut frame.u,
            &self.u[chroma_offset..chroma_offset + chroma_width],
            chroma_rows.clone(),
        );
        copy_to_rows(
            &mut frame.v,
            &self.v[chroma_offset..chroma_offset + chroma_width],
            chroma_rows,
        );
    }
}

/// Copies `row` into each of `rows` of a plane whose stride is the row's length.
fn copy_to_rows(plane: &mut [u8], row: &[u8], rows: Range<u32>) {
    let stride = row.len();
    let span = rows.start as usize * stride..rows.end as usize * stride;
    for destination in plane[span].chunks_exact_mut(stride) {
        destination.copy_from_slice(row);
    }
}
