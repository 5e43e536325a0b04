//! Two headless participants as separate `palabre-cli` processes in a real Janus VideoRoom (Debian's `janus`,
//! started for the test). Janus must be installed (scripts/install-deps.sh): without it this test fails.

use std::time::Duration;

use palabre_e2e::{finish, join, read_report, temp_dir, Janus, JANUS_ROOM, JANUS_SECRET};

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
    let browser = palabre_e2e::browser_guest(&janus, JANUS_ROOM, "Invitée (navigateur)", 14);
    std::thread::sleep(Duration::from_secs(2));
    let report = dir.join("alice.json");
    let host_link = janus.link(JANUS_ROOM, &format!("secret={JANUS_SECRET}"));
    let script = ["--do", "3:mute-all", "--do", "7:kick=Invitée (navigateur)"];
    let args = [&["--size", "320x180", "--duration", "10", "--report", report.to_str().unwrap()][..], &script].concat();
    let alice = finish(join(&host_link, "Alice (Mairie)", &args), CALL);
    assert!(alice.status.success(), "{}", alice.stderr);
    let _ = finish(browser, CALL);

    let alice = read_report(&report);
    let guest = alice["participants"].as_array().unwrap().iter().find(|p| p["name"] == "Invitée (navigateur)");
    let guest = guest.unwrap_or_else(|| panic!("Alice sees the browser guest: {alice}"));
    let audio = guest["audio_frames_decoded"].as_u64().unwrap();
    // Opus frames are 20 ms: 10 s unmuted would be about 500. Muted at 3 s, Janus stops relaying within a moment.
    eprintln!("Alice decoded {audio} audio frames of the browser guest, muted 3 s into a 10 s call");
    assert!(audio > 25 && audio < 250, "the guest was heard, then silenced at Janus: {guest}");
    assert!(guest["video_frames_decoded"].as_u64().unwrap() > 30, "video is not muted: {guest}");
    assert_eq!(guest["present"], false, "Janus removed the guest: {guest}");
    assert_eq!(alice["errors"], serde_json::json!([]), "Janus accepted the moderation");
}
