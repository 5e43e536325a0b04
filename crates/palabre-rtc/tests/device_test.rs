//! The pre-join device test against real devices: a PulseAudio server of the test's own, with null sinks as
//! speakers and their monitors as microphones.

use std::time::Duration;

use palabre_e2e::media_check::{best_match, speech_wav};
use palabre_e2e::pulse_audio::{read_raw_samples, PulseAudio};
use palabre_e2e::temp_dir;
use palabre_media::{read_frame_number, test_sound, Vp8Decoder, SILENCE_DBFS};
use palabre_rtc::device_test::{camera_preview, devices, mic_level_meter, play_test_sound};
use palabre_rtc::{VideoOrigin, VideoSource};

/// One test, because the PulseAudio server is chosen through the process's environment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_meter_follows_speech_and_the_test_sound_reaches_the_speaker() {
    let dir = temp_dir("device-test");
    let pulse = PulseAudio::start(&dir);
    pulse.null_sink("desk_mic", 48_000);
    pulse.null_sink("desk_speaker", 44_100);
    std::env::set_var("PULSE_SERVER", &pulse.server);

    let listed = devices().unwrap();
    assert!(listed.microphones.iter().any(|d| d.id == "pulseaudio:desk_mic.monitor"), "{listed:?}");

    // The meter: quiet before, loud while speech plays into the microphone.
    let mut meter = mic_level_meter(Some("pulseaudio:desk_mic.monitor")).unwrap();
    let mut quiet = Vec::new();
    while quiet.len() < 5 {
        quiet.push(tokio::time::timeout(Duration::from_secs(5), meter.levels.recv()).await.expect("readings").unwrap());
    }
    let speech = dir.join("speech.wav");
    speech_wav(&speech, "Un, deux, trois, essai du micro.");
    let playing = {
        let mut paplay = pulse.client("paplay");
        paplay.arg("--device=desk_mic").arg(&speech);
        paplay.spawn().unwrap()
    };
    let mut during = Vec::new();
    while during.len() < 15 {
        during.push(tokio::time::timeout(Duration::from_secs(5), meter.levels.recv()).await.expect("readings").unwrap());
    }
    let _ = tokio::task::spawn_blocking(move || playing.wait_with_output()).await;
    let quietest_before = quiet.iter().copied().fold(f32::MIN, f32::max);
    let loudest_during = during.iter().copied().fold(SILENCE_DBFS, f32::max);
    eprintln!("meter: at most {quietest_before:.1} dBFS before, up to {loudest_during:.1} dBFS with speech");
    assert!(quietest_before < -60.0, "{quiet:?}");
    assert!(loudest_during > -30.0, "{during:?}");
    drop(meter);

    // The test sound, recorded from the speaker's monitor.
    let raw = dir.join("speaker.raw");
    let mut listening = pulse.record_raw("desk_speaker.monitor", &raw);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    play_test_sound(Some("pulseaudio:desk_speaker")).await.unwrap();
    let took = started.elapsed();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = listening.kill();
    let _ = listening.wait();
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(4), "played for {took:?}");
    let sent: Vec<i16> = test_sound().iter().flat_map(|f| f.samples.clone()).take(38_400).collect();
    let (score, _) = best_match(&sent, &read_raw_samples(&raw));
    eprintln!("test sound on the speaker: correlation {score:.2}");
    assert!(score > 0.8, "the test sound did not reach the speaker ({score:.2})");

    // A wrong id is an error that names it.
    let error = mic_level_meter(Some("pulseaudio:nowhere")).err().expect("refused").to_string();
    assert!(error.contains("pulseaudio:nowhere"), "{error}");
}

/// The preview is what a call would send: our own VP8, starting with a keyframe, frames in order.
#[tokio::test]
async fn the_camera_preview_is_our_video_as_the_others_will_see_it() {
    let camera = VideoSource::TestPattern { width: 320, height: 180, fps: 30 };
    let mut preview = camera_preview(&camera).unwrap().expect("a preview of a source");
    let mut decoder = Vp8Decoder::new().unwrap();
    let mut numbers = Vec::new();
    while numbers.len() < 10 {
        let frame = tokio::time::timeout(Duration::from_secs(10), preview.frames.recv()).await.expect("frames").unwrap();
        assert_eq!(frame.origin, VideoOrigin::Local);
        assert!(!numbers.is_empty() || frame.keyframe, "the first frame decodes on its own");
        for picture in decoder.decode(&frame.data).unwrap() {
            numbers.push(read_frame_number(&picture).expect("the pattern's frame number survives VP8"));
        }
    }
    assert!(numbers.windows(2).all(|pair| pair[0] < pair[1]), "in order: {numbers:?}");

    assert!(camera_preview(&VideoSource::None).unwrap().is_none(), "no camera, no preview");
    // A source that cannot play is refused as a call would refuse it, before any call.
    let cut = temp_dir("camera-preview").join("cut.y4m");
    std::fs::write(&cut, b"YUV4MPEG2 W320 H180 F30:1 C420jpeg\nFRAME\n\x10\x10").unwrap();
    let error = camera_preview(&VideoSource::File(cut)).err().expect("a cut file is refused");
    assert_eq!(error.code(), "media-file", "{error}");
}
