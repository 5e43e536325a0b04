//! H.264 encode/decode behaviour through the codec-neutral shapes a call uses, driven by the test pattern.

use palabre_media::{psnr, read_frame_number, CodecError, TestPattern, VideoCodec, VideoConfig, VideoFrame};

const FPS: u32 = 30;

fn config(width: u32, height: u32) -> VideoConfig {
    VideoConfig { width, height, fps: FPS, bitrate_kbps: 300 }
}

fn pts_ms(position: u32) -> i64 {
    i64::from(position) * 1000 / i64::from(FPS)
}

#[test]
fn frame_numbers_survive_h264_at_320x180_and_300_kbps() {
    let mut pattern = TestPattern::new(320, 180);
    let mut encoder = VideoCodec::H264.encoder(config(320, 180)).unwrap();
    let mut decoder = VideoCodec::H264.decoder().unwrap();
    let mut worst_psnr = f64::INFINITY;
    for index in 0..60 {
        let frame = pattern.frame(index);
        let encoded = encoder.encode(&frame, pts_ms(index), false).unwrap();
        assert_eq!(encoded.len(), 1, "one compressed frame per input");
        let decoded = decoder.decode(&encoded[0].data).unwrap();
        assert_eq!(decoded.len(), 1, "one picture per frame (no reordering in Baseline)");
        assert_eq!(read_frame_number(&decoded[0]), Some(index));
        worst_psnr = worst_psnr.min(psnr(&frame, &decoded[0]).unwrap());
    }
    println!("worst H.264 PSNR at 320x180, 300 kbit/s: {worst_psnr:.1} dB");
    assert!(worst_psnr > 25.0, "worst PSNR {worst_psnr:.1} dB");
}

#[test]
fn only_the_first_and_forced_frames_are_h264_keyframes() {
    let mut pattern = TestPattern::new(320, 180);
    let mut encoder = VideoCodec::H264.encoder(config(320, 180)).unwrap();
    let keyframes: Vec<bool> =
        (0..10).map(|index| encoder.encode(&pattern.frame(index), pts_ms(index), index == 6).unwrap()[0].keyframe).collect();
    let expected: Vec<bool> = (0..10).map(|index| index == 0 || index == 6).collect();
    assert_eq!(keyframes, expected);
}

#[test]
fn a_forced_keyframe_lets_a_new_decoder_start() {
    let mut pattern = TestPattern::new(320, 180);
    let mut encoder = VideoCodec::H264.encoder(config(320, 180)).unwrap();
    for index in 0..5 {
        encoder.encode(&pattern.frame(index), pts_ms(index), false).unwrap();
    }
    let keyframe = encoder.encode(&pattern.frame(5), pts_ms(5), true).unwrap().remove(0);
    let decoded = VideoCodec::H264.decoder().unwrap().decode(&keyframe.data).unwrap();
    assert_eq!(decoded.iter().map(read_frame_number).collect::<Vec<_>>(), [Some(5)]);
}

#[test]
fn garbage_h264_is_an_error_or_nothing_never_a_panic() {
    let mut decoder = VideoCodec::H264.decoder().unwrap();
    let noise: Vec<u8> = (0..500u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert!(matches!(decoder.decode(&noise), Err(CodecError::InvalidFrame(_))));
    assert!(decoder.decode(&[]).is_err());
    // Noise behind a start code reaches OpenH264, which must refuse it or find no picture in it.
    let framed: Vec<u8> = [0, 0, 0, 1].into_iter().chain(noise).collect();
    assert!(decoder.decode(&framed).map_or(true, |pictures| pictures.is_empty()));
}

#[test]
fn h264_refuses_odd_sizes_and_frames_of_another_size() {
    assert!(matches!(VideoCodec::H264.encoder(config(321, 180)), Err(CodecError::InvalidConfig(_))));
    assert!(matches!(VideoCodec::H264.encoder(VideoConfig { fps: 0, ..config(320, 180) }), Err(CodecError::InvalidConfig(_))));
    let mut encoder = VideoCodec::H264.encoder(config(320, 180)).unwrap();
    assert!(matches!(encoder.encode(&VideoFrame::black(640, 360), 0, false), Err(CodecError::InvalidFrame(_))));
}

#[test]
fn every_codec_round_trips_on_another_thread() {
    for codec in VideoCodec::ALL {
        let mut encoder = codec.encoder(config(64, 48)).unwrap();
        let mut decoder = codec.decoder().unwrap();
        let frame = TestPattern::new(64, 48).frame(0);
        let decoded = std::thread::spawn(move || {
            let encoded = encoder.encode(&frame, 0, false).unwrap();
            decoder.decode(&encoded[0].data).unwrap()
        })
        .join()
        .unwrap();
        assert_eq!(decoded.len(), 1, "{codec}");
    }
}
