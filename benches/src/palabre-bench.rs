//! `palabre-bench`: runs Palabre's real binaries through a call and prints what it cost. It prints figures and
//! never judges them; docs/BENCHMARKS.md keeps their history.

mod browser_guest;
mod camera_conversion;
mod desktop_app;
mod error;
mod janus_vs_browser;
mod machine;
mod media_quality;
mod proc_tree;
mod process;
mod report;
mod screen_share;
mod server;
mod table;
mod two_party;
mod voice_call;
mod work_dir;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(version, about = "Run Palabre's real binaries through a call and print what it cost")]
struct Cli {
    #[command(subcommand)]
    bench: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// Two participants call each other through the embedded server, each a separate process on this machine.
    TwoParty(TwoPartyArgs),
    /// The same Janus call made twice, measuring palabre-cli then headless Chromium (janus.js) against one peer.
    JanusVsBrowser(JanusVsBrowserArgs),
    /// One participant sends a y4m and speech from files, another records: picture and sound quality received.
    MediaQuality(MediaQualityArgs),
    /// The desktop app (its process and WebKit's) in 2- and 4-party calls, then palabre-cli in its place.
    DesktopApp(DesktopAppArgs),
    /// Camera pictures (NV12, YUYV, MJPEG made by ffmpeg) to I420, and the voice processing's CPU per frame.
    CameraConversion(CameraConversionArgs),
    /// One participant shares a 1920x1080 screen (Xvfb) at 5 and 15 fps, then a still slide and scrolling text
    /// from files: the sharer's CPU and the share's bitrate.
    ScreenShare(ScreenShareArgs),
    /// Two participants talk with microphones and speakers (PulseAudio), voice processing on then off: the
    /// mouth-to-ear delay and the CPU of each call.
    VoiceCall(VoiceCallArgs),
}

#[derive(clap::Args)]
struct VoiceCallArgs {
    /// How long each of the two calls lasts.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(12..=3600))]
    seconds: u64,
    /// Where palabre-server and palabre-cli are.
    #[arg(long, default_value = "target/release")]
    bin_dir: PathBuf,
}

#[derive(clap::Args)]
struct CameraConversionArgs {
    /// Picture size, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = check_size)]
    size: String,
    /// How many times each picture is converted.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    rounds: u32,
}

#[derive(clap::Args)]
struct ScreenShareArgs {
    /// How long the sharer stays in each call.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u64).range(3..=3600))]
    seconds: u64,
    /// Where palabre-server and palabre-cli are.
    #[arg(long, default_value = "target/release")]
    bin_dir: PathBuf,
}

#[derive(clap::Args)]
struct MediaQualityArgs {
    /// How long each participant stays in the call.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(3..=3600))]
    seconds: u64,
    /// Size of the generated video, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x720", value_parser = check_size)]
    size: String,
    /// Where palabre-server and palabre-cli are.
    #[arg(long, default_value = "target/release")]
    bin_dir: PathBuf,
    /// The video codec both participants prefer: vp8 or h264.
    #[arg(long, default_value = "vp8")]
    video_codec: palabre_media::VideoCodec,
}

#[derive(clap::Args)]
struct DesktopAppArgs {
    /// How long the measured participant stays in each call after joining.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    seconds: u64,
    /// Where palabre (the desktop app), palabre-server and palabre-cli are.
    #[arg(long, default_value = "target/release")]
    bin_dir: PathBuf,
}

#[derive(clap::Args)]
struct JanusVsBrowserArgs {
    /// How long the measured participant stays in the call after joining.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    seconds: u64,
    /// Video size every participant sends (Chromium: its fake camera's capture size), WIDTHxHEIGHT.
    #[arg(long, default_value = "640x360", value_parser = check_size)]
    size: String,
    /// Where palabre-cli is.
    #[arg(long, default_value = "target/release")]
    bin_dir: PathBuf,
}

