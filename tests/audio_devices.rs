//! Microphones and speakers for real, under a PulseAudio server the test starts: speech played into Alice's
//! microphone (a null sink's monitor) must come out of Bob's recording and Bob's speaker, found there by
//! cross-correlation; devices are listed with stable ids; wrong ids, and a microphone or speaker unplugged
//! mid-call, are told in words, and the call moves to the default device.

use std::path::Path;
use std::time::Duration;

use palabre_e2e::media_check::{heard, speech_wav, wav_at_48k};
use palabre_e2e::pulse_audio::{read_raw_samples, PulseAudio};
use palabre_e2e::{finish, join_with_env, read_report, temp_dir, Server};

const LIMIT: Duration = Duration::from_secs(90);
const SPEECH: &str = "Bonjour à tous, la séance est ouverte.";

#[test]
fn speech_into_one_microphone_reaches_the_others_recording_and_speaker() {
    let dir = temp_dir("mic-to-speaker");
    let pulse = PulseAudio::start(&dir);
    // 44.1 kHz devices, so both directions go through the resampler.
    for sink in ["alice_mic_feed", "alice_out", "bob_out"] {
        pulse.null_sink(sink, 44_100);
    }
    let speech = dir.join("speech.wav");
    speech_wav(&speech, SPEECH);
    let server = Server::start("Micro", &dir);
    let (record, bob_report, alice_report) = (dir.join("recorded"), dir.join("bob.json"), dir.join("alice.json"));
    let env = [("PULSE_SERVER", pulse.server.as_str())];
    let alice = join_with_env(
        &server.host_link,
        "Alice",
        &["--video", "none", "--audio", "mic", "--mic", "pulseaudio:alice_mic_feed.monitor", "--speaker", "pulseaudio:alice_out", "--duration", "8", "--report", alice_report.to_str().unwrap()],
        &env,
    );
    let bob = join_with_env(
        &server.guest_link,
        "Bob",
        &["--video", "none", "--audio", "none", "--speaker", "pulseaudio:bob_out", "--record", record.to_str().unwrap(), "--duration", "8", "--report", bob_report.to_str().unwrap()],
        &env,
    );
    // Opening a null sink's monitor takes about a second (its first data comes late): let Alice join first.
    std::thread::sleep(Duration::from_millis(3000));
    let from_speaker = dir.join("bob-heard.raw");
    let mut listening = pulse.record_raw("bob_out.monitor", &from_speaker);
    pulse.play("alice_mic_feed", &speech);
    std::thread::sleep(Duration::from_millis(500));
    let _ = listening.kill();
    let _ = listening.wait();
    let (alice, bob) = (finish(alice, LIMIT), finish(bob, LIMIT));
    assert!(alice.status.success(), "alice: {}\n{}", alice.stderr, pulse.log());
    assert!(bob.status.success(), "bob: {}", bob.stderr);
    let (alice, bob) = (read_report(&alice_report), read_report(&bob_report));
    assert_eq!(alice["errors"], serde_json::json!([]), "{alice}");
    assert_eq!(bob["errors"], serde_json::json!([]), "{bob}");
    // The microphone's clock paced the sending: about 50 frames a second of the call.
    let sent = alice["sent"]["audio_frames"].as_u64().unwrap();
    assert!(sent >= 250, "alice sent {sent} audio frames from the microphone");

    let spoken = wav_at_48k(&speech);
    let recorded = wav_at_48k(&record.join("Alice.wav"));
    let found = heard(&spoken, &recorded);
    eprintln!("speech in Bob's recording: {found:.2?}");
    assert!(found.recognisable(), "the speech is not in Bob's recording ({found:.2?})");

    let from_speaker = heard(&spoken, &read_raw_samples(&from_speaker));
    eprintln!("speech out of Bob's speaker: {from_speaker:.2?}");
    assert!(from_speaker.recognisable(), "the speech did not come out of Bob's speaker ({from_speaker:.2?})");
}

