//! The adapter for a Janus VideoRoom (`janus+ws://HOST:PORT/ROOM_ID` links, and `janus+wss://` over TLS).
//!
//! One Janus session over a WebSocket (`session`), with two VideoRoom handles: a *publisher* handle that joins
//! the room (Janus' roster and events come through it) and publishes our audio, video and the app-message data
//! channel on the *publish* peer connection, which we offer; and one multistream *subscriber* handle, made when
//! the first other publisher appears, whose peer connection Janus offers and re-offers as we add feeds.
//!
//! What Janus vouches for is less than what Palabre's own server does, and the adapter makes up the difference
//! as far as it can (docs/PROTOCOL.md, "Janus VideoRoom"):
//! - Only active publishers are announced, so a participant is a publisher: feed id = participant id.
//! - Roles: Janus knows none. Whoever holds the room secret is our *animateur*; everyone is *participant actif*
//!   to everyone else.
//! - App messages: Janus relays a publisher's data-channel messages to subscribers, but neither stamps the
//!   sender nor echoes them back. So we stamp `from` (our feed id) and `from_name` ourselves and echo our own
//!   messages locally. Janus does not say which feed a relayed message came from (every publisher's data
//!   reaches us on one data channel), so receivers can only check that the claimed sender is a publisher in
//!   the room and not us, and replace the claimed name by the one Janus announced for that id: a modified client
//!   can still speak under another participant's id.

mod api;
mod session;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use async_trait::async_trait;
use palabre_core::names::clean_display_name;
use palabre_core::signal::Refusal;
use palabre_core::{AppMessage, Envelope, JanusLink, ParticipantId, ParticipantInfo, Role, RoomControl};
use palabre_net::negotiate;
use palabre_net::rtcp::drain_receiver_rtcp;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use webrtc::data_channel::RTCDataChannel;
use webrtc::peer_connection::RTCPeerConnection;

use self::api::{Incoming, VideoRoom};
use self::session::Session;
use crate::adapter::{LocalTracks, RoomConnection, RoomEvent};
use crate::connections::{keyframe_requester, Connections, APP_CHANNEL_LABEL};
use crate::error::CallError;
use crate::stats;

const LEAVE_TIMEOUT: Duration = Duration::from_secs(2);

/// The publishers in the room, by feed id: who may send us app messages, under which name.
type Roster = Arc<StdMutex<HashMap<u64, Member>>>;

struct Member {
    name: String,
    /// The mids of its audio streams, which a moderator with the room secret can mute at Janus.
    audio_mids: Vec<String>,
}

pub struct JanusRoom {
    session: Arc<Session>,
    roster: Roster,
    /// Our publisher handle.
    publisher: u64,
    room: u64,
    secret: Option<String>,
    me: ParticipantId,
    name: String,
    connections: Connections,
    events: mpsc::UnboundedSender<RoomEvent>,
    leaving: Arc<AtomicBool>,
    task: JoinHandle<()>,
}

