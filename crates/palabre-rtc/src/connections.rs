//! The two peer connections every room adapter makes, whatever the server: *publish*, carrying our tracks
//! (send-only) and the app-message data channel, and *subscribe*, carrying everyone else's media. What differs
//! between servers — who offers, how the SDP travels, how app messages come back — stays in each adapter.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Weak};
use std::time::Duration;

use palabre_net::negotiate::{self, PeerOptions};
use palabre_net::rtcp::request_keyframe;
use tokio::sync::{mpsc, watch};
use webrtc::data_channel::RTCDataChannel;
use webrtc::peer_connection::peer_connection_state::RTCPeerConnectionState;
use webrtc::peer_connection::RTCPeerConnection;
use webrtc::rtp_transceiver::rtp_transceiver_direction::RTCRtpTransceiverDirection;
use webrtc::rtp_transceiver::RTCRtpTransceiverInit;
use webrtc::rtp_transceiver::rtp_codec::RTCRtpCodecParameters;
use webrtc::track::track_local::TrackLocal;

use crate::adapter::{KeyframeRequester, LocalTracks, RoomEvent};
use crate::error::CallError;
use crate::local_media::watch_sender_rtcp;

const DATA_CHANNEL_TIMEOUT: Duration = Duration::from_secs(10);
/// The app-message data channel's label, the same on every server.
pub(crate) const APP_CHANNEL_LABEL: &str = "palabre";

pub(crate) struct Connections {
    pub publish: Arc<RTCPeerConnection>,
    pub subscribe: Arc<RTCPeerConnection>,
    pub data_channel: Arc<RTCDataChannel>,
    data_channel_open: watch::Receiver<bool>,
}

impl Connections {
    /// Makes both connections with our tracks and data channel on *publish*; a failed transport on either ends
    /// the call with a [`RoomEvent::Closed`] naming `server`.
    pub async fn open(
        local: &LocalTracks,
        events: &mpsc::UnboundedSender<RoomEvent>,
        server: &'static str,
    ) -> Result<Connections, CallError> {
        let options = PeerOptions { include_loopback: true };
        let publish = negotiate::new_peer_connection(&options).await?;
        let subscribe = negotiate::new_peer_connection(&options).await?;
        if let Some(track) = &local.audio {
            // Loss reports on each stream drive its own bitrate: each may cross a different bottleneck (an SFU
            // forwards them separately) and audio must not wait for video to back off.
            let feedback = SendFeedback { keyframe_requested: local.keyframe_requested.clone(), loss: Some(local.audio_loss.clone()) };
            add_send_track(&publish, track.clone(), None, feedback).await?;
        }
        if let Some(track) = &local.video {
            // Our codecs in our order; the track follows whichever the answer keeps.
            let feedback = SendFeedback { keyframe_requested: local.keyframe_requested.clone(), loss: Some(local.video_loss.clone()) };
            add_send_track(&publish, track.clone(), Some(track.codec_preferences()), feedback).await?;
        }
        let data_channel = publish.create_data_channel(APP_CHANNEL_LABEL, None).await?;
        let (open_tx, data_channel_open) = watch::channel(false);
        data_channel.on_open(Box::new(move || {
            let _ = open_tx.send(true);
            Box::pin(async {})
        }));
        for pc in [&publish, &subscribe] {
            let failed = events.clone();
            pc.on_peer_connection_state_change(Box::new(move |state| {
                if state == RTCPeerConnectionState::Failed {
                    let error = webrtc::Error::new(format!("the media connection to the {server} failed"));
                    let _ = failed.send(RoomEvent::Closed(CallError::WebRtc(error)));
                }
                Box::pin(async {})
            }));
        }
        Ok(Connections { publish, subscribe, data_channel, data_channel_open })
    }

    /// Sends on the data channel, waiting for it to open first (it opens once the publish connection is up).
    pub async fn send_app_message(&self, text: String) -> Result<(), CallError> {
        let mut open = self.data_channel_open.clone();
        tokio::time::timeout(DATA_CHANNEL_TIMEOUT, open.wait_for(|open| *open))
            .await
            .map_err(|_| CallError::Timeout("opening the message channel"))?
            .map_err(|_| CallError::ServerGone)?;
        self.data_channel.send_text(text).await?;
        Ok(())
    }

    pub async fn close(&self) {
        let _ = self.publish.close().await;
        let _ = self.subscribe.close().await;
    }
}

/// Where a sent track's RTCP goes: keyframe requests raise `keyframe_requested`; the loss the receiver reports
/// goes to `loss`, when the track's bitrate follows it.
pub(crate) struct SendFeedback {
    pub keyframe_requested: Arc<AtomicBool>,
    pub loss: Option<Arc<watch::Sender<Option<u8>>>>,
}

/// Adds `track` to `publish`, send-only, offering `codec_preferences` in that order when given (else every
/// codec of its kind). The caller negotiates afterwards.
pub(crate) async fn add_send_track(
    publish: &RTCPeerConnection,
    track: Arc<dyn TrackLocal + Send + Sync>,
    codec_preferences: Option<Vec<RTCRtpCodecParameters>>,
    feedback: SendFeedback,
) -> Result<(), CallError> {
    let init = RTCRtpTransceiverInit { direction: RTCRtpTransceiverDirection::Sendonly, send_encodings: vec![] };
    let transceiver = publish.add_transceiver_from_track(track, Some(init)).await?;
    if let Some(codecs) = codec_preferences {
        transceiver.set_codec_preferences(codecs).await?;
    }
    watch_sender_rtcp(transceiver.sender().await, feedback.keyframe_requested, feedback.loss);
    Ok(())
}

/// What a remote video track's receiver calls to ask its sender for a keyframe, over the connection `pc`
/// it arrived on (held weakly: a closed call asks nobody).
pub(crate) fn keyframe_requester(pc: Weak<RTCPeerConnection>, media_ssrc: u32) -> KeyframeRequester {
    Arc::new(move || {
        if let Some(pc) = pc.upgrade() {
            tokio::spawn(async move {
                let _ = request_keyframe(&pc, media_ssrc).await;
            });
        }
    })
}
