//! Our screen share: a second video track beside the camera, with settings for screen content.
//!
//! The source is opened and checked when the user asks to share (a missing display or a bad file is one clear
//! error, before anything is announced). The track is added to the publish connection at the first share only;
//! stopping pauses the sender and the room server drops the track from the others' subscriptions, so sharing
//! again renegotiates nothing on our side. Capture, conversion and encoding run on a blocking thread, one frame
//! at a time, paced by the media clock.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use palabre_core::screen_share::SCREEN_TRACK_ID;
use palabre_media::{bgra_to_i420, VideoFrame, Vp8Config, Vp8Encoder};
use palabre_screen::{open_screen, Screen};
use tokio::time::{Instant, MissedTickBehavior};
use webrtc::api::media_engine::MIME_TYPE_VP8;
use webrtc::media::Sample;
use webrtc::rtp_transceiver::rtp_codec::RTCRtpCodecCapability;
use webrtc::track::track_local::track_local_static_sample::TrackLocalStaticSample;

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

/// The share's track: named [`SCREEN_TRACK_ID`] so that servers and receivers tell it from the camera.
pub fn screen_track() -> Arc<TrackLocalStaticSample> {
    let codec = RTCRtpCodecCapability {
        mime_type: MIME_TYPE_VP8.to_string(),
        clock_rate: 90_000,
        channels: 0,
        sdp_fmtp_line: String::new(),
        rtcp_feedback: vec![],
    };
    Arc::new(TrackLocalStaticSample::new(codec, SCREEN_TRACK_ID.to_string(), "palabre".to_string()))
}

/// Sends `screen` on `track` until dropped or the track can no longer be written.
pub async fn send_screen(
    track: Arc<TrackLocalStaticSample>,
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
    // Receivers start from a keyframe: the first frame of every share is one.
    keyframe_requested.store(true, Ordering::Relaxed);
    for index in 0u32.. {
        ticker.tick().await;
        let (mut source, mut vp8) = encoder.take().expect("the encoder comes back after each frame");
        let pts_ms = started.elapsed().as_millis() as i64;
        let force_keyframe = keyframe_requested.swap(false, Ordering::Relaxed);
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
            counters.bytes_sent.fetch_add(frame.data.len() as u64, Ordering::Relaxed);
            let sample = Sample { data: Bytes::from(frame.data), duration: frame_duration, ..Default::default() };
            if track.write_sample(&sample).await.is_err() {
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
}
