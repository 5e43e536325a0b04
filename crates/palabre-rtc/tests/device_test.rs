//! The pre-join device test against real devices: a PulseAudio server of the test's own, with null sinks as
//! speakers and their monitors as microphones.

use std::time::Duration;

use palabre_e2e::media_check::{best_match, speech_wav};
use palabre_e2e::pulse_audio::{read_raw_samples, PulseAudio};
use palabre_e2e::temp_dir;
use palabre_media::{test_sound, SILENCE_DBFS};
use palabre_rtc::device_test::{devices, mic_level_meter, play_test_sound};

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
