//! `palabre-cli`: a participant without a window, for tests, benchmarks, scripts and bots.
//!
//! `palabre-cli join LINK --name NAME [--video test-pattern|none|camera|FILE.y4m] [--camera ID] [--audio tone|none|mic|FILE.wav]
//! [--record DIR] [--duration SECS] [--do SECS:ACTION]... [--report FILE]
//! [--screen [DISPLAY] | --screen-file FILE.y4m]` — the flags and the report's fields are a contract that scripts outside
//! the test suite rely on: extend them, never rename them.

mod devices;
mod report;
mod script;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser, Subcommand};
use palabre_core::Link;
use palabre_rtc::{
    join_with, AudioSource, CallError, CallEvent, CallOptions, MediaOptions, ScreenOptions, ScreenSource, SpeakerChoice,
    VideoCodec, VideoSource, VoiceProcessing,
};

use crate::report::{Report, Roster};
use crate::script::ScheduledAction;

#[derive(Parser)]
#[command(version, about = "Palabre without a window: join meetings from scripts, tests and benchmarks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Join a meeting by its link, send synthetic media, and report what was received.
    Join(Box<JoinArgs>),
    /// List the cameras, microphones and speakers, with the ids --camera, --mic and --speaker take.
    Devices {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
struct JoinArgs {
    /// The meeting link (palabre://… or janus+ws://…).
    link: String,
    /// Display name, e.g. "Marie Dupont (Mairie de Lyon)".
    #[arg(long)]
    name: String,
    /// What to send as video: test-pattern (the default), none, camera (the --camera device; without one,
    /// or with a busy one, we join without video), or a YUV4MPEG2 file (8-bit 4:2:0, played in a loop).
    #[arg(long, value_parser = VideoChoice::parse)]
    video: Option<VideoChoice>,
    /// The camera to send, by its id from `palabre-cli devices` (default with --video camera: the first);
    /// implies --video camera.
    #[arg(long, value_name = "ID")]
    camera: Option<String>,
    /// What to send as audio: tone, none, mic (the --mic device), or a WAV file (played in a loop; other
    /// rates are resampled).
    #[arg(long, default_value = "tone", value_parser = AudioChoice::parse)]
    audio: AudioChoice,
    /// The microphone for --audio mic, by its id from `palabre-cli devices` (default: the system's).
    #[arg(long, value_name = "ID")]
    mic: Option<String>,
    /// Play what the others say: `default`, `none`, or a speaker id from `palabre-cli devices` (default: the
    /// system speaker with --audio mic, none otherwise).
    #[arg(long, value_name = "ID")]
    speaker: Option<String>,
    /// Send the microphone without echo cancellation (on by default with --audio mic).
    #[arg(long)]
    no_echo_cancel: bool,
    /// Send the microphone without noise suppression (on by default with --audio mic).
    #[arg(long)]
    no_noise_suppression: bool,
    /// Send the microphone without automatic gain (on by default with --audio mic).
    #[arg(long)]
    no_auto_gain: bool,
    /// The video codec to send when the other side has it too (vp8 or h264); the other is offered after it.
    #[arg(long, default_value = "vp8", value_name = "CODEC")]
    video_codec: VideoCodec,
    /// Record what is received from each participant into DIR/<name>.y4m and DIR/<name>.wav.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,
    /// Test-pattern size, WIDTHxHEIGHT.
    #[arg(long, default_value = "640x360", value_parser = parse_size)]
    size: (u32, u32),
    /// Test-pattern frame rate.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=60))]
    fps: u32,
    /// Leave after this many seconds (default: stay until Ctrl-C).
    #[arg(long)]
    duration: Option<f64>,
    /// Do something at a time after joining: SECS:chat=TEXT, SECS:mute, SECS:unmute, SECS:camera-off,
    /// SECS:camera-on, SECS:raise-hand, SECS:lower-hand. Repeatable.
    #[arg(long = "do", value_name = "SECS:ACTION", value_parser = ScheduledAction::parse)]
    actions: Vec<ScheduledAction>,
    /// Write a JSON report of the call here when it ends.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Write the attendance log here (CSV, UTF-8, RFC 4180) when the call ends.
    #[arg(long)]
    attendance: Option<PathBuf>,
    /// Unmute at once when a moderator asks (a person would be asked).
    #[arg(long)]
    accept_unmute_requests: bool,
    /// Enter with the microphone off: nothing is sent until `--do SECS:unmute`.
    #[arg(long)]
    muted: bool,
    /// Enter with the camera off: nothing is sent until `--do SECS:camera-on`.
    #[arg(long)]
    camera_off: bool,
    /// Share a whole screen: an X11 display such as :99 (default: $DISPLAY). Sharing starts at join, or at the
    /// first --do SECS:share if there is one; --do SECS:stop-share stops it. Needs the intervenant role or above.
    #[arg(long, value_name = "DISPLAY", num_args = 0..=1, conflicts_with = "screen_file")]
    screen: Option<Option<String>>,
    /// Share a YUV4MPEG2 file (8-bit 4:2:0, at most 1920x1080, played in a loop) as if it were a screen.
    #[arg(long, value_name = "FILE.y4m")]
    screen_file: Option<PathBuf>,
    /// Frames per second of the screen share.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(5..=15))]
    screen_fps: u32,
}

#[derive(Clone)]
enum VideoChoice {
    TestPattern,
    None,
    Camera,
    File(PathBuf),
}

impl VideoChoice {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "test-pattern" => Ok(Self::TestPattern),
            "none" => Ok(Self::None),
            "camera" => Ok(Self::Camera),
            path if path.ends_with(".y4m") => Ok(Self::File(path.into())),
            _ => Err("expected test-pattern, none, camera, or a .y4m file".into()),
        }
    }
}

