//! What we send: sources, encoders and the local tracks they feed.
//!
//! Each source runs in its own task, paced by the media clock (one video frame per 1/fps, one Opus packet per
//! 20 ms). Muting stops the flow of samples rather than sending black or silence, which saves the bandwidth a
//! poor link needs.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use palabre_media::{
    AudioClip, AudioFrame, MediaFileError, OpusEncoder, TestPattern, Tone, VideoCodec, VideoFrame, VoiceProcessor,
    Vp8Config, Y4mHeader, Y4mReader, FRAME_MS,
};
use palabre_core::{AudioBitratePolicy, VideoBitratePolicy};
use palabre_net::rtcp::{asks_for_keyframe, fraction_lost};
use palabre_devices::{open_camera, open_microphone, Camera, DeviceError, Microphone};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};
use webrtc::api::media_engine::MIME_TYPE_OPUS;
use webrtc::media::Sample;
use webrtc::rtp_transceiver::rtp_codec::RTCRtpCodecCapability;
use webrtc::rtp_transceiver::rtp_sender::RTCRtpSender;
use webrtc::track::track_local::track_local_static_rtp::TrackLocalStaticRTP;
use webrtc::track::track_local::TrackLocalWriter;

use crate::adapter::LocalTracks;
use crate::device_fallback::FallbackDevice;
use crate::error::{CallError, MediaError};
use crate::opus_rtp::OpusRtp;
use crate::video_feed::{VideoFeed, VideoOrigin};
use crate::video_track::NegotiatedVideoTrack;

/// Where our video comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VideoSource {
    None,
    /// A moving pattern with each frame's number drawn in, for tests and demos on machines without a camera.
    TestPattern { width: u32, height: u32, fps: u32 },
    /// A YUV4MPEG2 file (8-bit 4:2:0) played at its own frame rate, in a loop until the call ends.
    File(PathBuf),
    /// A camera by its id from `palabre_devices::cameras` (None: the default), in the mode nearest 1280×720 at
    /// 30 fps. Its own clock paces the sending. An absent or busy camera is a notice and the call goes on
    /// without video; an id that names no camera is an error.
    Camera { device: Option<String> },
}

/// Where our audio comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum AudioSource {
    None,
    Tone { frequency_hz: f32 },
    /// A WAV file (any PCM or float format; other rates are resampled to 48 kHz), played in a loop until the
    /// call ends.
    File(PathBuf),
    /// A microphone by its id from `palabre_devices::audio_devices` (None: the system default). Its own clock
    /// paces the sending.
    Microphone { device: Option<String> },
}

/// Sources opened and checked before the call connects, so a bad file is refused before anyone sees us join.
pub struct OpenedSources {
    video: Option<(VideoInput, Vp8Config)>,
    audio: Option<AudioInput>,
}

impl OpenedSources {
    /// False when video was asked for but no camera could be had: the call then offers no video track.
    pub fn sends_video(&self) -> bool {
        self.video.is_some()
    }
}

enum VideoInput {
    /// Drawn or read when the media clock says.
    Paced(PacedVideo),
    /// Pictures as the camera delivers them; it runs while `_device` lives.
    Camera { frames: mpsc::Receiver<VideoFrame>, _device: Camera },
}

pub(crate) enum PacedVideo {
    Pattern(TestPattern),
    File { reader: Y4mReader<BufReader<File>>, path: PathBuf },
}

impl PacedVideo {
    pub(crate) fn frame(&mut self, index: u32) -> Result<VideoFrame, CallError> {
        match self {
            PacedVideo::Pattern(pattern) => Ok(pattern.frame(index)),
            PacedVideo::File { reader, path } => {
                let read = |reader: &mut Y4mReader<_>| reader.read_frame().map_err(|e| file_error(path, e));
                match read(reader)? {
                    Some(frame) => Ok(frame),
                    None => {
                        reader.rewind().map_err(|e| file_error(path, e))?;
                        read(reader)?.ok_or_else(|| file_error(path, MediaFileError::Io(std::io::ErrorKind::UnexpectedEof.into())))
                    }
                }
            }
        }
    }
}

