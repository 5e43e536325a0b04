//! Peer connections as both ends of Palabre's protocol make and negotiate them.
//!
//! Candidates travel inside the SDP: each side waits for ICE gathering to finish before sending its description.
//! With host candidates only (and later TURN, which answers quickly) this costs milliseconds and saves a trickle
//! protocol on the signalling channel.

use std::sync::Arc;
use std::time::Duration;

use webrtc::api::interceptor_registry::{configure_rtcp_reports, configure_twcc_receiver_only};
use webrtc::api::media_engine::MediaEngine;
use webrtc::api::setting_engine::SettingEngine;
use webrtc::api::APIBuilder;
use webrtc::ice::mdns::MulticastDnsMode;
use webrtc::interceptor::nack::generator::Generator;
use webrtc::interceptor::nack::responder::Responder;
use webrtc::interceptor::registry::Registry;
use webrtc::rtp_transceiver::rtp_codec::RTPCodecType;
use webrtc::rtp_transceiver::RTCPFeedback;
use webrtc::peer_connection::configuration::RTCConfiguration;
use webrtc::peer_connection::sdp::session_description::RTCSessionDescription;
use webrtc::peer_connection::RTCPeerConnection;

/// How a peer connection is built.
#[derive(Debug, Clone, Default)]
pub struct PeerOptions {
    /// Offer loopback addresses as ICE candidates: needed when both ends are on one machine (tests, a demo on
    /// one laptop); harmless otherwise since the pair that works is chosen.
    pub include_loopback: bool,
}

/// A peer connection with Palabre's codecs (Opus, VP8 and the other defaults) and the standard interceptors
/// (NACK, RTCP reports, TWCC).
pub async fn new_peer_connection(options: &PeerOptions) -> Result<Arc<RTCPeerConnection>, webrtc::Error> {
    let mut media = MediaEngine::default();
    media.register_default_codecs()?;
    let registry = interceptors(&mut media)?;
    let mut settings = SettingEngine::default();
    settings.set_include_loopback_candidate(options.include_loopback);
    // mDNS candidates need multicast, which crisis-room networks and test namespaces often lack.
    settings.set_ice_multicast_dns_mode(MulticastDnsMode::Disabled);
    let api = APIBuilder::new()
        .with_media_engine(media)
        .with_interceptor_registry(registry)
        .with_setting_engine(settings)
        .build();
    Ok(Arc::new(api.new_peer_connection(RTCConfiguration::default()).await?))
}

/// How often a receiver asks again for the video packets it is missing.
const NACK_INTERVAL: Duration = Duration::from_millis(100);
/// How many of the latest video packets a receiver asks about: 2^(6 + this), so 64 (the smallest it takes).
const NACK_WINDOW_LOG2_MINUS_6: u8 = 0;
/// How many of its latest video packets a sender can send again: 2^this, so 16: 0.2–0.5 s of video at 600 down
/// to 250 kbit/s (packets of about 1,100 bytes), about what a receiver waits for a late packet. It applies to the
/// embedded server's forwarding too; its cost is in docs/ARCHITECTURE.md ("Bitrates on a thin link").
const RESEND_WINDOW_LOG2: u8 = 4;

/// webrtc-rs' standard interceptors (NACK, RTCP reports, TWCC), with NACK bounded.
///
/// webrtc-rs' NACK generator asks for every missing packet in its window at each interval, with no limit on
/// retries, and its responder sends again whatever it still holds (8,192 packets). On a link that loses packets
/// because it is full, each lost packet was asked for up to a hundred times and sent again as often: 2,600
/// retransmissions a second were dropped on a 250 kbit/s uplink (`tests/thin_uplink.rs`), and kept it full.
/// Narrow windows on both sides bound the retries of a packet to the few that can still arrive in time.
fn interceptors(media: &mut MediaEngine) -> Result<Registry, webrtc::Error> {
    for parameter in ["", "pli"] {
        let feedback = RTCPFeedback { typ: "nack".to_owned(), parameter: parameter.to_owned() };
        media.register_feedback(feedback, RTPCodecType::Video);
    }
    let mut registry = Registry::new();
    registry.add(Box::new(Responder::builder().with_log2_size(RESEND_WINDOW_LOG2)));
    registry.add(Box::new(
        Generator::builder().with_log2_size_minus_6(NACK_WINDOW_LOG2_MINUS_6).with_interval(NACK_INTERVAL),
    ));
    let registry = configure_rtcp_reports(registry);
    configure_twcc_receiver_only(registry, media)
}

/// Creates an offer and returns it with every local candidate in it.
pub async fn offer(pc: &RTCPeerConnection) -> Result<String, webrtc::Error> {
    let offer = pc.create_offer(None).await?;
    set_local_and_gather(pc, offer).await
}

/// Applies a remote offer and returns the answer with every local candidate in it.
pub async fn answer(pc: &RTCPeerConnection, offer_sdp: String) -> Result<String, webrtc::Error> {
    pc.set_remote_description(RTCSessionDescription::offer(offer_sdp)?).await?;
    let answer = pc.create_answer(None).await?;
    set_local_and_gather(pc, answer).await
}

/// Applies the remote answer to our offer.
pub async fn accept_answer(pc: &RTCPeerConnection, answer_sdp: String) -> Result<(), webrtc::Error> {
    pc.set_remote_description(RTCSessionDescription::answer(answer_sdp)?).await
}

async fn set_local_and_gather(
    pc: &RTCPeerConnection,
    description: RTCSessionDescription,
) -> Result<String, webrtc::Error> {
    let mut gathered = pc.gathering_complete_promise().await;
    pc.set_local_description(description).await?;
    let _ = gathered.recv().await;
    pc.local_description().await.map(|d| d.sdp).ok_or_else(|| webrtc::Error::new("no local description after setting it".into()))
}
