//! `palabre-bench media-quality`: one `palabre-cli` sends a generated 1280×720 y4m (the numbered test pattern)
//! and espeak-ng speech through the embedded server; another records what it decoded. Prints how close the
//! received pictures are to the sent ones (PSNR and SSIM, matched by the frame number drawn in each), the bitrate,
//! how well the speech survived (cross-correlation and SNR after alignment), and the VP8 encode and decode time
//! per frame measured in this process on the same pictures.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use palabre_e2e::media_check::best_match;
use palabre_media::{psnr, read_frame_number, AudioClip, TestPattern, VideoCodec, VideoConfig, VideoFrame, Y4mHeader, Y4mReader, Y4mWriter};

use crate::error::BenchError;
use crate::process::Running;
use crate::report::CallReport;
use crate::server::Server;
use crate::two_party::binary;
use crate::work_dir::{create_file, last_line, WorkDir};

const GRACE: Duration = Duration::from_secs(60);
/// Pictures in the sent file (it loops): 3 s at 30 fps, 124 MiB at 1280×720.
const FILE_FRAMES: u32 = 90;
const SPEECH: &str = "Bonjour à tous. La séance du conseil municipal est ouverte. Nous passons au premier point de l'ordre du jour.";

pub struct Settings {
    pub seconds: u64,
    pub width: u32,
    pub height: u32,
    pub bin_dir: PathBuf,
    /// What both participants prefer, so the call uses it (`--video-codec`).
    pub video_codec: VideoCodec,
}

pub struct Figures {
    pub frames_recorded: usize,
    pub frames_matched: usize,
    pub psnr_db: Stats,
    pub ssim: Stats,
    pub video_kbps: f64,
    pub received_kbps: f64,
    pub speech_correlation: f64,
    pub speech_snr_db: f64,
    pub encode_ms: Stats,
    pub decode_ms: Stats,
    pub keyframe_bytes: usize,
    pub delta_frame_bytes: f64,
}

/// Mean, minimum and maximum of a series.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

