//! Our screen share: a second video track beside the camera, with settings for screen content.
//!
//! The source is opened and checked when the user asks to share (a missing display or a bad file is one clear
//! error, before anything is announced). A share's frames are large (a 1920x1080 page of text is tens of
//! kilobytes, a keyframe over a hundred), so its packets are paced over part of the frame's time rather than sent
//! in one burst, and keyframes go out only when a receiver asks, at most one per [`KEYFRAME_MIN_GAP`]. The track is added to the publish connection at the first share only;
//! stopping pauses the sender and the room server drops the track from the others' subscriptions, so sharing
//! again renegotiates nothing on our side. Capture, conversion and encoding run on a blocking thread, one frame
//! at a time, paced by the media clock.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::Mutex;
use palabre_core::screen_share::SCREEN_TRACK_ID;
use palabre_media::{bgra_to_i420, VideoFrame, Vp8Config, Vp8Encoder};
use palabre_screen::{open_screen, open_source, Screen};
use tokio::time::{Instant, MissedTickBehavior};
use webrtc::api::media_engine::MIME_TYPE_VP8;
use webrtc::rtp::codecs::vp8::Vp8Payloader;
use webrtc::rtp::packetizer::{new_packetizer, Packetizer};
use webrtc::rtp::sequence::new_random_sequencer;
use webrtc::rtp_transceiver::rtp_codec::RTCRtpCodecCapability;
use webrtc::track::track_local::track_local_static_rtp::TrackLocalStaticRTP;
use webrtc::track::track_local::TrackLocalWriter;

use crate::error::{CallError, MediaError};
use crate::local_media::{open_video_file, PacedVideo};

/// Screen content is shown at most this large: more costs bandwidth that slides and documents do not need.
pub const MAX_SCREEN_SIZE: (u32, u32) = (1920, 1080);
/// Frame rates a share may use: detail matters more than motion.
pub const SCREEN_FPS: std::ops::RangeInclusive<u32> = 5..=15;

/// What to share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScreenSource {
    /// A whole screen: an X11 display such as `:99`, or the session's own when `None`.
    Display(Option<String>),
    /// A screen or a window by its id (`screen:1`, `window:0x1a00007`, as `palabre_screen::sources` lists
    /// them) on a display (the session's own when `None`).
    Source { display: Option<String>, id: String },
    /// A YUV4MPEG2 file (8-bit 4:2:0) played in a loop, for tests and demos.
    File(PathBuf),
}

/// A share as the user asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenOptions {
    pub source: ScreenSource,
    /// Frames per second, within [`SCREEN_FPS`].
    pub fps: u32,
}

/// What we sent of our shares, for reports and benchmarks.
#[derive(Debug, Default)]
pub struct ScreenCounters {
    pub frames_sent: AtomicU64,
    pub bytes_sent: AtomicU64,
}

/// The bitrate a share starts with: about 0.05 bit per pixel and frame (text stays sharp in screen mode),
/// between 300 kbit/s and 2.5 Mbit/s.
pub fn screen_bitrate_kbps(width: u32, height: u32, fps: u32) -> u32 {
    let kbps = u64::from(width) * u64::from(height) * u64::from(fps) / 20_000;
    kbps.clamp(300, 2500) as u32
}

/// A source opened and checked, with the encoder settings it gets.
pub struct OpenedScreen {
    input: ScreenInput,
    config: Vp8Config,
}

enum ScreenInput {
    Display(Box<dyn Screen>),
    File(Box<PacedVideo>),
}

impl OpenedScreen {
    /// Opens `options.source`; a screen larger than [`MAX_SCREEN_SIZE`] or a frame rate outside
    /// [`SCREEN_FPS`] is refused with the reason.
    pub fn open(options: &ScreenOptions) -> Result<OpenedScreen, CallError> {
        if !SCREEN_FPS.contains(&options.fps) {
            let reason = format!("a share runs at {} to {} frames per second, not {}", SCREEN_FPS.start(), SCREEN_FPS.end(), options.fps);
            return Err(MediaError::Codec(palabre_media::CodecError::InvalidConfig(reason)).into());
        }
        let (input, (width, height)) = match &options.source {
            ScreenSource::Display(name) => {
                let screen = open_screen(name.as_deref()).map_err(MediaError::from)?;
                let size = screen.size();
                (ScreenInput::Display(screen), size)
            }
            ScreenSource::Source { display, id } => {
                let screen = open_source(display.as_deref(), id).map_err(MediaError::from)?;
                let size = screen.size();
                (ScreenInput::Display(screen), size)
            }
            ScreenSource::File(path) => {
                let (input, header) = open_video_file(path)?;
                (ScreenInput::File(Box::new(input)), (header.width, header.height))
            }
        };
        if width > MAX_SCREEN_SIZE.0 || height > MAX_SCREEN_SIZE.1 {
            let reason = format!(
                "the screen is {width}x{height}; shares are at most {}x{} for now",
                MAX_SCREEN_SIZE.0, MAX_SCREEN_SIZE.1
            );
            return Err(MediaError::Codec(palabre_media::CodecError::InvalidConfig(reason)).into());
        }
        let config = Vp8Config { width, height, fps: options.fps, bitrate_kbps: screen_bitrate_kbps(width, height, options.fps) };
        Ok(OpenedScreen { input, config })
    }

