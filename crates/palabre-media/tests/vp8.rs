//! VP8 encode/decode behaviour, driven by the test pattern.

use palabre_media::{
    psnr, read_frame_number, CodecError, TestPattern, VideoFrame, Vp8Config, Vp8Decoder, Vp8Encoder,
};

const FPS: u32 = 30;

fn config(width: u32, height: u32) -> Vp8Config {
    Vp8Config {
        width,
        height,
        fps: FPS,
        bitrate_kbps: 300,
    }
}

/// Presentation time of the `position`th frame of a 30 fps stream, in milliseconds.
fn pts_ms(position: usize) -> i64 {
    position as i64 * 1000 / i64::from(FPS)
}

/// Encodes pattern frames with the given indices as one 30 fps stream at 300 kbit/s, decodes them, and
/// returns each index with the number read back from its decoded picture.
fn read_back_after_round_trip(width: u32, height: u32, indices: &[u32]) -> Vec<(u32, Option<u32>)> {
    let mut pattern = TestPattern::new(width, height);
    let mut encoder = Vp8Encoder::new(config(width, height)).unwrap();
    let mut decoder = Vp8Decoder::new().unwrap();
    let mut read_back = Vec::new();
    for (position, &index) in indices.iter().enumerate() {
        for encoded in encoder
            .encode(&pattern.frame(index), pts_ms(position), false)
            .unwrap()
        {
            for decoded in decoder.decode(&encoded.data).unwrap() {
                read_back.push((index, read_frame_number(&decoded)));
            }
        }
    }
    read_back
}

fn assert_frame_numbers_survive(width: u32, height: u32) {
    // Three seconds of consecutive frames, then a jump to an index with many bits set.
    let indices: Vec<u32> = (0..90).chain(0x00A5_5A00..0x00A5_5A00 + 30).collect();
    let read_back = read_back_after_round_trip(width, height, &indices);
    assert_eq!(read_back.len(), indices.len(), "one picture per frame");
    for (index, read) in read_back {
        assert_eq!(read, Some(index), "frame {index} at {width}x{height}");
    }
}

#[test]
fn frame_numbers_survive_vp8_at_320x180_and_300_kbps() {
    assert_frame_numbers_survive(320, 180);
}

#[test]
fn frame_numbers_survive_vp8_at_640x360_and_300_kbps() {
    assert_frame_numbers_survive(640, 360);
}

#[test]
fn decoded_frames_have_the_encoded_size() {
    let (width, height) = (320, 180);
    let mut pattern = TestPattern::new(width, height);
    let mut encoder = Vp8Encoder::new(config(width, height)).unwrap();
    let mut decoder = Vp8Decoder::new().unwrap();
    for index in 0..5 {
        for encoded in encoder
            .encode(&pattern.frame(index), pts_ms(index as usize), false)
            .unwrap()
        {
            let decoded = decoder.decode(&encoded.data).unwrap();
            assert_eq!(decoded.len(), 1);
            let frame = &decoded[0];
            assert_eq!((frame.width, frame.height), (width, height));
            assert_eq!(frame.y.len(), (width * height) as usize);
            assert_eq!(
                frame.u.len(),
                (frame.chroma_width() * frame.chroma_height()) as usize
            );
            assert_eq!(frame.v.len(), frame.u.len());
        }
    }
}

#[test]
fn odd_frame_sizes_round_trip() {
    let (width, height) = (321, 181);
    let mut encoder = Vp8Encoder::new(config(width, height)).unwrap();
    let mut decoder = Vp8Decoder::new().unwrap();
    let encoded = encoder
        .encode(&TestPattern::new(width, height).frame(3), 0, false)
        .unwrap();
    let decoded = decoder.decode(&encoded[0].data).unwrap();
    assert_eq!((decoded[0].width, decoded[0].height), (width, height));
    assert_eq!(decoded[0].u.len(), 161 * 91);
}

#[test]
fn only_the_first_and_forced_frames_are_keyframes() {
    let mut pattern = TestPattern::new(320, 180);
    let mut encoder = Vp8Encoder::new(config(320, 180)).unwrap();
    let keyframes: Vec<bool> = (0..10)
        .map(|index| {
            let encoded = encoder
                .encode(&pattern.frame(index), pts_ms(index as usize), index == 6)
                .unwrap();
            assert_eq!(encoded.len(), 1, "one compressed frame per input");
            encoded[0].keyframe
        })
        .collect();
    let expected: Vec<bool> = (0..10).map(|index| index == 0 || index == 6).collect();
    assert_eq!(keyframes, expected);
}

#[test]
fn garbage_data_is_an_error_not_a_panic() {
    let mut decoder = Vp8Decoder::new().unwrap();
    let garbage: Vec<u8> = (0..500u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(matches!(
        decoder.decode(&garbage),
        Err(CodecError::Vpx { .. })
    ));
    assert!(decoder.decode(&[]).is_err());
}

#[test]
fn an_inter_frame_before_any_keyframe_is_an_error() {
    let mut pattern = TestPattern::new(320, 180);
    let mut encoder = Vp8Encoder::new(config(320, 180)).unwrap();
    encoder.encode(&pattern.frame(0), pts_ms(0), false).unwrap();
    let inter_frame = encoder
        .encode(&pattern.frame(1), pts_ms(1), false)
        .unwrap()
        .remove(0);
    assert!(!inter_frame.keyframe);
    assert!(Vp8Decoder::new()
        .unwrap()
        .decode(&inter_frame.data)
        .is_err());
}

#[test]
fn encoder_refuses_a_frame_of_another_size() {
    let mut encoder = Vp8Encoder::new(config(320, 180)).unwrap();
    let result = encoder.encode(&VideoFrame::black(640, 360), 0, false);
    assert!(matches!(result, Err(CodecError::InvalidFrame(_))));
}

#[test]
fn encoder_refuses_a_frame_with_short_planes() {
    let mut encoder = Vp8Encoder::new(config(320, 180)).unwrap();
    let mut frame = VideoFrame::black(320, 180);
    frame.y.truncate(100);
    assert!(matches!(
        encoder.encode(&frame, 0, false),
        Err(CodecError::InvalidFrame(_))
    ));
}

#[test]
fn encoder_refuses_impossible_settings() {
    for config in [
        Vp8Config {
            width: 0,
            ..config(320, 180)
        },
        Vp8Config {
            fps: 0,
            ..config(320, 180)
        },
        Vp8Config {
            bitrate_kbps: 0,
            ..config(320, 180)
        },
    ] {
        assert!(
            matches!(Vp8Encoder::new(config), Err(CodecError::InvalidConfig(_))),
            "{config:?}"
        );
    }
}

#[test]
fn a_still_slide_sharpens_frame_after_frame_in_screen_mode() {
    let config = Vp8Config { width: 640, height: 360, fps: 5, bitrate_kbps: 300 };
    let mut encoder = Vp8Encoder::for_screen(config).unwrap();
    let mut decoder = Vp8Decoder::new().unwrap();
    let slide = TestPattern::new(640, 360).frame(7);
    let quality: Vec<f64> = (0..20)
        .flat_map(|i| encoder.encode(&slide, i * 200, false).unwrap())
        .flat_map(|encoded| decoder.decode(&encoded.data).unwrap())
        .map(|decoded| psnr(&slide, &decoded).unwrap())
        .collect();
    assert_eq!(quality.len(), 20, "one picture per input");
    let (first, last) = (quality[0], quality[19]);
    assert!(last > first + 3.0 && last > 40.0, "an unchanged slide gains detail: {quality:.1?}");
}
