//! The RTCP both ends handle themselves: keyframe requests (a receiver that lost the picture — a newcomer, a
//! decoder error — sends a PLI, and whoever encodes sends a keyframe), and draining what arrives for a receiver.

use std::sync::Arc;

use webrtc::peer_connection::RTCPeerConnection;
use webrtc::rtp_transceiver::rtp_receiver::RTCRtpReceiver;
use webrtc::rtcp::packet::Packet;
use webrtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use webrtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use webrtc::rtcp::receiver_report::ReceiverReport;
use webrtc::rtcp::sender_report::SenderReport;
use webrtc::rtcp::reception_report::ReceptionReport;

/// True when an RTCP compound packet asks for a keyframe (PLI or FIR).
pub fn asks_for_keyframe(packets: &[Box<dyn Packet + Send + Sync>]) -> bool {
    packets.iter().any(|p| {
        let p = p.as_any();
        p.downcast_ref::<PictureLossIndication>().is_some() || p.downcast_ref::<FullIntraRequest>().is_some()
    })
}

/// The worst fraction lost (RFC 3550 §6.4.1, in 256ths) that receiver or sender reports in `packets` give for
/// the stream `media_ssrc`, if any of them speaks of it.
///
/// A block whose highest sequence number is 0 has received nothing and says nothing: it is the placeholder that
/// rides in front of a keyframe request ([`request_keyframe`], and other SFUs do the same). Read as "no loss", a
/// receiver that asks for keyframes often would pull the bitrate up on a link that is losing packets.
pub fn fraction_lost(packets: &[Box<dyn Packet + Send + Sync>], media_ssrc: u32) -> Option<u8> {
    let reports = packets.iter().flat_map(|p| {
        let p = p.as_any();
        let receiver = p.downcast_ref::<ReceiverReport>().map(|r| r.reports.as_slice());
        let sender = p.downcast_ref::<SenderReport>().map(|r| r.reports.as_slice());
        receiver.or(sender).unwrap_or_default()
    });
    reports
        .filter(|report| report.ssrc == media_ssrc && report.last_sequence_number != 0)
        .map(|report| report.fraction_lost)
        .max()
}

/// The SSRC we send receiver feedback as (what libwebrtc's receive-only streams use).
const RECEIVER_SSRC: u32 = 1;

/// Asks the sender of the stream `media_ssrc`, received on `pc`, for a keyframe.
///
/// The PLI goes in a compound packet behind a receiver report about the same stream, as RFC 4585 wants and
/// browsers do. Janus 1.1 needs it: it files incoming RTCP under a stream by the packet's sender SSRC, else by
/// the first report block's or transport feedback's media SSRC, but not by a PLI's; a lone PLI ends up on the
/// connection's first stream (audio, for a subscription) and is dropped, so the publisher is never asked for
/// the keyframe we lack. The report's counters are zero; with no last-SR time, Janus takes no round trip from it.
pub async fn request_keyframe(pc: &RTCPeerConnection, media_ssrc: u32) -> Result<(), webrtc::Error> {
    pc.write_rtcp(&keyframe_request(media_ssrc)).await.map(|_| ())
}

fn keyframe_request(media_ssrc: u32) -> [Box<dyn Packet + Send + Sync>; 2] {
    let report = ReceiverReport {
        ssrc: RECEIVER_SSRC,
        reports: vec![ReceptionReport { ssrc: media_ssrc, ..Default::default() }],
        ..Default::default()
    };
    [Box::new(report), Box::new(PictureLossIndication { sender_ssrc: RECEIVER_SSRC, media_ssrc })]
}

/// Reads a receiver's incoming RTCP until the track ends. webrtc-rs hands RTCP to the interceptors only as it
/// is read: unread, the sender reports never reach the receiver-report interceptor, whose reports then carry no
/// timing and the sender can measure no round-trip time.
pub fn drain_receiver_rtcp(receiver: Arc<RTCRtpReceiver>) {
    tokio::spawn(async move { while receiver.read_rtcp().await.is_ok() {} });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyframe_request_is_a_pli_behind_a_report_on_the_same_stream() {
        let request = keyframe_request(1234);
        assert!(asks_for_keyframe(&request));
        let report = request[0].as_any().downcast_ref::<ReceiverReport>().expect("a receiver report first");
        assert_eq!(report.reports.iter().map(|r| r.ssrc).collect::<Vec<_>>(), [1234]);
        assert_eq!(report.reports[0].last_sender_report, 0, "no round trip to take from it");
    }

    #[test]
    fn the_worst_loss_reported_for_our_stream_is_read_and_other_streams_ignored() {
        let block = |ssrc, fraction_lost| ReceptionReport { ssrc, fraction_lost, last_sequence_number: 70_000, ..Default::default() };
        let packets: [Box<dyn Packet + Send + Sync>; 3] = [
            Box::new(ReceiverReport { ssrc: 9, reports: vec![block(1234, 12), block(5678, 200)], ..Default::default() }),
            Box::new(SenderReport { ssrc: 9, reports: vec![block(1234, 30)], ..Default::default() }),
            Box::new(PictureLossIndication { sender_ssrc: 9, media_ssrc: 1234 }),
        ];
        assert_eq!(fraction_lost(&packets, 1234), Some(30));
        assert_eq!(fraction_lost(&packets, 42), None);
        assert_eq!(fraction_lost(&packets[2..], 1234), None);
    }

    #[test]
    fn the_empty_report_in_front_of_a_keyframe_request_says_nothing_about_loss() {
        assert_eq!(fraction_lost(&keyframe_request(1234), 1234), None);
    }
}