impl JanusRoom {
    pub async fn connect(
        link: &JanusLink,
        name: &str,
        local: &LocalTracks,
        events: mpsc::UnboundedSender<RoomEvent>,
    ) -> Result<JanusRoom, CallError> {
        // Janus shows names as given: we clean ours as Palabre's server would.
        let name = clean_display_name(name).map_err(|_| CallError::Refused(Refusal::BadName))?;
        let (session, janus_events) = Session::open(link).await?;
        let session = Arc::new(session);
        let publisher = session.attach().await?;
        let join = api::message(publisher, api::join_publisher(link.room_id, link.pin.as_deref(), &name), None);
        let joined = plugin_reply(session.request(join, "joining the room").await?, link.room_id)?.videoroom();
        let Some(me) = joined.id else {
            return Err(CallError::Protocol("Janus let us in without a participant id".into()));
        };
        let role = match &link.secret {
            Some(secret) => {
                let check = api::message(publisher, api::list_forwarders(link.room_id, secret), None);
                plugin_reply(session.request(check, "checking the room secret").await?, link.room_id).map_err(
                    |error| if matches!(error, CallError::WrongPin) { CallError::WrongSecret } else { error },
                )?;
                Role::Animateur
            }
            None => Role::ParticipantActif,
        };
        let roster: Roster = Arc::default();
        let present = add_publishers(&roster, me, joined.publishers.unwrap_or_default());
        let participants = present.iter().map(|&(id, ref name)| participant(id, name)).collect();
        let _ = events.send(RoomEvent::Welcomed { you: ParticipantId(me), role, name: name.clone(), participants });

        let connections = Connections::open(local, &events, "Janus server").await?;
        let (publish, subscribe) = (&connections.publish, &connections.subscribe);
        let mids: Arc<StdMutex<HashMap<String, u64>>> = Arc::default();
        forward_remote_tracks(subscribe, mids.clone(), &events);
        receive_app_messages(subscribe, me, roster.clone(), &events).await?;

        let offer = negotiate::offer(publish).await?;
        let request = api::message(publisher, api::publish(), Some(api::jsep("offer", offer)));
        let published = plugin_reply(session.request(request, "publishing our media").await?, link.room_id)?;
        let answer = published.jsep.ok_or_else(|| CallError::Protocol("Janus did not answer our media offer".into()))?;
        negotiate::accept_answer(publish, answer.sdp).await?;

        let leaving = Arc::new(AtomicBool::new(false));
        let watcher = RoomWatcher {
            session: session.clone(),
            room: link.room_id,
            pin: link.pin.clone(),
            private_id: joined.private_id,
            me,
            publisher,
            subscriber: None,
            subscribe: subscribe.clone(),
            mids,
            roster: roster.clone(),
            events: events.clone(),
        };
        let initial = present.into_iter().map(|(id, _)| id).collect();
        let task = tokio::spawn(watcher.run(janus_events, initial, leaving.clone()));
        Ok(JanusRoom {
            session,
            roster,
            publisher,
            room: link.room_id,
            secret: link.secret.clone(),
            me: ParticipantId(me),
            name,
            connections,
            events,
            leaving,
            task,
        })
    }
}

#[async_trait]
impl RoomConnection for JanusRoom {
    /// Stamps the message with our id and name (Janus does not), sends it, and hands it back to our own engine
    /// at once (Janus does not echo it), so that it is applied like everyone else's.
    async fn send_app_message(&self, text: String) -> Result<(), CallError> {
        let mut envelope = Envelope::decode(text.as_bytes()).map_err(|e| CallError::Protocol(e.to_string()))?;
        envelope.from = Some(self.me);
        envelope.from_name = Some(self.name.clone());
        let stamped = envelope.encode();
        tracing::debug!(message = %stamped, "sending an app message through Janus");
        self.connections.send_app_message(stamped.clone()).await?;
        let _ = self.events.send(RoomEvent::AppMessage(stamped.into_bytes()));
        self.enforce_microphones(&envelope.message).await;
        Ok(())
    }

    /// Janus can remove someone (`kick`, with the room secret); it has no lobby, lock or roles.
    async fn control(&self, control: RoomControl) -> Result<(), CallError> {
        let refusal = match (&self.secret, control) {
            (None, _) => "moderating a Janus room needs a link with the room secret".to_string(),
            (Some(secret), RoomControl::Remove(id)) => {
                let kick = api::message(self.publisher, api::kick(self.room, secret, id.0), None);
                let reply = self.session.request(kick, "removing a participant").await?.videoroom();
                match reply.error_code {
                    None => return Ok(()),
                    Some(code) => format!("removing {id} failed: {} (Janus error {code})", reply.error.unwrap_or_default()),
                }
            }
            (Some(_), RoomControl::Admit(_) | RoomControl::Refuse(_)) => "a Janus room has no lobby".to_string(),
            (Some(_), RoomControl::Lock(_)) => "locking is not available on Janus".to_string(),
            (Some(_), RoomControl::SetRole(..)) => "roles are not available on Janus".to_string(),
        };
        let _ = self.events.send(RoomEvent::Denied(refusal));
        Ok(())
    }

    async fn round_trip_ms(&self) -> Option<f64> {
        stats::round_trip_ms(&self.connections.publish).await
    }