    fn frame(&mut self, index: u32) -> Result<VideoFrame, CallError> {
        match &mut self.input {
            ScreenInput::Display(screen) => {
                let picture = screen.capture().map_err(MediaError::from)?;
                Ok(bgra_to_i420(picture.width, picture.height, &picture.data).map_err(MediaError::from)?)
            }
            ScreenInput::File(input) => input.frame(index),
        }
    }
}

/// The least time between two keyframes of a share, however often receivers ask: each is a burst of over a
/// hundred packets at 1920x1080, and a receiver that loses part of one would otherwise ask again at once.
pub const KEYFRAME_MIN_GAP: Duration = Duration::from_secs(2);

/// How often a group of a frame's packets leaves.
const PACING_STEP: Duration = Duration::from_millis(5);
/// The fewest packets of a group: a small frame leaves at once.
const MIN_PACKETS_PER_STEP: usize = 4;
/// RTP packets stay under this size, like webrtc-rs's own sample tracks, so they cross any link unfragmented.
const RTP_MTU: usize = 1200;
const VP8_CLOCK_RATE: u32 = 90_000;

/// The share's track, named [`SCREEN_TRACK_ID`] so that servers and receivers tell it from the camera. It is
/// written packet by packet (to pace them), so it keeps its own packetiser: sequence numbers and timestamps
/// carry on from one share to the next on the same track.
pub struct ScreenTrack {
    pub track: Arc<TrackLocalStaticRTP>,
    packetizer: Mutex<Box<dyn Packetizer + Send + Sync>>,
}

impl ScreenTrack {
    pub fn new() -> Arc<ScreenTrack> {
        let codec = RTCRtpCodecCapability {
            mime_type: MIME_TYPE_VP8.to_string(),
            clock_rate: VP8_CLOCK_RATE,
            channels: 0,
            sdp_fmtp_line: String::new(),
            rtcp_feedback: vec![],
        };
        let track = Arc::new(TrackLocalStaticRTP::new(codec, SCREEN_TRACK_ID.to_string(), "palabre".to_string()));
        // Payload type and SSRC are 0 here: the track sets those its connection negotiated on every packet.
        let packetizer =
            new_packetizer(RTP_MTU, 0, 0, Box::<Vp8Payloader>::default(), Box::new(new_random_sequencer()), VP8_CLOCK_RATE);
        Arc::new(ScreenTrack { track, packetizer: Mutex::new(Box::new(packetizer)) })
    }

    /// Sends one encoded frame, its packets in groups every [`PACING_STEP`]; false once the track is closed.
    async fn send_frame(&self, data: Vec<u8>, frame_duration: Duration) -> bool {
        let samples = (frame_duration.as_secs_f64() * f64::from(VP8_CLOCK_RATE)) as u32;
        let Ok(packets) = self.packetizer.lock().await.packetize(&Bytes::from(data), samples) else { return false };
        let per_step = packets_per_step(packets.len(), frame_duration);
        let start = Instant::now();
        for (step, group) in packets.chunks(per_step).enumerate() {
            tokio::time::sleep_until(start + PACING_STEP * step as u32).await;
            for packet in group {
                if self.track.write_rtp(packet).await.is_err() {
                    return false;
                }
            }
        }
        true
    }
}

/// How many of a frame's `packets` leave together so that the frame takes at most half its time to send:
/// a whole 1920x1080 frame in one burst overflows socket buffers on the way (even on loopback, through the
/// room server) and the receiver loses part of it, while the other half of the frame's time is left for the
/// next frame's capture and encoding to catch up.
fn packets_per_step(packets: usize, frame_duration: Duration) -> usize {
    let steps = ((frame_duration / 2).as_micros() / PACING_STEP.as_micros()).max(1) as usize;
    packets.div_ceil(steps).max(MIN_PACKETS_PER_STEP)
}

/// When a share may send a keyframe: when one was asked for and the last is at least [`KEYFRAME_MIN_GAP`] old.
/// A request made sooner waits (it is not forgotten) and is answered once the gap has passed.
#[derive(Debug, Default)]
struct KeyframeGate {
    last: Option<Duration>,
}

