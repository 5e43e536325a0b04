//! Calls through a real embedded room server on loopback, in one process: real TLS, real WebRTC, real codecs.

mod common;

use std::time::Duration;

use common::{options, video_delivery};

use palabre_core::signal::Refusal;
use palabre_core::{Fingerprint, Link};
use palabre_rtc::{join, AudioSource, Call, CallError, CallEvent, EncodedVideo, VideoOrigin, VideoSource};
use palabre_server::{RoomServer, ServerConfig};
use tokio::sync::mpsc::UnboundedReceiver;

async fn start_server(room: &str) -> RoomServer {
    let data_dir = std::env::temp_dir().join(format!("palabre-rtc-test-{}-{room}", std::process::id()));
    let config =
        ServerConfig { listen: "127.0.0.1:0".parse().unwrap(), room: Some(room.into()), data_dir, policy: Default::default() };
    RoomServer::start(config).await.expect("server starts")
}


async fn join_ok(link: Link, name: &str) -> (Call, UnboundedReceiver<CallEvent>) {
    join(options(link, name)).await.unwrap_or_else(|e| panic!("{name} joins: {e}"))
}


#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_participants_see_hear_and_chat_with_each_other() {
    let server = start_server("Essai").await;
    let (alice, _alice_events) = join_ok(server.host_link(), "Alice (Mairie)").await;
    let (bob, _bob_events) = join_ok(server.guest_link(), "Bob (Préfecture)").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    alice.send_chat("Bonjour", None);
    bob.send_chat("Salut", None);
    tokio::time::sleep(Duration::from_secs(4)).await;

    for (receiver, sender) in [(&alice, &bob), (&bob, &alice)] {
        let name = &receiver.me().unwrap().info.name;
        let delivery = video_delivery(receiver, sender);
        assert!(delivery >= 0.9, "{name} decoded {:.0} % of the other's video frames", delivery * 100.0);
        let stats = receiver.stats();
        let media = stats.remote.values().next().expect("media from the other");
        assert!(media.audio_frames_decoded >= 200, "{name} decoded {} audio frames", media.audio_frames_decoded);
        assert_eq!(media.video_size, Some((320, 180)));
        let (first, last) = (media.video_first_frame_number.unwrap(), media.video_last_frame_number.unwrap());
        assert!(last > first + 100, "frame numbers {first}..{last} show the pattern advancing");
    }
    let texts = |call: &Call| call.chat().into_iter().map(|e| (e.from_name, e.text)).collect::<Vec<_>>();
    assert!(texts(&alice).contains(&("Bob (Préfecture)".into(), "Salut".into())), "{:?}", texts(&alice));
    assert!(texts(&bob).contains(&("Alice (Mairie)".into(), "Bonjour".into())), "{:?}", texts(&bob));
    assert_eq!(alice.me().unwrap().info.role, palabre_core::Role::Animateur);
    assert_eq!(bob.participants()[0].info.name, "Alice (Mairie)");
    assert!(alice.round_trip_ms().await.is_some(), "the transport's round-trip time is measured");

    bob.leave().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(alice.participants().is_empty(), "Alice sees Bob leave");
    alice.leave().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_joiner_gets_video_at_once_and_the_recent_chat() {
    let server = start_server("Retard").await;
    let (early, _e) = join_ok(server.guest_link(), "Early").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    early.send_chat("Said before you came", None);
    early.set_hand_raised(true);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (late, _l) = join_ok(server.guest_link(), "Late").await;
    let mut feed = late.video_feed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let history: Vec<String> = late.chat().into_iter().map(|e| e.text).collect();
    assert_eq!(history, ["Said before you came"], "late joiners receive the recent chat");
    let early_id = early.me().unwrap().info.id;
    assert_eq!(late.conference(|c| c.hand_queue()), [early_id], "and the raised hands");
    let media = late.stats().remote.get(&early_id).cloned().expect("late joiner receives the early one");
    let waited = media.first_video_at.expect("video arrived").duration_since(late.joined_at);
    // Without a keyframe request the late joiner would wait for the next periodic keyframe (3 s).
    assert!(waited < Duration::from_millis(1500), "first frame after {waited:?}");

    // The encoded feed a renderer decodes: the joiner's keyframe request shows in it (frames forwarded before
    // it are deltas a renderer skips), and our own preview flows.
    let frames: Vec<EncodedVideo> = std::iter::from_fn(|| feed.try_recv().ok()).collect();
    let remote: Vec<&EncodedVideo> = frames.iter().filter(|f| f.origin == VideoOrigin::Remote(early_id)).collect();
    assert!(remote.len() >= 30, "{} remote frames in the feed", remote.len());
    assert!(remote.iter().any(|f| f.keyframe), "a renderer has a keyframe to start from");
    assert!(frames.iter().filter(|f| f.origin == VideoOrigin::Local).count() >= 30, "our own preview is in the feed");
    late.leave().await;
    early.leave().await;
}

