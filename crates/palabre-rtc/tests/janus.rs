//! Calls through a real Janus VideoRoom (Debian's `janus`, started per test on loopback), in one process: real
//! WebSocket API, real WebRTC, real codecs. Janus must be installed (scripts/install-deps.sh): without it these
//! tests fail, they do not skip.

mod common;

use std::time::{Duration, Instant};

use common::video_delivery;

use palabre_core::Link;
use palabre_e2e::{free_loopback_port, Janus, JANUS_ONE_SEAT_ROOM, JANUS_PIN, JANUS_PIN_ROOM, JANUS_ROOM, JANUS_SECRET};
use palabre_rtc::{join, Call, CallError, CallEvent, CallOptions};
use tokio::sync::mpsc::UnboundedReceiver;

fn options(link: &str, name: &str) -> CallOptions {
    common::options(Link::parse(link).expect("a valid link"), name)
}

async fn join_ok(janus: &Janus, link: &str, name: &str) -> (Call, UnboundedReceiver<CallEvent>) {
    let started = Instant::now();
    let joined = join(options(link, name)).await.unwrap_or_else(|e| panic!("{name} joins: {e}\n{}", janus.log()));
    eprintln!("{name} joined in {:?}", started.elapsed());
    joined
}

fn start_janus(test: &str) -> Janus {
    let janus = Janus::start(test);
    eprintln!("Janus listened after {:?}", janus.started_in);
    janus
}


#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_participants_see_hear_and_chat_through_janus() {
    let janus = start_janus("call");
    let host_link = janus.link(JANUS_ROOM, &format!("secret={JANUS_SECRET}"));
    let (alice, _alice_events) = join_ok(&janus, &host_link, "Alice (Mairie)").await;
    let (bob, _bob_events) = join_ok(&janus, &janus.link(JANUS_ROOM, ""), "Bob (Préfecture)").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    alice.send_chat("Bonjour", None);
    bob.send_chat("Salut", None);
    tokio::time::sleep(Duration::from_secs(4)).await;

    for (receiver, sender) in [(&alice, &bob), (&bob, &alice)] {
        let name = &receiver.me().unwrap().info.name;
        let delivery = video_delivery(receiver, sender);
        let stats = receiver.stats();
        if let Some(media) = stats.remote.values().next() {
            let first_video = media.first_video_at.map(|at| at.duration_since(receiver.joined_at));
            eprintln!(
                "{name}: {:.0} % of {} frames, first video after {first_video:?}, frame numbers {:?}..{:?}, {} audio frames, {} packets lost",
                delivery * 100.0,
                sender.sent().0,
                media.video_first_frame_number,
                media.video_last_frame_number,
                media.audio_frames_decoded,
                media.packets_lost()
            );
        }
        assert!(delivery >= 0.9, "{name} decoded {:.0} % of the other's video frames", delivery * 100.0);
        let stats = receiver.stats();
        let media = stats.remote.values().next().expect("media from the other");
        assert!(media.audio_frames_decoded > 150, "{name} decoded {} audio frames", media.audio_frames_decoded);
        assert_eq!(media.video_size, Some((320, 180)));
        assert_eq!(stats.errors, Vec::<String>::new(), "{name} saw no errors");
    }
    let texts = |call: &Call| call.chat().into_iter().map(|e| (e.from_name, e.text)).collect::<Vec<_>>();
    for call in [&alice, &bob] {
        // Each sees the other's line and, through the local echo, its own.
        assert!(texts(call).contains(&("Bob (Préfecture)".into(), "Salut".into())), "{:?}", texts(call));
        assert!(texts(call).contains(&("Alice (Mairie)".into(), "Bonjour".into())), "{:?}", texts(call));
    }
    assert_eq!(alice.me().unwrap().info.role, palabre_core::Role::Animateur, "the room secret makes an animateur");
    assert_eq!(bob.me().unwrap().info.role, palabre_core::Role::ParticipantActif);
    assert_eq!(bob.participants()[0].info.name, "Alice (Mairie)");
    assert!(alice.round_trip_ms().await.is_some(), "the transport's round-trip time is measured");

    bob.leave().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(alice.participants().is_empty(), "Alice sees Bob leave");
    alice.leave().await;
}

#[tokio::test]
async fn no_janus_listening_is_unreachable() {
    let link = format!("janus+ws://127.0.0.1:{}/{JANUS_ROOM}", free_loopback_port());
    let error = join(options(&link, "Alice")).await.err().expect("nothing to join");
    assert!(matches!(error, CallError::Unreachable { .. }), "{error}");
}

#[tokio::test]
async fn a_room_that_does_not_exist_is_a_clear_error() {
    let janus = start_janus("no-room");
    let error = join(options(&janus.link(999, ""), "Alice")).await.err().expect("no such room");
    assert!(matches!(error, CallError::JanusRoomNotFound(999)), "{error}");
    assert!(error.to_string().contains("room 999 does not exist"), "{error}");
}

#[tokio::test]
async fn a_wrong_pin_is_refused_and_the_right_one_lets_in() {
    let janus = start_janus("pin");
    let error = join(options(&janus.link(JANUS_PIN_ROOM, "pin=0000"), "Alice")).await.err().expect("wrong pin");
    assert!(matches!(error, CallError::WrongPin), "{error}");
    let error = join(options(&janus.link(JANUS_PIN_ROOM, ""), "Alice")).await.err().expect("missing pin");
    assert!(matches!(error, CallError::WrongPin), "{error}");
    let (alice, _events) = join_ok(&janus, &janus.link(JANUS_PIN_ROOM, &format!("pin={JANUS_PIN}")), "Alice").await;
    alice.leave().await;
}

#[tokio::test]
async fn a_room_with_every_publisher_seat_taken_is_full() {
    let janus = start_janus("full");
    let link = janus.link(JANUS_ONE_SEAT_ROOM, "");
    let (alice, _events) = join_ok(&janus, &link, "Alice").await;
    // Janus counts a publisher once its media is up, which may be a moment after `join` returns: Bob tries
    // again, for up to 20 s, until he finds the room full.
    let mut refused = None;
    for _ in 0..40 {
        match join(options(&link, "Bob")).await {
            Ok((bob, _)) => bob.leave().await,
            Err(error) => {
                refused = Some(error);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let error = refused.expect("the room fills up");
    assert!(matches!(error, CallError::RoomFull), "{error}");
    alice.leave().await;
}

#[tokio::test]
async fn a_wrong_secret_is_refused() {
    let janus = start_janus("secret");
    let error = join(options(&janus.link(JANUS_ROOM, "secret=nope"), "Alice")).await.err().expect("wrong secret");
    assert!(matches!(error, CallError::WrongSecret), "{error}");
}
