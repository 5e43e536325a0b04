//! Screen sharing with real processes under Xvfb: a known picture is drawn on a virtual screen, one participant
//! shares that screen, the other records what it decodes; the recording is compared with the picture (PSNR).
//! Stopping the share ends it for the receiver; a participant whose role does not allow sharing is refused.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use palabre_e2e::media_check::write_pattern_y4m;
use palabre_e2e::webdriver::Display;
use palabre_e2e::{finish, join, read_report, temp_dir, Server};
use palabre_media::{bgra_to_i420, psnr, VideoFrame, Y4mReader};

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

/// Writes `pixels` as a binary PPM, which ImageMagick's `display` reads.
fn write_ppm(path: &Path, pixels: &[[u8; 3]]) {
    let mut bytes = format!("P6\n{WIDTH} {HEIGHT}\n255\n").into_bytes();
    bytes.extend(pixels.iter().flatten());
    std::fs::write(path, bytes).expect("write the picture");
}

/// The picture as the sharer's screen holds it, in I420.
fn reference(pixels: &[[u8; 3]]) -> VideoFrame {
    let bgra: Vec<u8> = pixels.iter().flat_map(|&[r, g, b]| [b, g, r, 255]).collect();
    bgra_to_i420(WIDTH, HEIGHT, &bgra).expect("a whole picture")
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
