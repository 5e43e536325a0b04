//! WAV files: read as a whole into 48 kHz mono (an audio source for calls), and written from decoded
//! 20 ms frames (recordings).
//!
//! Reading takes any PCM or float WAV that `hound` parses (8 to 32 bits, any channel count, any rate from
//! 8 to 192 kHz): channels are averaged and other rates resampled with `rubato`, so a user's file plays
//! as it sounds. The whole file is decoded before the call starts, so a cut file is refused at once.

use std::io::{Read, Seek, Write};

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

use crate::file_error::MediaFileError;
use crate::frame::{AudioFrame, FRAME_SAMPLES, SAMPLE_RATE};

const LOWEST_RATE: u32 = 8_000;
const HIGHEST_RATE: u32 = 192_000;
/// Longer files are refused rather than held in memory (an hour of 48 kHz mono is 330 MB of i16).
const LONGEST_SECONDS: u64 = 3_600;
/// Frames per resampler chunk: large chunks are faster for a whole file and the delay is trimmed anyway.
const RESAMPLER_CHUNK: usize = 1024;

/// A sound in memory at 48 kHz mono, played frame by frame in a loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioClip {
    samples: Vec<i16>,
}

impl AudioClip {
    /// Decodes a whole WAV stream. Errors say what is wrong with the file.
    pub fn from_wav(reader: impl Read) -> Result<Self, MediaFileError> {
        let mut wav = hound::WavReader::new(reader).map_err(header_error)?;
        let spec = wav.spec();
        let channels = usize::from(spec.channels);
        if channels == 0 {
            return Err(MediaFileError::invalid("WAV", "it declares no channels"));
        }
        if !(LOWEST_RATE..=HIGHEST_RATE).contains(&spec.sample_rate) {
            return Err(MediaFileError::invalid(
                "WAV",
                format!("its rate of {} Hz is outside {LOWEST_RATE}–{HIGHEST_RATE} Hz", spec.sample_rate),
            ));
        }
        if u64::from(wav.duration()) > LONGEST_SECONDS * u64::from(spec.sample_rate) {
            return Err(MediaFileError::invalid("WAV", format!("it is longer than {} minutes", LONGEST_SECONDS / 60)));
        }
        let interleaved: Vec<f32> = match spec.sample_format {
            hound::SampleFormat::Float => wav.samples::<f32>().collect::<Result<_, _>>().map_err(sample_error)?,
            hound::SampleFormat::Int => {
                let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
                wav.samples::<i32>().map(|s| s.map(|s| s as f32 * scale)).collect::<Result<_, _>>().map_err(sample_error)?
            }
        };
        if interleaved.len() < channels {
            return Err(MediaFileError::invalid("WAV", "it holds no audio"));
        }
        let mono: Vec<f32> = interleaved.chunks_exact(channels).map(|c| c.iter().sum::<f32>() / channels as f32).collect();
        let at_48k = resample(&mono, spec.sample_rate)?;
        Ok(Self { samples: at_48k.iter().map(|&s| to_i16(s)).collect() })
    }

    /// A clip of these 48 kHz samples.
    pub fn from_samples(samples: Vec<i16>) -> Self {
        Self { samples }
    }

    pub fn samples(&self) -> &[i16] {
        &self.samples
    }

    /// The `index`th 20 ms of the clip played in a loop: the end joins the start again.
    pub fn looped_frame(&self, index: u64) -> AudioFrame {
        if self.samples.is_empty() {
            return AudioFrame::silence();
        }
        let start = (index as u128 * FRAME_SAMPLES as u128 % self.samples.len() as u128) as usize;
        let samples = self.samples.iter().cycle().skip(start).take(FRAME_SAMPLES).copied().collect();
        AudioFrame { samples }
    }
}

/// Resamples a whole mono clip to 48 kHz (a copy when it is at 48 kHz already).
pub fn resample(mono: &[f32], rate: u32) -> Result<Vec<f32>, MediaFileError> {
    if rate == SAMPLE_RATE || mono.is_empty() {
        return Ok(mono.to_vec());
    }
    let resampling_failed = |e: &dyn std::fmt::Display| MediaFileError::invalid("WAV", format!("resampling from {rate} Hz failed: {e}"));
    let mut resampler = Fft::<f32>::new(rate as usize, SAMPLE_RATE as usize, RESAMPLER_CHUNK, 1, FixedSync::Input)
        .map_err(|e| resampling_failed(&e))?;
    let input = InterleavedSlice::new(mono, 1, mono.len()).map_err(|e| resampling_failed(&e))?;
    let output = resampler.process_all(&input, mono.len(), None).map_err(|e| resampling_failed(&e))?;
    Ok(output.take_data())
}

