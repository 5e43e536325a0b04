//! Selective forwarding: RTP from one publisher goes, undecoded, to every subscriber.
//!
//! Each published track gets one [`Forwarder`] holding a `TrackLocalStaticRTP`; every subscriber's peer
//! connection adds that same local track, and webrtc-rs rewrites SSRC and payload type per subscriber binding.
//! Keyframe requests (PLI/FIR) from any subscriber go back to the publisher as one PLI, at most every
//! [`KEYFRAME_REQUEST_INTERVAL`], so a newcomer sees video within one round trip instead of waiting for the next
//! periodic keyframe.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use palabre_core::screen_share::is_screen_track;
use palabre_core::ParticipantId;
use palabre_net::rtcp::{asks_for_keyframe, request_keyframe};
use tokio::sync::Notify;
use webrtc::peer_connection::RTCPeerConnection;
use webrtc::rtp_transceiver::rtp_codec::RTPCodecType;
use webrtc::rtp_transceiver::rtp_sender::RTCRtpSender;
use webrtc::track::track_local::track_local_static_rtp::TrackLocalStaticRTP;
use webrtc::track::track_local::{TrackLocal, TrackLocalWriter};
use webrtc::track::track_remote::TrackRemote;

const KEYFRAME_REQUEST_INTERVAL: Duration = Duration::from_millis(300);

/// Whether a member's media may reach the others: the room closes it for a passive participant, and for the
/// audio of someone a moderator muted, so that these decisions hold even against a modified client.
#[derive(Debug)]
pub struct MediaGate {
    audio: AtomicBool,
    video: AtomicBool,
}

impl Default for MediaGate {
    fn default() -> Self {
        MediaGate { audio: AtomicBool::new(true), video: AtomicBool::new(true) }
    }
}

impl MediaGate {
    pub fn set(&self, audio: bool, video: bool) {
        self.audio.store(audio, Ordering::Relaxed);
        self.video.store(video, Ordering::Relaxed);
    }

    pub fn allows_audio(&self) -> bool {
        self.audio.load(Ordering::Relaxed)
    }

    pub fn allows_video(&self) -> bool {
        self.video.load(Ordering::Relaxed)
    }

    fn allows(&self, kind: RTPCodecType) -> bool {
        match kind {
            RTPCodecType::Audio => self.allows_audio(),
            _ => self.allows_video(),
        }
    }
}

/// One published track, as the room hands it to subscribers.
#[derive(Debug)]
pub struct Forwarder {
    pub owner: ParticipantId,
    pub kind: RTPCodecType,
    /// A screen share rather than a camera or microphone: forwarded only while the room counts its owner
    /// among the sharers.
    pub screen: bool,
    pub track: Arc<TrackLocalStaticRTP>,
    keyframe_wanted: Arc<Notify>,
}

impl Forwarder {
    /// Starts forwarding `remote` (published by `owner` over `publisher`) until the publisher stops sending.
    pub fn start(
        owner: ParticipantId,
        remote: Arc<TrackRemote>,
        publisher: Weak<RTCPeerConnection>,
        gate: Arc<MediaGate>,
    ) -> Arc<Forwarder> {
        // The stream id carries the owner so that subscribers know whose track this is; the track id says
        // what it is (`7-video`, `7-audio`, `7-screen`).
        let screen = is_screen_track(&remote.id());
        let what = if screen { "screen".to_string() } else { remote.kind().to_string() };
        let track = Arc::new(TrackLocalStaticRTP::new(remote.codec().capability, format!("{}-{what}", owner.0), owner.0.to_string()));
        let forwarder = Arc::new(Forwarder {
            owner,
            kind: remote.kind(),
            screen,
            track: track.clone(),
            keyframe_wanted: Arc::new(Notify::new()),
        });
        let keyframes = (remote.kind() == RTPCodecType::Video)
            .then(|| tokio::spawn(send_keyframe_requests(forwarder.keyframe_wanted.clone(), publisher, remote.ssrc())));
        tokio::spawn(async move {
            forward(remote, track, gate).await;
            if let Some(keyframes) = keyframes {
                keyframes.abort();
            }
        });
        forwarder
    }

    /// Asks the publisher for a keyframe (coalesced with other requests).
    pub fn request_keyframe(&self) {
        self.keyframe_wanted.notify_one();
    }

    /// Reads a subscriber's RTCP for this track: keyframe requests go to the publisher. Reading RTCP also keeps
    /// the sender's interceptors (NACK, reports) running.
    pub fn watch_subscriber(self: &Arc<Self>, sender: Arc<RTCRtpSender>) {
        let forwarder = Arc::downgrade(self);
        tokio::spawn(async move {
            while let Ok((packets, _)) = sender.read_rtcp().await {
                let wants_keyframe = asks_for_keyframe(&packets);
                match forwarder.upgrade() {
                    Some(f) if wants_keyframe => f.request_keyframe(),
                    Some(_) => {}
                    None => break,
                }
            }
        });
    }
}

async fn forward(remote: Arc<TrackRemote>, track: Arc<TrackLocalStaticRTP>, gate: Arc<MediaGate>) {
    let kind = remote.kind();
    while let Ok((mut packet, _)) = remote.read_rtp().await {
        if !gate.allows(kind) {
            continue;
        }
        // Header-extension ids are negotiated per connection; the publisher's would mean something else (or
        // nothing) to a subscriber, and its own interceptors add the ones it negotiated.
        packet.header.extension = false;
        packet.header.extensions.clear();
        packet.header.extension_profile = 0;
        if let Err(error) = track.write_rtp(&packet).await {
            // One subscriber failing must not stop the others.
            tracing::trace!(%error, "forwarding to a subscriber failed");
        }
    }
    tracing::debug!(track = %track.id(), "publisher stopped sending");
}

async fn send_keyframe_requests(wanted: Arc<Notify>, publisher: Weak<RTCPeerConnection>, media_ssrc: u32) {
    loop {
        wanted.notified().await;
        let Some(pc) = publisher.upgrade() else { return };
        if request_keyframe(&pc, media_ssrc).await.is_err() {
            return;
        }
        drop(pc);
        tokio::time::sleep(KEYFRAME_REQUEST_INTERVAL).await;
    }
}
