//! Peer connections as both ends of Palabre's protocol make and negotiate them.
//!
//! Candidates travel inside the SDP: each side waits for ICE gathering to finish before sending its description.
//! With host candidates only (and later TURN, which answers quickly) this costs milliseconds and saves a trickle
//! protocol on the signalling channel.

use std::sync::Arc;

use webrtc::api::interceptor_registry::register_default_interceptors;
use webrtc::api::media_engine::MediaEngine;
use webrtc::api::setting_engine::SettingEngine;
use webrtc::api::APIBuilder;
use webrtc::ice::mdns::MulticastDnsMode;
use webrtc::interceptor::registry::Registry;
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
    let registry = register_default_interceptors(Registry::new(), &mut media)?;
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
