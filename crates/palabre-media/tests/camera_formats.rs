//! Camera pictures of each pixel format, made from the test pattern by another program (ffmpeg, see
//! fixtures/camera/make.sh), converted back to I420: close to the pattern, and its frame number still reads.

use std::path::PathBuf;

use palabre_media::{psnr, read_frame_number, to_i420, PixelFormat, TestPattern, VideoFrame, Y4mHeader, Y4mWriter};

const WIDTH: u32 = 320;
const HEIGHT: u32 = 180;
const FRAME: u32 = 42;

fn reference() -> VideoFrame {
    TestPattern::new(WIDTH, HEIGHT).frame(FRAME)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/camera").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn each_camera_format_converts_back_to_the_pattern() {
    // (file, format, lowest PSNR accepted, whether luma must be exact)
    let cases = [
        ("pattern.nv12", PixelFormat::Nv12, f64::INFINITY, true),
        // 4:2:0 → 4:2:2 → 4:2:0 moves chroma only; luma is carried as is, every pixel of every row.
        ("pattern.yuyv", PixelFormat::Yuyv, 50.0, true),
        ("pattern-420.jpg", PixelFormat::Mjpeg, 38.0, false),
        ("pattern-422.jpg", PixelFormat::Mjpeg, 38.0, false),
    ];
    let reference = reference();
    for (file, format, lowest, exact_luma) in cases {
        let frame = to_i420(format, WIDTH, HEIGHT, &fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let quality = psnr(&reference, &frame).unwrap();
        println!("{file}: PSNR {quality:.1} dB");
        assert!(quality >= lowest, "{file}: PSNR {quality:.1} dB < {lowest}");
        if exact_luma {
            assert!(frame.y == reference.y, "{file}: luma differs");
        }
        assert_eq!(read_frame_number(&frame), Some(FRAME), "{file}");
    }
}

#[test]
fn a_jpeg_of_another_size_than_announced_is_refused() {
    let error = to_i420(PixelFormat::Mjpeg, 640, 360, &fixture("pattern-420.jpg")).unwrap_err();
    assert!(error.to_string().contains("320x180"), "{error}");
    let mut cut = fixture("pattern-420.jpg");
    cut.truncate(cut.len() / 3);
    // A cut JPEG either fails or decodes to a damaged picture; it never panics.
    let _ = to_i420(PixelFormat::Mjpeg, WIDTH, HEIGHT, &cut);
}

/// Writes the pattern frame the fixtures are made from, to the path in `PALABRE_PATTERN_Y4M`
/// (fixtures/camera/make.sh runs it; `cargo test` skips it).
#[test]
#[ignore]
fn write_the_pattern_for_the_fixtures() {
    let path = std::env::var("PALABRE_PATTERN_Y4M").expect("PALABRE_PATTERN_Y4M");
    let header = Y4mHeader { width: WIDTH, height: HEIGHT, fps_numerator: 30, fps_denominator: 1 };
    let mut writer = Y4mWriter::new(std::fs::File::create(path).unwrap(), header).unwrap();
    writer.write_frame(&reference()).unwrap();
}
