//! What we receive: one task per remote track, depacketising and decoding, and counting what it decoded.
//!
//! Counts are of frames decoded, not packets received: a frame that arrived but could not be decoded did not
//! reach the user.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use palabre_core::ParticipantId;
use palabre_media::{read_frame_number, OpusDecoder, Vp8Decoder};
use tracing::Instrument;
use webrtc::media::io::sample_builder::SampleBuilder;
use webrtc::util::MarshalSize;
use webrtc::rtp::codecs::vp8::Vp8Packet;
use webrtc::rtp_transceiver::rtp_codec::RTPCodecType;
use webrtc::track::track_remote::TrackRemote;

use crate::adapter::KeyframeRequester;
use crate::stats::{CallStats, RemoteMedia};
use crate::video_feed::{VideoFeed, VideoOrigin};

/// How many packets a VP8 frame may wait for a late packet before it is given up.
const VIDEO_MAX_LATE_PACKETS: u16 = 128;

/// Receives `track` from `owner` until it ends, recording into `stats`.
pub async fn receive(
    owner: ParticipantId,
    track: Arc<TrackRemote>,
    request_keyframe: KeyframeRequester,
    stats: Arc<Mutex<CallStats>>,
    feed: VideoFeed,
) {
    let span = tracing::debug_span!("receive", from = %owner, kind = %track.kind());
    let codec = track.codec();
    tracing::debug!(parent: &span, mime = %codec.capability.mime_type, payload_type = codec.payload_type, ssrc = track.ssrc(), "receiving");
    let result = async {
        match track.kind() {
            RTPCodecType::Video => receive_video(owner, &track, &request_keyframe, &stats, &feed).await,
            RTPCodecType::Audio => receive_audio(owner, &track, &stats).await,
            RTPCodecType::Unspecified => Ok(()),
        }
    }
    .instrument(span)
    .await;
    if let Err(error) = result {
        stats.lock().expect("stats lock").errors.push(format!("receiving from {owner}: {error}"));
    }
}

async fn receive_video(
    owner: ParticipantId,
    track: &TrackRemote,
    request_keyframe: &KeyframeRequester,
    stats: &Mutex<CallStats>,
    feed: &VideoFeed,
) -> Result<(), palabre_media::CodecError> {
    let mut decoder = Vp8Decoder::new()?;
    let mut frames = SampleBuilder::new(VIDEO_MAX_LATE_PACKETS, Vp8Packet::default(), track.codec().capability.clock_rate);
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
            feed.publish(VideoOrigin::Remote(owner), sample.data.clone());
            match decoder.decode(&sample.data) {
                Ok(decoded) => {
                    waiting_for_keyframe = false;
                    let now = Instant::now();
                    with_remote(stats, owner, |remote| {
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
                }
                Err(error) => {
                    if !waiting_for_keyframe {
                        tracing::debug!(%error, "video frame not decodable; asking for a keyframe");
                    }
                    waiting_for_keyframe = true;
                    request_keyframe();
                }
            }
        }
    }
    Ok(())
}

async fn receive_audio(owner: ParticipantId, track: &TrackRemote, stats: &Mutex<CallStats>) -> Result<(), palabre_media::CodecError> {
    let mut decoder = OpusDecoder::new()?;
    while let Ok((packet, _)) = track.read_rtp().await {
        record_packet(stats, owner, RTPCodecType::Audio, &packet);
        if packet.payload.is_empty() {
            continue;
        }
        if decoder.decode(&packet.payload).is_ok() {
            let now = Instant::now();
            with_remote(stats, owner, |remote| {
                remote.audio_frames_decoded += 1;
                remote.first_audio_at.get_or_insert(now);
            });
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