#[test]
fn devices_are_listed_with_the_same_ids_every_time() {
    let dir = temp_dir("devices");
    let pulse = PulseAudio::start(&dir);
    pulse.null_sink("salle_micro", 48_000);
    pulse.null_sink("salle_hp", 48_000);
    let list = || {
        let output = pulse.client(palabre_e2e::binary("palabre-cli").to_str().unwrap()).args(["devices", "--json"]).stdout(std::process::Stdio::piped()).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice::<serde_json::Value>(&output.stdout).expect("JSON")
    };
    let (first, second) = (list(), list());
    assert_eq!(first, second);
    let ids = |kind: &str| first[kind].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    for id in ["pulseaudio:salle_micro.monitor", "pulseaudio:salle_hp.monitor"] {
        assert!(ids("microphones").contains(&id.to_owned()), "{first}");
    }
    for id in ["pulseaudio:salle_micro", "pulseaudio:salle_hp"] {
        assert!(ids("speakers").contains(&id.to_owned()), "{first}");
    }
    assert_eq!(first["speakers"].as_array().unwrap().iter().filter(|d| d["default"] == true).count(), 1, "{first}");
}

#[test]
fn a_device_id_that_does_not_exist_is_one_clear_line() {
    let dir = temp_dir("no-such-device");
    let pulse = PulseAudio::start(&dir);
    pulse.null_sink("only", 48_000);
    let link = "palabre://127.0.0.1:9/Salle?token=abc&fp=sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let env = [("PULSE_SERVER", pulse.server.as_str())];
    for (flags, expected) in [
        (["--audio", "mic", "--mic", "pulseaudio:nowhere"], "no microphone with id \"pulseaudio:nowhere\""),
        (["--audio", "none", "--speaker", "pulseaudio:nowhere"], "no speaker with id \"pulseaudio:nowhere\""),
        (["--audio", "mic", "--mic", "not an id"], "no microphone with id \"not an id\""),
    ] {
        let run = finish(join_with_env(link, "Alice", &[&flags[..], &["--duration", "5"]].concat(), &env), LIMIT);
        assert!(!run.status.success());
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{}", run.stderr);
        assert!(lines[0].contains(expected) && lines[0].contains("palabre-cli devices"), "{}", lines[0]);
    }
}

/// A call on the embedded server under `pulse`: Alice and Bob join with their flags for `seconds`, each writing a
/// report; two seconds in, the PulseAudio module `unplugged` is unloaded, as a device pulled out, and `meanwhile`
/// runs while the call goes on. Both must end normally; returns Alice's and Bob's reports.
fn call_losing_a_device(
    dir: &Path,
    pulse: &PulseAudio,
    unplugged: &str,
    (alice, bob): (&[&str], &[&str]),
    seconds: u32,
    meanwhile: impl FnOnce(),
) -> (serde_json::Value, serde_json::Value) {
    let server = Server::start("Debranche", dir);
    let (alice_report, bob_report) = (dir.join("alice.json"), dir.join("bob.json"));
    let env = [("PULSE_SERVER", pulse.server.as_str())];
    let seconds = seconds.to_string();
    let join = |link: &str, name: &str, flags: &[&str], report: &Path| {
        join_with_env(link, name, &[flags, &["--duration", &seconds, "--report", report.to_str().unwrap()]].concat(), &env)
    };
    let (alice, bob) = (join(&server.host_link, "Alice", alice, &alice_report), join(&server.guest_link, "Bob", bob, &bob_report));
    std::thread::sleep(Duration::from_secs(2));
    pulse.unload(unplugged);
    meanwhile();
    let (alice, bob) = (finish(alice, LIMIT), finish(bob, LIMIT));
    assert!(alice.status.success(), "the call went on: {}", alice.stderr);
    assert!(bob.status.success(), "the call went on: {}", bob.stderr);
    (read_report(&alice_report), read_report(&bob_report))
}