#[derive(clap::Args)]
struct TwoPartyArgs {
    /// How long each participant stays in the call after joining.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    seconds: u64,
    /// Test-pattern size each participant sends, WIDTHxHEIGHT.
    #[arg(long, default_value = "640x360", value_parser = check_size)]
    size: String,
    /// Test-pattern frame rate each participant sends.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=60))]
    fps: u32,
    /// Where palabre-server and palabre-cli are.
    #[arg(long, default_value = "target/release")]
    bin_dir: PathBuf,
}

fn check_size(text: &str) -> Result<String, String> {
    let numbers = text.split_once('x').and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)));
    match numbers {
        Some((w, h)) if w > 0 && h > 0 => Ok(format!("{w}x{h}")),
        _ => Err("expected WIDTHxHEIGHT, for example 640x360".into()),
    }
}

fn main() -> ExitCode {
    match Cli::parse().bench {
        Bench::TwoParty(args) => two_party(args),
        Bench::JanusVsBrowser(args) => janus_vs_browser(args),
        Bench::MediaQuality(args) => media_quality(args),
        Bench::DesktopApp(args) => desktop_app(args),
        Bench::CameraConversion(args) => camera_conversion(args),
        Bench::ScreenShare(args) => screen_share(args),
        Bench::VoiceCall(args) => voice_call(args),
    }
}

fn camera_conversion(args: CameraConversionArgs) -> ExitCode {
    let (width, height) = args.size.split_once('x').and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?))).expect("checked by clap");
    if width % 2 == 1 || height % 2 == 1 {
        eprintln!("palabre-bench: camera pictures have even sizes, not {}", args.size);
        return ExitCode::FAILURE;
    }
    let (conversions, voices) = match camera_conversion::run(width, height, args.rounds) {
        Ok(figures) => figures,
        Err(error) => {
            eprintln!("palabre-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    print_header(&format!("camera-conversion --size {} --rounds {}", args.size, args.rounds));
    println!("{:<24} {:>9} {:>9} {:>9} {:>9}", "to I420", "bytes", "mean ms", "max ms", "PSNR dB");
    for c in &conversions {
        println!("{:<24} {:>9} {:>9.3} {:>9.3} {:>9.1}", c.label, c.bytes, c.mean_ms, c.max_ms, c.psnr_db);
    }
    println!();
    println!("{:<24} {:>9} {:>12}", "voice processing", "us/20 ms", "% of a core");
    for v in &voices {
        println!("{:<24} {:>9.0} {:>12.2}", v.label, v.mean_us, v.mean_us / 20_000.0 * 100.0);
    }
    println!();
    println!("Pictures: the test pattern made into each camera format by ffmpeg, converted by Palabre (libyuv; MJPEG");
    println!("  decoded by zune-jpeg first); PSNR against the pattern. One thread, this build's optimisation.");
    println!("Voice: far end and microphone for one 20 ms frame, seeded noise bursts as both, sonora.");
    ExitCode::SUCCESS
}

fn media_quality(args: MediaQualityArgs) -> ExitCode {
    let (width, height) = args.size.split_once('x').and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?))).expect("checked by clap");
    let settings = media_quality::Settings { seconds: args.seconds, width, height, bin_dir: args.bin_dir, video_codec: args.video_codec };
    let codec = settings.video_codec.to_string().to_uppercase();
    eprintln!("palabre-bench: a {} s call sending a {} y4m and speech from files, recorded by the receiver…", settings.seconds, args.size);
    let f = match media_quality::run(&settings) {
        Ok(figures) => figures,
        Err(error) => {
            eprintln!("palabre-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    print_header(&format!(
        "media-quality --seconds {} --size {} --bin-dir {} --video-codec {}",
        settings.seconds,
        args.size,
        quote(&settings.bin_dir.to_string_lossy()),
        settings.video_codec
    ));
    println!("video pictures recorded        {:>8}  (matched to a sent picture by frame number: {})", f.frames_recorded, f.frames_matched);
    println!("PSNR dB (Y+U+V) mean/min/max   {:>8.2} {:>8.2} {:>8.2}", f.psnr_db.mean, f.psnr_db.min, f.psnr_db.max);
    println!("SSIM (Y, 8x8) mean/min/max     {:>8.4} {:>8.4} {:>8.4}", f.ssim.mean, f.ssim.min, f.ssim.max);
    println!("sent kbit/s (video + audio)    {:>8.0}", f.video_kbps);
    println!("received kbit/s (with RTP)     {:>8.0}", f.received_kbps);
    println!("{codec:<4} encode ms/frame mean/max  {:>8.2} {:>8.2}", f.encode_ms.mean, f.encode_ms.max);
    println!("{codec:<4} decode ms/frame mean/max  {:>8.2} {:>8.2}", f.decode_ms.mean, f.decode_ms.max);
    println!("{codec:<4} keyframe / delta bytes    {:>8} {:>8.0}", f.keyframe_bytes, f.delta_frame_bytes);
    println!("speech correlation             {:>8.3}", f.speech_correlation);
    println!("speech SNR dB                  {:>8.1}", f.speech_snr_db);
    println!();
    println!("PSNR/SSIM: each recorded picture against the sent picture whose number it carries (lossless would be 99).");
    println!("Encode/decode: this process, the same pictures, Palabre's {codec} settings (600 kbit/s, real time), one core.");
    println!("Speech: two seconds of the recording found in the looped sent speech by cross-correlation at 4 kHz;");
    println!("  SNR after scaling the sent speech to the received level (Opus at 32 kbit/s is not waveform-exact).");
    println!("Audio delay and the voice processing's CPU: palabre-bench voice-call.");
    ExitCode::SUCCESS
}

