//! Our outgoing video track, in whichever codec the other side agreed to.
//!
//! The offer lists our codecs in the user's order of preference (`set_codec_preferences`); the answer keeps
//! those the other side accepts. When the sender binds the track, it gets the negotiated codecs in our order and
//! the first one we can encode is used: our preference when the other side has it, the common codec otherwise
//! (a Janus room that takes only VP8, say). The encoder reads [`NegotiatedVideoTrack::codec`] and follows it.

use std::any::Any;
use std::sync::Mutex;

use async_trait::async_trait;
use palabre_media::VideoCodec;
use webrtc::api::media_engine::{MIME_TYPE_H264, MIME_TYPE_VP8};
use webrtc::media::Sample;
use webrtc::rtp_transceiver::rtp_codec::{RTCRtpCodecCapability, RTCRtpCodecParameters, RTPCodecType};
use webrtc::rtp_transceiver::{RTCPFeedback, TYPE_RTCP_FB_CCM, TYPE_RTCP_FB_GOOG_REMB, TYPE_RTCP_FB_NACK, TYPE_RTCP_FB_TRANSPORT_CC};
use webrtc::track::track_local::track_local_static_sample::TrackLocalStaticSample;
use webrtc::track::track_local::{TrackLocal, TrackLocalContext};

/// A video track with one packetiser per codec we encode, bound to the one negotiation chose.
pub struct NegotiatedVideoTrack {
    preference: Vec<VideoCodec>,
    tracks: Vec<(VideoCodec, TrackLocalStaticSample)>,
    bound: Mutex<Option<VideoCodec>>,
}

impl NegotiatedVideoTrack {
    /// `preference` is ours, first choice first; codecs left out of it are still offered, after it.
    pub fn new(preference: &[VideoCodec], id: &str, stream_id: &str) -> Self {
        let mut order = preference.to_vec();
        order.extend(VideoCodec::ALL.into_iter().filter(|codec| !preference.contains(codec)));
        let tracks = order
            .iter()
            .map(|&codec| (codec, TrackLocalStaticSample::new(capability(codec), id.to_owned(), stream_id.to_owned())))
            .collect();
        Self { preference: order, tracks, bound: Mutex::new(None) }
    }

    /// The codec to encode in: the negotiated one once the track is bound, our first choice before.
    pub fn codec(&self) -> VideoCodec {
        self.bound.lock().expect("codec lock").unwrap_or(self.preference[0])
    }

    /// Our codecs in order, as `RTCRtpTransceiver::set_codec_preferences` takes them.
    pub fn codec_preferences(&self) -> Vec<RTCRtpCodecParameters> {
        self.preference.iter().map(|&codec| RTCRtpCodecParameters { capability: capability(codec), ..Default::default() }).collect()
    }

    /// Packetises and sends one encoded frame of [`Self::codec`]; before binding it goes nowhere.
    pub async fn write_sample(&self, sample: &Sample) -> Result<(), webrtc::Error> {
        self.track(self.codec()).write_sample(sample).await
    }

    fn track(&self, codec: VideoCodec) -> &TrackLocalStaticSample {
        &self.tracks.iter().find(|(candidate, _)| *candidate == codec).expect("a track per codec").1
    }
}

/// How we announce `codec`: H.264 as Constrained Baseline level 3.1 with packetization-mode 1 (RFC 6184 FU-A
/// fragments), what WebRTC browsers decode; RTCP feedback for NACK, PLI/FIR keyframe requests and congestion.
fn capability(codec: VideoCodec) -> RTCRtpCodecCapability {
    let feedback = |typ: &str, parameter: &str| RTCPFeedback { typ: typ.to_owned(), parameter: parameter.to_owned() };
    let (mime_type, sdp_fmtp_line) = match codec {
        VideoCodec::Vp8 => (MIME_TYPE_VP8, ""),
        VideoCodec::H264 => (MIME_TYPE_H264, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"),
    };
    RTCRtpCodecCapability {
        mime_type: mime_type.to_owned(),
        clock_rate: 90_000,
        channels: 0,
        sdp_fmtp_line: sdp_fmtp_line.to_owned(),
        rtcp_feedback: vec![
            feedback(TYPE_RTCP_FB_GOOG_REMB, ""),
            feedback(TYPE_RTCP_FB_CCM, "fir"),
            feedback(TYPE_RTCP_FB_NACK, ""),
            feedback(TYPE_RTCP_FB_NACK, "pli"),
            feedback(TYPE_RTCP_FB_TRANSPORT_CC, ""),
        ],
    }
}

#[async_trait]
impl TrackLocal for NegotiatedVideoTrack {
    async fn bind(&self, context: &TrackLocalContext) -> Result<RTCRtpCodecParameters, webrtc::Error> {
        let negotiated = context.codec_parameters().iter().filter_map(|codec| VideoCodec::from_mime(&codec.capability.mime_type));
        let mut last_error = webrtc::Error::ErrUnsupportedCodec;
        // The first negotiated codec whose parameters (H.264 profile and mode) match ours.
        for codec in negotiated {
            match self.track(codec).bind(context).await {
                Ok(parameters) => {
                    tracing::info!(%codec, "video codec negotiated");
                    *self.bound.lock().expect("codec lock") = Some(codec);
                    return Ok(parameters);
                }
                Err(error) => last_error = error,
            }
        }
        Err(last_error)
    }

    async fn unbind(&self, context: &TrackLocalContext) -> Result<(), webrtc::Error> {
        let codec = self.bound.lock().expect("codec lock").take();
        match codec {
            Some(codec) => self.track(codec).unbind(context).await,
            None => Err(webrtc::Error::ErrUnbindFailed),
        }
    }

    fn id(&self) -> &str {
        self.tracks[0].1.id()
    }

    fn rid(&self) -> Option<&str> {
        None
    }

    fn stream_id(&self) -> &str {
        self.tracks[0].1.stream_id()
    }

    fn kind(&self) -> RTPCodecType {
        RTPCodecType::Video
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl std::fmt::Debug for NegotiatedVideoTrack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NegotiatedVideoTrack").field("preference", &self.preference).field("bound", &self.bound).finish()
    }
}
