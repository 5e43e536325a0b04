//! What we receive: one task per remote track, depacketising and decoding, counting what it decoded and
//! handing the decoded frames to their sinks (a recording).
//!
//! Counts are of frames decoded, not packets received: a frame that arrived but could not be decoded did not
//! reach the user. Undecodable payloads are counted as decode errors and the call goes on. Lost audio packets
//! are rebuilt from the next packet's in-band FEC or concealed, so a recording keeps its timeline.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use palabre_core::screen_share::is_screen_track;
use palabre_core::ParticipantId;
use palabre_media::{level_dbfs, read_frame_number, CodecError, OpusDecoder, VideoCodec, VideoDecoder};
use tracing::Instrument;
use webrtc::media::io::sample_builder::SampleBuilder;
use webrtc::util::MarshalSize;
use webrtc::rtp::codecs::h264::H264Packet;
use webrtc::rtp::codecs::vp8::Vp8Packet;
use webrtc::rtp::packetizer::Depacketizer;
use webrtc::rtp_transceiver::rtp_codec::RTPCodecType;
use webrtc::track::track_remote::TrackRemote;

use crate::adapter::KeyframeRequester;
use crate::audio_sequence::{Arrival, AudioSequence};
use crate::recording::Recording;
use palabre_media::PlayoutMixer;
use crate::stats::{CallStats, RemoteMedia, VOICE_DBFS};
use crate::video_feed::{VideoFeed, VideoOrigin};

/// Where one remote track's media goes besides the stats.
pub struct RemoteSinks {
    pub recording: Option<Recording>,
    /// The speaker's mixer, for audio.
    pub playout: Option<Arc<Mutex<PlayoutMixer>>>,
}

/// How many packets a video frame may wait for a late packet before it is given up.
const VIDEO_MAX_LATE_PACKETS: u16 = 128;
/// The same for a screen share: a 1920×1080 keyframe of text takes well over 128 packets (about 115 kB were
/// measured, and more is possible), and a frame the builder cannot hold is never assembled.
const SCREEN_MAX_LATE_PACKETS: u16 = 1024;

/// Receives `track` from `owner` until it ends, recording into `stats`.
pub async fn receive(
    owner: ParticipantId,
    track: Arc<TrackRemote>,
    request_keyframe: KeyframeRequester,
    stats: Arc<Mutex<CallStats>>,
    feed: VideoFeed,
    sinks: RemoteSinks,
) {
    let RemoteSinks { recording, playout } = sinks;
    let span = tracing::debug_span!("receive", from = %owner, kind = %track.kind());
    let codec = track.codec();
    tracing::debug!(parent: &span, mime = %codec.capability.mime_type, payload_type = codec.payload_type, ssrc = track.ssrc(), "receiving");
    let result = async {
        match track.kind() {
            RTPCodecType::Video if is_screen_track(&track.id()) => {
                receive_video(owner, &track, VideoKind::Screen, &request_keyframe, &stats, &feed, recording.as_ref()).await
            }
            RTPCodecType::Video => {
                receive_video(owner, &track, VideoKind::Camera, &request_keyframe, &stats, &feed, recording.as_ref()).await
            }
            RTPCodecType::Audio => receive_audio(owner, &track, &stats, recording.as_ref(), playout.as_deref()).await,
            RTPCodecType::Unspecified => Ok(()),
        }
    }
    .instrument(span)
    .await;
    if let Err(error) = result {
        stats.lock().expect("stats lock").errors.push(format!("receiving from {owner}: {error}"));
    }
}

/// A participant's camera, or their screen share (counted apart).
#[derive(Clone, Copy, PartialEq, Eq)]
enum VideoKind {
    Camera,
    Screen,
}

async fn receive_video(
    owner: ParticipantId,
    track: &TrackRemote,
    kind: VideoKind,
    request_keyframe: &KeyframeRequester,
    stats: &Mutex<CallStats>,
    feed: &VideoFeed,
    recording: Option<&Recording>,
) -> Result<(), palabre_media::CodecError> {
    let mime = track.codec().capability.mime_type;
    let codec = VideoCodec::from_mime(&mime).ok_or_else(|| CodecError::InvalidConfig(format!("no decoder for {mime}")))?;
    if kind == VideoKind::Camera {
        with_remote(stats, owner, |remote| remote.video_codec = Some(codec.to_string()));
    }
    let clock_rate = track.codec().capability.clock_rate;
    let max_late = if kind == VideoKind::Screen { SCREEN_MAX_LATE_PACKETS } else { VIDEO_MAX_LATE_PACKETS };
    // RFC 7741 (VP8) or RFC 6184 (H.264: single NAL units, STAP-A, FU-A, rebuilt as Annex B) depacketising.
    let receiver = VideoReceiver { owner, kind, codec, decoder: codec.decoder()?, request_keyframe, stats, feed, recording };
    match codec {
        VideoCodec::Vp8 => receiver.run(track, SampleBuilder::new(max_late, Vp8Packet::default(), clock_rate)).await,
        VideoCodec::H264 => receiver.run(track, SampleBuilder::new(max_late, H264Packet::default(), clock_rate)).await,
    }
    Ok(())
}