enum AudioInput {
    Tone(Tone),
    Clip(AudioClip),
    /// Frames as the device delivers them; the stream runs while `_device` lives.
    /// `voice` cleans each frame (echo, noise, level) before it is encoded.
    Microphone { frames: mpsc::UnboundedReceiver<AudioFrame>, voice: Option<Arc<Mutex<VoiceProcessor>>>, _device: FallbackDevice<Microphone> },
}

/// Opens the devices and checks the files among the sources (a y4m is walked to its end, a WAV decoded whole).
/// A microphone's frames go through `voice`. What a device reports later (unplugged, failed) goes to
/// `problems`, in words for the user.
pub fn open_sources(
    video: &VideoSource,
    audio: &AudioSource,
    voice: Option<Arc<Mutex<VoiceProcessor>>>,
    problems: mpsc::UnboundedSender<String>,
) -> Result<OpenedSources, CallError> {
    let video = match video {
        VideoSource::None => None,
        &VideoSource::TestPattern { width, height, fps } => Some((
            VideoInput::Paced(PacedVideo::Pattern(TestPattern::new(width, height))),
            Vp8Config { width, height, fps, bitrate_kbps: VIDEO_BITRATE_KBPS },
        )),
        VideoSource::File(path) => {
            let (input, header) = open_video_file(path)?;
            let config = Vp8Config { width: header.width, height: header.height, fps: header.fps(), bitrate_kbps: VIDEO_BITRATE_KBPS };
            Some((VideoInput::Paced(input), config))
        }
        VideoSource::Camera { device } => open_camera_input(device.as_deref(), problems.clone())?,
    };
    let audio = match audio {
        AudioSource::None => None,
        &AudioSource::Tone { frequency_hz } => Some(AudioInput::Tone(Tone::new(frequency_hz))),
        AudioSource::File(path) => {
            let file = File::open(path).map_err(|e| file_error(path, e.into()))?;
            Some(AudioInput::Clip(AudioClip::from_wav(BufReader::new(file)).map_err(|e| file_error(path, e))?))
        }
        AudioSource::Microphone { device } => {
            let (frames_tx, frames) = mpsc::unbounded_channel();
            let open = move |id: Option<&str>, on_problem: Box<dyn FnMut(String) + Send>| {
                let frames = frames_tx.clone();
                open_microphone(id, move |frame| {
                    let _ = frames.send(frame);
                }, on_problem)
            };
            let microphone = FallbackDevice::open(device.as_deref(), Arc::new(open), problems)?;
            Some(AudioInput::Microphone { frames, voice, _device: microphone })
        }
    };
    Ok(OpenedSources { video, audio })
}