impl KeyframeGate {
    /// Whether a request may be answered at `now` (time since the share started).
    fn open(&self, now: Duration) -> bool {
        self.last.is_none_or(|last| now.saturating_sub(last) >= KEYFRAME_MIN_GAP)
    }

    fn keyframe_sent(&mut self, now: Duration) {
        self.last = Some(now);
    }
}

/// Sends `screen` on `track` until dropped or the track can no longer be written.
pub async fn send_screen(
    track: Arc<ScreenTrack>,
    screen: OpenedScreen,
    keyframe_requested: Arc<AtomicBool>,
    counters: Arc<ScreenCounters>,
) -> Result<(), CallError> {
    let config = screen.config;
    let mut encoder = Some((screen, Vp8Encoder::for_screen(config).map_err(MediaError::from)?));
    let frame_duration = Duration::from_secs(1) / config.fps;
    let mut ticker = tokio::time::interval(frame_duration);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let started = Instant::now();
    let mut keyframes = KeyframeGate::default();
    // Receivers start from a keyframe: the first frame of every share is one.
    keyframe_requested.store(true, Ordering::Relaxed);
    for index in 0u32.. {
        ticker.tick().await;
        let (mut source, mut vp8) = encoder.take().expect("the encoder comes back after each frame");
        let elapsed = started.elapsed();
        let pts_ms = elapsed.as_millis() as i64;
        let force_keyframe = keyframes.open(elapsed) && keyframe_requested.swap(false, Ordering::Relaxed);
        // Capturing and converting 1920x1080 takes milliseconds of CPU: off the async threads.
        let produced = tokio::task::spawn_blocking(move || {
            let encoded = source
                .frame(index)
                .and_then(|frame| vp8.encode(&frame, pts_ms, force_keyframe).map_err(|e| MediaError::from(e).into()));
            (encoded, source, vp8)
        });
        // Cancelled only when the runtime shuts down with the call.
        let Ok((encoded, source, vp8)) = produced.await else { return Ok(()) };
        encoder = Some((source, vp8));
        for frame in encoded? {
            if frame.keyframe {
                keyframes.keyframe_sent(elapsed);
            }
            counters.bytes_sent.fetch_add(frame.data.len() as u64, Ordering::Relaxed);
            if !track.send_frame(frame.data, frame_duration).await {
                return Ok(());
            }
            counters.frames_sent.fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitrate_grows_with_pixels_and_frame_rate_within_bounds() {
        assert_eq!(screen_bitrate_kbps(1920, 1080, 5), 518);
        assert_eq!(screen_bitrate_kbps(1920, 1080, 15), 1555);
        assert_eq!(screen_bitrate_kbps(640, 360, 5), 300);
        assert_eq!(screen_bitrate_kbps(1920, 1080, 60), 2500);
    }

    #[test]
    fn a_frame_leaves_over_at_most_half_its_time_in_groups_of_at_least_four() {
        let at_5_fps = Duration::from_millis(200);
        // 100 ms in steps of 5 ms: 20 groups.
        assert_eq!(packets_per_step(100, at_5_fps), 5);
        assert_eq!(packets_per_step(3, at_5_fps), 4);
        let at_15_fps = Duration::from_secs(1) / 15;
        // 33 ms: 6 groups.
        assert_eq!(packets_per_step(120, at_15_fps), 20);
    }

    #[test]
    fn keyframes_are_at_least_the_gap_apart() {
        let mut gate = KeyframeGate::default();
        assert!(gate.open(Duration::ZERO));
        gate.keyframe_sent(Duration::from_millis(100));
        assert!(!gate.open(Duration::from_millis(100)));
        assert!(!gate.open(Duration::from_millis(2099)));
        assert!(gate.open(Duration::from_millis(2100)));
    }

    #[test]
    fn a_frame_rate_outside_5_to_15_is_refused() {
        let options = ScreenOptions { source: ScreenSource::File("absent.y4m".into()), fps: 30 };
        let error = OpenedScreen::open(&options).err().expect("refused").to_string();
        assert!(error.contains("5 to 15 frames per second"), "{error}");
    }

    #[test]
    fn a_missing_display_is_one_clear_error() {
        let options = ScreenOptions { source: ScreenSource::Display(Some(":4242".into())), fps: 5 };
        let error = OpenedScreen::open(&options).err().expect("refused").to_string();
        assert!(error.starts_with("cannot share the screen: cannot open display :4242"), "{error}");
    }

    #[test]
    fn a_bad_source_id_is_one_clear_error() {
        let options = ScreenOptions { source: ScreenSource::Source { display: None, id: "window:12".into() }, fps: 5 };
        let error = OpenedScreen::open(&options).err().expect("refused").to_string();
        assert!(error.starts_with("cannot share the screen: \"window:12\" is not something to share"), "{error}");
    }
}
