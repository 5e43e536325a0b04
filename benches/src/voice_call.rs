//! `palabre-bench voice-call`: two `palabre-cli` talk through the embedded server with real microphones and
//! speakers (a PulseAudio server of the bench's own), once with the voice processing on and once off. Prints the
//! mouth-to-ear delay (from the sound at Alice's microphone to the same sound out of Bob's speaker) and what
//! each call cost in CPU.
//!
//! The delay needs one clock for both ends: a stereo null sink `probe` carries Alice's mouth on its left channel
//! (her microphone is a remap of that channel) and Bob's speaker on its right (his speaker is a remap sink onto
//! it), so one recording of `probe.monitor` holds both, sample-aligned, with the device buffers of both sides
//! included as a person would hear them.

use std::path::Path;
use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use palabre_e2e::media_check::{best_match, speech_wav};
use palabre_e2e::pulse_audio::{read_raw_samples, PulseAudio};

use crate::error::BenchError;
use crate::media_quality::participant;
use crate::process::Running;
use crate::server::Server;
use crate::two_party::binary;
use crate::work_dir::{last_line, WorkDir};

const GRACE: Duration = Duration::from_secs(60);
const RATE: usize = 48_000;
/// Joining, and the first second of a null sink's monitor, are left out of the delay measurement.
const SETTLE: Duration = Duration::from_secs(6);
/// Each stretch of Alice's mouth looked for in Bob's speaker, and how far behind it is looked for.
const WINDOW: usize = 2 * RATE;
const SEARCH: usize = RATE;
const ALICE: &str = "Dans la cellule de crise, chacun parle à son tour et le préfet donne la parole.";
const BOB: &str = "Bien reçu, nous envoyons une équipe sur place dans les vingt minutes.";

pub struct Settings {
    pub seconds: u64,
    pub bin_dir: std::path::PathBuf,
}

/// One call's figures.
pub struct VoiceCall {
    pub processing: bool,
    /// Alice and Bob, each with a microphone and a speaker and the voice processing switched. Bob's devices are
    /// ordinary null sinks; Alice's microphone is the probe's remap, which delivers small pieces.
    pub alice_cpu: Duration,
    pub bob_cpu: Duration,
    pub wall: Duration,
    /// Mouth-to-ear delays of the stretches found, in ms, sorted.
    pub delays_ms: Vec<f64>,
    /// The stretches of Alice's speech looked for, and the lowest correlation among those found.
    pub windows: usize,
    pub lowest_correlation: f64,
}

pub fn run(settings: &Settings) -> Result<Vec<VoiceCall>, BenchError> {
    let server_binary = binary(&settings.bin_dir, "palabre-server")?;
    let cli_binary = binary(&settings.bin_dir, "palabre-cli")?;
    let work = WorkDir::create()?;
    let pulse = PulseAudio::start(&work.join(""));
    wire_devices(&pulse);
    let (alice_speech, bob_speech) = (work.join("alice.wav"), work.join("bob.wav"));
    speech_wav(&alice_speech, ALICE);
    speech_wav(&bob_speech, BOB);
    // Both talk for the whole call, each into their own microphone, so that each side's echo canceller has
    // the other's voice as its far end.
    let talkers = [Talker::start(&pulse, "mouth", &alice_speech), Talker::start(&pulse, "bob_mouth", &bob_speech)];

    let mut calls = Vec::new();
    for processing in [true, false] {
        calls.push(call(settings, &server_binary, &cli_binary, &pulse, processing, &work)?);
    }
    // The talkers and the sound server live in the work directory: stopped before it goes.
    drop(talkers);
    drop(pulse);
    work.remove();
    Ok(calls)
}

/// Alice: microphone = left channel of `probe`, fed by `mouth`; speaker `alice_ear`. Bob: microphone
/// `bob_mouth.monitor`; speaker = right channel of `probe`.
fn wire_devices(pulse: &PulseAudio) {
    pulse.load_module("module-null-sink", &["sink_name=probe", "rate=48000", "channels=2", "channel_map=front-left,front-right"]);
    let remap = |module: &str, name: &str, master: &str, channel: &str| {
        let kind = if module == "module-remap-sink" { "sink" } else { "source" };
        pulse.load_module(
            module,
            &[
                &format!("{kind}_name={name}"),
                &format!("master={master}"),
                "channels=1",
                "channel_map=mono",
                &format!("master_channel_map={channel}"),
                "remix=no",
            ],
        );
    };
    remap("module-remap-sink", "mouth", "probe", "front-left");
    remap("module-remap-source", "alice_mic", "probe.monitor", "front-left");
    remap("module-remap-sink", "bob_ear", "probe", "front-right");
    pulse.null_sink("alice_ear", 48_000);
    pulse.null_sink("bob_mouth", 48_000);
}

