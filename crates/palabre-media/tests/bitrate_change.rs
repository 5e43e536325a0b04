//! Both video encoders follow a bitrate change mid-stream, as the engine asks when the link's loss changes: the
//! following frames shrink to what an encoder started at the new bitrate makes, no keyframe is spent on it, and
//! the stream stays decodable.

use std::ops::Range;

use palabre_media::{read_frame_number, TestPattern, VideoCodec, VideoConfig};

const FPS: u32 = 30;
/// Small enough that both codecs keep to the low target with the test pattern (at 640x360 its detail needs
/// about 230 kbit/s in VP8 even at the worst quantiser).
const SIZE: (u32, u32) = (320, 180);
const FRAMES: u32 = 300;
const CUT_AT: u32 = 100;
/// Where the bitrates are compared: a second after each point, for rate control to settle.
const BEFORE: Range<u32> = 30..CUT_AT;
const AFTER: Range<u32> = CUT_AT + 30..FRAMES;

/// Encodes and decodes the pattern starting at `start_kbps`, changed to `cut_kbps` at frame `cut_at`; returns
/// the bytes of each frame.
fn frame_sizes(codec: VideoCodec, start_kbps: u32, cut_kbps: u32, cut_at: u32) -> Vec<usize> {
    let mut pattern = TestPattern::new(SIZE.0, SIZE.1);
    let config = VideoConfig { width: SIZE.0, height: SIZE.1, fps: FPS, bitrate_kbps: start_kbps };
    let mut encoder = codec.encoder(config).unwrap();
    let mut decoder = codec.decoder().unwrap();
    (0..FRAMES)
        .map(|index| {
            if index == cut_at {
                encoder.set_bitrate(cut_kbps).unwrap();
            }
            let encoded = encoder.encode(&pattern.frame(index), i64::from(index) * 1000 / i64::from(FPS), false).unwrap();
            assert_eq!(encoded.len(), 1, "{codec}: one compressed frame per input");
            if index > 0 && (cut_at..cut_at + 5).contains(&index) {
                assert!(!encoded[0].keyframe, "{codec}: frame {index}: a bitrate change costs no keyframe");
            }
            let decoded = decoder.decode(&encoded[0].data).unwrap();
            assert_eq!(decoded.iter().map(read_frame_number).collect::<Vec<_>>(), [Some(index)], "{codec}");
            encoded[0].data.len()
        })
        .collect()
}

fn kbps(sizes: &[usize], frames: Range<u32>) -> f64 {
    let seconds = f64::from(frames.end - frames.start) / f64::from(FPS);
    sizes[frames.start as usize..frames.end as usize].iter().sum::<usize>() as f64 * 8.0 / 1000.0 / seconds
}

#[test]
fn a_lower_bitrate_shrinks_the_following_frames_to_what_that_bitrate_makes() {
    for codec in [VideoCodec::Vp8, VideoCodec::H264] {
        let cut = frame_sizes(codec, 600, 150, CUT_AT);
        let started_low = frame_sizes(codec, 150, 150, CUT_AT);
        let (before, after, low) = (kbps(&cut, BEFORE), kbps(&cut, AFTER), kbps(&started_low, AFTER));
        println!("{codec}: {before:.0} kbit/s at 600, {after:.0} after the cut to 150; started at 150: {low:.0}");
        assert!(after < 0.6 * before, "{codec}: {before:.0} then {after:.0} kbit/s");
        assert!(after < 1.3 * low, "{codec}: {after:.0} kbit/s after the cut, {low:.0} when started at 150");
    }
}

#[test]
fn a_bitrate_set_before_the_first_frame_takes_effect() {
    // The engine makes encoders at their top bitrate and then sets the link's: H.264 is only set up by its
    // first frame, so the encoder keeps the target until then.
    for codec in [VideoCodec::Vp8, VideoCodec::H264] {
        let set_first = frame_sizes(codec, 600, 150, 0);
        let started_low = frame_sizes(codec, 150, 150, 0);
        let (set, low) = (kbps(&set_first, AFTER), kbps(&started_low, AFTER));
        println!("{codec}: {set:.0} kbit/s when set to 150 before the first frame; started at 150: {low:.0}");
        assert!(set < 1.3 * low, "{codec}: {set:.0} kbit/s, {low:.0} when started at 150");
    }
}
