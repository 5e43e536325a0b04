//! Screen sharing with real processes under Xvfb: a known picture is drawn on a virtual screen, one participant
//! shares that screen, the other records what it decodes; the recording is compared with the picture (PSNR).
//! Stopping the share ends it for the receiver; a participant whose role does not allow sharing is refused.
//! One window can be shared instead of the whole screen, and closing it ends the share. A 1920×1080 page of
//! scrolling text, the hardest screen content, arrives on most frames.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use palabre_e2e::media_check::write_pattern_y4m;
use palabre_e2e::webdriver::Display;
use palabre_e2e::{finish, join, read_report, temp_dir, Server};
use palabre_media::{bgra_to_i420, psnr, VideoFrame, Y4mHeader, Y4mReader, Y4mWriter};
use palabre_screen::SourceKind;

const LIMIT: Duration = Duration::from_secs(120);
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 720;

/// A slide-like picture: coloured bands, thin black lines (text-sized detail) and a gradient, as RGB rows.
fn slide() -> Vec<[u8; 3]> {
    let colours = [[255, 255, 255], [230, 40, 40], [40, 160, 60], [30, 60, 200], [250, 200, 30], [20, 20, 20]];
    let mut pixels = Vec::with_capacity((WIDTH * HEIGHT) as usize);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let pixel = if y < HEIGHT / 2 {
                colours[(x * colours.len() as u32 / WIDTH) as usize]
            } else if y % 24 < 2 && x % 200 < 160 {
                [0, 0, 0]
            } else {
                let shade = (x * 255 / WIDTH) as u8;
                [shade, 255 - shade, 128]
            };
            pixels.push(pixel);
        }
    }
    pixels
}

/// Writes `pixels` (WIDTH wide) as a binary PPM, which ImageMagick's `display` reads.
fn write_ppm(path: &Path, pixels: &[[u8; 3]]) {
    let height = pixels.len() / WIDTH as usize;
    let mut bytes = format!("P6\n{WIDTH} {height}\n255\n").into_bytes();
    bytes.extend(pixels.iter().flatten());
    std::fs::write(path, bytes).expect("write the picture");
}

/// The picture (WIDTH wide) as the sharer's screen holds it, in I420.
fn reference(pixels: &[[u8; 3]]) -> VideoFrame {
    let bgra: Vec<u8> = pixels.iter().flat_map(|&[r, g, b]| [b, g, r, 255]).collect();
    bgra_to_i420(WIDTH, (pixels.len() / WIDTH as usize) as u32, &bgra).expect("a whole picture")
}

fn last_frame(path: &Path) -> (VideoFrame, usize) {
    let file = std::io::BufReader::new(std::fs::File::open(path).expect("the share was recorded"));
    let mut reader = Y4mReader::new(file).expect("a y4m file");
    let frames: Vec<VideoFrame> = std::iter::from_fn(|| reader.read_frame().expect("readable y4m")).collect();
    let count = frames.len();
    (frames.into_iter().last().expect("at least one frame"), count)
}

fn participant<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["participants"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{name} in {report}"))
}

#[test]
fn a_shared_screen_reaches_the_receiver_sharp_and_ends_when_stopped() {
    let dir = temp_dir("screen-share");
    let display = Display::with_size(&format!("{WIDTH}x{HEIGHT}"));
    let pixels = slide();
    let picture = dir.join("slide.ppm");
    write_ppm(&picture, &pixels);
    // `display` sets the root window's background and leaves; its exit status says nothing useful.
    let _ = Command::new("display").args(["-window", "root"]).arg(&picture).env("DISPLAY", &display.name).status().expect("ImageMagick's display runs");

    let server = Server::start("Partage", &dir);
    let (record, alice_report, bob_report) = (dir.join("recorded"), dir.join("alice.json"), dir.join("bob.json"));
    // The animateur makes Bob an intervenant at 1 s; Bob shares from 4 s to 8 s and again from 10 s to 13 s, then
    // stays in the call.
    let alice = join(
        &server.host_link,
        "Alice",
        &["--video", "none", "--audio", "none", "--record", record.to_str().unwrap(), "--duration", "17", "--do", "1:role=Bob:intervenant", "--report", alice_report.to_str().unwrap()],
    );
    let bob = join(
        &server.guest_link,
        "Bob",
        &["--video", "test-pattern", "--size", "320x180", "--audio", "none", "--screen", &display.name, "--do", "4:share", "--do", "8:stop-share", "--do", "10:share", "--do", "13:stop-share", "--duration", "15", "--report", bob_report.to_str().unwrap()],
    );
    let (alice, bob) = (finish(alice, LIMIT), finish(bob, LIMIT));
    assert!(alice.status.success(), "alice: {}", alice.stderr);
    assert!(bob.status.success(), "bob: {}", bob.stderr);
    let (alice_report, bob_report) = (read_report(&alice_report), read_report(&bob_report));
    assert_eq!(bob_report["errors"], serde_json::json!([]), "{bob_report}");
    let sent = bob_report["sent"]["screen_frames"].as_u64().unwrap();
    assert!(sent >= 10, "Bob shared only {sent} frames: {bob_report}");

    let bob_seen = participant(&alice_report, "Bob");
    let decoded = bob_seen["screen_frames_decoded"].as_u64().unwrap();
    assert!(decoded >= 10 && decoded <= sent, "Alice decoded {decoded} of {sent} shared frames: {bob_seen}");
    assert!(bob_seen["video_frames_decoded"].as_u64().unwrap() > 0, "the camera goes on beside the share: {bob_seen}");
    assert_eq!(bob_seen["screen_sharing"], false, "the share ended: {bob_seen}");

    // Each share is a track of its own for the receiver, recorded into a file of its own.
    let (first, first_frames) = last_frame(&record.join("Bob.screen.y4m"));
    let (received, frames) = last_frame(&record.join("Bob-2.screen.y4m"));
    assert_eq!((first_frames + frames) as u64, decoded, "every decoded share frame is recorded, none after the stops");
    assert!(psnr(&reference(&pixels), &first).expect("same size") > 30.0);
    let quality = psnr(&reference(&pixels), &received).expect("same size");
    eprintln!("shared picture received at {quality:.1} dB PSNR after {frames} frames");
    assert!(quality > 30.0, "the shared picture arrived at {quality:.1} dB");
}