/// One remote video track's decoding, whatever its packetisation.
struct VideoReceiver<'a> {
    owner: ParticipantId,
    kind: VideoKind,
    codec: VideoCodec,
    decoder: Box<dyn VideoDecoder>,
    request_keyframe: &'a KeyframeRequester,
    stats: &'a Mutex<CallStats>,
    feed: &'a VideoFeed,
    recording: Option<&'a Recording>,
}

impl VideoReceiver<'_> {
    async fn run<D: Depacketizer>(self, track: &TrackRemote, mut frames: SampleBuilder<D>) {
        let VideoReceiver { owner, kind, codec, mut decoder, request_keyframe, stats, feed, recording } = self;
        let mut waiting_for_keyframe = true;
        while let Ok((packet, _)) = track.read_rtp().await {
            record_packet(stats, owner, RTPCodecType::Video, &packet);
            frames.push(packet);
            while let Some(sample) = frames.pop() {
                tracing::trace!(bytes = sample.data.len(), dropped = sample.prev_dropped_packets, "video frame assembled");
                if sample.prev_dropped_packets > 0 {
                    // A gap: the next frames reference a picture we do not have.
                    request_keyframe();
                }
                let origin = match kind {
                    VideoKind::Camera => VideoOrigin::Remote(owner),
                    VideoKind::Screen => VideoOrigin::Screen(owner),
                };
                feed.publish(origin, codec, sample.data.clone());
                match decoder.decode(&sample.data) {
                    Ok(decoded) => {
                        waiting_for_keyframe = false;
                        let now = Instant::now();
                        with_remote(stats, owner, |remote| {
                            if kind == VideoKind::Screen {
                                remote.screen_frames_decoded += decoded.len() as u64;
                                remote.first_screen_at.get_or_insert(now);
                                return;
                            }
                            for frame in &decoded {
                                remote.video_frames_decoded += 1;
                                remote.first_video_at.get_or_insert(now);
                                if let Some(number) = read_frame_number(frame) {
                                    remote.video_first_frame_number.get_or_insert(number);
                                    remote.video_last_frame_number = Some(number);
                                }
                                remote.video_size = Some((frame.width, frame.height));
                            }
                        });
                        if let Some(recording) = recording {
                            decoded.iter().for_each(|frame| recording.write_video(frame));
                        }
                    }
                    Err(error) => {
                        with_remote(stats, owner, |remote| remote.video_decode_errors += 1);
                        if !waiting_for_keyframe {
                            tracing::debug!(%error, "video frame not decodable; asking for a keyframe");
                        }
                        waiting_for_keyframe = true;
                        request_keyframe();
                    }
                }
            }
        }
    }
}

async fn receive_audio(
    owner: ParticipantId,
    track: &TrackRemote,
    stats: &Mutex<CallStats>,
    recording: Option<&Recording>,
    playout: Option<&Mutex<PlayoutMixer>>,
) -> Result<(), palabre_media::CodecError> {
    let mut decoder = OpusDecoder::new()?;
    let mut sequence = AudioSequence::default();
    while let Ok((packet, _)) = track.read_rtp().await {
        record_packet(stats, owner, RTPCodecType::Audio, &packet);
        if packet.payload.is_empty() {
            continue;
        }
        if let Some(mixer) = playout {
            // The speaker's own decoder plays it when its time comes; this one counts and records.
            mixer.lock().expect("mixer lock").push(owner.0, packet.header.sequence_number, packet.payload.to_vec());
        }
        let Arrival::Next { lost, silent } = sequence.arrive(packet.header.sequence_number, packet.header.timestamp) else {
            continue;
        };
        // The sender's silence (DTX) as libopus fills it (comfort noise fading out), so a recording keeps time.
        let mut repaired: Vec<_> = (0..silent).filter_map(|_| decoder.conceal_loss().ok()).collect();
        let filled = repaired.len();
        // Then the lost frames: all but the last by concealment, the last from this packet's FEC.
        for missing in 0..lost {
            let rebuilt = if missing + 1 == lost { decoder.recover_lost_from(&packet.payload) } else { decoder.conceal_loss() };
            repaired.extend(rebuilt.ok());
        }
        match decoder.decode(&packet.payload) {
            Ok(frame) => {
                let now = Instant::now();
                let voiced = level_dbfs(&frame) > VOICE_DBFS;
                with_remote(stats, owner, |remote| {
                    remote.audio_frames_decoded += 1 + filled as u64;
                    remote.audio_frames_repaired += (repaired.len() - filled) as u64;
                    remote.first_audio_at.get_or_insert(now);
                    if voiced {
                        remote.last_voice_at = Some(now);
                    }
                });
                if let Some(recording) = recording {
                    repaired.iter().chain([&frame]).for_each(|frame| recording.write_audio(frame));
                }
            }
            Err(error) => {
                tracing::debug!(%error, "audio packet not decodable");
                with_remote(stats, owner, |remote| remote.audio_decode_errors += 1);
            }
        }
    }
    Ok(())
}

fn record_packet(stats: &Mutex<CallStats>, owner: ParticipantId, kind: RTPCodecType, packet: &webrtc::rtp::packet::Packet) {
    let size = packet.payload.len() + packet.header.marshal_size();
    with_remote(stats, owner, |remote| remote.record_packet(kind, packet.header.sequence_number, size));
}

fn with_remote(stats: &Mutex<CallStats>, owner: ParticipantId, update: impl FnOnce(&mut RemoteMedia)) {
    update(stats.lock().expect("stats lock").remote.entry(owner).or_default());
}