/// The pre-join choice "camera and microphone off": nothing of them leaves, the others see them off from the
/// start, and turning the camera on later sends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_with_camera_and_microphone_off_sends_nothing_of_them() {
    let server = start_server("Discret").await;
    let (watcher, _w) = join_ok(server.host_link(), "Watcher").await;
    let mut quiet = options(server.guest_link(), "Quiet");
    (quiet.audio_muted, quiet.video_muted) = (true, true);
    let (quiet, _q) = join(quiet).await.expect("joins muted");
    tokio::time::sleep(Duration::from_secs(2)).await;

    let (video_sent, audio_sent, _) = quiet.sent();
    assert_eq!((video_sent, audio_sent), (0, 0), "not one frame sent");
    let id = quiet.me().unwrap().info.id;
    let seen = watcher.participants().into_iter().find(|p| p.info.id == id).expect("the watcher sees Quiet");
    assert!(seen.audio_muted && seen.video_muted, "seen as muted from the start: {seen:?}");

    quiet.set_video_muted(false);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let decoded = watcher.stats().remote.get(&id).map_or(0, |m| m.video_frames_decoded);
    assert!(decoded > 10, "the camera turned on reaches the watcher: {decoded} frames");
    assert_eq!(quiet.sent().1, 0, "the microphone is still off");
    quiet.leave().await;
    watcher.leave().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_links_and_tokens_fail_with_clear_errors() {
    let server = start_server("Refus").await;
    let Link::Embedded(guest) = server.guest_link() else { unreachable!() };

    let wrong_token = Link::Embedded(palabre_core::EmbeddedLink { token: "not-the-token".into(), ..guest.clone() });
    assert!(matches!(join(options(wrong_token, "Eve")).await.err(), Some(CallError::Refused(Refusal::BadToken))));

    let wrong_room = Link::Embedded(palabre_core::EmbeddedLink { room: "Ailleurs".into(), ..guest.clone() });
    assert!(matches!(join(options(wrong_room, "Eve")).await.err(), Some(CallError::Refused(Refusal::UnknownRoom))));

    let impostor = Link::Embedded(palabre_core::EmbeddedLink { fingerprint: Fingerprint([7; 32]), ..guest.clone() });
    let error = join(options(impostor, "Eve")).await.err().expect("a different certificate is refused");
    assert!(matches!(error, CallError::WrongFingerprint { .. }), "{error}");
    assert!(error.to_string().contains("not the one the link names"));

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let nowhere = Link::Embedded(palabre_core::EmbeddedLink { port, ..guest.clone() });
    let error = join(options(nowhere, "Eve")).await.err().expect("nobody listens there");
    assert!(matches!(error, CallError::Unreachable { .. }), "{error}");


    let nameless = Link::Embedded(guest);
    assert!(matches!(join(options(nameless, " \u{200B} ")).await.err(), Some(CallError::Refused(Refusal::BadName))));
    assert_eq!(server.room.member_count(), 0, "no refused participant stays in the room");
}

/// A modified client sends raw bytes on the data channel: each hostile message is refused with a reason to its
/// sender, reaches nobody else, and the meeting (and the server) goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_app_messages_are_refused_and_the_meeting_goes_on() {
    use palabre_rtc::adapter::{connect, RoomEvent};
    use palabre_rtc::local_media::local_tracks;

    let server = start_server("Hostile").await;
    let (host, mut host_events) = join_ok(server.host_link(), "Animatrice").await;
    let (attacker_tx, mut attacker_events) = tokio::sync::mpsc::unbounded_channel();
    let tracks = local_tracks(VideoSource::None, AudioSource::None, Default::default());
    let attacker = connect(&server.guest_link(), "Mallory", &tracks, attacker_tx).await.expect("attacker joins");

    let chat_of = |bytes: usize| format!(r#"{{"v":1,"kind":"chat","text":"{}"}}"#, "a".repeat(bytes));
    // 100 kB is more than a data-channel message may carry: refused before it leaves.
    assert!(attacker.send_app_message(chat_of(100_000)).await.is_err());
    let hostile = [
        "not json at all".to_string(),
        String::from_utf8_lossy(&[0xff, 0xfe, b'{', b'}']).into_owned(),
        r#"{"v":2,"kind":"chat","text":"from the future"}"#.into(),
        r#"{"v":1,"kind":"dance"}"#.into(),
        r#"{"v":1,"kind":"mute-all","except":[]}"#.into(),
        chat_of(10_000),
    ];
    for message in &hostile {
        attacker.send_app_message(message.clone()).await.expect("the channel takes any bytes");
    }
    // A forged sender: the server stamps the real one.
    let forged = format!(r#"{{"v":1,"from":{},"kind":"chat","text":"<script>alert(1)</script>"}}"#, host.me().unwrap().info.id.0);
    attacker.send_app_message(forged).await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;

    let mut denials = 0;
    while let Ok(event) = attacker_events.try_recv() {
        if let RoomEvent::Denied(reason) = event {
            assert!(!reason.is_empty());
            denials += 1;
        }
    }
    assert_eq!(denials, hostile.len(), "each hostile message gets an answer");

    let chat = host.chat();
    assert_eq!(chat.len(), 1, "only the forged chat arrived, as plain text: {chat:?}");
    assert_eq!(chat[0].from_name, "Mallory", "the server stamped the real sender");
    assert_eq!(chat[0].text, "<script>alert(1)</script>");
    assert!(!host.me().unwrap().audio_muted, "the guest's mute-all changed nothing");
    let mut notices = 0;
    while let Ok(event) = host_events.try_recv() {
        notices += matches!(event, CallEvent::Notice(_)) as usize;
    }
    assert_eq!(notices, 0, "nobody else was bothered");

    // The server still serves: a newcomer joins and chats.
    let (late, _late_events) = join_ok(server.guest_link(), "Retardataire").await;
    late.send_chat("Bonjour", None);
    let greeted = || host.chat().last().is_some_and(|e| e.text == "Bonjour");
    for _ in 0..100 {
        if greeted() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(greeted(), "the newcomer's chat arrived: {:?}", host.chat());
    attacker.leave().await;
    late.leave().await;
    host.leave().await;
}