/// Writes 20 ms frames as a 48 kHz mono 16-bit WAV file.
pub struct WavRecorder<W: Write + Seek> {
    inner: hound::WavWriter<W>,
}

impl<W: Write + Seek> WavRecorder<W> {
    pub fn new(writer: W) -> Result<Self, MediaFileError> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: SAMPLE_RATE,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        Ok(Self { inner: hound::WavWriter::new(writer, spec).map_err(wav_error)? })
    }

    pub fn write_frame(&mut self, frame: &AudioFrame) -> Result<(), MediaFileError> {
        let mut samples = self.inner.get_i16_writer(frame.samples.len() as u32);
        for &sample in &frame.samples {
            samples.write_sample(sample);
        }
        samples.flush().map_err(wav_error)
    }

    /// Updates the header so the file is valid up to here, even if the process dies later.
    pub fn checkpoint(&mut self) -> Result<(), MediaFileError> {
        self.inner.flush().map_err(wav_error)
    }

    /// Samples written so far.
    pub fn samples_written(&self) -> u32 {
        self.inner.len()
    }

    pub fn finish(self) -> Result<(), MediaFileError> {
        self.inner.finalize().map_err(wav_error)
    }
}

fn to_i16(sample: f32) -> i16 {
    (sample * 32768.0).round().clamp(i16::MIN as f32, i16::MAX as f32) as i16
}

/// While reading the header, hound reports a file that ends too soon as an I/O error.
fn header_error(error: hound::Error) -> MediaFileError {
    match error {
        hound::Error::IoError(_) => MediaFileError::invalid("WAV", "its header is cut short (the file is truncated or corrupt)"),
        other => wav_error(other),
    }
}

/// While reading samples, hound reports a data chunk shorter than its header declares as an I/O error.
fn sample_error(error: hound::Error) -> MediaFileError {
    match error {
        hound::Error::IoError(_) => MediaFileError::invalid("WAV", "the audio data is cut short (the file is truncated)"),
        other => wav_error(other),
    }
}

