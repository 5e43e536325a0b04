//! What we send: sources, encoders and the local tracks they feed.
//!
//! Each source runs in its own task, paced by the media clock (one video frame per 1/fps, one Opus packet per
//! 20 ms). Muting stops the flow of samples rather than sending black or silence, which saves the bandwidth a
//! poor link needs.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use palabre_media::{OpusEncoder, TestPattern, Tone, Vp8Config, Vp8Encoder, FRAME_MS};
use palabre_net::rtcp::asks_for_keyframe;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};
use webrtc::api::media_engine::{MIME_TYPE_OPUS, MIME_TYPE_VP8};
use webrtc::media::Sample;
use webrtc::rtp_transceiver::rtp_codec::RTCRtpCodecCapability;
use webrtc::rtp_transceiver::rtp_sender::RTCRtpSender;
use webrtc::track::track_local::track_local_static_sample::TrackLocalStaticSample;

use crate::adapter::LocalTracks;
use crate::error::CallError;
use crate::video_feed::{VideoFeed, VideoOrigin};

/// Where our video comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoSource {
    None,
    /// A moving pattern with each frame's number drawn in, for tests and demos on machines without a camera.
    TestPattern { width: u32, height: u32, fps: u32 },
}

/// Where our audio comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AudioSource {
    None,
    Tone { frequency_hz: f32 },
}

/// Starting bitrates; the engine will adapt them to the link in a later step.
const VIDEO_BITRATE_KBPS: u32 = 600;
const OPUS_BITRATE_BPS: i32 = 32_000;

/// Shared between the call and its source tasks.
#[derive(Debug, Default)]
pub struct LocalState {
    pub audio_muted: AtomicBool,
    pub video_muted: AtomicBool,
    pub video_frames_sent: AtomicU64,
    pub audio_frames_sent: AtomicU64,
    pub bytes_sent: AtomicU64,
}

/// Makes the tracks the sources will feed.
pub fn local_tracks(video: VideoSource, audio: AudioSource) -> LocalTracks {
    let track = |mime: &str, clock_rate, channels, fmtp: &str, kind: &str| {
        let codec = RTCRtpCodecCapability {
            mime_type: mime.to_string(),
            clock_rate,
            channels,
            sdp_fmtp_line: fmtp.to_string(),
            rtcp_feedback: vec![],
        };
        Arc::new(TrackLocalStaticSample::new(codec, kind.to_string(), "palabre".to_string()))
    };
    LocalTracks {
        audio: (audio != AudioSource::None).then(|| track(MIME_TYPE_OPUS, 48_000, 2, "minptime=10;useinbandfec=1", "audio")),
        video: (video != VideoSource::None).then(|| track(MIME_TYPE_VP8, 90_000, 0, "", "video")),
        keyframe_requested: Arc::new(AtomicBool::new(false)),
    }
}

/// Starts feeding the tracks; the tasks end when the tracks can no longer be written (the call ended).
pub fn start_sources(
    tracks: &LocalTracks,
    video: VideoSource,
    audio: AudioSource,
    state: Arc<LocalState>,
    feed: VideoFeed,
) -> Vec<JoinHandle<Result<(), CallError>>> {
    let mut tasks = Vec::new();
    if let (Some(track), VideoSource::TestPattern { width, height, fps }) = (&tracks.video, video) {
        let config = Vp8Config { width, height, fps, bitrate_kbps: VIDEO_BITRATE_KBPS };
        let keyframe_requested = tracks.keyframe_requested.clone();
        tasks.push(tokio::spawn(send_test_pattern(track.clone(), config, keyframe_requested, state.clone(), feed)));
    }
    if let (Some(track), AudioSource::Tone { frequency_hz }) = (&tracks.audio, audio) {
        tasks.push(tokio::spawn(send_tone(track.clone(), frequency_hz, state)));
    }
    tasks
}

/// Reads a sender's RTCP: keyframe requests raise `flag`. Reading also keeps the sender's interceptors working.
pub fn watch_keyframe_requests(sender: Arc<RTCRtpSender>, flag: Arc<AtomicBool>) {
    tokio::spawn(async move {
        while let Ok((packets, _)) = sender.read_rtcp().await {
            if asks_for_keyframe(&packets) {
                flag.store(true, Ordering::Relaxed);
            }
        }
    });
}

async fn send_test_pattern(
    track: Arc<TrackLocalStaticSample>,
    config: Vp8Config,
    keyframe_requested: Arc<AtomicBool>,
    state: Arc<LocalState>,
    feed: VideoFeed,
) -> Result<(), CallError> {
    let mut encoder = Vp8Encoder::new(config)?;
    let mut pattern = TestPattern::new(config.width, config.height);
    let frame_duration = Duration::from_secs(1) / config.fps.max(1);
    let mut ticker = tokio::time::interval(frame_duration);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let started = Instant::now();
    // The frame number counts media-clock ticks, so receivers can tell dropped frames from muted time.
    for index in 0u32.. {
        ticker.tick().await;
        if state.video_muted.load(Ordering::Relaxed) {
            continue;
        }
        let frame = pattern.frame(index);
        let pts_ms = started.elapsed().as_millis() as i64;
        let force_keyframe = keyframe_requested.swap(false, Ordering::Relaxed);
        for encoded in encoder.encode(&frame, pts_ms, force_keyframe)? {
            state.bytes_sent.fetch_add(encoded.data.len() as u64, Ordering::Relaxed);
            let data = Bytes::from(encoded.data);
            feed.publish(VideoOrigin::Local, data.clone());
            let sample = Sample { data, duration: frame_duration, ..Default::default() };
            if track.write_sample(&sample).await.is_err() {
                return Ok(());
            }
            state.video_frames_sent.fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(())
}

async fn send_tone(track: Arc<TrackLocalStaticSample>, frequency_hz: f32, state: Arc<LocalState>) -> Result<(), CallError> {
    let mut encoder = OpusEncoder::new(OPUS_BITRATE_BPS)?;
    let mut tone = Tone::new(frequency_hz);
    let frame_duration = Duration::from_millis(FRAME_MS);
    let mut ticker = tokio::time::interval(frame_duration);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        ticker.tick().await;
        let frame = tone.next_frame();
        if state.audio_muted.load(Ordering::Relaxed) {
            continue;
        }
        let packet = encoder.encode(&frame)?;
        state.bytes_sent.fetch_add(packet.len() as u64, Ordering::Relaxed);
        let sample = Sample { data: Bytes::from(packet), duration: frame_duration, ..Default::default() };
        if track.write_sample(&sample).await.is_err() {
            return Ok(());
        }
        state.audio_frames_sent.fetch_add(1, Ordering::Relaxed);
    }
}
