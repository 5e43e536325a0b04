//! Encoded video to the webview, over a raw IPC channel that its WebCodecs decoders read.
//!
//! Raw bytes, never JSON: `Channel<Vec<u8>>` serialises to a JSON array and tops out near 30 MB/s here, while a
//! raw body costs one copy. Each message is one frame behind a fixed header, read by `ui/src/video-wire.ts`:
//!
//! ```text
//! byte 0      version (1)
//! byte 1      flags: bit 0 keyframe, bit 1 our own camera (the preview), bit 2 a screen share,
//!             bit 3 H.264 (Annex B) rather than VP8
//! bytes 2..10 participant id, u64 little-endian (0 for our own camera)
//! bytes 10..18 timestamp in microseconds, u64 little-endian
//! bytes 18..  the frame
//! ```

use std::collections::HashSet;

use palabre_rtc::{EncodedVideo, VideoCodec, VideoOrigin};
use tauri::ipc::{Channel, InvokeResponseBody};
use tokio::sync::broadcast::{error::RecvError, Receiver};

const WIRE_VERSION: u8 = 1;
const FLAG_KEYFRAME: u8 = 1;
const FLAG_LOCAL: u8 = 2;
const FLAG_SCREEN: u8 = 4;
const FLAG_H264: u8 = 8;
pub const HEADER_LEN: usize = 18;

/// Lays out one frame for the webview.
pub fn encode(frame: &EncodedVideo) -> Vec<u8> {
    let (kind, id) = match frame.origin {
        VideoOrigin::Local => (FLAG_LOCAL, 0),
        VideoOrigin::Remote(id) => (0, id.0),
        VideoOrigin::Screen(id) => (FLAG_SCREEN, id.0),
    };
    let codec = match frame.codec {
        VideoCodec::Vp8 => 0,
        VideoCodec::H264 => FLAG_H264,
    };
    let flags = if frame.keyframe { FLAG_KEYFRAME } else { 0 } | kind | codec;
    let mut bytes = Vec::with_capacity(HEADER_LEN + frame.data.len());
    bytes.push(WIRE_VERSION);
    bytes.push(flags);
    bytes.extend_from_slice(&id.to_le_bytes());
    bytes.extend_from_slice(&frame.timestamp_us.to_le_bytes());
    bytes.extend_from_slice(&frame.data);
    bytes
}

/// Forwards the call's video to the webview until the call or the window goes away.
///
/// When the webview falls behind, frames are lost; a delta frame needs the frames before it, so each stream
/// then waits for its next keyframe rather than showing a smeared picture.
pub async fn forward(frames: &mut Receiver<EncodedVideo>, channel: Channel) {
    let mut streams: HashSet<VideoOrigin> = HashSet::new();
    let mut waiting_for_keyframe: HashSet<VideoOrigin> = HashSet::new();
    loop {
        let frame = match frames.recv().await {
            Ok(frame) => frame,
            Err(RecvError::Lagged(missed)) => {
                tracing::debug!(missed, "the webview fell behind; each stream resumes at its next keyframe");
                waiting_for_keyframe.clone_from(&streams);
                continue;
            }
            Err(RecvError::Closed) => return,
        };
        streams.insert(frame.origin);
        if frame.keyframe {
            waiting_for_keyframe.remove(&frame.origin);
        } else if waiting_for_keyframe.contains(&frame.origin) {
            continue;
        }
        if channel.send(InvokeResponseBody::Raw(encode(&frame))).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use palabre_core::ParticipantId;

    use super::*;

    #[test]
    fn header_carries_kind_origin_and_time_before_the_frame() {
        let frame = EncodedVideo {
            origin: VideoOrigin::Remote(ParticipantId(0x0102)),
            codec: VideoCodec::Vp8,
            keyframe: true,
            timestamp_us: 0x0A0B,
            data: Bytes::from_static(&[0xAA, 0xBB]),
        };
        assert_eq!(encode(&frame), [1, 1, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 0x0B, 0x0A, 0, 0, 0, 0, 0, 0, 0xAA, 0xBB]);
        let own = EncodedVideo { origin: VideoOrigin::Local, keyframe: false, ..frame };
        let bytes = encode(&own);
        assert_eq!(bytes[1], FLAG_LOCAL);
        assert_eq!(&bytes[2..10], &[0; 8]);
        assert_eq!(bytes.len(), HEADER_LEN + 2);
        let share = EncodedVideo { origin: VideoOrigin::Screen(ParticipantId(7)), keyframe: true, ..own };
        assert_eq!(&encode(&share)[1..3], &[FLAG_KEYFRAME | FLAG_SCREEN, 7]);
        let h264 = EncodedVideo { codec: VideoCodec::H264, ..share };
        assert_eq!(encode(&h264)[1], FLAG_KEYFRAME | FLAG_SCREEN | FLAG_H264);
    }
}
