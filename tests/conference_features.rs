//! A council meeting with three `palabre-cli` participants (and one who is never let in) on the embedded
//! server with a lobby: admission, hands in order, mute-all, a guest's refused mute-all, a vote, the CSV log.

use std::time::Duration;

use palabre_e2e::{finish, join, read_report, temp_dir, Server};

const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn a_council_meeting_runs_with_lobby_hands_mute_all_and_a_vote() {
    let dir = temp_dir("council");
    let server = Server::start_with("Conseil", &dir, &["--lobby"]);
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let small = ["--size", "160x90", "--fps", "15"];

    let host = join(
        &server.host_link,
        "Animatrice (Mairie)",
        &[
            &small[..],
            &["--duration", "16", "--report", &path("host.json"), "--attendance", &path("host.csv")],
            &["--do", "2:admit=Bruno (DDT)", "--do", "2:admit=Chloé (Préfecture)"],
            &["--do", "9:mute-all", "--do", "10:vote-open=Budget 2027", "--do", "11.5:vote=pour"],
        ]
        .concat(),
    );
    std::thread::sleep(Duration::from_secs(1));
    let bruno = join(
        &server.guest_link,
        "Bruno (DDT)",
        &[&small[..], &["--duration", "16", "--report", &path("bruno.json"), "--do", "2:raise-hand", "--do", "10:vote=pour"]].concat(),
    );
    let chloe = join(
        &server.guest_link,
        "Chloé (Préfecture)",
        &[
            &small[..],
            &["--duration", "16", "--report", &path("chloe.json"), "--do", "3:raise-hand"],
            &["--do", "4:mute-all", "--do", "10:vote=contre"],
        ]
        .concat(),
    );
    let intruder = join(&server.guest_link, "Intrus", &["--duration", "6", "--report", &path("intrus.json")]);

    let intruder = finish(intruder, LIMIT);
    assert!(!intruder.status.success(), "nobody admitted the intruder");
    assert!(intruder.stderr.contains("nobody let us in"), "{}", intruder.stderr);
    for (name, run) in [("host", finish(host, LIMIT)), ("bruno", finish(bruno, LIMIT)), ("chloe", finish(chloe, LIMIT))] {
        assert!(run.status.success(), "{name}: {}", run.stderr);
    }

    let host = read_report(&dir.join("host.json"));
    let mut names: Vec<&str> = host["participants"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    // Both knock at the same moment: the order they came in is not the point.
    names.sort_unstable();
    assert_eq!(names, ["Bruno (DDT)", "Chloé (Préfecture)"], "only the admitted came in");
    assert_eq!(host["hand_queue"], serde_json::json!(["Bruno (DDT)", "Chloé (Préfecture)"]), "hands in the order raised");

    for guest in host["participants"].as_array().unwrap() {
        assert_eq!(guest["muted"], true, "mute-all muted {}", guest["name"]);
        assert_eq!(guest["role"], "participant-actif");
        // About 7 s of audio before mute-all, 7 more after it if it had not worked: 50 frames a second.
        let frames = guest["audio_frames_decoded"].as_u64().unwrap();
        assert!((100..520).contains(&frames), "{} audio frames from {} show it stopped", frames, guest["name"]);
    }

    let chloe = read_report(&dir.join("chloe.json"));
    let refused = chloe["errors"].as_array().unwrap().iter().any(|e| e.as_str().unwrap().contains("does not allow"));
    assert!(refused, "the guest's mute-all was refused: {}", chloe["errors"]);

    let vote = &host["votes"][0];
    assert_eq!(vote["question"], "Budget 2027");
    assert_eq!(vote["totals"]["pour"], 2, "{vote}");
    assert_eq!(vote["totals"]["contre"], 1, "{vote}");
    let bruno = read_report(&dir.join("bruno.json"));
    assert_eq!(bruno["votes"][0]["totals"], vote["totals"], "everyone sees the same public result");

    let csv = std::fs::read_to_string(dir.join("host.csv")).expect("attendance CSV written");
    let mut lines = csv.split("\r\n");
    assert_eq!(lines.next(), Some("time,event,name,role,detail"));
    for name in ["Bruno (DDT)", "Chloé (Préfecture)"] {
        assert!(csv.contains(&format!(",{name},")), "{name} in the log:\n{csv}");
    }
    assert!(!csv.contains("Intrus"), "the intruder never entered:\n{csv}");
}
