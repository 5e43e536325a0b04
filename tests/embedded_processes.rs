//! The embedded room server and two headless participants as separate processes, as a user runs them.

use std::time::Duration;

use palabre_e2e::{finish, join, read_report, run_cli, temp_dir, Server};

const CALL: Duration = Duration::from_secs(90);

#[test]
fn server_prints_host_then_guest_links_for_this_port() {
    let dir = temp_dir("links");
    let server = Server::start("Accueil", &dir);
    for link in [&server.host_link, &server.guest_link] {
        assert!(link.starts_with("palabre://127.0.0.1:") && link.contains("/Accueil?token="), "{link}");
        assert!(link.contains("&fp=sha256:"), "{link}");
        assert!(!link.contains(":0/"), "the link names the real port: {link}");
    }
    assert_ne!(server.host_link, server.guest_link);
}

#[test]
fn two_cli_participants_report_each_others_media_and_chat() {
    let dir = temp_dir("call");
    let server = Server::start("Conseil", &dir);
    let (alice_report, bob_report) = (dir.join("alice.json"), dir.join("bob.json"));
    let common = ["--size", "320x180", "--duration", "6", "--report"];
    let alice = join(&server.host_link, "Alice (Mairie)", &[&common[..], &[alice_report.to_str().unwrap(), "--do", "2:chat=Bonjour"]].concat());
    let bob = join(&server.guest_link, "Bob (Préfecture)", &[&common[..], &[bob_report.to_str().unwrap(), "--do", "3:chat=Salut", "--do", "1:raise-hand"]].concat());
    let (alice, bob) = (finish(alice, CALL), finish(bob, CALL));
    assert!(alice.status.success(), "alice: {}", alice.stderr);
    assert!(bob.status.success(), "bob: {}", bob.stderr);

    let (alice, bob) = (read_report(&alice_report), read_report(&bob_report));
    for (me, other, other_name) in [(&alice, &bob, "Bob (Préfecture)"), (&bob, &alice, "Alice (Mairie)")] {
        assert!(me["joined_ms"].as_u64().is_some(), "{me}");
        assert!(me["first_remote_video_ms"].as_u64().is_some() && me["first_remote_audio_ms"].as_u64().is_some(), "{me}");
        let peer = &me["participants"][0];
        assert_eq!(peer["name"], other_name);
        let decoded = peer["video_frames_decoded"].as_u64().unwrap() as f64;
        let sent = other["sent"]["video_frames"].as_u64().unwrap() as f64;
        assert!(decoded >= 0.9 * sent, "{} decoded {decoded} of {sent} frames", me["me"]);
        assert!(peer["audio_frames_decoded"].as_u64().unwrap() > 150, "{peer}");
        assert_eq!(me["errors"], serde_json::json!([]));
    }
    assert_eq!(alice["participants"][0]["hand_raised"], true, "Bob's raised hand reached Alice");
    let chat = |report: &serde_json::Value| report["chat"].as_array().unwrap().iter().map(|c| (c["from"].as_str().unwrap().to_string(), c["text"].as_str().unwrap().to_string())).collect::<Vec<_>>();
    assert!(chat(&alice).contains(&("Bob (Préfecture)".into(), "Salut".into())), "{:?}", chat(&alice));
    assert!(chat(&bob).contains(&("Alice (Mairie)".into(), "Bonjour".into())), "{:?}", chat(&bob));
}

#[test]
fn a_server_that_vanishes_mid_call_ends_the_call_with_a_clear_error() {
    let dir = temp_dir("vanish");
    let mut server = Server::start("Panne", &dir);
    let report = dir.join("report.json");
    let alice = join(&server.guest_link, "Alice", &["--size", "160x90", "--duration", "60", "--report", report.to_str().unwrap()]);
    std::thread::sleep(Duration::from_secs(2));
    server.kill();
    let alice = finish(alice, CALL);
    assert!(!alice.status.success(), "the call cannot go on without its server");
    assert_eq!(alice.stderr.trim().lines().count(), 1, "one line: {}", alice.stderr);
    assert!(alice.stderr.contains("room server closed the connection"), "{}", alice.stderr);
    let report = read_report(&report);
    assert!(report["joined_ms"].as_u64().is_some(), "what happened before is kept: {report}");
    assert!(report["errors"][0].as_str().unwrap().contains("closed the connection"), "{report}");
}

#[test]
fn bad_links_give_one_clear_line_and_a_failure_code() {
    let dir = temp_dir("bad-links");
    let server = Server::start("Verif", &dir);
    let impostor = {
        let (head, _) = server.guest_link.split_once("&fp=").unwrap();
        format!("{head}&fp=sha256:{}", "ab".repeat(32))
    };
    let unreachable = {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let (_, rest) = server.guest_link.split_once("/Verif").unwrap();
        format!("palabre://127.0.0.1:{port}/Verif{rest}")
    };
    let wrong_token = server.guest_link.replace("token=", "token=x");
    for (link, expected) in [
        ("https://example.org/salle".to_string(), "not a meeting link"),
        ("palabre://127.0.0.1:7443/Salle?token=t".to_string(), "no server fingerprint"),
        (impostor, "not the one the link names"),
        (unreachable, "cannot reach the room server"),
        (wrong_token, "access token is not valid"),
    ] {
        let run = run_cli(&["join", &link, "--name", "Eve", "--duration", "5"]);
        assert!(!run.status.success(), "{link}");
        assert_eq!(run.stderr.trim().lines().count(), 1, "one line for {link}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "for {link}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    let bad_action = run_cli(&["join", &server.guest_link, "--name", "Eve", "--do", "soon:chat=x"]);
    assert!(!bad_action.status.success() && bad_action.stderr.contains("not a number of seconds"), "{}", bad_action.stderr);
}

#[test]
fn server_refuses_an_invalid_room_name() {
    let dir = temp_dir("bad-room");
    let run = std::process::Command::new(palabre_e2e::binary("palabre-server"))
        .args(["--listen", "127.0.0.1:0", "--room", "a room/with spaces", "--data-dir"])
        .arg(&dir)
        .output()
        .expect("palabre-server runs");
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("is not valid"));
    assert!(run.stdout.is_empty(), "no links for a room that does not exist");
}
