//! Two headless participants as separate `palabre-cli` processes in a real Janus VideoRoom (Debian's `janus`,
//! started for the test). Janus must be installed (scripts/install-deps.sh): without it this test fails.

use std::time::Duration;

use palabre_e2e::{
    finish, join, join_with_env, read_report, temp_dir, Janus, JanusSetup, ServerCertificate, JANUS_ROOM, JANUS_SECRET,
};

const CALL: Duration = Duration::from_secs(90);

#[test]
fn two_cli_participants_report_each_others_media_and_chat_through_janus() {
    let janus = Janus::start("e2e-call");
    eprintln!("Janus listened after {:?}", janus.started_in);
    let dir = temp_dir("janus-call");
    let (alice_report, bob_report) = (dir.join("alice.json"), dir.join("bob.json"));
    let host_link = janus.link(JANUS_ROOM, &format!("secret={JANUS_SECRET}"));
    let guest_link = janus.link(JANUS_ROOM, "");
    // Alice writes her report while Bob is still in the room: a report says whose hand is up among those
    // present, so Bob leaving first would hide his hand (that race was the "lost raised hand" of 2026-11-28).
    let common = ["--size", "320x180", "--report"];
    let alice_script = [alice_report.to_str().unwrap(), "--duration", "8", "--do", "2:chat=Bonjour"];
    let bob_script = [bob_report.to_str().unwrap(), "--duration", "12", "--do", "3:chat=Salut", "--do", "4:raise-hand"];
    let alice = join(&host_link, "Alice (Mairie)", &[&common[..], &alice_script].concat());
    let bob = join(&guest_link, "Bob (Préfecture)", &[&common[..], &bob_script].concat());
    let (alice, bob) = (finish(alice, CALL), finish(bob, CALL));
    assert!(alice.status.success(), "alice: {}\n{}", alice.stderr, janus.log());
    assert!(bob.status.success(), "bob: {}", bob.stderr);

    let (alice, bob) = (read_report(&alice_report), read_report(&bob_report));
    for (me, other_name) in [(&alice, "Bob (Préfecture)"), (&bob, "Alice (Mairie)")] {
        let peer = &me["participants"][0];
        assert_eq!(peer["name"], other_name, "{me}");
        // Counted between the first and last frame decoded: the calls do not start or end together, and a
        // busy machine may take a second to start the first picture.
        let decoded = peer["video_frames_decoded"].as_u64().unwrap() as f64;
        let numbers = &peer["video_frame_numbers"];
        let span = (numbers[1].as_u64().unwrap() - numbers[0].as_u64().unwrap() + 1) as f64;
        eprintln!("{} decoded {decoded} video frames of the {span} sent meanwhile", me["me"]);
        assert!(decoded >= 0.9 * span && decoded > 120.0, "{} decoded {decoded} of {span} frames: {me}", me["me"]);
        assert!(peer["audio_frames_decoded"].as_u64().unwrap() > 150, "{peer}");
        assert_eq!(me["errors"], serde_json::json!([]));
    }
    // Bob's hand is in his own queue (his adapter echoes it, as Janus does not) and in Alice's, through Janus.
    assert_eq!(bob["hand_queue"], serde_json::json!(["Bob (Préfecture)"]), "{bob}");
    assert_eq!(alice["hand_queue"], serde_json::json!(["Bob (Préfecture)"]), "{alice}");
    assert_eq!(alice["participants"][0]["hand_raised"], true, "{alice}");
    let chat = |report: &serde_json::Value| {
        let lines = report["chat"].as_array().unwrap().iter();
        lines.map(|c| (c["from"].as_str().unwrap().to_string(), c["text"].as_str().unwrap().to_string())).collect::<Vec<_>>()
    };
    assert!(chat(&alice).contains(&("Bob (Préfecture)".into(), "Salut".into())), "{:?}", chat(&alice));
    assert!(chat(&bob).contains(&("Alice (Mairie)".into(), "Bonjour".into())), "{:?}", chat(&bob));
}

