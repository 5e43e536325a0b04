//! Voice processing with real devices (a PulseAudio server of the test's own): Bob's speech comes out of
//! Alice's speaker and leaks into her microphone, as in a room without a headset. With the processing on
//! (the default), what Alice sends holds far less of it than with everything switched off.

use std::path::Path;
use std::time::Duration;

use palabre_e2e::media_check::{best_match, speech_wav, wav_at_48k};
use palabre_e2e::pulse_audio::PulseAudio;
use palabre_e2e::{finish, join_with_env, read_report, temp_dir, Server};

const LIMIT: Duration = Duration::from_secs(90);
const CALL_SECS: &str = "16";

/// Energy per sample of what Bob recorded of Alice after the first 8 s (the echo canceller has converged by
/// then, even on a loaded machine where it took longer than 5 s in one run of four), and how much of Bob's own speech it holds (best cross-correlation).
fn echo_sent_by_alice(dir: &Path, processing: &[&str]) -> (f64, f64) {
    let pulse = PulseAudio::start(dir);
    for sink in ["alice_room", "alice_out"] {
        pulse.null_sink(sink, 48_000);
    }
    // Alice's speaker is heard by her microphone 40 ms later, at full strength.
    pulse.loopback("alice_out.monitor", "alice_room", 40);
    let speech = dir.join("speech.wav");
    speech_wav(&speech, "Bonjour à tous. La séance est ouverte, nous commençons par le budget de la commune.");
    let server = Server::start("Echo", dir);
    let (record, alice_report) = (dir.join("recorded"), dir.join("alice.json"));
    let env = [("PULSE_SERVER", pulse.server.as_str())];
    let mut alice_args = vec![
        "--video", "none", "--audio", "mic", "--mic", "pulseaudio:alice_room.monitor", "--speaker", "pulseaudio:alice_out",
        "--duration", CALL_SECS, "--report", alice_report.to_str().unwrap(),
    ];
    alice_args.extend_from_slice(processing);
    let alice = join_with_env(&server.host_link, "Alice", &alice_args, &env);
    let bob = join_with_env(
        &server.guest_link,
        "Bob",
        &["--video", "none", "--audio", speech.to_str().unwrap(), "--record", record.to_str().unwrap(), "--duration", CALL_SECS],
        &env,
    );
    let (alice, bob) = (finish(alice, LIMIT), finish(bob, LIMIT));
    assert!(alice.status.success(), "alice: {}\n{}", alice.stderr, pulse.log());
    assert!(bob.status.success(), "bob: {}", bob.stderr);
    let report = read_report(&alice_report);
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    let recorded = wav_at_48k(&record.join("Alice.wav"));
    assert!(recorded.len() > 48_000 * 11, "only {} samples of Alice recorded", recorded.len());
    let after_convergence = &recorded[48_000 * 8..];
    let energy = after_convergence.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / after_convergence.len() as f64;
    let spoken = wav_at_48k(&speech);
    let (correlation, _) = best_match(&spoken[..48_000], after_convergence);
    (energy, correlation)
}

#[test]
fn the_far_end_heard_by_our_microphone_is_not_sent_back() {
    let off = echo_sent_by_alice(&temp_dir("echo-off"), &["--no-echo-cancel", "--no-noise-suppression", "--no-auto-gain"]);
    let on = echo_sent_by_alice(&temp_dir("echo-on"), &[]);
    let reduction_db = 10.0 * (off.0 / on.0.max(1.0)).log10();
    eprintln!(
        "echo sent back: processing off {:.1} dBFS (correlation with Bob's speech {:.2}), on {:.1} dBFS ({:.2}): {reduction_db:.1} dB less",
        10.0 * (off.0 / 32768f64.powi(2)).log10(),
        off.1,
        10.0 * (on.0.max(1.0) / 32768f64.powi(2)).log10(),
        on.1,
    );
    assert!(off.1 > 0.3, "without processing Bob's speech should come back (correlation {:.2}): is the room's leak working?", off.1);
    // Seen on the loaded 2-core machine: 9 to 48 dB over seven runs (docs/ARCHITECTURE.md, known limits); the
    // bound says the echo canceller works at all, the print says how well.
    assert!(reduction_db > 6.0, "the echo is only {reduction_db:.1} dB weaker with processing on");
}