    async fn leave(&self) {
        self.leaving.store(true, Ordering::Relaxed);
        let leave = api::message(self.publisher, api::leave(), None);
        let _ = tokio::time::timeout(LEAVE_TIMEOUT, self.session.request(leave, "leaving")).await;
        let _ = tokio::time::timeout(LEAVE_TIMEOUT, self.session.close()).await;
        self.task.abort();
        self.connections.close().await;
    }
}

impl JanusRoom {
    /// With the room secret, has Janus itself enforce what a message asks of others' microphones: `moderate`
    /// mutes their audio streams for everyone (a mute, a mute-all) and lifts that (asked to speak, given the
    /// floor). The others' engines refuse our moderation messages, Janus vouching for no role (ENFORCEMENT.md).
    async fn enforce_microphones(&self, message: &AppMessage) {
        let Some(secret) = &self.secret else { return };
        let (feeds, mute): (Vec<u64>, bool) = match message {
            AppMessage::Mute { id } => (vec![id.0], true),
            AppMessage::MuteAll { except } => {
                let roster = self.roster.lock().expect("roster lock");
                (roster.keys().copied().filter(|&feed| !except.contains(&ParticipantId(feed))).collect(), true)
            }
            AppMessage::AskUnmute { id } | AppMessage::GiveFloor { id } => (vec![id.0], false),
            _ => return,
        };
        for feed in feeds {
            let mids = self.roster.lock().expect("roster lock").get(&feed).map(|m| m.audio_mids.clone()).unwrap_or_default();
            for mid in mids {
                let request = api::message(self.publisher, api::moderate(self.room, secret, feed, &mid, mute), None);
                let refused = match self.session.request(request, "muting a microphone at Janus").await {
                    Ok(reply) => reply.videoroom().error.map(|reason| format!("{reason} (Janus)")),
                    Err(error) => Some(error.to_string()),
                };
                if let Some(reason) = refused {
                    let doing = if mute { "muting" } else { "unmuting" };
                    let _ = self.events.send(RoomEvent::Denied(format!("{doing} participant {feed} at Janus failed: {reason}")));
                }
            }
        }
    }
}

/// Follows the room through the publisher handle's events and keeps the subscription in step with it.
struct RoomWatcher {
    session: Arc<Session>,
    room: u64,
    pin: Option<String>,
    private_id: Option<u64>,
    me: u64,
    publisher: u64,
    /// Our subscriber handle, once there was someone to subscribe to.
    subscriber: Option<u64>,
    subscribe: Arc<RTCPeerConnection>,
    /// Which feed each mid of the subscriber peer connection carries (from Janus' `streams` lists).
    mids: Arc<StdMutex<HashMap<String, u64>>>,
    roster: Roster,
    events: mpsc::UnboundedSender<RoomEvent>,
}

impl RoomWatcher {
    async fn run(mut self, mut janus: mpsc::UnboundedReceiver<Incoming>, initial: Vec<u64>, leaving: Arc<AtomicBool>) {
        let outcome: Result<(), CallError> = async {
            if !initial.is_empty() {
                self.subscribe_to(&initial).await?;
            }
            while let Some(incoming) = janus.recv().await {
                self.handle(incoming).await?;
            }
            Err(CallError::ServerGone)
        }
        .await;
        if let Err(error) = outcome {
            if !leaving.load(Ordering::Relaxed) {
                let _ = self.events.send(RoomEvent::Closed(error));
            }
        }
    }