#[test]
fn a_participant_without_the_right_cannot_share_and_a_missing_screen_is_one_clear_error() {
    let dir = temp_dir("screen-refused");
    let server = Server::start("Refus", &dir);
    let slides = dir.join("slides.y4m");
    write_pattern_y4m(&slides, 320, 180, 5, 10);
    let (record, alice_report, carl_report) = (dir.join("recorded"), dir.join("alice.json"), dir.join("carl.json"));
    let alice = join(
        &server.host_link,
        "Alice",
        &["--video", "none", "--audio", "none", "--record", record.to_str().unwrap(), "--duration", "8", "--report", alice_report.to_str().unwrap()],
    );
    // Carl joins with the guest link: participant-actif, who may speak but not present.
    let carl = join(
        &server.guest_link,
        "Carl",
        &["--video", "none", "--audio", "none", "--screen-file", slides.to_str().unwrap(), "--duration", "6", "--report", carl_report.to_str().unwrap()],
    );
    let dora = join(&server.guest_link, "Dora", &["--video", "none", "--audio", "none", "--screen", ":4242", "--duration", "6"]);
    let (alice, carl, dora) = (finish(alice, LIMIT), finish(carl, LIMIT), finish(dora, LIMIT));
    assert!(alice.status.success(), "alice: {}", alice.stderr);
    assert!(carl.status.success(), "carl: {}", carl.stderr);
    let carl_report = read_report(&carl_report);
    let errors = carl_report["errors"].to_string();
    assert!(errors.contains("does not allow you to present (share a screen)"), "{carl_report}");
    assert_eq!(carl_report["sent"]["screen_frames"], 0);
    let carl_seen = participant(&read_report(&alice_report), "Carl").clone();
    assert_eq!(carl_seen["screen_frames_decoded"], 0, "{carl_seen}");
    assert_eq!(carl_seen["screen_sharing"], false, "{carl_seen}");
    assert!(!record.join("Carl.screen.y4m").exists());

    assert!(!dora.status.success());
    let lines: Vec<&str> = dora.stderr.lines().filter(|l| l.starts_with("palabre-cli:")).collect();
    assert_eq!(lines.len(), 1, "{}", dora.stderr);
    assert!(lines[0].contains("cannot share the screen: cannot open display :4242"), "{}", dora.stderr);
}

/// Frames in a y4m file of `width × height` pictures so far, from its size (header and frame lines included).
fn y4m_frames_written(path: &Path, width: u64, height: u64) -> u64 {
    let frame = width * height * 3 / 2 + "FRAME\n".len() as u64;
    std::fs::metadata(path).map_or(0, |m| m.len() / frame)
}

