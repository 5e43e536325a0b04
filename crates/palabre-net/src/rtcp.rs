//! The RTCP both ends handle themselves: keyframe requests (a receiver that lost the picture — a newcomer, a
//! decoder error — sends a PLI, and whoever encodes sends a keyframe), and draining what arrives for a receiver.

use std::sync::Arc;

use webrtc::peer_connection::RTCPeerConnection;
use webrtc::rtp_transceiver::rtp_receiver::RTCRtpReceiver;
use webrtc::rtcp::packet::Packet;
use webrtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use webrtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;

/// True when an RTCP compound packet asks for a keyframe (PLI or FIR).
pub fn asks_for_keyframe(packets: &[Box<dyn Packet + Send + Sync>]) -> bool {
    packets.iter().any(|p| {
        let p = p.as_any();
        p.downcast_ref::<PictureLossIndication>().is_some() || p.downcast_ref::<FullIntraRequest>().is_some()
    })
}

/// Asks the sender of the stream `media_ssrc`, received on `pc`, for a keyframe.
pub async fn request_keyframe(pc: &RTCPeerConnection, media_ssrc: u32) -> Result<(), webrtc::Error> {
    pc.write_rtcp(&[Box::new(PictureLossIndication { sender_ssrc: 0, media_ssrc })]).await.map(|_| ())
}

/// Reads a receiver's incoming RTCP until the track ends. webrtc-rs hands RTCP to the interceptors only as it
/// is read: unread, the sender reports never reach the receiver-report interceptor, whose reports then carry no
/// timing and the sender can measure no round-trip time.
pub fn drain_receiver_rtcp(receiver: Arc<RTCRtpReceiver>) {
    tokio::spawn(async move { while receiver.read_rtcp().await.is_ok() {} });
}