    async fn handle(&mut self, incoming: Incoming) -> Result<(), CallError> {
        match incoming.janus.as_str() {
            "event" => {}
            "timeout" => return Err(CallError::SessionTimedOut),
            "hangup" if incoming.sender == Some(self.publisher) => {
                let error = webrtc::Error::new("Janus closed the media connection we publish on".into());
                return Err(CallError::WebRtc(error));
            }
            // webrtcup, media, slowlink, detached, a subscriber's hangup: nothing to do.
            _ => return Ok(()),
        }
        if incoming.sender.is_some() && incoming.sender == self.subscriber {
            return self.subscription_changed(incoming).await;
        }
        let event = incoming.videoroom();
        if let (Some(code), Some(reason)) = (event.error_code, &event.error) {
            let _ = self.events.send(RoomEvent::Denied(format!("{reason} (Janus error {code})")));
            return Ok(());
        }
        if event.videoroom.as_deref() == Some("destroyed") {
            return Err(CallError::JanusRoomNotFound(self.room));
        }
        let kicked_us = event.kicked == Some(self.me)
            || (event.leaving.as_ref().and_then(|l| l.as_str()) == Some("ok") && event.reason.as_deref() == Some("kicked"));
        if kicked_us {
            return Err(CallError::Refused(Refusal::Removed));
        }
        for gone in [VideoRoom::id_in(&event.leaving), VideoRoom::id_in(&event.unpublished), event.kicked].into_iter().flatten() {
            // Only publishers are participants; Janus drops their streams from our subscription itself.
            if self.roster.lock().expect("roster lock").remove(&gone).is_some() {
                let _ = self.events.send(RoomEvent::ParticipantLeft(ParticipantId(gone)));
            }
        }
        if let Some(publishers) = event.publishers {
            let new = add_publishers(&self.roster, self.me, publishers);
            for (id, name) in &new {
                let _ = self.events.send(RoomEvent::ParticipantJoined(participant(*id, name)));
            }
            if !new.is_empty() {
                let feeds: Vec<u64> = new.into_iter().map(|(id, _)| id).collect();
                self.subscribe_to(&feeds).await?;
            }
        }
        Ok(())
    }

    /// Adds every stream of these feeds (their data stream included) to our one subscription.
    async fn subscribe_to(&mut self, feeds: &[u64]) -> Result<(), CallError> {
        let request = match self.subscriber {
            Some(handle) => api::message(handle, api::subscribe(feeds), None),
            None => {
                let handle = self.session.attach().await?;
                self.subscriber = Some(handle);
                let join = api::join_subscriber(self.room, self.pin.as_deref(), self.private_id, feeds);
                api::message(handle, join, None)
            }
        };
        let reply = self.session.request(request, "subscribing to the others' media").await?;
        self.subscription_changed(reply).await
    }

    /// Janus' `attached`/`updated` (maybe with an offer) for our subscription: learn the mids, answer.
    async fn subscription_changed(&mut self, reply: Incoming) -> Result<(), CallError> {
        let event = reply.videoroom();
        if let Some(code) = event.error_code {
            // Typically a feed that left between its announcement and our request: nothing to receive.
            tracing::warn!(code, error = ?event.error, "Janus refused a subscription change");
            return Ok(());
        }
        if let Some(streams) = event.streams {
            let mut mids = self.mids.lock().expect("mids lock");
            mids.clear();
            mids.extend(streams.into_iter().filter_map(|s| Some((s.mid?, s.feed_id?))));
        }
        let (Some(handle), Some(offer)) = (self.subscriber, reply.jsep.filter(|j| j.kind == "offer")) else {
            return Ok(());
        };
        tracing::debug!(sdp = %offer.sdp, "Janus offered our subscription");
        let answer = negotiate::answer(&self.subscribe, offer.sdp).await?;
        tracing::debug!(sdp = %answer, "our subscription answer");
        let start = api::message(handle, api::start(), Some(api::jsep("answer", answer)));
        let started = self.session.request(start, "receiving the others' media").await?.videoroom();
        if let Some(code) = started.error_code {
            tracing::warn!(code, error = ?started.error, "Janus refused our subscription answer");
        }
        Ok(())
    }
}

/// Checks a plugin reply for a VideoRoom error and words it.
fn plugin_reply(reply: Incoming, room: u64) -> Result<Incoming, CallError> {
    let event = reply.videoroom();
    match event.error_code {
        None => Ok(reply),
        Some(api::ERROR_NO_SUCH_ROOM) => Err(CallError::JanusRoomNotFound(room)),
        Some(api::ERROR_UNAUTHORIZED) => Err(CallError::WrongPin),
        // A link without the PIN the room needs.
        Some(api::ERROR_MISSING_ELEMENT) if event.error.as_deref().is_some_and(|e| e.contains("(pin)")) => Err(CallError::WrongPin),
        Some(api::ERROR_PUBLISHERS_FULL) => Err(CallError::RoomFull),
        Some(code) => Err(CallError::Janus { code, reason: event.error.unwrap_or_default() }),
    }
}