/// The interop that matters to guests with only a browser: two Palabre participants and headless Chromium
/// (janus.js, fake camera and microphone) in one Janus room, each decoding the others' audio and video.
#[test]
fn palabre_and_a_browser_guest_see_and_hear_each_other_through_janus() {
    let janus = Janus::start("e2e-browser");
    let dir = temp_dir("janus-browser");
    let link = janus.link(JANUS_ROOM, "");
    let browser = palabre_e2e::browser_guest(&janus, JANUS_ROOM, "Invitée (navigateur)", 10);
    std::thread::sleep(Duration::from_secs(2));
    let reports = [dir.join("a.json"), dir.join("b.json")];
    let common = ["--size", "320x180", "--duration", "10", "--report"];
    let a = join(&link, "Alice (Mairie)", &[&common[..], &[reports[0].to_str().unwrap(), "--do", "3:chat=Bonjour"]].concat());
    let b = join(&link, "Bob (Préfecture)", &[&common[..], &[reports[1].to_str().unwrap()]].concat());
    let (a, b, browser) = (finish(a, CALL), finish(b, CALL), finish(browser, CALL));
    assert!(a.status.success() && b.status.success(), "{}\n{}", a.stderr, b.stderr);
    assert!(browser.status.success(), "browser guest: {}\n{}", browser.stderr, janus.log());

    let seen: serde_json::Value = serde_json::from_str(browser.stdout.trim()).expect("the guest prints JSON");
    for name in ["Alice (Mairie)", "Bob (Préfecture)"] {
        let from = |kind: &str| {
            let mut streams = seen["remotes"].as_array().unwrap().iter();
            streams.find(|s| s["display"] == name && s["kind"] == kind).cloned().unwrap_or_default()
        };
        let (video, audio) = (from("video"), from("audio"));
        assert!(video["framesDecoded"].as_u64().unwrap_or(0) > 30, "Chromium decoded {name}'s video: {seen}");
        assert!(audio["totalSamplesReceived"].as_u64().unwrap_or(0) > 48_000, "Chromium played {name}'s audio: {seen}");
    }
    let mut chromium_video_decoded = Vec::new();
    for report in &reports {
        let report = read_report(report);
        let guest = report["participants"].as_array().unwrap().iter().find(|p| p["name"] == "Invitée (navigateur)");
        let guest = guest.unwrap_or_else(|| panic!("{} sees the browser guest: {report}", report["me"]));
        assert!(guest["audio_frames_decoded"].as_u64().unwrap() > 100, "{} decoded Chromium's audio: {guest}", report["me"]);
        chromium_video_decoded.push(guest["video_frames_decoded"].as_u64().unwrap());
    }
    // Both: a subscriber that starts between Chromium's keyframes must get one by asking (a PLI Janus forwards).
    eprintln!("Palabre decoded {chromium_video_decoded:?} frames of Chromium's video");
    assert!(chromium_video_decoded.iter().all(|&n| n > 30), "both decoded Chromium's video: {chromium_video_decoded:?}");
    let bob = read_report(&reports[1]);
    assert!(bob["chat"].as_array().unwrap().iter().any(|c| c["text"] == "Bonjour"), "Alice's chat reached Bob: {bob}");
}

/// Moderation that Janus enforces: with the room secret, Alice's mute-all becomes VideoRoom `moderate` on every
/// other publisher's audio, so a browser guest, whose janus.js page knows nothing of Palabre's messages, stops
/// being heard at once; her removal becomes `kick`.
#[test]
fn a_mute_all_and_a_removal_with_the_room_secret_act_on_a_browser_guest_at_janus() {
    let janus = Janus::start("e2e-moderate");
    let dir = temp_dir("janus-moderate");
    let browser = palabre_e2e::browser_guest(&janus, JANUS_ROOM, "Invitée (navigateur)", 16);
    std::thread::sleep(Duration::from_secs(2));
    let report = dir.join("alice.json");
    let host_link = janus.link(JANUS_ROOM, &format!("secret={JANUS_SECRET}"));
    let script = ["--do", "5:mute-all", "--do", "9:kick=Invitée (navigateur)"];
    let args = [&["--size", "320x180", "--duration", "12", "--report", report.to_str().unwrap()][..], &script].concat();
    let alice = finish(join(&host_link, "Alice (Mairie)", &args), CALL);
    assert!(alice.status.success(), "{}", alice.stderr);
    let _ = finish(browser, CALL);

    let alice = read_report(&report);
    let guest = alice["participants"].as_array().unwrap().iter().find(|p| p["name"] == "Invitée (navigateur)");
    let guest = guest.unwrap_or_else(|| panic!("Alice sees the browser guest: {alice}"));
    let audio = guest["audio_frames_decoded"].as_u64().unwrap();
    // Opus frames are 20 ms: 12 s unmuted would be about 600. Muted at 5 s, Janus stops relaying within a moment
    // (the first frames may come a second or two late on a busy machine).
    eprintln!("Alice decoded {audio} audio frames of the browser guest, muted 5 s into a 12 s call");
    assert!(audio > 25 && audio < 360, "the guest was heard, then silenced at Janus: {guest}");
    assert!(guest["video_frames_decoded"].as_u64().unwrap() > 30, "video is not muted: {guest}");
    assert_eq!(guest["present"], false, "Janus removed the guest: {guest}");
    assert_eq!(alice["errors"], serde_json::json!([]), "Janus accepted the moderation");
}

