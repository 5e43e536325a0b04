//! The frame index as a barcode of large black and white cells, big enough to survive lossy coding.
//!
//! Layout, left to right, one row of cells: a guard of white-black-white-black, the low 24 bits of the index
//! (most significant first, white = 1), then a CRC-8 of those bits. The guard gives the reader its black
//! and white levels after the codec has shifted them; the guard and CRC together make a frame that is not
//! a test pattern read as `None` rather than as some number.

use super::canvas::{fill_rect, Colour, Rect};
use crate::frame::VideoFrame;

const GUARD: [bool; 4] = [true, false, true, false];
const NUMBER_BITS: u32 = 24;
const CHECK_BITS: u32 = 8;
const CELL_COUNT: u32 = GUARD.len() as u32 + NUMBER_BITS + CHECK_BITS;

/// Cells per frame width. With a cell of margin each side the barcode takes 38 of them; 40 makes cells
/// 8 pixels at 320 wide and 16 at 640, on VP8's 4x4 transform grid and big enough for its quantiser.
const CELLS_PER_FRAME_WIDTH: u32 = 40;

/// Cells are this many times taller than wide, which gives the reader more pixels to average.
const CELL_HEIGHT_IN_WIDTHS: u32 = 2;

/// Least difference between the guard's white and black luma for the reader to trust it. A flat or
/// low-contrast picture stays below this.
const MIN_GUARD_CONTRAST: u32 = 64;

/// Reads back the frame index drawn into a pattern frame (after lossy VP8 coding); None if it is not a
/// pattern frame. The barcode holds the index modulo 2^24, over six days of video at 30 fps.
pub fn read_frame_number(frame: &VideoFrame) -> Option<u32> {
    if !frame.planes_match_dimensions() {
        return None;
    }
    Barcode::for_frame_size(frame.width, frame.height)?.read(frame)
}

/// Where the barcode sits in a frame of a given size. Both the drawing and the reading side derive it
/// from the frame size alone, so nothing needs to travel with the video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Barcode {
    /// Cell width in luma pixels, also the margin from the frame's top-left corner.
    cell: u32,
}

impl Barcode {
    /// None when the frame is too small for cells of at least one pixel.
    pub fn for_frame_size(width: u32, height: u32) -> Option<Self> {
        let barcode = Self {
            cell: width / CELLS_PER_FRAME_WIDTH,
        };
        (barcode.cell > 0 && barcode.area().bottom() <= height).then_some(barcode)
    }

    pub fn cell(&self) -> u32 {
        self.cell
    }

    /// The rectangle the cells cover.
    pub fn area(&self) -> Rect {
        Rect {
            left: self.cell,
            top: self.cell,
            width: CELL_COUNT * self.cell,
            height: CELL_HEIGHT_IN_WIDTHS * self.cell,
        }
    }

    pub fn draw(&self, frame: &mut VideoFrame, index: u32) {
        for (position, white) in cell_values(index).enumerate() {
            let colour = if white { Colour::WHITE } else { Colour::BLACK };
            fill_rect(frame, self.cell_rect(position as u32), colour);
        }
    }

    fn read(&self, frame: &VideoFrame) -> Option<u32> {
        let levels: Vec<u32> = (0..CELL_COUNT)
            .map(|position| self.mean_luma(frame, position))
            .collect();
        let (guard_levels, data_levels) = levels.split_at(GUARD.len());
        let guard_levels_of = |white: bool| {
            let guard_cells = guard_levels.iter().zip(GUARD);
            guard_cells
                .filter(move |&(_, cell_white)| cell_white == white)
                .map(|(&level, _)| level)
        };
        let darkest_white = guard_levels_of(true).min()?;
        let brightest_black = guard_levels_of(false).max()?;
        if darkest_white < brightest_black + MIN_GUARD_CONTRAST {
            return None;
        }
        let threshold = (darkest_white + brightest_black) / 2;
        let bits = data_levels.iter().fold(0u64, |bits, &level| {
            bits << 1 | u64::from(level > threshold)
        });
        let number = (bits >> CHECK_BITS) as u32;
        let check = (bits & ((1 << CHECK_BITS) - 1)) as u8;
        (check == checksum(number)).then_some(number)
    }

    fn cell_rect(&self, position: u32) -> Rect {
        let area = self.area();
        Rect {
            left: area.left + position * self.cell,
            width: self.cell,
            ..area
        }
    }

    /// Mean luma of a cell's centre, leaving out the edges where coding blurs black into white.
    fn mean_luma(&self, frame: &VideoFrame, position: u32) -> u32 {
        let cell = self.cell_rect(position);
        let inset = self.cell / 4;
        let (left, right) = (
            (cell.left + inset) as usize,
            (cell.right() - inset) as usize,
        );
        let rows = cell.top + inset..cell.bottom() - inset;
        let row_count = rows.len() as u32;
        let sum: u32 = rows
            .map(|row| {
                let row_start = row as usize * frame.width as usize;
                frame.y[row_start + left..row_start + right]
                    .iter()
                    .map(|&y| u32::from(y))
                    .sum::<u32>()
            })
            .sum();
        sum / (row_count * (right - left) as u32)
    }
}

/// Whether each cell, left to right, is white.
fn cell_values(index: u32) -> impl Iterator<Item = bool> {
    let number = index & ((1 << NUMBER_BITS) - 1);
    let data = u64::from(number) << CHECK_BITS | u64::from(checksum(number));
    let data_bits = NUMBER_BITS + CHECK_BITS;
    GUARD
        .into_iter()
        .chain((0..data_bits).rev().map(move |bit| data >> bit & 1 == 1))
}

/// CRC-8 (polynomial x^8 + x^2 + x + 1) of the number's three bytes. It starts from 0xFF so that an
/// all-black barcode is not a valid one.
fn checksum(number: u32) -> u8 {
    number.to_be_bytes()[1..].iter().fold(0xFF, |crc, &byte| {
        (0..8).fold(crc ^ byte, |crc: u8, _| {
            if crc & 0x80 != 0 {
                crc << 1 ^ 0x07
            } else {
                crc << 1
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(width: u32, height: u32, index: u32) -> VideoFrame {
        let mut frame = VideoFrame::black(width, height);
        Barcode::for_frame_size(width, height)
            .unwrap()
            .draw(&mut frame, index);
        frame
    }

    #[test]
    fn a_drawn_number_reads_back_exactly() {
        for index in [0, 1, 0x00A5_5A5A, 0x00FF_FFFF] {
            assert_eq!(read_frame_number(&drawn(320, 180, index)), Some(index));
        }
    }

    #[test]
    fn numbers_wrap_at_24_bits() {
        assert_eq!(read_frame_number(&drawn(640, 360, (1 << 24) + 7)), Some(7));
    }

    #[test]
    fn a_black_frame_has_no_frame_number() {
        assert_eq!(read_frame_number(&VideoFrame::black(320, 180)), None);
    }

    #[test]
    fn a_corrupted_bit_is_caught_by_the_checksum() {
        let mut frame = drawn(320, 180, 1234);
        let barcode = Barcode::for_frame_size(320, 180).unwrap();
        // The last number bit of 1234 is 0: paint it white.
        let last_number_cell = GUARD.len() as u32 + NUMBER_BITS - 1;
        fill_rect(
            &mut frame,
            barcode.cell_rect(last_number_cell),
            Colour::WHITE,
        );
        assert_eq!(read_frame_number(&frame), None);
    }

    #[test]
    fn a_frame_too_small_for_cells_has_no_frame_number() {
        assert_eq!(read_frame_number(&VideoFrame::black(16, 16)), None);
    }
}
