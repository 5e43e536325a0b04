//! Palabre's media: raw frames, synthetic sources that stand in for a camera and a microphone, and the
//! Opus, VP8 and H.264 codecs a call uses, and the media files (y4m, WAV) calls play and record.
//!
//! Nothing here touches the network or a clock: timestamps are passed in, so tests can run codecs faster
//! than real time.

mod bgra;
mod error;
mod file_error;
mod frame;
mod h264;
mod jitter_buffer;
mod level;
mod opus;
mod pixel_format;
mod playout_mixer;
mod resampler;
mod test_pattern;
mod tone;
mod video_codec;
mod voice_processing;
mod vp8;
mod wav;
mod y4m;

pub use crate::bgra::bgra_to_i420;
pub use crate::error::CodecError;
pub use crate::file_error::MediaFileError;
pub use crate::frame::{AudioFrame, VideoFrame, FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE};
pub use crate::jitter_buffer::{JitterBuffer, Playout};
pub use crate::level::{level_dbfs, test_sound, SILENCE_DBFS};
pub use crate::opus::{OpusDecoder, OpusEncoder};
pub use crate::pixel_format::{psnr, to_i420, PixelFormat};
pub use crate::playout_mixer::{PlayoutCounts, PlayoutMixer};
pub use crate::resampler::StreamResampler;
pub use crate::test_pattern::{read_frame_number, TestPattern};
pub use crate::tone::Tone;
pub use crate::voice_processing::{VoiceProcessing, VoiceProcessor};
pub use crate::h264::{H264Decoder, H264Encoder};
pub use crate::video_codec::{EncodedFrame, VideoCodec, VideoConfig, VideoDecoder, VideoEncoder, Vp8Config};
pub use crate::vp8::{Vp8Decoder, Vp8Encoder};
pub use crate::wav::{resample, AudioClip, WavRecorder};
pub use crate::y4m::{Y4mHeader, Y4mReader, Y4mWriter};