fn screen_share(args: ScreenShareArgs) -> ExitCode {
    report_panics_in_one_line("Xvfb");
    let settings = screen_share::Settings { seconds: args.seconds, bin_dir: args.bin_dir };
    eprintln!("palabre-bench: four {} s calls sharing a 1920x1080 screen or file…", settings.seconds);
    let figures = match screen_share::run(&settings) {
        Ok(figures) => figures,
        Err(error) => {
            eprintln!("palabre-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    print_header(&format!("screen-share --seconds {} --bin-dir {}", settings.seconds, quote(&settings.bin_dir.to_string_lossy())));
    println!("{:<24} {:>4} {:>10} {:>10} {:>8} {:>8} {:>8}", "shared 1920x1080", "fps", "CPU s", "% core", "sent", "decoded", "kbit/s");
    for share in &figures.shares {
        let percent = 100.0 * share.cpu.as_secs_f64() / share.wall.as_secs_f64().max(f64::EPSILON);
        println!(
            "{:<24} {:>4} {:>10.2} {:>10.1} {:>8} {:>8} {:>8.0}",
            share.case, share.fps, share.cpu.as_secs_f64(), percent, share.frames_sent, share.frames_decoded, share.kbps
        );
    }
    println!();
    println!("BGRA->I420, one 1920x1080 picture, this process: {:.2} ms", figures.convert_ms);
    println!();
    println!("CPU s: the sharer's palabre-cli over its whole life (join, share, leave; camera and microphone off).");
    println!("Screen (Xvfb): X11 GetImage of the root window showing a page of text, converted and VP8-encoded in");
    println!("  screen-content mode. Files: the same page still, and scrolling 8 px per frame (no capture cost).");
    println!("kbit/s: the share's encoded bytes over the time it was shared (frames sent / fps), RTP overhead excluded.");
    ExitCode::SUCCESS
}

fn voice_call(args: VoiceCallArgs) -> ExitCode {
    report_panics_in_one_line("PulseAudio");
    let settings = voice_call::Settings { seconds: args.seconds, bin_dir: args.bin_dir };
    eprintln!("palabre-bench: two {} s calls with microphones and speakers, voice processing on then off…", settings.seconds);
    let calls = match voice_call::run(&settings) {
        Ok(calls) => calls,
        Err(error) => {
            eprintln!("palabre-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    print_header(&format!("voice-call --seconds {} --bin-dir {}", settings.seconds, quote(&settings.bin_dir.to_string_lossy())));
    println!(
        "{:<18} {:>12} {:>10} {:>10} {:>10} {:>10} {:>8} {:>8}",
        "voice processing", "CPU s B / A", "% core B", "delay ms", "min", "max", "found", "corr."
    );
    for call in &calls {
        let percent = 100.0 * call.bob_cpu.as_secs_f64() / call.wall.as_secs_f64().max(f64::EPSILON);
        let delays = &call.delays_ms;
        let (median, min, max) = match delays.len() {
            0 => (f64::NAN, f64::NAN, f64::NAN),
            n => (delays[n / 2], delays[0], delays[n - 1]),
        };
        println!(
            "{:<18} {:>5.2} {:>5.2} {:>10.1} {:>10.0} {:>10.0} {:>10.0} {:>4}/{:<3} {:>8.2}",
            if call.processing { "on (default)" } else { "off" },
            call.bob_cpu.as_secs_f64(),
            call.alice_cpu.as_secs_f64(),
            percent,
            median,
            min,
            max,
            delays.len(),
            call.windows,
            call.lowest_correlation
        );
    }
    println!();
    println!("Both participants use a microphone and a speaker of a PulseAudio server the bench starts, speech playing");
    println!("  into each microphone for the whole call (espeak-ng, a sentence again and again), no camera.");
    println!("CPU s: user + system of each palabre-cli over its whole life (join, talk, leave). Bob's devices are");
    println!("  ordinary ones; Alice's microphone, a remap of the probe's monitor, hands her sound in small pieces,");
    println!("  which costs her process more (see docs/BENCHMARKS.md). % core: Bob's, over the call's wall time.");
    println!("delay ms: median mouth-to-ear delay, from the sound at Alice's microphone to the same sound out of Bob's");
    println!("  speaker, device buffers included: 2 s stretches found by cross-correlation in one stereo recording");
    println!("  holding both (left: Alice's microphone, right: Bob's speaker). found: stretches found (correlation");
    println!("  over 0.5) of those with speech; corr.: the lowest correlation among those found.");
    ExitCode::SUCCESS
}

/// The end-to-end tests' harnesses (Janus, WebDriver) fail by panicking: say their message as one line.
fn report_panics_in_one_line(harness: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload.downcast_ref::<String>().map(String::as_str).or(payload.downcast_ref::<&str>().copied());
        eprintln!("palabre-bench: {}", message.unwrap_or(&format!("the {harness} harness failed")));
    }));
}

fn janus_vs_browser(args: JanusVsBrowserArgs) -> ExitCode {
    report_panics_in_one_line("Janus");
    let settings = janus_vs_browser::Settings { seconds: args.seconds, size: args.size, bin_dir: args.bin_dir };
    eprintln!(
        "palabre-bench: two {} s Janus calls with a palabre-cli peer, measuring palabre-cli then Chromium, {} at 30 fps…",
        settings.seconds, settings.size
    );
    let measured = match janus_vs_browser::run(&settings) {
        Ok(measured) => measured,
        Err(error) => {
            eprintln!("palabre-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    print_header(&format!(
        "janus-vs-browser --seconds {} --size {} --bin-dir {}",
        settings.seconds,
        settings.size,
        quote(&settings.bin_dir.to_string_lossy())
    ));
    print!("{}", table::render_comparison(&measured));
    println!();
    println!("1st video ms: from the participant's process start to its first decoded video frame from the peer");
    println!("  (palabre-cli: its report; Chromium: node's start to the first 100 ms sample with a frame decoded).");
    println!("peer frames decoded: video frames it decoded from the peer; decoded by peer: the other way round.");
    println!("tree CPU s: user + system CPU of the process and all its descendants (/proc/PID/stat, with the");
    println!("  children they reaped), at the last {} ms sample before it ended.", proc_tree::EVERY.as_millis());
    println!("peak tree PSS MiB: the highest sum of the tree's PSS (/proc/PID/smaps_rollup) in one sample.");
    println!("CPU % core: tree CPU s over the measured process's life. Janus and the peer share this machine.");
    println!("root process alone: the measured process without its descendants (for Chromium, node running");
    println!("  guest.mjs and Playwright, which a person with a browser would not run), at the same samples.");
    ExitCode::SUCCESS
}

fn desktop_app(args: DesktopAppArgs) -> ExitCode {
    report_panics_in_one_line("WebDriver");
    let settings = desktop_app::Settings { seconds: args.seconds, bin_dir: args.bin_dir };
    let load_before = load_average();
    let calls = match desktop_app::run(&settings) {
        Ok(calls) => calls,
        Err(error) => {
            eprintln!("palabre-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    print_header(&format!(
        "desktop-app --seconds {} --bin-dir {}",
        settings.seconds,
        quote(&settings.bin_dir.to_string_lossy())
    ));
    println!("load:     {load_before} before the run, {} after it (/proc/loadavg: 1, 5, 15 min)", load_average());
    println!();
    print!("{}", desktop_app::render(&calls));
    println!();
    println!("The app and palabre-cli send a 640x360 test pattern at 30 fps; the peers send the call's size.");
    println!("frames from each peer: drawn by the app's tiles (decoded by WebCodecs, painted on a canvas), decoded");
    println!("  by palabre-cli (its report). own preview: the app's tile of its own video. decoded by each peer:");
    println!("  the measured participant's video frames each peer decoded (its report).");
    println!("tree: the app's own process and its descendants (WebKit's processes), without tauri-driver and");
    println!("  WebKitWebDriver; palabre-cli is one process. CPU s: user + system at the last sample (every");
    println!(
        "  {} ms). CPU % core: over its life, the app's from the WebDriver request that starts it to a",
        proc_tree::EVERY.as_millis()
    );
    println!("  sample after it left. peak tree PSS MiB: the highest sum of the tree's PSS in one sample.");
    println!("root alone: the app's own process without WebKit's. The peers and the server share this machine.");
    ExitCode::SUCCESS
}

/// The load averages over 1, 5 and 15 minutes, as /proc/loadavg gives them.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let fields: Vec<&str> = text.split_whitespace().take(3).collect();
    if fields.len() == 3 {
        fields.join(" ")
    } else {
        "unknown".to_string()
    }
}

fn print_header(settings: &str) {
    let command: Vec<String> = std::env::args().map(|arg| quote(&arg)).collect();
    println!("command:  {}", command.join(" "));
    println!("settings: {settings}");
    println!("commit:   {}", machine::commit().unwrap_or_else(|| "unknown (not a Git work tree)".into()));
    println!("machine:  {}", machine::describe());
    println!();
}

fn two_party(args: TwoPartyArgs) -> ExitCode {
    let settings = two_party::Settings { seconds: args.seconds, size: args.size, fps: args.fps, bin_dir: args.bin_dir };
    eprintln!(
        "palabre-bench: a {} s two-party call, {} at {} fps each way…",
        settings.seconds, settings.size, settings.fps
    );
    let rows = match two_party::run(&settings) {
        Ok(rows) => rows,
        Err(error) => {
            eprintln!("palabre-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    print_header(&format!(
        "two-party --seconds {} --size {} --fps {} --bin-dir {}",
        settings.seconds,
        settings.size,
        settings.fps,
        quote(&settings.bin_dir.to_string_lossy())
    ));
    print!("{}", table::render(&rows));
    println!();
    println!("1st video/audio ms: from the participant's start, link in hand, to its first remote frame decoded.");
    println!("video decoded/sent: frames decoded from the other participant over all the frames it sent.");
    println!("CPU % core: CPU time (user + system) over the process's life; all processes share this machine.");
    ExitCode::SUCCESS
}

/// `arg` as a shell would need it typed.
fn quote(arg: &str) -> String {
    let plain = !arg.is_empty() && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}
