//! YUV4MPEG2 (`.y4m`) files: raw I420 pictures with a one-line header, the format ffmpeg, x264 and libvpx's
//! tools read and write. Palabre plays them as a video source and records decoded video into them.
//!
//! Only 8-bit 4:2:0 is accepted: it is what the encoder takes, and converting other layouts is a job for
//! `ffmpeg -pix_fmt yuv420p`, which the refusal names.

use std::io::{BufRead, Read, Seek, SeekFrom, Write};

use crate::file_error::MediaFileError;
use crate::frame::VideoFrame;

const FILE_MAGIC: &str = "YUV4MPEG2";
const FRAME_MAGIC: &str = "FRAME";
/// Headers are one short line; a longer one is not a y4m file, and reading it whole would let a bad file
/// make us buffer without bound.
const MAX_HEADER_LINE: usize = 1024;
/// Larger than any camera or screen Palabre sends; refuses absurd sizes before allocating for them.
const MAX_DIMENSION: u32 = 8192;

/// What a y4m header says about the pictures that follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Y4mHeader {
    pub width: u32,
    pub height: u32,
    /// Frame rate as a fraction, e.g. 30000/1001.
    pub fps_numerator: u32,
    pub fps_denominator: u32,
}

impl Y4mHeader {
    /// Bytes of one I420 picture of this size.
    pub fn frame_bytes(&self) -> usize {
        let luma = self.width as usize * self.height as usize;
        let chroma = self.width.div_ceil(2) as usize * self.height.div_ceil(2) as usize;
        luma + 2 * chroma
    }

    /// The frame rate, rounded to whole frames per second (at least 1).
    pub fn fps(&self) -> u32 {
        (self.fps_numerator as f64 / self.fps_denominator as f64).round().max(1.0) as u32
    }
}

/// Reads pictures from a y4m stream.
pub struct Y4mReader<R> {
    inner: R,
    header: Y4mHeader,
    /// Where the first FRAME line starts, to loop back to.
    data_start: u64,
}

impl<R: BufRead> Y4mReader<R> {
    /// Reads and checks the header; refuses anything but 8-bit 4:2:0.
    pub fn new(mut inner: R) -> Result<Self, MediaFileError> {
        let line = read_header_line(&mut inner)?
            .ok_or_else(|| MediaFileError::invalid("y4m", "the file is empty"))?;
        let header = parse_file_header(&line)?;
        Ok(Self { inner, header, data_start: line.len() as u64 + 1 })
    }

    pub fn header(&self) -> Y4mHeader {
        self.header
    }

    /// The next picture, or `None` at the clean end of the stream. A picture cut short is an error.
    pub fn read_frame(&mut self) -> Result<Option<VideoFrame>, MediaFileError> {
        let Some(line) = read_header_line(&mut self.inner)? else {
            return Ok(None);
        };
        check_frame_line(&line)?;
        let mut frame = VideoFrame::black(self.header.width, self.header.height);
        for plane in [&mut frame.y, &mut frame.u, &mut frame.v] {
            self.inner.read_exact(plane).map_err(truncated_picture)?;
        }
        Ok(Some(frame))
    }
}

impl<R: BufRead + Seek> Y4mReader<R> {
    /// Walks the whole stream without decoding pictures, so a cut or corrupt file is refused before a call
    /// starts rather than in the middle of it. Returns the number of pictures and leaves the reader at the
    /// first one.
    pub fn check_all_frames(&mut self) -> Result<u64, MediaFileError> {
        let length = self.inner.seek(SeekFrom::End(0))?;
        self.rewind()?;
        let frame_bytes = self.header.frame_bytes() as u64;
        let mut position = self.data_start;
        let mut frames = 0u64;
        while let Some(line) = read_header_line(&mut self.inner)? {
            check_frame_line(&line)?;
            position += line.len() as u64 + 1 + frame_bytes;
            if position > length {
                return Err(truncated_picture(std::io::ErrorKind::UnexpectedEof.into()));
            }
            self.inner.seek(SeekFrom::Start(position))?;
            frames += 1;
        }
        if frames == 0 {
            return Err(MediaFileError::invalid("y4m", "the file holds no pictures"));
        }
        self.rewind()?;
        Ok(frames)
    }

    /// Goes back to the first picture (to play a file in a loop).
    pub fn rewind(&mut self) -> Result<(), MediaFileError> {
        self.inner.seek(SeekFrom::Start(self.data_start))?;
        Ok(())
    }
}

/// Writes pictures to a y4m stream.
pub struct Y4mWriter<W: Write> {
    inner: W,
    header: Y4mHeader,
}