/// The problems a report lists, as text.
fn errors(report: &serde_json::Value) -> Vec<&str> {
    report["errors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect()
}

#[test]
fn a_microphone_unplugged_mid_call_is_reported_and_the_call_goes_on() {
    let dir = temp_dir("unplugged");
    let pulse = PulseAudio::start(&dir);
    let headset = pulse.null_sink("headset", 48_000);
    let alice = ["--size", "160x90", "--audio", "mic", "--mic", "pulseaudio:headset.monitor", "--speaker", "none"];
    let bob = ["--video", "none", "--audio", "none"];
    let (alice, bob) = call_losing_a_device(&dir, &pulse, &headset, (&alice, &bob), 5, || ());
    assert!(errors(&alice).iter().any(|e| e.contains("microphone") && e.contains("goes on")), "{alice}");
    // Alice's video kept flowing to Bob after her microphone went (about frame 30, a second into her call):
    // Bob decoded frames numbered two seconds later.
    let last_frame = bob["participants"][0]["video_frame_numbers"][1].as_u64().unwrap();
    assert!(last_frame >= 60, "{bob}");
    assert_eq!(bob["errors"], serde_json::json!([]), "{bob}");
}

#[test]
fn an_unplugged_headset_gives_way_to_the_default_microphone() {
    let dir = temp_dir("fallback");
    let pulse = PulseAudio::start(&dir);
    let headset = pulse.null_sink("headset", 48_000);
    pulse.null_sink("laptop", 48_000);
    pulse.set_default_source("laptop.monitor");
    let alice = ["--video", "none", "--audio", "mic", "--mic", "pulseaudio:headset.monitor", "--speaker", "none"];
    let bob = ["--video", "none", "--audio", "none"];
    let (alice, bob) = call_losing_a_device(&dir, &pulse, &headset, (&alice, &bob), 9, || ());
    // PulseAudio (15 and later) moves a stream whose source vanished to the default source itself, so the
    // stream does not fail; the engine sees the headset gone from the list, opens the default microphone in
    // place of the moved stream, and says so (where the stream fails, as with ALSA, it does the same at once).
    assert_eq!(errors(&alice).len(), 1, "{alice}");
    assert!(errors(&alice)[0].contains("switched to the default microphone \"Monitor of laptop"), "{alice}");
    // Frames kept coming from the laptop's microphone: far more than the headset gave before it went.
    let sent = alice["sent"]["audio_frames"].as_u64().unwrap();
    let heard = bob["participants"][0]["audio_frames_decoded"].as_u64().unwrap();
    eprintln!("after the switch: Alice sent {sent} audio frames, Bob decoded {heard}");
    assert!(sent >= 200 && heard >= 150, "alice sent {sent}, bob decoded {heard}: {alice}");
}

#[test]
fn an_unplugged_headset_gives_way_to_the_default_speaker() {
    let dir = temp_dir("speaker-fallback");
    let pulse = PulseAudio::start(&dir);
    let headset = pulse.null_sink("headset", 48_000);
    pulse.null_sink("laptop", 48_000);
    pulse.set_default_sink("laptop");
    let heard = dir.join("laptop-heard.raw");
    // Alice's tone, played on Bob's headset until it goes, must then come out of the laptop's speakers.
    let alice = ["--video", "none", "--speaker", "none"];
    let bob = ["--video", "none", "--audio", "none", "--speaker", "pulseaudio:headset"];
    let listen = || {
        let mut listening = pulse.record_raw("laptop.monitor", &heard);
        std::thread::sleep(Duration::from_secs(3));
        let _ = listening.kill();
        let _ = listening.wait();
    };
    let (_, bob) = call_losing_a_device(&dir, &pulse, &headset, (&alice, &bob), 8, listen);
    // As with microphones: the stream moved by PulseAudio, or failed, gives way to the default speaker, said once.
    assert_eq!(errors(&bob).len(), 1, "{bob}");
    assert!(errors(&bob)[0].contains("switched to the default speaker \"laptop"), "{bob}");
    let samples = read_raw_samples(&heard);
    let rms = (samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len().max(1) as f64).sqrt();
    eprintln!("laptop speakers after the headset went: {} samples, RMS {rms:.0}", samples.len());
    assert!(rms > 1_000.0, "the call is not heard on the default speaker (RMS {rms:.0} over {} samples)", samples.len());
}