/// Adds the publishers not known yet (nor us, nor Janus' placeholder publishers) and returns them.
fn add_publishers(roster: &Roster, me: u64, publishers: Vec<api::Publisher>) -> Vec<(u64, String)> {
    let mut roster = roster.lock().expect("roster lock");
    let mut new = Vec::new();
    for publisher in publishers {
        if publisher.dummy || publisher.id == me || roster.contains_key(&publisher.id) {
            continue;
        }
        let audio = publisher.streams.iter().filter(|stream| stream.kind == "audio");
        let audio_mids = audio.filter_map(|stream| stream.mid.clone()).collect();
        // Janus passes names on as their owners gave them: clean them as Palabre's server would.
        let name = publisher
            .display
            .as_deref()
            .and_then(|display| clean_display_name(display).ok())
            .unwrap_or_else(|| format!("Participant {}", publisher.id));
        roster.insert(publisher.id, Member { name: name.clone(), audio_mids });
        new.push((publisher.id, name));
    }
    new
}

fn participant(id: u64, name: &str) -> ParticipantInfo {
    ParticipantInfo { id: ParticipantId(id), name: name.to_string(), role: Role::ParticipantActif }
}

/// Tracks of the subscription belong to the feed Janus said their mid carries.
fn forward_remote_tracks(
    subscribe: &Arc<RTCPeerConnection>,
    mids: Arc<StdMutex<HashMap<String, u64>>>,
    events: &mpsc::UnboundedSender<RoomEvent>,
) {
    let (events, pc) = (events.clone(), Arc::downgrade(subscribe));
    subscribe.on_track(Box::new(move |track, receiver, transceiver| {
        drain_receiver_rtcp(receiver);
        let feed = transceiver.mid().and_then(|mid| mids.lock().expect("mids lock").get(mid.as_str()).copied());
        let Some(feed) = feed else {
            tracing::warn!(mid = ?transceiver.mid(), "ignored a track of no known feed");
            return Box::pin(async {});
        };
        let request_keyframe = keyframe_requester(pc.clone(), track.ssrc());
        let _ = events.send(RoomEvent::Track { owner: ParticipantId(feed), track, request_keyframe });
        Box::pin(async {})
    }));
}

/// App messages from the others arrive on our subscription's data channel. Janus opens none there itself and
/// relays data only once one is open, so we open it (as janus.js does), and listen on any Janus opens too.
async fn receive_app_messages(
    subscribe: &Arc<RTCPeerConnection>,
    me: u64,
    roster: Roster,
    events: &mpsc::UnboundedSender<RoomEvent>,
) -> Result<(), CallError> {
    let events = events.clone();
    let listen = move |channel: &RTCDataChannel| {
        let (events, roster) = (events.clone(), roster.clone());
        let label = channel.label().to_string();
        channel.on_message(Box::new(move |message| {
            tracing::debug!(channel = %label, message = %String::from_utf8_lossy(&message.data), "Janus relayed an app message");
            if let Some(checked) = check_relayed(&message.data, me, &roster) {
                let _ = events.send(RoomEvent::AppMessage(checked));
            }
            Box::pin(async {})
        }));
    };
    let ours = subscribe.create_data_channel(APP_CHANNEL_LABEL, None).await?;
    listen(&ours);
    subscribe.on_data_channel(Box::new(move |channel| {
        listen(&channel);
        Box::pin(async {})
    }));
    Ok(())
}

/// What Janus relayed, if its claimed sender is another publisher in the room, with the name Janus announced for
/// that publisher. Janus does not say which feed a message came from, so this is all a receiver can check.
fn check_relayed(bytes: &[u8], me: u64, roster: &Roster) -> Option<Vec<u8>> {
    let mut envelope = match Envelope::decode(bytes) {
        Ok(envelope) => envelope,
        Err(error) => {
            tracing::warn!(%error, "dropped an app message relayed by Janus");
            return None;
        }
    };
    let from = envelope.from.filter(|from| from.0 != me)?;
    let Some(name) = roster.lock().expect("roster lock").get(&from.0).map(|member| member.name.clone()) else {
        tracing::warn!(%from, "dropped an app message from someone not publishing in the room");
        return None;
    };
    envelope.from_name = Some(name);
    Some(envelope.encode().into_bytes())
}