impl<W: Write> Y4mWriter<W> {
    /// Writes the header at once: every picture that follows must have this size.
    pub fn new(mut inner: W, header: Y4mHeader) -> Result<Self, MediaFileError> {
        writeln!(
            inner,
            "{FILE_MAGIC} W{} H{} F{}:{} Ip A1:1 C420jpeg",
            header.width, header.height, header.fps_numerator, header.fps_denominator
        )?;
        Ok(Self { inner, header })
    }

    pub fn header(&self) -> Y4mHeader {
        self.header
    }

    /// Appends one picture; refuses one of another size (y4m cannot change size mid-stream).
    pub fn write_frame(&mut self, frame: &VideoFrame) -> Result<(), MediaFileError> {
        if (frame.width, frame.height) != (self.header.width, self.header.height) || !frame.planes_match_dimensions() {
            return Err(MediaFileError::invalid(
                "y4m",
                format!(
                    "a {}x{} picture cannot go into a {}x{} stream",
                    frame.width, frame.height, self.header.width, self.header.height
                ),
            ));
        }
        writeln!(self.inner, "{FRAME_MAGIC}")?;
        for plane in [&frame.y, &frame.u, &frame.v] {
            self.inner.write_all(plane)?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> Result<(), MediaFileError> {
        Ok(self.inner.flush()?)
    }
}

/// One header line without its newline; `None` at the end of the stream.
fn read_header_line(reader: &mut impl BufRead) -> Result<Option<String>, MediaFileError> {
    let mut bytes = Vec::new();
    reader.take(MAX_HEADER_LINE as u64 + 1).read_until(b'\n', &mut bytes)?;
    if bytes.is_empty() {
        return Ok(None);
    }
    if bytes.pop() != Some(b'\n') {
        return Err(MediaFileError::invalid("y4m", "a header line is cut short or too long"));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| MediaFileError::invalid("y4m", "a header line is not text"))
}

fn parse_file_header(line: &str) -> Result<Y4mHeader, MediaFileError> {
    let mut fields = line.split(' ');
    if fields.next() != Some(FILE_MAGIC) {
        return Err(MediaFileError::invalid("y4m", "it does not start with YUV4MPEG2"));
    }
    let (mut width, mut height) = (None, None);
    // A y4m file without a rate is assumed to be at 30 fps, as ffmpeg does with 25; 30 is our camera rate.
    let (mut fps_numerator, mut fps_denominator) = (30, 1);
    for field in fields.filter(|f| !f.is_empty()) {
        let (tag, value) = field.split_at(1);
        match tag {
            "W" => width = value.parse::<u32>().ok(),
            "H" => height = value.parse::<u32>().ok(),
            "F" => {
                let rate = value.split_once(':').and_then(|(n, d)| Some((n.parse::<u32>().ok()?, d.parse::<u32>().ok()?)));
                match rate {
                    Some((n, d)) if n > 0 && d > 0 => (fps_numerator, fps_denominator) = (n, d),
                    _ => return Err(MediaFileError::invalid("y4m", format!("the frame rate {value:?} is not a fraction like 30:1"))),
                }
            }
            "C" => check_colour_space(value)?,
            // Interlacing, aspect ratio and comments do not change the bytes we read.
            _ => {}
        }
    }
    let in_range = |v: Option<u32>| v.filter(|v| (1..=MAX_DIMENSION).contains(v));
    match (in_range(width), in_range(height)) {
        (Some(width), Some(height)) => Ok(Y4mHeader { width, height, fps_numerator, fps_denominator }),
        _ => Err(MediaFileError::invalid("y4m", format!("the header needs a width and height from 1 to {MAX_DIMENSION}"))),
    }
}

/// Accepts every 8-bit 4:2:0 variant (they differ in chroma siting only, not in layout).
fn check_colour_space(value: &str) -> Result<(), MediaFileError> {
    match value {
        "420" | "420jpeg" | "420paldv" | "420mpeg2" => Ok(()),
        other => Err(MediaFileError::invalid(
            "y4m",
            format!("colour space C{other} is not supported, only 8-bit 4:2:0 (convert with: ffmpeg -i IN -pix_fmt yuv420p OUT.y4m)"),
        )),
    }
}

fn check_frame_line(line: &str) -> Result<(), MediaFileError> {
    // Per-frame parameters may follow the magic word; none of them changes the picture's layout.
    if line == FRAME_MAGIC || line.starts_with("FRAME ") {
        Ok(())
    } else {
        Err(MediaFileError::invalid("y4m", "a picture does not start with FRAME (the file is corrupt)"))
    }
}

fn truncated_picture(error: std::io::Error) -> MediaFileError {
    if error.kind() == std::io::ErrorKind::UnexpectedEof {
        MediaFileError::invalid("y4m", "the last picture is cut short (the file is truncated)")
    } else {
        error.into()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::test_pattern::{read_frame_number, TestPattern};

    fn header(width: u32, height: u32) -> Y4mHeader {
        Y4mHeader { width, height, fps_numerator: 25, fps_denominator: 1 }
    }

    fn file_of(frames: u32, width: u32, height: u32) -> Vec<u8> {
        let mut writer = Y4mWriter::new(Vec::new(), header(width, height)).unwrap();
        let mut pattern = TestPattern::new(width, height);
        for index in 0..frames {
            writer.write_frame(&pattern.frame(index)).unwrap();
        }
        writer.inner
    }

    #[test]
    fn written_pictures_read_back_identical_and_in_order() {
        let bytes = file_of(3, 320, 180);
        let mut reader = Y4mReader::new(Cursor::new(bytes)).unwrap();
        assert_eq!(reader.header(), header(320, 180));
        assert_eq!(reader.check_all_frames().unwrap(), 3);
        let mut pattern = TestPattern::new(320, 180);
        for index in 0..3 {
            let frame = reader.read_frame().unwrap().unwrap();
            assert_eq!(frame, pattern.frame(index));
            assert_eq!(read_frame_number(&frame), Some(index));
        }
        assert!(reader.read_frame().unwrap().is_none());
        reader.rewind().unwrap();
        assert_eq!(read_frame_number(&reader.read_frame().unwrap().unwrap()), Some(0));
    }

    #[test]
    fn odd_sizes_round_trip() {
        let bytes = file_of(1, 33, 17);
        let mut reader = Y4mReader::new(Cursor::new(bytes)).unwrap();
        let frame = reader.read_frame().unwrap().unwrap();
        assert_eq!((frame.width, frame.height, frame.u.len()), (33, 17, 17 * 9));
    }

    #[test]
    fn a_truncated_file_is_refused_before_playing() {
        let mut bytes = file_of(2, 64, 64);
        bytes.truncate(bytes.len() - 10);
        let mut reader = Y4mReader::new(Cursor::new(bytes)).unwrap();
        let error = reader.check_all_frames().unwrap_err().to_string();
        assert!(error.contains("truncated"), "{error}");
    }

    #[test]
    fn corrupt_frame_markers_are_refused() {
        let mut bytes = file_of(2, 64, 64);
        let second = bytes.len() - (64 * 64 * 3 / 2) - 6;
        bytes[second..second + 5].copy_from_slice(b"GARBA");
        let error = Y4mReader::new(Cursor::new(bytes)).unwrap().check_all_frames().unwrap_err().to_string();
        assert!(error.contains("corrupt"), "{error}");
    }

    #[test]
    fn other_chroma_layouts_are_refused_with_the_conversion_to_make() {
        for colour in ["444", "422", "mono", "420p10"] {
            let text = format!("YUV4MPEG2 W64 H64 F30:1 C{colour}\n");
            let error = Y4mReader::new(Cursor::new(text.into_bytes())).err().unwrap().to_string();
            assert!(error.contains("yuv420p"), "{error}");
        }
    }

    #[test]
    fn headers_that_are_not_y4m_are_refused() {
        for text in ["", "RIFF....WAVE\n", "YUV4MPEG2 W0 H10\n", "YUV4MPEG2 W10\n", "YUV4MPEG2 W99999 H10\n", "YUV4MPEG2 W10 H10 F30:0\n"] {
            assert!(Y4mReader::new(Cursor::new(text.as_bytes().to_vec())).is_err(), "{text:?}");
        }
        let endless = vec![b'Y'; 100_000];
        assert!(Y4mReader::new(Cursor::new(endless)).is_err());
    }

    #[test]
    fn a_file_with_a_header_and_no_pictures_is_refused() {
        let bytes = file_of(0, 16, 16);
        assert!(Y4mReader::new(Cursor::new(bytes)).unwrap().check_all_frames().is_err());
    }

    #[test]
    fn a_picture_of_another_size_is_not_written() {
        let mut writer = Y4mWriter::new(Vec::new(), header(16, 16)).unwrap();
        assert!(writer.write_frame(&VideoFrame::black(32, 16)).is_err());
    }

    #[test]
    fn rate_rounds_to_whole_frames() {
        let ntsc = Y4mHeader { width: 2, height: 2, fps_numerator: 30000, fps_denominator: 1001 };
        assert_eq!(ntsc.fps(), 30);
        assert_eq!(ntsc.frame_bytes(), 6);
    }
}
