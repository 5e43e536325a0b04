//! What a camera picture costs before encoding, at 1280×720: each pixel format Palabre converts (made from the
//! test pattern by ffmpeg, as a camera would deliver it) turned into I420 many times; and what the voice
//! processing costs per 20 ms of microphone, all on, echo cancellation alone, and off.

use std::process::Command;
use std::time::Instant;

use palabre_media::{psnr, to_i420, AudioFrame, PixelFormat, TestPattern, VoiceProcessing, VoiceProcessor, FRAME_SAMPLES};

use crate::error::BenchError;
use crate::media_quality::{io_error, media_error, write_pattern};
use crate::work_dir::WorkDir;

pub struct Conversion {
    pub label: &'static str,
    pub bytes: usize,
    pub mean_ms: f64,
    pub max_ms: f64,
    pub psnr_db: f64,
}

pub struct Voice {
    pub label: &'static str,
    /// Microseconds of one thread per 20 ms frame (microphone and speaker sides together).
    pub mean_us: f64,
}

pub fn run(width: u32, height: u32, rounds: u32) -> Result<(Vec<Conversion>, Vec<Voice>), BenchError> {
    let work = WorkDir::create()?;
    let pattern = work.join("pattern.y4m");
    write_pattern(&pattern, width, height, 1)?;
    let reference = TestPattern::new(width, height).frame(0);
    let cases: [(&'static str, PixelFormat, &str, &[&str]); 4] = [
        ("NV12", PixelFormat::Nv12, "picture.nv12", &["-pix_fmt", "nv12", "-f", "rawvideo"]),
        ("YUYV", PixelFormat::Yuyv, "picture.yuyv", &["-pix_fmt", "yuyv422", "-f", "rawvideo"]),
        ("MJPEG 4:2:2", PixelFormat::Mjpeg, "picture-422.jpg", &["-pix_fmt", "yuvj422p", "-q:v", "5", "-c:v", "mjpeg"]),
        ("MJPEG 4:2:0", PixelFormat::Mjpeg, "picture-420.jpg", &["-pix_fmt", "yuvj420p", "-q:v", "5", "-c:v", "mjpeg"]),
    ];
    let mut conversions = Vec::new();
    for (label, format, name, ffmpeg_args) in cases {
        let picture = work.join(name);
        let made = Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
            .arg(&pattern)
            .args(ffmpeg_args)
            .arg(&picture)
            .status();
        if !made.is_ok_and(|status| status.success()) {
            return Err(BenchError::Missing { what: "ffmpeg", path: "/usr/bin/ffmpeg".into(), hint: "apt-get install ffmpeg" });
        }
        let data = std::fs::read(&picture).map_err(io_error("cannot read", &picture))?;
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..rounds {
            let started = Instant::now();
            let frame = to_i420(format, width, height, &data).map_err(|e| media_error(&picture, e))?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            last = Some(frame);
        }
        let psnr_db = last.and_then(|frame| psnr(&reference, &frame)).unwrap_or(0.0);
        let mean_ms = times.iter().sum::<f64>() / times.len().max(1) as f64;
        let max_ms = times.iter().copied().fold(0.0, f64::max);
        conversions.push(Conversion { label, bytes: data.len(), mean_ms, max_ms, psnr_db });
    }
    work.remove();
    Ok((conversions, voice_costs(rounds.max(50) * 5)))
}

fn voice_costs(frames: u32) -> Vec<Voice> {
    // Speech-like enough for the processors to work: seeded noise, louder and softer by turns.
    let mut state = 0x9e37_79b9_u32;
    let mut noise = |loud: bool| -> AudioFrame {
        let samples = (0..FRAME_SAMPLES)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state >> 16) as i16 / if loud { 4 } else { 64 }
            })
            .collect();
        AudioFrame { samples }
    };
    let settings = [
        ("all on (the default)", VoiceProcessing::default()),
        ("echo cancellation only", VoiceProcessing { echo_cancellation: true, ..VoiceProcessing::OFF }),
        ("noise suppression only", VoiceProcessing { noise_suppression: true, ..VoiceProcessing::OFF }),
        ("automatic gain only", VoiceProcessing { auto_gain: true, ..VoiceProcessing::OFF }),
    ];
    settings
        .into_iter()
        .map(|(label, setting)| {
            let mut processor = VoiceProcessor::new(setting);
            let started = Instant::now();
            for index in 0..frames {
                processor.far_end(&noise(index % 100 < 50));
                let mut heard = noise(index % 70 < 20);
                processor.near_end(&mut heard);
            }
            Voice { label, mean_us: started.elapsed().as_secs_f64() * 1e6 / f64::from(frames) }
        })
        .collect()
}