/// `janus+wss://`, both ways a server's certificate is trusted: Alice's link pins it (`fp=`, as a Janus with a
/// self-signed certificate needs), Bob's carries no fingerprint and his computer trusts the authority that signed
/// it (`SSL_CERT_FILE`, standing in for the system's store that IT manages). A wrong pin, and an authority the
/// computer does not trust, are each one line and a failed exit before anyone is in the room.
#[test]
fn janus_over_tls_with_a_pinned_certificate_or_a_trusted_authority() {
    let dir = temp_dir("janus-tls");
    let certificate = ServerCertificate::create(&dir);
    let (pin, authority) = (format!("fp={}", certificate.fingerprint), certificate.authority.clone());
    let janus = Janus::start_with("e2e-tls", &JanusSetup { tls: Some(certificate), ..JanusSetup::default() });

    let wrong_pin = format!("fp=sha256:{}", "ab".repeat(32));
    let refused = finish(join(&janus.tls_link(JANUS_ROOM, &wrong_pin), "Alice", &["--duration", "5"]), CALL);
    assert!(!refused.status.success(), "a wrong pin is refused");
    assert!(refused.stderr.contains("is not the one the link names"), "{}", refused.stderr);
    let untrusted = finish(join(&janus.tls_link(JANUS_ROOM, ""), "Alice", &["--duration", "5"]), CALL);
    assert!(!untrusted.status.success(), "an unknown authority is refused");
    assert!(untrusted.stderr.contains("this computer does not trust"), "{}", untrusted.stderr);
    assert!(untrusted.stderr.contains("UnknownIssuer"), "{}", untrusted.stderr);
    for stderr in [&refused.stderr, &untrusted.stderr] {
        eprintln!("{}", stderr.trim());
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    }

    let reports = [dir.join("alice.json"), dir.join("bob.json")];
    let common = ["--size", "320x180", "--duration", "8", "--report"];
    let alice = join(&janus.tls_link(JANUS_ROOM, &pin), "Alice (Mairie)", &[&common[..], &[reports[0].to_str().unwrap()]].concat());
    let trusts_the_authority = [("SSL_CERT_FILE", authority.to_str().unwrap())];
    let bob_args = [&common[..], &[reports[1].to_str().unwrap()]].concat();
    let bob = join_with_env(&janus.tls_link(JANUS_ROOM, ""), "Bob (Préfecture)", &bob_args, &trusts_the_authority);
    let (alice, bob) = (finish(alice, CALL), finish(bob, CALL));
    assert!(alice.status.success(), "alice: {}\n{}", alice.stderr, janus.log());
    assert!(bob.status.success(), "bob: {}", bob.stderr);
    for report in &reports {
        let report = read_report(report);
        let peer = &report["participants"][0];
        eprintln!("{} decoded {} video and {} audio frames over Janus via TLS", report["me"], peer["video_frames_decoded"], peer["audio_frames_decoded"]);
        assert!(peer["video_frames_decoded"].as_u64().unwrap_or(0) > 60, "{report}");
        assert!(peer["audio_frames_decoded"].as_u64().unwrap_or(0) > 100, "{report}");
    }
}

/// A session Janus ends: Alice's process is frozen (SIGSTOP) for longer than Janus' `session_timeout`, then
/// thawed. She is told in words that Janus ended her session and to rejoin, and her process ends with a failure
/// and its report. Bob, in the same room for as long, stays: keepalives hold a session past the timeout.
#[test]
fn a_session_janus_ends_while_we_are_frozen_is_worded_and_ends_the_call() {
    const SESSION_TIMEOUT: u32 = 15;
    let janus = Janus::start_with("e2e-timeout", &JanusSetup { session_timeout: Some(SESSION_TIMEOUT), ..JanusSetup::default() });
    let dir = temp_dir("janus-timeout");
    let (alice_report, bob_report) = (dir.join("alice.json"), dir.join("bob.json"));
    let link = janus.link(JANUS_ROOM, "");
    let alice = join(&link, "Alice (Mairie)", &["--size", "320x180", "--duration", "60", "--report", alice_report.to_str().unwrap()]);
    let bob = join(&link, "Bob (Préfecture)", &["--size", "320x180", "--duration", "35", "--report", bob_report.to_str().unwrap()]);
    std::thread::sleep(Duration::from_secs(5));
    let signal = |name: &str| {
        let sent = std::process::Command::new("kill").args([name, &alice.id().to_string()]).status().expect("kill runs");
        assert!(sent.success(), "kill {name}");
    };
    signal("-STOP");
    // Janus looks at its sessions every 2 s or so.
    std::thread::sleep(Duration::from_secs(u64::from(SESSION_TIMEOUT) + 7));
    signal("-CONT");
    let (alice, bob) = (finish(alice, CALL), finish(bob, CALL));
    eprintln!("Alice, thawed: {}", alice.stderr.trim());
    assert!(!alice.status.success(), "Alice's call ended: {}", alice.stderr);
    assert!(alice.stderr.contains("ended our session"), "{}\n{}", alice.stderr, janus.log());
    let alice = read_report(&alice_report);
    assert!(alice["errors"].to_string().contains("ended our session"), "{alice}");
    assert!(bob.status.success(), "Bob stayed: {}\n{}", bob.stderr, janus.log());
    let bob = read_report(&bob_report);
    assert_eq!(bob["participants"][0]["present"], false, "Bob saw Alice go when Janus ended her session: {bob}");
}
