//! Calls through a real embedded room server on loopback, in one process: real TLS, real WebRTC, real codecs.

use std::time::Duration;

use palabre_core::signal::Refusal;
use palabre_core::{Fingerprint, Link};
use palabre_rtc::{join, AudioSource, Call, CallError, CallEvent, CallOptions, VideoSource};
use palabre_server::{RoomServer, ServerConfig};
use tokio::sync::mpsc::UnboundedReceiver;

async fn start_server(room: &str) -> RoomServer {
    let data_dir = std::env::temp_dir().join(format!("palabre-rtc-test-{}-{room}", std::process::id()));
    let config =
        ServerConfig { listen: "127.0.0.1:0".parse().unwrap(), room: Some(room.into()), data_dir, policy: Default::default() };
    RoomServer::start(config).await.expect("server starts")
}

fn options(link: Link, name: &str) -> CallOptions {
    CallOptions {
        link,
        name: name.into(),
        video: VideoSource::TestPattern { width: 320, height: 180, fps: 30 },
        audio: AudioSource::Tone { frequency_hz: 440.0 },
        accept_unmute_requests: false,
    }
}

async fn join_ok(link: Link, name: &str) -> (Call, UnboundedReceiver<CallEvent>) {
    join(options(link, name)).await.unwrap_or_else(|e| panic!("{name} joins: {e}"))
}

/// The share of `sender`'s video frames that `receiver` decoded.
fn video_delivery(receiver: &Call, sender: &Call) -> f64 {
    let sender_id = sender.me().expect("sender is in").info.id;
    let decoded = receiver.stats().remote.get(&sender_id).map_or(0, |m| m.video_frames_decoded);
    decoded as f64 / sender.sent().0 as f64
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
async fn a_late_joiner_gets_video_at_once() {
    let server = start_server("Retard").await;
    let (early, _e) = join_ok(server.guest_link(), "Early").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (late, _l) = join_ok(server.guest_link(), "Late").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let early_id = early.me().unwrap().info.id;
    let media = late.stats().remote.get(&early_id).cloned().expect("late joiner receives the early one");
    let waited = media.first_video_at.expect("video arrived").duration_since(late.joined_at);
    // Without a keyframe request the late joiner would wait for the next periodic keyframe (3 s).
    assert!(waited < Duration::from_millis(1500), "first frame after {waited:?}");
    late.leave().await;
    early.leave().await;
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

    let janus = Link::parse("janus+ws://127.0.0.1:8188/1234").unwrap();
    assert!(matches!(join(options(janus, "Eve")).await.err(), Some(CallError::UnsupportedServer("Janus"))));

    let nameless = Link::Embedded(guest);
    assert!(matches!(join(options(nameless, " \u{200B} ")).await.err(), Some(CallError::Refused(Refusal::BadName))));
    assert_eq!(server.room.member_count(), 0, "no refused participant stays in the room");
}
