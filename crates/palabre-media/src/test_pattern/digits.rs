//! Decimal numbers in a built-in 5x7 pixel font, scaled up, for people watching the video.

use super::canvas::{fill_rect, Colour, Rect};
use crate::frame::VideoFrame;

pub(super) const GLYPH_WIDTH: u32 = 5;
pub(super) const GLYPH_HEIGHT: u32 = 7;
/// Glyph pixels from one digit's left edge to the next: the glyph and one column of space.
const ADVANCE: u32 = GLYPH_WIDTH + 1;

/// Rows of each digit, top to bottom; bit 4 is the leftmost pixel.
const GLYPHS: [[u8; GLYPH_HEIGHT as usize]; 10] = [
    [
        0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110,
    ],
    [
        0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110,
    ],
    [
        0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111,
    ],
    [
        0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110,
    ],
    [
        0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010,
    ],
    [
        0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110,
    ],
    [
        0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110,
    ],
    [
        0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000,
    ],
    [
        0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110,
    ],
    [
        0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100,
    ],
];

/// Width in luma pixels of `digit_count` digits drawn at `scale`.
pub(super) fn text_width(digit_count: u32, scale: u32) -> u32 {
    (digit_count * ADVANCE).saturating_sub(1) * scale
}

/// Draws `number` in decimal with its top-left corner at (`left`, `top`), each font pixel a
/// `scale` x `scale` square. Each horizontal run of set pixels is one rectangle fill.
pub(super) fn draw_number(
    frame: &mut VideoFrame,
    number: u32,
    left: u32,
    top: u32,
    scale: u32,
    colour: Colour,
) {
    for (position, digit) in number.to_string().bytes().enumerate() {
        let glyph_left = left + position as u32 * ADVANCE * scale;
        for (row, &bits) in GLYPHS[usize::from(digit - b'0')].iter().enumerate() {
            for (run_start, run_length) in runs_of_set_pixels(bits) {
                let rect = Rect {
                    left: glyph_left + run_start * scale,
                    top: top + row as u32 * scale,
                    width: run_length * scale,
                    height: scale,
                };
                fill_rect(frame, rect, colour);
            }
        }
    }
}

/// (start column, length) of each run of set pixels in a glyph row, left to right.
fn runs_of_set_pixels(bits: u8) -> impl Iterator<Item = (u32, u32)> {
    let is_set =
        move |column: u32| column < GLYPH_WIDTH && bits >> (GLYPH_WIDTH - 1 - column) & 1 == 1;
    let mut column = 0;
    std::iter::from_fn(move || {
        while column < GLYPH_WIDTH && !is_set(column) {
            column += 1;
        }
        let start = column;
        while is_set(column) {
            column += 1;
        }
        (column > start).then_some((start, column - start))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_rows_split_into_runs() {
        assert_eq!(
            runs_of_set_pixels(0b10011).collect::<Vec<_>>(),
            [(0, 1), (3, 2)]
        );
        assert_eq!(runs_of_set_pixels(0b11111).collect::<Vec<_>>(), [(0, 5)]);
        assert_eq!(runs_of_set_pixels(0).count(), 0);
    }

    #[test]
    fn a_one_is_drawn_as_its_glyph() {
        let mut frame = VideoFrame::black(GLYPH_WIDTH, GLYPH_HEIGHT);
        draw_number(&mut frame, 1, 0, 0, 1, Colour::WHITE);
        let lit: Vec<u8> = frame
            .y
            .chunks(GLYPH_WIDTH as usize)
            .map(|row| {
                row.iter()
                    .fold(0, |bits, &y| bits << 1 | u8::from(y == Colour::WHITE.y))
            })
            .collect();
        assert_eq!(lit, GLYPHS[1]);
    }

    #[test]
    fn text_width_leaves_no_trailing_space() {
        assert_eq!(text_width(2, 3), 11 * 3);
    }
}
