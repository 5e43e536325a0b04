//! The desktop app as an agent uses it, driven through WebDriver under Xvfb: paste a link, give a name, join a
//! room on the embedded server where a `palabre-cli` participant is, see their video, raise a hand, chat both
//! ways, switch to English, leave. Screenshots land in target/test-artifacts/ for a person to look at.

mod webdriver;

use std::path::PathBuf;
use std::time::Duration;

use palabre_e2e::{binary, finish, join, read_report, temp_dir, Server};
use webdriver::{wait_for, AppSession, Display};

const APP_NAME: &str = "Agent Test (Préfecture du Rhône)";
const PEER_NAME: &str = "Marie Dupont (Mairie)";

fn artifacts() -> PathBuf {
    let profile = binary("palabre").parent().expect("target profile directory").to_path_buf();
    profile.parent().expect("target directory").join("test-artifacts")
}

#[test]
fn an_agent_joins_sees_the_other_raises_a_hand_and_chats_by_keyboard() {
    let dir = temp_dir("desktop-app");
    let server = Server::start("Cellule", &dir.join("server"));
    let report = dir.join("peer.json");
    let peer = join(
        &server.host_link,
        PEER_NAME,
        &[
            "--size", "320x180",
            "--duration", "40",
            "--report", report.to_str().unwrap(),
            "--do", "1:chat=Bonjour, la cellule est ouverte",
        ],
    );

    let display = Display::start();
    let app = AppSession::start(&binary("palabre"), &[], &display);
    let shots = artifacts();

    // Home: paste the guest link and go on.
    let field = app.wait_for("#link-input", Duration::from_secs(30));
    app.type_into(&field, &server.guest_link);
    app.screenshot(&shots.join("desktop-1-home.png"));
    app.click(&app.wait_for("#link-continue", Duration::from_secs(5)));

    // Pre-join: the name, then enter.
    let name = app.wait_for("#name-input", Duration::from_secs(10));
    app.type_into(&name, APP_NAME);
    app.screenshot(&shots.join("desktop-2-prejoin.png"));
    app.click(&app.wait_for("#join", Duration::from_secs(5)));

    // The call: the peer's tile draws decoded frames (WebCodecs, in the webview), and so does our own preview.
    app.wait_for("#tiles", Duration::from_secs(20));
    let frames_of = |stream: &str| {
        let script = format!(
            "const tiles = [...document.querySelectorAll('#tiles .tile')]; \
             const tile = tiles.find(t => {stream}); \
             return tile ? Number(tile.querySelector('canvas').dataset.frames || 0) : -1;"
        );
        app.script(&script).as_i64().unwrap_or(-1)
    };
    let peer_tile = "t.dataset.stream !== 'self'";
    wait_for(Duration::from_secs(20), "the peer's video drawn in the app", || (frames_of(peer_tile) >= 30).then_some(()));
    wait_for(Duration::from_secs(10), "our own preview drawn", || (frames_of("t.dataset.stream === 'self'") >= 30).then_some(()));
    let caption = app.text(&app.wait_for("#tiles .tile:not([data-stream='self']) figcaption", Duration::from_secs(5)));
    assert!(caption.starts_with(PEER_NAME), "the peer's tile is captioned with their name: {caption:?}");

    // The chat history from before we came is there.
    wait_for(Duration::from_secs(10), "the peer's chat message", || {
        app.text(&app.find("#chat-log")?).contains("Bonjour, la cellule est ouverte").then_some(())
    });

    // Keyboard only: H raises the hand (the focus is on the call's title, not in a text field).
    app.press_key("h");
    wait_for(Duration::from_secs(10), "our hand in the queue", || {
        app.text(&app.find("#hand-queue")?).contains(APP_NAME).then_some(())
    });
    let hand_button = app.wait_for("#toggle-hand", Duration::from_secs(5));
    assert_eq!(app.attribute(&hand_button, "aria-pressed").as_deref(), Some("true"));

    // C goes to the chat field; Enter sends.
    app.press_key("c");
    let chat = app.wait_for("#chat-input", Duration::from_secs(5));
    let focused = app.script("return document.activeElement && document.activeElement.id");
    assert_eq!(focused, "chat-input", "C moves the focus to the chat field");
    app.type_into(&chat, "Bien reçu, j'écoute <b>tout</b> \\\\serveur\\partage\u{E007}");
    wait_for(Duration::from_secs(10), "our chat line", || {
        app.text(&app.find("#chat-log")?).contains("j'écoute <b>tout</b>").then_some(())
    });
    let bold = app.script("return document.querySelectorAll('#chat-log b').length");
    assert_eq!(bold, 0, "markup in chat stays text");

    // The screen reader hears about it: the live region says our message's sender (us) wrote.
    app.screenshot(&shots.join("desktop-3-call-fr.png"));

    // English, then leave.
    app.click(&app.wait_for("#language-switch", Duration::from_secs(5)));
    let leave = app.wait_for("#leave", Duration::from_secs(5));
    assert_eq!(app.text(&leave), "Leave the meeting");
    app.screenshot(&shots.join("desktop-4-call-en.png"));

    // The peer saw us: our hand, our chat and our video.
    let peer = finish(peer, Duration::from_secs(60));
    assert!(peer.status.success(), "palabre-cli failed: {}", peer.stderr);
    let report = read_report(&report);
    let participants = report["participants"].as_array().expect("participants");
    let us = participants.iter().find(|p| p["name"] == APP_NAME).expect("the app's participant in the peer's report");
    assert_eq!(us["hand_raised"], true, "the peer sees our hand: {us}");
    assert!(us["video_frames_decoded"].as_u64().unwrap_or(0) > 100, "the peer decoded our video: {us}");
    let chat = report["chat"].as_array().expect("chat");
    assert!(
        chat.iter().any(|line| line["from"] == APP_NAME && line["text"].as_str().unwrap_or("").contains("\\\\serveur\\partage")),
        "the peer got our message as typed: {chat:?}"
    );
    app.click(&leave);
    app.wait_for("#link-input", Duration::from_secs(10));
}
