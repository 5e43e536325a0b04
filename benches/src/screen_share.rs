//! `palabre-bench screen-share`: one participant shares a 1920×1080 screen (an Xvfb display showing a slide, or
//! a y4m file of a still slide and of scrolling text) to another through the embedded server; what the sharer's
//! process spent and the bitrate its share took. Also the BGRA→I420 conversion alone, in this process.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use palabre_e2e::webdriver::Display;
use palabre_media::{bgra_to_i420, VideoFrame, Y4mHeader, Y4mWriter};

use crate::error::BenchError;
use crate::media_quality;
use crate::process::{Finished, Running};
use crate::server::Server;
use crate::two_party::binary;
use crate::work_dir::{last_line, WorkDir};

const GRACE: Duration = Duration::from_secs(60);
const WIDTH: u32 = 1920;
const HEIGHT: u32 = 1080;
/// Pixels the text moves up per frame in the scrolling case.
const SCROLL_PX: usize = 8;

pub struct Settings {
    pub seconds: u64,
    pub bin_dir: PathBuf,
}

/// One shared call and what it cost.
pub struct ShareFigures {
    pub case: &'static str,
    pub fps: u32,
    /// The sharer's process, start to end (its camera and microphone are off).
    pub cpu: Duration,
    pub wall: Duration,
    pub frames_sent: u64,
    pub frames_decoded: u64,
    pub kbps: f64,
}

pub struct Figures {
    pub shares: Vec<ShareFigures>,
    /// BGRA→I420 of one 1920×1080 picture, in this process (mean of 20).
    pub convert_ms: f64,
}

