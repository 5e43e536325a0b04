//! Cameras as users meet them, on a machine without one (this one, CI's): `devices` lists none, `--video
//! camera` joins audio-only after one clear line, and a camera id that names nothing is refused before
//! connecting. A machine with a camera skips the tests that need its absence.

use std::time::Duration;

use palabre_e2e::{finish, join, read_report, run_cli, temp_dir, Server};

const LIMIT: Duration = Duration::from_secs(90);
/// A valid link to a port where nothing listens.
const UNREACHABLE_LINK: &str =
    "palabre://127.0.0.1:9/Salle?token=abc&fp=sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn has_camera() -> bool {
    let listed = std::process::Command::new(palabre_e2e::binary("palabre-cli")).args(["devices", "--json"]).output().unwrap();
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    let devices: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("devices --json is JSON");
    let cameras = devices["cameras"].as_array().expect("a cameras list").len();
    if cameras > 0 {
        eprintln!("{cameras} camera(s) here: the no-camera path is not tested on this machine");
    }
    cameras > 0
}

#[test]
fn without_a_camera_we_join_audio_only_after_one_clear_line() {
    if has_camera() {
        return;
    }
    let dir = temp_dir("no-camera");
    let server = Server::start("Camera", &dir);
    let (alice_report, bob_report) = (dir.join("alice.json"), dir.join("bob.json"));
    let alice = join(
        &server.host_link,
        "Alice",
        &["--video", "camera", "--audio", "tone", "--duration", "5", "--report", alice_report.to_str().unwrap()],
    );
    let bob = join(
        &server.guest_link,
        "Bob",
        &["--video", "none", "--audio", "none", "--duration", "5", "--report", bob_report.to_str().unwrap()],
    );
    let (alice, bob) = (finish(alice, LIMIT), finish(bob, LIMIT));
    assert!(alice.status.success(), "alice: {}", alice.stderr);
    assert!(bob.status.success(), "bob: {}", bob.stderr);
    let told: Vec<&str> = alice.stderr.lines().filter(|line| line.contains("camera")).collect();
    assert_eq!(told.len(), 1, "one line about the camera: {}", alice.stderr);
    assert!(told[0].contains("this computer has no camera; joining without video"), "{}", told[0]);

    let alice_report = read_report(&alice_report);
    assert_eq!(alice_report["sent"]["video_frames"], 0, "{alice_report}");
    assert!(alice_report["sent"]["audio_frames"].as_u64().unwrap() > 50, "{alice_report}");
    let bob_report = read_report(&bob_report);
    let heard = bob_report["participants"].as_array().unwrap().iter().find(|p| p["name"] == "Alice").expect("Alice seen");
    assert!(heard["audio_frames_decoded"].as_u64().unwrap() > 50, "Bob hears Alice: {bob_report}");
    assert_eq!(heard["video_frames_decoded"], 0, "{bob_report}");
}

#[test]
fn a_camera_id_that_names_nothing_is_one_line_before_connecting() {
    if has_camera() {
        return;
    }
    let run = run_cli(&["join", UNREACHABLE_LINK, "--name", "Alice", "--camera", "No Such Camera", "--duration", "5"]);
    assert!(!run.status.success());
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines, ["palabre-cli: no camera with id \"No Such Camera\": list the devices with `palabre-cli devices`"]);

    // --camera is for --video camera; with another video source it is a usage error.
    let run = run_cli(&["join", UNREACHABLE_LINK, "--name", "Alice", "--camera", "X", "--video", "none"]);
    assert!(!run.status.success());
    assert!(run.stderr.contains("--camera goes with --video camera"), "{}", run.stderr);
}