impl Stats {
    fn of(values: &[f64]) -> Stats {
        if values.is_empty() {
            return Stats::default();
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        Stats { mean, min: values.iter().copied().fold(f64::MAX, f64::min), max: values.iter().copied().fold(f64::MIN, f64::max) }
    }
}

pub fn run(settings: &Settings) -> Result<Figures, BenchError> {
    let server_binary = binary(&settings.bin_dir, "palabre-server")?;
    let cli_binary = binary(&settings.bin_dir, "palabre-cli")?;
    let work = WorkDir::create()?;
    let (video, speech, record) = (work.join("sent.y4m"), work.join("speech.wav"), work.join("recorded"));
    write_pattern(&video, settings.width, settings.height, FILE_FRAMES)?;
    let status = Command::new("espeak-ng").args(["-v", "fr", "-w"]).arg(&speech).arg(SPEECH).status();
    if !status.is_ok_and(|s| s.success()) {
        return Err(BenchError::Missing { what: "espeak-ng", path: "espeak-ng".into(), hint: "install it with scripts/install-deps.sh" });
    }
    let (encode_ms, decode_ms, keyframe_bytes, delta_frame_bytes) = codec_timing(settings.video_codec, settings.width, settings.height)?;
    let codec = settings.video_codec.to_string();

    let server = Server::start(&server_binary, "bench", &work.join("data"), &work.join("server.log"))?;
    let seconds = settings.seconds.to_string();
    let sender = start(&cli_binary, &server.links.guest, "Sender", &["--video", path(&video), "--audio", path(&speech), "--duration", &seconds, "--video-codec", &codec], &work)?;
    let receiver = start(
        &cli_binary,
        &server.links.guest,
        "Receiver",
        &["--video", "none", "--audio", "none", "--record", path(&record), "--duration", &seconds, "--video-codec", &codec],
        &work,
    )?;
    let deadline = Instant::now() + Duration::from_secs(settings.seconds) + GRACE;
    for (name, process) in [("Sender", sender), ("Receiver", receiver)] {
        let done = process.wait(deadline)?;
        if !done.status.success() {
            let log = work.join(&format!("{name}.log"));
            return Err(BenchError::Failed { name: name.into(), status: done.status, last_line: last_line(&log), log });
        }
    }
    server.stop()?;

    let report = CallReport::read("the receiver", &work.join("Receiver.json"))?;
    let received_kbps = report.bytes_from("Sender") as f64 * 8.0 / settings.seconds as f64 / 1000.0;
    let sender_report = CallReport::read("the sender", &work.join("Sender.json"))?;
    let (frames_recorded, psnrs, ssims) = compare_video(&record.join("Sender.y4m"), settings.width, settings.height)?;
    let (speech_correlation, speech_snr_db) = compare_audio(&speech, &record.join("Sender.wav"))?;
    let figures = Figures {
        frames_recorded,
        frames_matched: psnrs.len(),
        psnr_db: Stats::of(&psnrs),
        ssim: Stats::of(&ssims),
        video_kbps: sender_report.sent_bytes as f64 * 8.0 / settings.seconds as f64 / 1000.0,
        received_kbps,
        speech_correlation,
        speech_snr_db,
        encode_ms,
        decode_ms,
        keyframe_bytes,
        delta_frame_bytes,
    };
    work.remove();
    Ok(figures)
}

fn path(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// Starts `palabre-cli join LINK --name NAME ARGS… --report WORK/NAME.json`, its log in `WORK/NAME.log`.
pub(crate) fn start(binary: &Path, link: &str, name: &str, args: &[&str], work: &WorkDir) -> Result<Running, BenchError> {
    Running::spawn(name, &mut participant(binary, link, name, args, work)?)
}

/// The command [`start`] runs, for a caller that adds to it.
pub(crate) fn participant(binary: &Path, link: &str, name: &str, args: &[&str], work: &WorkDir) -> Result<Command, BenchError> {
    let mut command = Command::new(binary);
    command
        .args(["join", link, "--name", name])
        .args(args)
        .arg("--report")
        .arg(work.join(&format!("{name}.json")))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(create_file(&work.join(&format!("{name}.log")))?);
    Ok(command)
}

pub(crate) fn io_error<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> BenchError + 'a {
    move |source| BenchError::Io { what, path: path.to_path_buf(), source }
}

pub(crate) fn media_error(path: &Path, error: impl std::fmt::Display) -> BenchError {
    BenchError::Io { what: "cannot use", path: path.to_path_buf(), source: std::io::Error::other(error.to_string()) }
}

/// `frames` numbered test-pattern pictures as a y4m at 30 fps.
pub(crate) fn write_pattern(path: &Path, width: u32, height: u32, frames: u32) -> Result<(), BenchError> {
    let file = File::create(path).map_err(io_error("cannot create", path))?;
    let header = Y4mHeader { width, height, fps_numerator: 30, fps_denominator: 1 };
    let mut writer = Y4mWriter::new(BufWriter::new(file), header).map_err(|e| media_error(path, e))?;
    let mut pattern = TestPattern::new(width, height);
    for index in 0..frames {
        writer.write_frame(&pattern.frame(index)).map_err(|e| media_error(path, e))?;
    }
    writer.flush().map_err(|e| media_error(path, e))
}

/// Each recorded picture against the sent picture with the same number: PSNR over Y, U and V, SSIM over Y.
fn compare_video(recorded: &Path, width: u32, height: u32) -> Result<(usize, Vec<f64>, Vec<f64>), BenchError> {
    let file = File::open(recorded).map_err(io_error("cannot open the recording", recorded))?;
    let mut reader = Y4mReader::new(BufReader::new(file)).map_err(|e| media_error(recorded, e))?;
    let mut pattern = TestPattern::new(width, height);
    let (mut count, mut psnrs, mut ssims) = (0, Vec::new(), Vec::new());
    while let Some(frame) = reader.read_frame().map_err(|e| media_error(recorded, e))? {
        count += 1;
        let Some(number) = read_frame_number(&frame) else { continue };
        let sent = pattern.frame(number % FILE_FRAMES);
        if let Some(db) = psnr(&sent, &frame) {
            psnrs.push(db.min(99.0));
            ssims.push(luma_ssim(&sent, &frame));
        }
    }
    Ok((count, psnrs, ssims))
}

/// SSIM of the luma planes (Wang et al. 2004) over 8×8 windows stepping by 8, averaged.
fn luma_ssim(a: &VideoFrame, b: &VideoFrame) -> f64 {
    const WINDOW: usize = 8;
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    let width = a.width as usize;
    let (mut total, mut windows) = (0.0, 0usize);
    for top in (0..a.height as usize - WINDOW + 1).step_by(WINDOW) {
        for left in (0..width - WINDOW + 1).step_by(WINDOW) {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for row in top..top + WINDOW {
                for col in left..left + WINDOW {
                    let (x, y) = (f64::from(a.y[row * width + col]), f64::from(b.y[row * width + col]));
                    (sa, sb, saa, sbb, sab) = (sa + x, sb + y, saa + x * x, sbb + y * y, sab + x * y);
                }
            }
            let n = (WINDOW * WINDOW) as f64;
            let (ma, mb) = (sa / n, sb / n);
            let (va, vb, cov) = (saa / n - ma * ma, sbb / n - mb * mb, sab / n - ma * mb);
            total += ((2.0 * ma * mb + c1) * (2.0 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            windows += 1;
        }
    }
    total / windows.max(1) as f64
}

/// Where the sent speech (played in a loop) best matches two seconds of the recording, and the SNR there after
/// scaling the sent speech to the received level.
fn compare_audio(sent: &Path, recorded: &Path) -> Result<(f64, f64), BenchError> {
    let read = |path: &Path| -> Result<Vec<i16>, BenchError> {
        let file = File::open(path).map_err(io_error("cannot open", path))?;
        Ok(AudioClip::from_wav(BufReader::new(file)).map_err(|e| media_error(path, e))?.samples().to_vec())
    };
    let (sent, recorded) = (read(sent)?, read(recorded)?);
    let piece = &recorded[recorded.len().min(48_000)..recorded.len().min(3 * 48_000)];
    if piece.len() < 48_000 {
        return Err(media_error(Path::new("the recorded speech"), "under two seconds were recorded"));
    }
    let looped = [&sent[..], &sent[..], &sent[..]].concat();
    let (correlation, offset) = best_match(piece, &looped);
    // best_match finds the offset at 4 kHz; refine it at full rate within ±12 samples.
    let snr = (offset.saturating_sub(12)..offset + 12)
        .filter(|&at| at + piece.len() <= looped.len())
        .map(|at| snr_db(&looped[at..at + piece.len()], piece))
        .fold(f64::MIN, f64::max);
    Ok((correlation, snr))
}

fn snr_db(reference: &[i16], received: &[i16]) -> f64 {
    let (r, x): (Vec<f64>, Vec<f64>) = reference.iter().zip(received).map(|(&a, &b)| (f64::from(a), f64::from(b))).unzip();
    let gain = r.iter().zip(&x).map(|(a, b)| a * b).sum::<f64>() / r.iter().map(|a| a * a).sum::<f64>().max(1.0);
    let signal: f64 = x.iter().map(|b| b * b).sum();
    let noise: f64 = r.iter().zip(&x).map(|(a, b)| (b - gain * a).powi(2)).sum();
    10.0 * (signal / noise.max(1.0)).log10()
}

/// `video_codec`'s encode and decode time per frame (ms) on the test pattern, with Palabre's real-time settings,
/// and the size of the first (key) frame and of the others.
fn codec_timing(video_codec: VideoCodec, width: u32, height: u32) -> Result<(Stats, Stats, usize, f64), BenchError> {
    let name = video_codec.to_string();
    let codec = |e: palabre_media::CodecError| media_error(Path::new(&name), e);
    let mut encoder = video_codec.encoder(VideoConfig { width, height, fps: 30, bitrate_kbps: 600 }).map_err(codec)?;
    let mut decoder = video_codec.decoder().map_err(codec)?;
    let mut pattern = TestPattern::new(width, height);
    let (mut encode, mut decode, mut sizes) = (Vec::new(), Vec::new(), Vec::new());
    for index in 0..FILE_FRAMES {
        let frame = pattern.frame(index);
        let started = Instant::now();
        let packets = encoder.encode(&frame, i64::from(index) * 33, false).map_err(codec)?;
        encode.push(started.elapsed().as_secs_f64() * 1000.0);
        for packet in packets {
            sizes.push(packet.data.len());
            let started = Instant::now();
            decoder.decode(&packet.data).map_err(codec)?;
            decode.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let keyframe = sizes.first().copied().unwrap_or(0);
    let deltas = &sizes[1.min(sizes.len())..];
    Ok((Stats::of(&encode), Stats::of(&decode), keyframe, deltas.iter().sum::<usize>() as f64 / deltas.len().max(1) as f64))
}