fn call(
    settings: &Settings,
    server_binary: &Path,
    cli_binary: &Path,
    pulse: &PulseAudio,
    processing: bool,
    work: &WorkDir,
) -> Result<VoiceCall, BenchError> {
    let server = Server::start(server_binary, "bench", &work.join("data"), &work.join("server.log"))?;
    let seconds = settings.seconds.to_string();
    let join = |name: &str, mic: &str, speaker: &str| {
        let mut args = vec!["--video", "none", "--audio", "mic", "--mic", mic, "--speaker", speaker, "--duration", &seconds];
        if !processing {
            args.extend(["--no-echo-cancel", "--no-noise-suppression", "--no-auto-gain"]);
        }
        let mut command = participant(cli_binary, &server.links.guest, name, &args, work)?;
        Running::spawn(name, command.env("PULSE_SERVER", &pulse.server))
    };
    let started = Instant::now();
    let alice = join("Alice", "pulseaudio:alice_mic", "pulseaudio:alice_ear")?;
    let bob = join("Bob", "pulseaudio:bob_mouth.monitor", "pulseaudio:bob_ear")?;

    std::thread::sleep(SETTLE);
    let probe = work.join("probe.raw");
    let mut recorder = record_stereo(pulse, &probe)?;
    std::thread::sleep(Duration::from_secs(settings.seconds).saturating_sub(SETTLE + Duration::from_secs(2)));
    let _ = recorder.kill();
    let _ = recorder.wait();

    let deadline = started + Duration::from_secs(settings.seconds) + GRACE;
    let mut cpu = Vec::new();
    for (name, process) in [("Alice", alice), ("Bob", bob)] {
        let done = process.wait(deadline)?;
        if !done.status.success() {
            let log = work.join(&format!("{name}.log"));
            return Err(BenchError::Failed { name: name.into(), status: done.status, last_line: last_line(&log), log });
        }
        cpu.push(done.cpu);
    }
    server.stop()?;
    let (delays_ms, windows, lowest_correlation) = delays(&probe);
    Ok(VoiceCall { processing, alice_cpu: cpu[0], bob_cpu: cpu[1], wall: started.elapsed(), delays_ms, windows, lowest_correlation })
}

/// Records `probe.monitor` as raw 48 kHz stereo s16le until killed.
fn record_stereo(pulse: &PulseAudio, raw: &Path) -> Result<Child, BenchError> {
    pulse
        .client("parec")
        .args(["--device=probe.monitor", "--raw", "--rate=48000", "--channels=2", "--format=s16le", "--latency-msec=20"])
        .arg(raw)
        .spawn()
        .map_err(|source| BenchError::Spawn { name: "parec".into(), source })
}

/// Stretches of Alice's mouth (left) found in Bob's speaker (right) up to [`SEARCH`] later: each one's delay.
fn delays(probe: &Path) -> (Vec<f64>, usize, f64) {
    let samples = read_raw_samples(probe);
    let (mouth, ear): (Vec<i16>, Vec<i16>) = samples.chunks_exact(2).map(|frame| (frame[0], frame[1])).unzip();
    let (mut delays, mut windows, mut lowest) = (Vec::new(), 0, 1.0f64);
    let mut at = 0;
    while at + WINDOW + SEARCH <= mouth.len() {
        let stretch = &mouth[at..at + WINDOW];
        // Mostly the pause between two sentences: nothing to recognise.
        if rms(stretch) > 300.0 {
            windows += 1;
            let (correlation, offset) = best_match(stretch, &ear[at..at + WINDOW + SEARCH]);
            if correlation > 0.5 {
                delays.push(offset as f64 * 1000.0 / RATE as f64);
                lowest = lowest.min(correlation);
            }
        }
        at += WINDOW;
    }
    delays.sort_by(f64::total_cmp);
    let lowest = if delays.is_empty() { 0.0 } else { lowest };
    (delays, windows, lowest)
}

fn rms(samples: &[i16]) -> f64 {
    (samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len().max(1) as f64).sqrt()
}

/// Plays a sentence into a sink again and again, a short pause between times, until dropped.
struct Talker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Talker {
    fn start(pulse: &PulseAudio, sink: &str, wav: &Path) -> Talker {
        let stop = Arc::new(AtomicBool::new(false));
        let mut paplay = pulse.client("paplay");
        paplay.arg(format!("--device={sink}")).arg(wav);
        let thread = std::thread::spawn({
            let stop = stop.clone();
            move || {
                while !stop.load(Ordering::Relaxed) {
                    let _ = paplay.status();
                    std::thread::sleep(Duration::from_millis(300));
                }
            }
        });
        Talker { stop, thread: Some(thread) }
    }
}

impl Drop for Talker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
