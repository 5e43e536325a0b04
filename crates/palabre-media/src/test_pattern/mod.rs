//! A synthetic camera: a moving test pattern that carries its own frame number.
//!
//! Colour bars over a grey ramp scroll sideways and a box bounces across the lower part, so motion
//! (and any frozen video) is obvious. A black panel at the top left shows the frame index twice: as a
//! barcode that [`read_frame_number`] reads back after coding, and as digits for a person watching.

mod bands;
mod canvas;
mod digits;
mod frame_number;

pub use frame_number::read_frame_number;

use bands::ScrollingBand;
use canvas::{fill_rect, Colour, Rect};
use digits::{draw_number, text_width, GLYPH_HEIGHT};
use frame_number::Barcode;

use crate::frame::VideoFrame;

/// Digits in the largest frame index, `u32::MAX`.
const MAX_DIGITS: u32 = 10;

/// An orange that stands out against every bar and the ramp.
const BOX_COLOUR: Colour = Colour::new(146, 53, 193);

/// Generates test pattern frames of one size.
pub struct TestPattern {
    width: u32,
    height: u32,
    bars: ScrollingBand,
    ramp: ScrollingBand,
    /// First row of the grey ramp; the bars fill the rows above.
    ramp_top: u32,
    /// Pixels the background moves per frame.
    scroll_speed: u32,
    /// None when the frame is too small to hold it.
    panel: Option<InfoPanel>,
    moving_box: MovingBox,
}

impl TestPattern {
    /// A pattern for `width` x `height` frames. Frames narrower than 40 pixels, or too short for the panel,
    /// carry no frame number.
    ///
    /// # Panics
    /// If either dimension is zero.
    pub fn new(width: u32, height: u32) -> Self {
        assert!(
            width > 0 && height > 0,
            "a test pattern needs a non-empty frame, not {width}x{height}"
        );
        let box_size = (height / 5).max(1);
        let panel = InfoPanel::for_frame_size(width, height)
            .filter(|panel| panel.area.bottom() + box_size <= height);
        let box_area_top = panel.as_ref().map_or(0, |panel| panel.area.bottom());
        Self {
            width,
            height,
            bars: ScrollingBand::colour_bars(width),
            ramp: ScrollingBand::grey_ramp(width),
            ramp_top: height - height / 4,
            scroll_speed: (width / 100).max(1),
            panel,
            moving_box: MovingBox {
                area: Rect {
                    left: 0,
                    top: box_area_top,
                    width,
                    height: height - box_area_top,
                },
                size: box_size,
                speed_x: (width / 64).max(1),
                speed_y: (height / 48).max(1),
            },
        }
    }

    /// The pattern as it looks at frame `index`: the same index always gives the same picture.
    pub fn frame(&mut self, index: u32) -> VideoFrame {
        let mut frame = VideoFrame::black(self.width, self.height);
        let travel = u64::from(index) * u64::from(self.scroll_speed);
        self.bars.paint(&mut frame, 0..self.ramp_top, travel);
        // The ramp scrolls the other way, so the two bands slide past each other.
        let width = u64::from(self.width);
        self.ramp.paint(
            &mut frame,
            self.ramp_top..self.height,
            width - travel % width,
        );
        if let Some(panel) = &self.panel {
            panel.draw(&mut frame, index);
        }
        fill_rect(&mut frame, self.moving_box.at(index), BOX_COLOUR);
        frame
    }
}

/// The black panel holding the frame number as a barcode and, below it, as digits.
struct InfoPanel {
    area: Rect,
    barcode: Barcode,
    digits_top: u32,
    digit_scale: u32,
}

impl InfoPanel {
    /// Lays the panel out in units of the barcode's cell, so it scales with the frame.
    fn for_frame_size(width: u32, height: u32) -> Option<Self> {
        let barcode = Barcode::for_frame_size(width, height)?;
        let cell = barcode.cell();
        let digit_scale = (cell / 2).max(1);
        let digits_top = barcode.area().bottom() + cell;
        let content_right = barcode
            .area()
            .right()
            .max(cell + text_width(MAX_DIGITS, digit_scale));
        let area = Rect {
            left: 0,
            top: 0,
            width: content_right + cell,
            height: digits_top + GLYPH_HEIGHT * digit_scale + cell,
        };
        (area.right() <= width && area.bottom() <= height).then_some(Self {
            area,
            barcode,
            digits_top,
            digit_scale,
        })
    }

    fn draw(&self, frame: &mut VideoFrame, index: u32) {
        fill_rect(frame, self.area, Colour::BLACK);
        self.barcode.draw(frame, index);
        let digits_left = self.barcode.cell();
        draw_number(
            frame,
            index,
            digits_left,
            self.digits_top,
            self.digit_scale,
            Colour::WHITE,
        );
    }
}

/// A square that bounces off the edges of its area.
struct MovingBox {
    area: Rect,
    size: u32,
    /// Pixels travelled per frame, across and down.
    speed_x: u32,
    speed_y: u32,
}

impl MovingBox {
    fn at(&self, index: u32) -> Rect {
        let index = u64::from(index);
        Rect {
            left: self.area.left
                + bounce(
                    index * u64::from(self.speed_x),
                    self.area.width.saturating_sub(self.size),
                ),
            top: self.area.top
                + bounce(
                    index * u64::from(self.speed_y),
                    self.area.height.saturating_sub(self.size),
                ),
            width: self.size,
            height: self.size,
        }
    }
}

/// Position after `travel` pixels of going back and forth over 0..=`span`.
fn bounce(travel: u64, span: u32) -> u32 {
    if span == 0 {
        return 0;
    }
    let span = u64::from(span);
    let phase = travel % (2 * span);
    (if phase <= span {
        phase
    } else {
        2 * span - phase
    }) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_frames_carry_their_index() {
        let mut pattern = TestPattern::new(320, 180);
        for index in [0, 1, 29, 4_000_000] {
            assert_eq!(read_frame_number(&pattern.frame(index)), Some(index));
        }
    }

    #[test]
    fn consecutive_frames_differ_so_motion_is_visible() {
        let mut pattern = TestPattern::new(320, 180);
        let (first, second) = (pattern.frame(10), pattern.frame(11));
        let changed = first
            .y
            .iter()
            .zip(&second.y)
            .filter(|(a, b)| a != b)
            .count();
        assert!(
            changed > first.y.len() / 10,
            "only {changed} luma samples changed"
        );
    }

    #[test]
    fn the_same_index_gives_the_same_picture() {
        let mut pattern = TestPattern::new(64, 48);
        assert_eq!(pattern.frame(7), pattern.frame(7));
    }

    #[test]
    fn odd_and_tiny_sizes_give_well_formed_frames() {
        for (width, height) in [(1, 1), (3, 5), (41, 17), (321, 181)] {
            let frame = TestPattern::new(width, height).frame(12);
            assert!(frame.planes_match_dimensions(), "{width}x{height}");
        }
    }

    #[test]
    fn bounce_turns_at_the_edges() {
        let positions: Vec<u32> = (0..8).map(|travel| bounce(travel, 3)).collect();
        assert_eq!(positions, [0, 1, 2, 3, 2, 1, 0, 1]);
    }
}
