//! What the call tests share, whichever room server they run on.

use palabre_core::Link;
use palabre_rtc::{AudioSource, Call, CallOptions, VideoSource};

/// A participant sending a small test pattern and a tone, so that two calls fit on two cores in a debug build.
pub fn options(link: Link, name: &str) -> CallOptions {
    CallOptions {
        link,
        name: name.into(),
        video: VideoSource::TestPattern { width: 320, height: 180, fps: 30 },
        audio: AudioSource::Tone { frequency_hz: 440.0 },
        accept_unmute_requests: false,
        audio_muted: false,
        video_muted: false,
    }
}

/// The share of `sender`'s video frames that `receiver` decoded.
pub fn video_delivery(receiver: &Call, sender: &Call) -> f64 {
    let sender_id = sender.me().expect("sender is in").info.id;
    let decoded = receiver.stats().remote.get(&sender_id).map_or(0, |m| m.video_frames_decoded);
    decoded as f64 / sender.sent().0 as f64
}
