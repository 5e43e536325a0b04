//! The video codec as the two sides of a call agree on it, with real processes: on the embedded server each
//! palabre-cli sends in the codec it prefers (H.264 one way, VP8 the other) and the other decodes it; at a Janus
//! room that takes only VP8 (Janus' default), a participant preferring H.264 falls back to VP8.

use std::time::Duration;

use palabre_e2e::media_check::{write_pattern_y4m, y4m_psnr_by_frame_number};
use palabre_e2e::{finish, join, read_report, temp_dir, Janus, Server, JANUS_ROOM};
use palabre_media::TestPattern;

const LIMIT: Duration = Duration::from_secs(90);
const WIDTH: u32 = 320;
const HEIGHT: u32 = 180;

/// The one remote participant's entry in a report, and what it says of their video.
fn remote_video(report: &serde_json::Value) -> (&str, u64) {
    let peer = &report["participants"][0];
    let codec = peer["video_codec"].as_str().unwrap_or_else(|| panic!("no video codec: {report}"));
    (codec, peer["video_frames_decoded"].as_u64().unwrap())
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[test]
fn each_side_sends_its_preferred_codec_and_the_other_decodes_it() {
    let dir = temp_dir("codecs");
    let server = Server::start("Codecs", &dir);
    let (video, alice_record) = (dir.join("pattern.y4m"), dir.join("alice-recorded"));
    write_pattern_y4m(&video, WIDTH, HEIGHT, 30, 60);
    let (alice_report, bob_report) = (dir.join("alice.json"), dir.join("bob.json"));
    let bob_record = dir.join("bob-recorded");
    let alice = join(
        &server.host_link,
        "Alice",
        &["--video-codec", "h264", "--video", video.to_str().unwrap(), "--audio", "none", "--duration", "6"]
            .into_iter()
            .chain(["--record", alice_record.to_str().unwrap(), "--report", alice_report.to_str().unwrap()])
            .collect::<Vec<_>>(),
    );
    let size = format!("{WIDTH}x{HEIGHT}");
    let bob = join(
        &server.guest_link,
        "Bob",
        &["--video-codec", "vp8", "--size", &size, "--audio", "none", "--duration", "6"]
            .into_iter()
            .chain(["--record", bob_record.to_str().unwrap(), "--report", bob_report.to_str().unwrap()])
            .collect::<Vec<_>>(),
    );
    let (alice, bob) = (finish(alice, LIMIT), finish(bob, LIMIT));
    assert!(alice.status.success(), "alice: {}", alice.stderr);
    assert!(bob.status.success(), "bob: {}", bob.stderr);
    let (alice_report, bob_report) = (read_report(&alice_report), read_report(&bob_report));

    for (report, expected) in [(&bob_report, "h264"), (&alice_report, "vp8")] {
        assert_eq!(report["errors"], serde_json::json!([]), "{report}");
        let (codec, decoded) = remote_video(report);
        eprintln!("{} decoded {decoded} {codec} frames", report["me"]);
        assert_eq!(codec, expected, "{report}");
        assert!(decoded > 60, "{report}");
    }
    // What Bob recorded of Alice's H.264 against the pictures of her file, matched by frame number.
    let psnrs = y4m_psnr_by_frame_number(&bob_record.join("Alice.y4m"), &mut TestPattern::new(WIDTH, HEIGHT));
    let worst = psnrs.iter().copied().fold(f64::INFINITY, f64::min);
    eprintln!("H.264 recording: {} pictures matched, PSNR mean {:.1} dB, worst {worst:.1} dB", psnrs.len(), mean(&psnrs));
    assert!(psnrs.len() > 60, "only {} pictures matched by frame number", psnrs.len());
    assert!(mean(&psnrs) > 30.0, "mean PSNR {:.1} dB", mean(&psnrs));
    let vp8 = y4m_psnr_by_frame_number(&alice_record.join("Bob.y4m"), &mut TestPattern::new(WIDTH, HEIGHT));
    eprintln!("VP8 recording: {} pictures matched, PSNR mean {:.1} dB", vp8.len(), mean(&vp8));
}

#[test]
fn a_preference_the_room_does_not_take_falls_back_to_the_common_codec() {
    let janus = Janus::start("codec-fallback");
    let dir = temp_dir("codec-fallback");
    let bob_report = dir.join("bob.json");
    let link = janus.link(JANUS_ROOM, "");
    let common = ["--size", "320x180", "--audio", "none"];
    let alice = join(&link, "Alice", &[&common[..], &["--video-codec", "h264", "--duration", "8"]].concat());
    let bob = join(&link, "Bob", &[&common[..], &["--duration", "10", "--report", bob_report.to_str().unwrap()]].concat());
    let (alice, bob) = (finish(alice, LIMIT), finish(bob, LIMIT));
    assert!(alice.status.success(), "alice: {}\n{}", alice.stderr, janus.log());
    assert!(bob.status.success(), "bob: {}", bob.stderr);
    let report = read_report(&bob_report);
    let (codec, decoded) = remote_video(&report);
    eprintln!("Bob decoded {decoded} {codec} frames from Alice, who preferred h264");
    assert_eq!(codec, "vp8", "{report}");
    assert!(decoded > 60, "{report}");
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
}
