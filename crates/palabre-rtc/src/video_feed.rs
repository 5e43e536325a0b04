//! Encoded video for renderers that decode it themselves.
//!
//! The desktop app hands VP8 and H.264 frames to its webview, whose WebCodecs decoder draws them for a fraction
//! of what moving raw pictures costs (21 % of a core against 80–120 % at 720p30, measured in
//! shared/ENVIRONMENT.md). The feed carries both what we send (our own preview) and what we receive, cameras and
//! screen shares, as it went over the wire, with the codec it is in.

use std::time::Instant;

use bytes::Bytes;
use palabre_core::ParticipantId;
use palabre_media::VideoCodec;
use tokio::sync::broadcast;

/// How many frames a slow renderer may fall behind before it misses some; it then waits for the next keyframe.
const FEED_CAPACITY: usize = 256;

/// Whose picture a frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoOrigin {
    /// Our camera, as we encode and send it.
    Local,
    /// A participant's camera.
    Remote(ParticipantId),
    /// A participant's screen share: a stream of its own, shown as the main view.
    Screen(ParticipantId),
}

/// One encoded frame: VP8, or H.264 as Annex B (start codes before each NAL unit).
#[derive(Debug, Clone)]
pub struct EncodedVideo {
    pub origin: VideoOrigin,
    pub codec: VideoCodec,
    /// A keyframe decodes on its own; a renderer starts with one.
    pub keyframe: bool,
    /// Microseconds since the call started, when the frame was encoded or completed.
    pub timestamp_us: u64,
    pub data: Bytes,
}

/// The sending side, shared by the call's media tasks.
#[derive(Debug, Clone)]
pub struct VideoFeed {
    frames: broadcast::Sender<EncodedVideo>,
    started: Instant,
}

impl VideoFeed {
    pub fn new() -> Self {
        VideoFeed { frames: broadcast::channel(FEED_CAPACITY).0, started: Instant::now() }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<EncodedVideo> {
        self.frames.subscribe()
    }

    /// Offers a frame to whoever renders; costs a reference count when nobody does.
    pub fn publish(&self, origin: VideoOrigin, codec: VideoCodec, data: Bytes) {
        if self.frames.receiver_count() == 0 || data.is_empty() {
            return;
        }
        let timestamp_us = self.started.elapsed().as_micros() as u64;
        let keyframe = match codec {
            VideoCodec::Vp8 => is_vp8_keyframe(&data),
            VideoCodec::H264 => is_h264_keyframe(&data),
        };
        let frame = EncodedVideo { origin, codec, keyframe, timestamp_us, data };
        // Sending fails only when the last renderer just went away: nothing to do then.
        let _ = self.frames.send(frame);
    }
}

impl Default for VideoFeed {
    fn default() -> Self {
        Self::new()
    }
}

/// RFC 6386 §9.1: bit 0 of a VP8 frame's first byte is 0 for a keyframe.
fn is_vp8_keyframe(frame: &[u8]) -> bool {
    frame.first().is_some_and(|tag| tag & 1 == 0)
}

/// An H.264 access unit (Annex B) that holds an IDR slice (NAL unit type 5, ITU-T H.264 §7.4.1.2): the
/// pictures after it need nothing before it. Senders put the parameter sets (7, 8) in front of it, and a
/// decoder needs them too; WebCodecs reads them from the frame, so none are kept here.
fn is_h264_keyframe(access_unit: &[u8]) -> bool {
    // Every NAL unit follows a 00 00 01 start code (a four-byte 00 00 00 01 ends with the same three).
    access_unit.windows(4).any(|w| w[..3] == [0, 0, 1] && w[3] & 0x1F == 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyframe_bit_is_read_from_the_frame_tag() {
        assert!(is_vp8_keyframe(&[0x50, 0x42]));
        assert!(!is_vp8_keyframe(&[0x51, 0x42]));
        assert!(!is_vp8_keyframe(&[]));
    }

    #[test]
    fn an_h264_keyframe_is_an_access_unit_with_an_idr_slice() {
        // SPS, PPS, IDR slice: what an encoder sends for a keyframe.
        let idr = [0, 0, 0, 1, 0x67, 0x42, 0, 0, 0, 1, 0x68, 0xCE, 0, 0, 1, 0x65, 0x88];
        assert!(is_h264_keyframe(&idr));
        // A non-IDR slice (type 1), and bytes that only look like type 5 outside a start code.
        assert!(!is_h264_keyframe(&[0, 0, 0, 1, 0x41, 0x9A, 0x65, 0x05]));
        assert!(!is_h264_keyframe(&[]));
    }

    #[tokio::test]
    async fn subscribers_get_frames_with_origin_codec_and_kind() {
        let feed = VideoFeed::new();
        feed.publish(VideoOrigin::Local, VideoCodec::Vp8, Bytes::from_static(&[0x00]));
        let mut frames = feed.subscribe();
        feed.publish(VideoOrigin::Remote(ParticipantId(7)), VideoCodec::Vp8, Bytes::from_static(&[0x10, 1, 2]));
        feed.publish(VideoOrigin::Local, VideoCodec::Vp8, Bytes::from_static(&[0x01]));
        feed.publish(VideoOrigin::Screen(ParticipantId(7)), VideoCodec::H264, Bytes::from_static(&[0, 0, 1, 0x65, 0x88]));
        let first = frames.recv().await.unwrap();
        assert_eq!((first.origin, first.codec), (VideoOrigin::Remote(ParticipantId(7)), VideoCodec::Vp8));
        assert!(first.keyframe);
        assert_eq!(&first.data[..], &[0x10, 1, 2]);
        let second = frames.recv().await.unwrap();
        assert_eq!(second.origin, VideoOrigin::Local);
        assert!(!second.keyframe);
        assert!(second.timestamp_us >= first.timestamp_us);
        let third = frames.recv().await.unwrap();
        assert_eq!(third.codec, VideoCodec::H264);
        assert!(third.keyframe);
    }
}