fn wav_error(error: hound::Error) -> MediaFileError {
    match error {
        hound::Error::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            MediaFileError::invalid("WAV", "the audio data is cut short (the file is truncated)")
        }
        hound::Error::IoError(e) => MediaFileError::Io(e),
        hound::Error::FormatError(what) => MediaFileError::invalid("WAV", format!("{what} (the file is corrupt)")),
        hound::Error::Unsupported => MediaFileError::invalid(
            "WAV",
            "its encoding is not PCM or float (convert with: ffmpeg -i IN -ar 48000 -ac 1 -c:a pcm_s16le OUT.wav)",
        ),
        other => MediaFileError::invalid("WAV", other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::tone::Tone;

    fn wav_bytes(spec: hound::WavSpec, write: impl FnOnce(&mut hound::WavWriter<&mut Cursor<Vec<u8>>>)) -> Vec<u8> {
        let mut cursor = Cursor::new(Vec::new());
        let mut writer = hound::WavWriter::new(&mut cursor, spec).unwrap();
        write(&mut writer);
        writer.finalize().unwrap();
        cursor.into_inner()
    }

    fn spec(channels: u16, sample_rate: u32, bits: u16, format: hound::SampleFormat) -> hound::WavSpec {
        hound::WavSpec { channels, sample_rate, bits_per_sample: bits, sample_format: format }
    }

    /// Zero crossings per second: twice the frequency of a pure tone.
    fn zero_crossings_per_second(samples: &[i16]) -> f64 {
        let crossings = samples.windows(2).filter(|w| (w[0] < 0) != (w[1] < 0)).count();
        crossings as f64 / (samples.len() as f64 / SAMPLE_RATE as f64)
    }

    #[test]
    fn a_recording_reads_back_sample_for_sample() {
        let mut tone = Tone::new(440.0);
        let frames: Vec<_> = (0..10).map(|_| tone.next_frame()).collect();
        let mut cursor = Cursor::new(Vec::new());
        let mut recorder = WavRecorder::new(&mut cursor).unwrap();
        for frame in &frames {
            recorder.write_frame(frame).unwrap();
        }
        assert_eq!(recorder.samples_written(), 9600);
        recorder.finish().unwrap();
        let clip = AudioClip::from_wav(Cursor::new(cursor.into_inner())).unwrap();
        let expected: Vec<i16> = frames.iter().flat_map(|f| f.samples.clone()).collect();
        assert_eq!(clip.samples(), &expected[..]);
    }

    #[test]
    fn a_checkpointed_recording_is_readable_before_it_is_finished() {
        let mut cursor = Cursor::new(Vec::new());
        {
            let mut recorder = WavRecorder::new(&mut cursor).unwrap();
            recorder.write_frame(&Tone::new(300.0).next_frame()).unwrap();
            recorder.checkpoint().unwrap();
            // Dropped without finish: as if the process had been killed after the checkpoint.
            std::mem::forget(recorder);
        }
        let clip = AudioClip::from_wav(Cursor::new(cursor.into_inner())).unwrap();
        assert_eq!(clip.samples().len(), FRAME_SAMPLES);
    }

    #[test]
    fn stereo_8_bit_at_11025_hz_becomes_48k_mono_at_the_same_pitch() {
        let rate = 11_025;
        let bytes = wav_bytes(spec(2, rate, 8, hound::SampleFormat::Int), |w| {
            for n in 0..rate {
                let s = (f64::from(n) * std::f64::consts::TAU * 500.0 / f64::from(rate)).sin();
                let s = (s * 100.0) as i8;
                w.write_sample(s).unwrap();
                w.write_sample(s).unwrap();
            }
        });
        let clip = AudioClip::from_wav(Cursor::new(bytes)).unwrap();
        let seconds = clip.samples().len() as f64 / 48_000.0;
        assert!((seconds - 1.0).abs() < 0.01, "{seconds} s");
        let pitch = zero_crossings_per_second(clip.samples()) / 2.0;
        assert!((pitch - 500.0).abs() < 5.0, "{pitch} Hz");
        let peak = clip.samples().iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!((24_000..=27_000).contains(&peak), "peak {peak}");
    }

    #[test]
    fn float_wav_at_44100_is_resampled() {
        let bytes = wav_bytes(spec(1, 44_100, 32, hound::SampleFormat::Float), |w| {
            for n in 0..44_100 {
                w.write_sample((n as f32 * std::f32::consts::TAU * 1000.0 / 44_100.0).sin() * 0.5).unwrap();
            }
        });
        let clip = AudioClip::from_wav(Cursor::new(bytes)).unwrap();
        let pitch = zero_crossings_per_second(clip.samples()) / 2.0;
        assert!((pitch - 1000.0).abs() < 5.0, "{pitch} Hz");
    }

    #[test]
    fn truncated_corrupt_and_unsupported_files_are_refused_in_words() {
        let good = wav_bytes(spec(1, 48_000, 16, hound::SampleFormat::Int), |w| {
            for n in 0..4800 {
                w.write_sample(n as i16).unwrap();
            }
        });
        let mut truncated = good.clone();
        truncated.truncate(good.len() - 100);
        let error = AudioClip::from_wav(Cursor::new(truncated)).unwrap_err().to_string();
        assert!(error.contains("truncated"), "{error}");

        let mut corrupt = good.clone();
        corrupt[0..4].copy_from_slice(b"JUNK");
        let error = AudioClip::from_wav(Cursor::new(corrupt)).unwrap_err().to_string();
        assert!(error.contains("WAV"), "{error}");

        let slow = wav_bytes(spec(1, 4_000, 16, hound::SampleFormat::Int), |w| w.write_sample(0i16).unwrap());
        let error = AudioClip::from_wav(Cursor::new(slow)).unwrap_err().to_string();
        assert!(error.contains("4000 Hz"), "{error}");

        let empty = wav_bytes(spec(1, 48_000, 16, hound::SampleFormat::Int), |_| {});
        let error = AudioClip::from_wav(Cursor::new(empty)).unwrap_err().to_string();
        assert!(error.contains("no audio"), "{error}");

        assert!(AudioClip::from_wav(Cursor::new(Vec::new())).is_err());
    }

    #[test]
    fn frames_loop_from_the_end_to_the_start() {
        let clip = AudioClip::from_samples((0..1000).collect());
        let second = clip.looped_frame(1);
        assert_eq!(second.samples[0], 960);
        assert_eq!(second.samples[39], 999);
        assert_eq!(second.samples[40], 0);
        assert_eq!(second.samples.len(), FRAME_SAMPLES);
    }
}