#[derive(Clone)]
enum AudioChoice {
    Tone,
    None,
    Mic,
    File(PathBuf),
}

impl AudioChoice {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "tone" => Ok(Self::Tone),
            "none" => Ok(Self::None),
            "mic" => Ok(Self::Mic),
            path if path.ends_with(".wav") => Ok(Self::File(path.into())),
            _ => Err("expected tone, none, mic, or a .wav file".into()),
        }
    }
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text.split_once('x').ok_or("expected WIDTHxHEIGHT, for example 640x360")?;
    let parse = |v: &str| v.parse::<u32>().ok().filter(|v| (16..=3840).contains(v));
    match (parse(w), parse(h)) {
        (Some(w), Some(h)) => Ok((w, h)),
        _ => Err("width and height must be whole numbers from 16 to 3840".into()),
    }
}

fn main() -> ExitCode {
    let process_start = Instant::now();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .init();
    let args = match Cli::parse().command {
        Command::Join(args) => {
            if args.camera.is_some() && !matches!(args.video, None | Some(VideoChoice::Camera)) {
                Cli::command().error(clap::error::ErrorKind::ArgumentConflict, "--camera goes with --video camera").exit();
            }
            *args
        }
        Command::Devices { json } => return devices::print(json),
    };
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let mut report = Report::new(process_start);
    let outcome = runtime.block_on(run_join(&args, &mut report));
    if let Err(error) = &outcome {
        report.errors.push(error.to_string());
    }
    if let Some(path) = &args.report {
        if let Err(error) = std::fs::write(path, report.to_json()) {
            eprintln!("palabre-cli: cannot write the report to {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("palabre-cli: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run_join(args: &JoinArgs, report: &mut Report) -> Result<(), CallError> {
    let link = Link::parse(&args.link)?;
    let video = match (&args.video, &args.camera) {
        (_, Some(id)) => VideoSource::Camera { device: Some(id.clone()) },
        (Some(VideoChoice::Camera), None) => VideoSource::Camera { device: None },
        (None | Some(VideoChoice::TestPattern), None) => {
            VideoSource::TestPattern { width: args.size.0, height: args.size.1, fps: args.fps }
        }
        (Some(VideoChoice::None), None) => VideoSource::None,
        (Some(VideoChoice::File(path)), None) => VideoSource::File(path.clone()),
    };
    let audio = match &args.audio {
        AudioChoice::Tone => AudioSource::Tone { frequency_hz: 440.0 },
        AudioChoice::None => AudioSource::None,
        AudioChoice::File(path) => AudioSource::File(path.clone()),
        AudioChoice::Mic => AudioSource::Microphone { device: args.mic.clone() },
    };
    let speaker = match args.speaker.as_deref() {
        Some("none") => SpeakerChoice::None,
        Some("default") => SpeakerChoice::Default,
        Some(id) => SpeakerChoice::Device(id.to_owned()),
        None if matches!(args.audio, AudioChoice::Mic) => SpeakerChoice::Default,
        None => SpeakerChoice::None,
    };
    let options = CallOptions {
        link,
        name: args.name.clone(),
        video,
        audio,
        accept_unmute_requests: args.accept_unmute_requests,
        audio_muted: args.muted,
        video_muted: args.camera_off,
    };
    let voice = VoiceProcessing {
        echo_cancellation: !args.no_echo_cancel,
        noise_suppression: !args.no_noise_suppression,
        auto_gain: !args.no_auto_gain,
    };
    let media = MediaOptions { record_dir: args.record.clone(), speaker, voice, video_codec: args.video_codec };
    // --duration bounds the whole run, a wait in the lobby included.
    let joining = join_with(options, media);
    let (call, mut events) = match args.duration {
        Some(secs) => tokio::time::timeout(Duration::from_secs_f64(secs), joining)
            .await
            .map_err(|_| CallError::Timeout("nobody let us in before --duration ran out"))??,
        None => joining.await?,
    };
    report.joined_at = Some(call.joined_at);
    let screen = screen_options(args);
    let share_at_join = screen.as_ref().filter(|_| !args.actions.iter().any(|a| a.action == script::Action::Share));
    if let Some(screen) = share_at_join {
        if let Err(error) = call.share_screen(screen) {
            call.leave().await;
            return Err(error);
        }
    }
    let mut roster = Roster::default();
    let mut pending = args.actions.clone();
    pending.sort_by(|a, b| a.at.total_cmp(&b.at));
    let mut pending = pending.into_iter().peekable();
    let end = args.duration.map(|secs| tokio::time::Instant::from_std(call.joined_at) + Duration::from_secs_f64(secs));
    let ended = loop {
        let next_action = pending.peek().map(|a| tokio::time::Instant::from_std(call.joined_at) + Duration::from_secs_f64(a.at));
        tokio::select! {
            event = events.recv() => match event {
                Some(CallEvent::Ended(error)) => break Some(error),
                Some(CallEvent::Joined(me)) => {
                    roster.seen(me.id, me.name, true);
                    for other in call.participants() {
                        roster.seen(other.info.id, other.info.name, false);
                    }
                }
                Some(CallEvent::ParticipantJoined(p)) => roster.seen(p.id, p.name, false),
                Some(CallEvent::Notice(message)) => tracing::warn!("{message}"),
                // The report keeps those who left, marked as no longer present, and reads the rest at the end.
                Some(
                    CallEvent::ParticipantLeft(_)
                    | CallEvent::ParticipantUpdated(_)
                    | CallEvent::Chat(_)
                    | CallEvent::Conference(_),
                ) => {}
                None => break None,
            },
            _ = sleep_until(next_action) => {
                if let Some(action) = pending.next() {
                    if let Err(error) = action.action.apply(&call, screen.as_ref()) {
                        tracing::warn!("{error}");
                        report.errors.push(error);
                    }
                }
            }
            _ = sleep_until(end) => break None,
            _ = tokio::signal::ctrl_c() => break None,
        }
    };
    report.record(&call, &roster).await;
    if let Some(path) = &args.attendance {
        let csv = call.conference(|c| c.attendance_csv(report::time_label));
        if let Err(error) = std::fs::write(path, csv) {
            report.errors.push(format!("cannot write the attendance log to {}: {error}", path.display()));
        }
    }
    match ended {
        Some(error) => Err(error),
        None => {
            call.leave().await;
            Ok(())
        }
    }
}

/// What --screen or --screen-file asks to share.
fn screen_options(args: &JoinArgs) -> Option<ScreenOptions> {
    let source = match (&args.screen, &args.screen_file) {
        (Some(display), _) => ScreenSource::Display(display.clone()),
        (None, Some(path)) => ScreenSource::File(path.clone()),
        (None, None) => return None,
    };
    Some(ScreenOptions { source, fps: args.screen_fps })
}

/// Sleeps until `deadline`, or forever when there is none.
async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