#[test]
fn one_window_is_shared_sharp_and_closing_it_ends_the_share_with_a_notice() {
    let dir = temp_dir("window-share");
    let display = Display::with_size("1600x900");
    // The slide's upper 360 rows, in a window of their own (no window manager: no frame, at 0,0).
    let pixels: Vec<[u8; 3]> = slide().into_iter().take((WIDTH * 360) as usize).collect();
    let picture = dir.join("window.ppm");
    write_ppm(&picture, &pixels);
    let mut viewer = Command::new("display").args(["-geometry", "+0+0"]).arg(&picture).env("DISPLAY", &display.name).spawn().expect("ImageMagick's display runs");
    let started = Instant::now();
    let window = loop {
        let sources = palabre_screen::sources(Some(&display.name)).expect("the display lists its sources");
        assert_eq!(sources[0].id, "screen:0");
        if let Some(window) = sources.into_iter().find(|s| s.kind == SourceKind::Window && s.title.contains("window.ppm")) {
            break window;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "ImageMagick's window never appeared");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!((window.width, window.height), (WIDTH, 360), "{window:?}");
    assert_eq!((window.thumbnail.width, window.thumbnail.height), (320, 90));

    let server = Server::start("Fenetre", &dir);
    let (record, alice_report, bob_report) = (dir.join("recorded"), dir.join("alice.json"), dir.join("bob.json"));
    let alice = join(
        &server.host_link,
        "Alice",
        &["--video", "none", "--audio", "none", "--record", record.to_str().unwrap(), "--duration", "40", "--do", "1:role=Bob:intervenant", "--report", alice_report.to_str().unwrap()],
    );
    let source = format!("{}@{}", window.id, display.name);
    let bob = join(
        &server.guest_link,
        "Bob",
        &["--video", "none", "--audio", "none", "--screen", &source, "--do", "3:share", "--duration", "38", "--report", bob_report.to_str().unwrap()],
    );
    // Closed once Alice has recorded a few frames of it, however slow the machine.
    let recording = record.join("Bob.screen.y4m");
    while y4m_frames_written(&recording, WIDTH.into(), 360) < 5 && started.elapsed() < Duration::from_secs(90) {
        std::thread::sleep(Duration::from_millis(200));
    }
    viewer.kill().expect("close the window");
    let _ = viewer.wait();
    let (alice, bob) = (finish(alice, LIMIT), finish(bob, LIMIT));
    assert!(alice.status.success(), "alice: {}", alice.stderr);
    assert!(bob.status.success(), "the call goes on without the window: {}", bob.stderr);
    let (alice_report, bob_report) = (read_report(&alice_report), read_report(&bob_report));
    assert_eq!(
        bob_report["errors"],
        serde_json::json!(["screen sharing stopped: cannot share the screen: the shared window was closed"]),
        "{bob_report}"
    );
    let bob_seen = participant(&alice_report, "Bob");
    assert_eq!(bob_seen["screen_sharing"], false, "the share ended with the window: {bob_seen}");
    let (received, frames) = last_frame(&recording);
    assert!(frames >= 5, "{frames} frames of the window: {bob_seen}");
    let quality = psnr(&reference(&pixels), &received).expect("the window's size");
    eprintln!("shared window received at {quality:.1} dB PSNR after {frames} frames");
    assert!(quality > 30.0, "the shared window arrived at {quality:.1} dB");
}

/// A page of dense text: rows of glyph-sized marks (5×9 cells, a few pixels each lit, as letters are) on white.
fn text_page(width: u32, height: u32) -> Vec<u8> {
    let mut luma = vec![235u8; (width * height) as usize];
    let mut state = 0x9e37_79b9_u32;
    for top in (20..height - 30).step_by(16) {
        for left in (20..width - 20).step_by(6) {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            // One cell in seven is a space between words.
            if state >> 29 == 0 {
                continue;
            }
            for bit in 0..45 {
                if (state.rotate_left(bit) & 0b11) == 0 {
                    luma[((top + bit / 5) * width + left + bit % 5) as usize] = 30;
                }
            }
        }
    }
    luma
}

#[test]
fn a_1080p_page_of_scrolling_text_arrives_on_most_frames() {
    let dir = temp_dir("screen-text");
    let (width, height) = (1920, 1080);
    let page = text_page(width, height);
    let scrolling = dir.join("scrolling.y4m");
    let header = Y4mHeader { width, height, fps_numerator: 5, fps_denominator: 1 };
    let mut writer = Y4mWriter::new(std::io::BufWriter::new(std::fs::File::create(&scrolling).unwrap()), header).unwrap();
    for frame in 0..20 {
        let mut picture = VideoFrame::black(width, height);
        let shift = (frame * 8 * width) as usize;
        picture.y = page[shift..].iter().chain(&page[..shift]).copied().collect();
        picture.u.fill(128);
        picture.v.fill(128);
        writer.write_frame(&picture).unwrap();
    }
    writer.flush().unwrap();

    let server = Server::start("Texte", &dir);
    let (alice_report, bob_report) = (dir.join("alice.json"), dir.join("bob.json"));
    let alice = join(&server.guest_link, "Alice", &["--video", "none", "--audio", "none", "--duration", "16", "--report", alice_report.to_str().unwrap()]);
    let bob = join(
        &server.host_link,
        "Bob",
        &["--video", "none", "--audio", "none", "--screen-file", scrolling.to_str().unwrap(), "--do", "2:share", "--duration", "14", "--report", bob_report.to_str().unwrap()],
    );
    let (alice, bob) = (finish(alice, LIMIT), finish(bob, LIMIT));
    assert!(alice.status.success(), "alice: {}", alice.stderr);
    assert!(bob.status.success(), "bob: {}", bob.stderr);
    let sent = read_report(&bob_report)["sent"]["screen_frames"].as_u64().unwrap();
    let alice_report = read_report(&alice_report);
    let decoded = participant(&alice_report, "Bob")["screen_frames_decoded"].as_u64().unwrap();
    eprintln!("scrolling 1080p text: {decoded} of {sent} frames decoded");
    assert!(sent >= 10, "Bob shared only {sent} frames");
    // Frames sent while Alice was still subscribing may be lost; most must arrive.
    assert!(decoded * 3 >= sent * 2, "Alice decoded {decoded} of {sent} frames: {alice_report}");
}