pub fn run(settings: &Settings) -> Result<Figures, BenchError> {
    let server_binary = binary(&settings.bin_dir, "palabre-server")?;
    let cli = binary(&settings.bin_dir, "palabre-cli")?;
    let work = WorkDir::create()?;
    let slide = slide_rgb();
    let display = Display::with_size(&format!("{WIDTH}x{HEIGHT}"));
    let picture = work.join("slide.ppm");
    std::fs::write(&picture, ppm(&slide)).map_err(|source| BenchError::Io { what: "cannot write", path: picture.clone(), source })?;
    // `display` sets the root window's background and leaves; its exit status says nothing useful.
    let _ = Command::new("display").args(["-window", "root"]).arg(&picture).env("DISPLAY", &display.name).status();
    let still = work.join("still.y4m");
    let scrolling = work.join("scrolling.y4m");
    write_y4m(&still, &[frame(&slide, 0)])?;
    let scrolled: Vec<VideoFrame> = (0..25).map(|i| frame(&slide, i * SCROLL_PX)).collect();
    write_y4m(&scrolling, &scrolled)?;

    let cases: [(&'static str, Vec<String>, u32); 4] = [
        ("screen (Xvfb)", vec!["--screen".into(), display.name.clone()], 5),
        ("screen (Xvfb)", vec!["--screen".into(), display.name.clone()], 15),
        ("still slide (file)", vec!["--screen-file".into(), still.display().to_string()], 5),
        ("scrolling text (file)", vec!["--screen-file".into(), scrolling.display().to_string()], 5),
    ];
    let mut shares = Vec::new();
    for (index, (case, source, fps)) in cases.into_iter().enumerate() {
        let server = Server::start(&server_binary, "bench", &work.join("data"), &work.join(&format!("server-{index}.log")))?;
        let name = |who: &str| format!("{who}-{index}");
        let receiver = start(&cli, &server.links.guest, &name("receiver"), &[], settings.seconds + 2, &work)?;
        let mut args = source;
        args.extend(["--screen-fps".to_string(), fps.to_string()]);
        let sharer = start(&cli, &server.links.host, &name("sharer"), &args, settings.seconds, &work)?;
        let deadline = Instant::now() + Duration::from_secs(settings.seconds) + GRACE;
        let sharer = check(sharer.wait(deadline)?, &name("sharer"), &work)?;
        check(receiver.wait(deadline)?, &name("receiver"), &work)?;
        server.stop()?;
        let sent = report(&work, &name("sharer"))?;
        let received = report(&work, &name("receiver"))?;
        let frames_sent = sent["sent"]["screen_frames"].as_u64().unwrap_or(0);
        let bytes = sent["sent"]["screen_bytes"].as_u64().unwrap_or(0);
        let frames_decoded = received["participants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["screen_frames_decoded"].as_u64().unwrap_or(0))
            .sum();
        let seconds_shared = frames_sent as f64 / f64::from(fps);
        let kbps = if seconds_shared > 0.0 { bytes as f64 * 8.0 / seconds_shared / 1000.0 } else { 0.0 };
        shares.push(ShareFigures { case, fps, cpu: sharer.cpu, wall: sharer.wall, frames_sent, frames_decoded, kbps });
    }
    let convert_ms = conversion_ms(&slide);
    work.remove();
    Ok(Figures { shares, convert_ms })
}

fn start(cli: &Path, link: &str, name: &str, extra: &[String], seconds: u64, work: &WorkDir) -> Result<Running, BenchError> {
    let seconds = seconds.to_string();
    let mut args = vec!["--video", "none", "--audio", "none", "--duration", &seconds];
    args.extend(extra.iter().map(String::as_str));
    media_quality::start(cli, link, name, &args, work)
}

fn check(done: Finished, name: &str, work: &WorkDir) -> Result<Finished, BenchError> {
    if done.status.success() {
        return Ok(done);
    }
    let log = work.join(&format!("{name}.log"));
    Err(BenchError::Failed { name: name.to_string(), status: done.status, last_line: last_line(&log), log })
}

fn report(work: &WorkDir, name: &str) -> Result<serde_json::Value, BenchError> {
    let path = work.join(&format!("{name}.json"));
    let error = |detail: String| BenchError::Report { name: name.to_string(), path: path.clone(), detail };
    let text = std::fs::read_to_string(&path).map_err(|e| error(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| error(e.to_string()))
}

/// A page of text: black "words" of pseudo-random widths on white lines, 14 px apart, as RGB.
fn slide_rgb() -> Vec<[u8; 3]> {
    let mut pixels = vec![[255u8; 3]; (WIDTH * HEIGHT) as usize];
    let mut seed = 0x2545_f491_u32;
    let mut next = |range: u32| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed % range
    };
    for line in (40..HEIGHT - 40).step_by(14) {
        let mut x = 80;
        while x < WIDTH - 120 {
            let word = 12 + next(60);
            for y in line..line + 9 {
                for dx in 0..word {
                    // Glyph-like holes keep it from being flat blocks.
                    if (dx + y) % 5 != 0 {
                        pixels[(y * WIDTH + x + dx) as usize] = [20, 20, 20];
                    }
                }
            }
            x += word + 6 + next(6);
        }
    }
    pixels
}

fn ppm(pixels: &[[u8; 3]]) -> Vec<u8> {
    let mut bytes = format!("P6\n{WIDTH} {HEIGHT}\n255\n").into_bytes();
    bytes.extend(pixels.iter().flatten());
    bytes
}

fn bgra(pixels: &[[u8; 3]], scroll: usize) -> Vec<u8> {
    let row = WIDTH as usize;
    let rotated = pixels[scroll * row % pixels.len()..].iter().chain(&pixels[..scroll * row % pixels.len()]);
    rotated.flat_map(|&[r, g, b]| [b, g, r, 255]).collect()
}

/// The slide scrolled up by `scroll` rows, as the share would encode it.
fn frame(pixels: &[[u8; 3]], scroll: usize) -> VideoFrame {
    bgra_to_i420(WIDTH, HEIGHT, &bgra(pixels, scroll)).expect("a whole picture")
}

fn write_y4m(path: &Path, frames: &[VideoFrame]) -> Result<(), BenchError> {
    let failed = |detail: String| BenchError::Io { what: "cannot write", path: path.to_path_buf(), source: std::io::Error::other(detail) };
    let file = File::create(path).map_err(|source| BenchError::Io { what: "cannot create", path: path.to_path_buf(), source })?;
    let header = Y4mHeader { width: WIDTH, height: HEIGHT, fps_numerator: 5, fps_denominator: 1 };
    let mut writer = Y4mWriter::new(BufWriter::new(file), header).map_err(|e| failed(e.to_string()))?;
    for frame in frames {
        writer.write_frame(frame).map_err(|e| failed(e.to_string()))?;
    }
    writer.flush().map_err(|e| failed(e.to_string()))
}

fn conversion_ms(pixels: &[[u8; 3]]) -> f64 {
    let picture = bgra(pixels, 0);
    let started = Instant::now();
    for _ in 0..20 {
        std::hint::black_box(bgra_to_i420(WIDTH, HEIGHT, std::hint::black_box(&picture)).expect("a whole picture"));
    }
    started.elapsed().as_secs_f64() * 1000.0 / 20.0
}