/// The camera, or None (and a notice) when there is none or it is busy: heard if not seen is still a call.
fn open_camera_input(
    id: Option<&str>,
    problems: mpsc::UnboundedSender<String>,
) -> Result<Option<(VideoInput, Vp8Config)>, CallError> {
    // Two pictures of slack: when the encoder falls behind, the newest pictures are dropped, not queued.
    let (frames_tx, frames) = mpsc::channel(2);
    let later_problems = problems.clone();
    let opened = open_camera(
        id,
        move |frame| {
            let _ = frames_tx.try_send(frame);
        },
        move |problem| {
            let _ = later_problems.send(format!("{problem}; the call goes on without your camera"));
        },
    );
    match opened {
        Ok(camera) => {
            let mode = camera.mode;
            tracing::info!(device = %camera.device.id, ?mode, "camera open");
            let config = Vp8Config { width: mode.width, height: mode.height, fps: mode.fps, bitrate_kbps: VIDEO_BITRATE_KBPS };
            Ok(Some((VideoInput::Camera { frames, _device: camera }, config)))
        }
        Err(error @ (DeviceError::NoDefault(_) | DeviceError::Unusable { .. })) => {
            let _ = problems.send(format!("{error}; joining without video"));
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}

/// Opens a y4m file and walks it to its end, so that a bad frame is refused now rather than mid-call.
pub(crate) fn open_video_file(path: &Path) -> Result<(PacedVideo, Y4mHeader), CallError> {
    let file = File::open(path).map_err(|e| file_error(path, e.into()))?;
    let mut reader = Y4mReader::new(BufReader::new(file)).map_err(|e| file_error(path, e))?;
    reader.check_all_frames().map_err(|e| file_error(path, e))?;
    let header = reader.header();
    Ok((PacedVideo::File { reader, path: path.to_owned() }, header))
}

fn file_error(path: &Path, error: MediaFileError) -> CallError {
    MediaError::File { path: path.display().to_string(), reason: error.to_string() }.into()
}

/// The most our camera video spends: what a call starts at, and climbs back to when the link is clean (the
/// receivers' loss reports lower it meanwhile, see `send_video`).
const VIDEO_BITRATE_KBPS: u32 = 600;

/// Shared between the call and its source tasks.
#[derive(Debug, Default)]
pub struct LocalState {
    pub audio_muted: AtomicBool,
    pub video_muted: AtomicBool,
    pub video_frames_sent: AtomicU64,
    /// 20 ms frames encoded and sent, counting those a silence let DTX leave out (the receivers fill them in).
    pub audio_frames_sent: AtomicU64,
    pub bytes_sent: AtomicU64,
    /// What the video encoder aims at now, in kbit/s; 0 before it starts.
    pub video_target_kbps: AtomicU32,
}

/// Makes the tracks the sources will feed, video preferring `video_codec`.
pub fn local_tracks(video: VideoSource, audio: AudioSource, video_codec: VideoCodec) -> LocalTracks {
    local_tracks_for(&video, &audio, video_codec)
}

/// [`local_tracks`] without giving up the sources.
pub fn local_tracks_for(video: &VideoSource, audio: &AudioSource, video_codec: VideoCodec) -> LocalTracks {
    let track = |mime: &str, clock_rate, channels, fmtp: &str, kind: &str| {
        let codec = RTCRtpCodecCapability {
            mime_type: mime.to_string(),
            clock_rate,
            channels,
            sdp_fmtp_line: fmtp.to_string(),
            rtcp_feedback: vec![],
        };
        Arc::new(TrackLocalStaticRTP::new(codec, kind.to_string(), "palabre".to_string()))
    };
    LocalTracks {
        audio: (*audio != AudioSource::None).then(|| track(MIME_TYPE_OPUS, 48_000, 2, "minptime=10;useinbandfec=1", "audio")),
        video: (*video != VideoSource::None).then(|| Arc::new(NegotiatedVideoTrack::new(&[video_codec], "video", "palabre"))),
        keyframe_requested: Arc::new(AtomicBool::new(false)),
        audio_loss: Arc::new(watch::channel(None).0),
        video_loss: Arc::new(watch::channel(None).0),
    }
}

/// Starts feeding the tracks; the tasks end when the tracks can no longer be written (the call ended).
pub fn start_sources(
    tracks: &LocalTracks,
    sources: OpenedSources,
    state: Arc<LocalState>,
    feed: VideoFeed,
) -> Vec<JoinHandle<Result<(), CallError>>> {
    let mut tasks = Vec::new();
    if let (Some(track), Some((input, config))) = (&tracks.video, sources.video) {
        let feedback = VideoFeedback { keyframe_requested: tracks.keyframe_requested.clone(), loss: tracks.video_loss.subscribe() };
        tasks.push(tokio::spawn(send_video(Some(track.clone()), input, config, feedback, state.clone(), feed)));
    }
    if let (Some(track), Some(input)) = (&tracks.audio, sources.audio) {
        tasks.push(tokio::spawn(send_audio(track.clone(), input, tracks.audio_loss.subscribe(), state)));
    }
    tasks
}

/// Encodes `video` as a call sends it, for `feed`'s renderers only: the pre-join preview shows what the others
/// will see. The task runs until aborted; `None` when there is no video source. Device problems go to `problems`.
pub(crate) fn start_preview(
    video: &VideoSource,
    feed: VideoFeed,
    problems: mpsc::UnboundedSender<String>,
) -> Result<Option<JoinHandle<Result<(), CallError>>>, CallError> {
    let Some((input, config)) = open_sources(video, &AudioSource::None, None, problems)?.video else {
        return Ok(None);
    };
    // Nobody receives a preview: no keyframe requests, no loss.
    let feedback = VideoFeedback { keyframe_requested: Arc::default(), loss: watch::channel(None).1 };
    Ok(Some(tokio::spawn(send_video(None, input, config, feedback, Arc::default(), feed))))
}

/// Reads a sender's RTCP: keyframe requests raise `flag`, and the loss reported on its stream goes to `loss`
/// when given. Reading also keeps the sender's interceptors working.
pub fn watch_sender_rtcp(sender: Arc<RTCRtpSender>, flag: Arc<AtomicBool>, loss: Option<Arc<watch::Sender<Option<u8>>>>) {
    tokio::spawn(async move {
        while let Ok((packets, _)) = sender.read_rtcp().await {
            if asks_for_keyframe(&packets) {
                flag.store(true, Ordering::Relaxed);
            }
            if let Some(loss) = &loss {
                // The SSRC is known once the sender has started, which it has when RTCP arrives for it.
                let ssrc = sender.get_parameters().await.encodings.first().map(|encoding| encoding.ssrc);
                if let Some(fraction) = ssrc.and_then(|ssrc| fraction_lost(&packets, ssrc)) {
                    loss.send_replace(Some(fraction));
                }
            }
        }
    });
}

/// Paces, encodes and hands out our video: to the renderers of `feed`, and to `track` when there is a call, in
/// the codec the track negotiated (VP8 without a call, what the renderers decode), at the bitrate the receivers'
/// loss reports allow (at most `config`'s).
async fn send_video(
    track: Option<Arc<NegotiatedVideoTrack>>,
    mut input: VideoInput,
    config: Vp8Config,
    feedback: VideoFeedback,
    state: Arc<LocalState>,
    feed: VideoFeed,
) -> Result<(), CallError> {
    let VideoFeedback { keyframe_requested, mut loss } = feedback;
    let mut bitrate = VideoBitratePolicy::new(config.bitrate_kbps);
    state.video_target_kbps.store(bitrate.current_kbps(), Ordering::Relaxed);
    let negotiated = || track.as_ref().map_or(VideoCodec::Vp8, |track| track.codec());
    let mut codec = negotiated();
    // Encoders are made at the most the stream may spend (what their limits are sized from) and then told the
    // policy's target; `encoder_kbps` is what this one was last told.
    let mut encoder = codec.encoder(config)?;
    let mut encoder_kbps = config.bitrate_kbps;
    let frame_duration = Duration::from_secs(1) / config.fps.max(1);
    let mut ticker = tokio::time::interval(frame_duration);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let started = Instant::now();
    // The frame number counts media-clock ticks, so receivers can tell dropped frames from muted time.
    for index in 0u32.. {
        let frame = match &mut input {
            VideoInput::Camera { frames, .. } => match frames.recv().await {
                Some(frame) => frame,
                None => return Ok(()),
            },
            VideoInput::Paced(paced) => {
                ticker.tick().await;
                if state.video_muted.load(Ordering::Relaxed) {
                    continue;
                }
                paced.frame(index)?
            }
        };
        if state.video_muted.load(Ordering::Relaxed) {
            continue;
        }
        let pts_ms = started.elapsed().as_millis() as i64;
        if negotiated() != codec {
            // Bound to another codec than we started with: a new encoder, whose first frame is a keyframe.
            codec = negotiated();
            encoder = codec.encoder(config)?;
            encoder_kbps = config.bitrate_kbps;
        }
        if loss.has_changed().unwrap_or(false) {
            if let Some(fraction) = *loss.borrow_and_update() {
                let kbps = bitrate.on_receiver_report(fraction);
                tracing::debug!(fraction, kbps, "video bitrate follows the loss reported");
                state.video_target_kbps.store(kbps, Ordering::Relaxed);
            }
        }
        if encoder_kbps != bitrate.current_kbps() {
            encoder_kbps = bitrate.current_kbps();
            // An encoder that refuses a target still encodes at its last one: the call goes on, a little less
            // suited to its link, rather than losing its picture.
            if let Err(error) = encoder.set_bitrate(encoder_kbps) {
                tracing::warn!(%error, kbps = encoder_kbps, "the video encoder kept its bitrate");
            }
        }
        let force_keyframe = keyframe_requested.swap(false, Ordering::Relaxed);
        for encoded in encoder.encode(&frame, pts_ms, force_keyframe)? {
            state.bytes_sent.fetch_add(encoded.data.len() as u64, Ordering::Relaxed);
            let data = Bytes::from(encoded.data);
            feed.publish(VideoOrigin::Local, codec, data.clone());
            let Some(track) = &track else { continue };
            let sample = Sample { data, duration: frame_duration, ..Default::default() };
            if track.write_sample(&sample).await.is_err() {
                return Ok(());
            }
            state.video_frames_sent.fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(())
}

/// What the receivers of our video tell its encoder.
struct VideoFeedback {
    /// Raised when a receiver asks for a keyframe.
    keyframe_requested: Arc<AtomicBool>,
    /// The latest fraction of our video packets lost, in 256ths.
    loss: watch::Receiver<Option<u8>>,
}

/// Paces, encodes and sends our audio, at the bitrate `loss` reports (the other end's receiver reports) call for.
async fn send_audio(
    track: Arc<TrackLocalStaticRTP>,
    mut input: AudioInput,
    mut loss: watch::Receiver<Option<u8>>,
    state: Arc<LocalState>,
) -> Result<(), CallError> {
    let mut policy = AudioBitratePolicy::default();
    let mut encoder = OpusEncoder::new(policy.current().bitrate_bps as i32)?;
    let mut rtp = OpusRtp::new();
    let frame_duration = Duration::from_millis(FRAME_MS);
    let mut ticker = tokio::time::interval(frame_duration);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    for index in 0u64.. {
        let frame = match &mut input {
            AudioInput::Microphone { frames, voice, .. } => match frames.recv().await {
                Some(mut frame) => {
                    if let Some(voice) = voice {
                        voice.lock().expect("voice lock").near_end(&mut frame);
                    }
                    frame
                }
                None => return Ok(()),
            },
            AudioInput::Tone(tone) => {
                ticker.tick().await;
                tone.next_frame()
            }
            AudioInput::Clip(clip) => {
                ticker.tick().await;
                clip.looped_frame(index)
            }
        };
        if state.audio_muted.load(Ordering::Relaxed) {
            continue;
        }
        if loss.has_changed().unwrap_or(false) {
            if let Some(fraction) = *loss.borrow_and_update() {
                let setting = policy.on_receiver_report(fraction);
                tracing::debug!(fraction, ?setting, "audio bitrate follows the loss reported");
                encoder.adapt(setting.bitrate_bps as i32, i32::from(setting.expected_loss_percent))?;
            }
        }
        state.audio_frames_sent.fetch_add(1, Ordering::Relaxed);
        // A silence (DTX) is not sent: the receivers fill it back from the timestamps.
        let Some(packet) = rtp.next(encoder.encode(&frame)?) else { continue };
        state.bytes_sent.fetch_add(packet.payload.len() as u64, Ordering::Relaxed);
        if track.write_rtp(&packet).await.is_err() {
            return Ok(());
        }
    }
    Ok(())
}
