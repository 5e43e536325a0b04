//! One participant's connection: the signalling WebSocket and the two peer connections behind it.
//!
//! The session is a single task that owns everything of its participant: it reads signals from the socket and
//! events from the room, in one `select!`, so there is no shared mutable state to lock. It ends when the socket
//! closes, the participant leaves, or their media transport fails; then the room is told, and the others drop
//! this participant's tracks.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use palabre_core::message::{Envelope, PROTOCOL_VERSION};
use palabre_core::signal::{ClientSignal, Refusal, ServerSignal};
use palabre_core::{ParticipantId, ParticipantInfo, RoomControl};
use palabre_net::negotiate::{self, PeerOptions};
use palabre_net::rtcp::drain_receiver_rtcp;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;
use tracing::Instrument;
use webrtc::data_channel::RTCDataChannel;
use webrtc::peer_connection::peer_connection_state::RTCPeerConnectionState;
use webrtc::peer_connection::RTCPeerConnection;
use webrtc::rtp_transceiver::rtp_sender::RTCRtpSender;
use webrtc::track::track_local::TrackLocal;

use crate::room::{Admission, Entry, Room, SessionEvent};
use crate::sfu::{Forwarder, MediaGate};

/// How long a new connection may take to say who it is.
const JOIN_TIMEOUT: Duration = Duration::from_secs(10);
/// App messages kept for a participant whose data channel is not open yet.
const PENDING_APP_MESSAGES: usize = 1024;

#[derive(Debug, thiserror::Error)]
enum SessionError {
    #[error("signalling socket: {0}")]
    Socket(#[from] tokio_tungstenite::tungstenite::Error),
    #[error("webrtc: {0}")]
    WebRtc(#[from] webrtc::Error),
    #[error("the participant did not join in time")]
    JoinTimeout,
    #[error("refused: {0}")]
    Refused(Refusal),
}

/// What the session's own callbacks (on the peer connections) tell it.
enum Local {
    DataChannelOpen(Arc<RTCDataChannel>),
    TransportFailed,
}

pub(crate) async fn serve<S>(rooms: Arc<HashMap<String, Arc<Room>>>, options: PeerOptions, socket: WebSocketStream<S>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut socket = socket;
    let (room, token, name) = match read_join(&mut socket).await {
        Ok(join) => join,
        Err(error) => {
            tracing::info!(%error, "connection closed before joining");
            return;
        }
    };
    let Some(room) = rooms.get(&room).cloned() else {
        refuse(&mut socket, Refusal::UnknownRoom).await;
        return;
    };
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let admission = match room.enter(&token, &name, events_tx) {
        Ok(Entry::Admitted(admission)) => admission,
        Ok(Entry::Waiting(id)) => match wait_in_lobby(&mut socket, &mut events).await {
            Some(admission) => admission,
            None => {
                room.leave(id);
                return;
            }
        },
        Err(refusal) => {
            refuse(&mut socket, refusal).await;
            return;
        }
    };
    let me = admission.you.clone();
    let span = tracing::info_span!("participant", room = %room.name, id = %me.id);
    async {
        tracing::info!(name = %me.name, role = ?me.role, "joined");
        let mut session = match Session::new(room.clone(), me.clone(), admission.gate, options).await {
            Ok(session) => session,
            Err(error) => {
                tracing::error!(%error, "cannot set up the participant's connections");
                room.leave(me.id);
                return;
            }
        };
        let welcome = ServerSignal::Welcome {
            you: me.id,
            role: me.role,
            name: me.name.clone(),
            participants: admission.others,
        };
        let result = match session.send(&mut socket, welcome).await {
            Ok(()) => {
                session.pending_app_messages = admission.replay;
                session.run(&mut socket, events, admission.tracks).await
            }
            Err(error) => Err(error),
        };
        match result {
            Ok(()) => tracing::info!("left"),
            Err(error) => tracing::info!(%error, "connection ended"),
        }
        room.leave(me.id);
        session.close().await;
    }
    .instrument(span)
    .await
}

async fn read_join<S>(socket: &mut WebSocketStream<S>) -> Result<(String, String, String), SessionError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let first = tokio::time::timeout(JOIN_TIMEOUT, socket.next()).await.map_err(|_| SessionError::JoinTimeout)?;
    let text = match first {
        Some(Ok(Message::Text(text))) => text,
        Some(Err(error)) => return Err(error.into()),
        _ => {
            refuse(socket, Refusal::BadRequest).await;
            return Err(SessionError::Refused(Refusal::BadRequest));
        }
    };
    match serde_json::from_str::<ClientSignal>(&text) {
        Ok(ClientSignal::Join { protocol, room, token, name }) if protocol == PROTOCOL_VERSION => Ok((room, token, name)),
        Ok(ClientSignal::Join { .. }) => {
            refuse(socket, Refusal::ProtocolVersion).await;
            Err(SessionError::Refused(Refusal::ProtocolVersion))
        }
        _ => {
            refuse(socket, Refusal::BadRequest).await;
            Err(SessionError::Refused(Refusal::BadRequest))
        }
    }
}

/// Waits in the lobby until a moderator decides; `None` if refused or if the visitor gave up.
async fn wait_in_lobby<S>(
    socket: &mut WebSocketStream<S>,
    events: &mut mpsc::UnboundedReceiver<SessionEvent>,
) -> Option<Admission>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    tracing::info!("waiting in the lobby");
    socket.send(Message::text(ServerSignal::Waiting.to_json())).await.ok()?;
    loop {
        tokio::select! {
            event = events.recv() => match event? {
                SessionEvent::Admitted(admission) => return Some(admission),
                SessionEvent::Ended(refusal) => {
                    refuse(socket, refusal).await;
                    return None;
                }
                _ => {}
            },
            message = socket.next() => match message {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return None,
                Some(Ok(_)) => {}
            },
        }
    }
}

async fn refuse<S>(socket: &mut WebSocketStream<S>, reason: Refusal)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    tracing::info!(%reason, "refused a participant");
    let _ = socket.send(Message::text(ServerSignal::Refused { reason }.to_json())).await;
    let _ = socket.close(None).await;
}

struct Session {
    room: Arc<Room>,
    me: ParticipantInfo,
    publish: Arc<RTCPeerConnection>,
    subscribe: Arc<RTCPeerConnection>,
    /// Senders on the subscribe connection, by whose track they carry, with that track's id.
    subscriptions: HashMap<ParticipantId, Vec<(String, Arc<RTCRtpSender>)>>,
    /// An offer is out and its answer not yet back.
    offer_in_flight: bool,
    /// Tracks changed while an offer was out: offer again once it is answered.
    renegotiate_after_answer: bool,
    data_channel: Option<Arc<RTCDataChannel>>,
    pending_app_messages: Vec<String>,
    local: mpsc::UnboundedReceiver<Local>,
}

impl Session {
    async fn new(
        room: Arc<Room>,
        me: ParticipantInfo,
        gate: Arc<MediaGate>,
        options: PeerOptions,
    ) -> Result<Session, SessionError> {
        let publish = negotiate::new_peer_connection(&options).await?;
        let subscribe = negotiate::new_peer_connection(&options).await?;
        let (local_tx, local) = mpsc::unbounded_channel();

        let (owner, track_room, publisher) = (me.id, room.clone(), Arc::downgrade(&publish));
        publish.on_track(Box::new(move |remote, receiver, _transceiver| {
            drain_receiver_rtcp(receiver);
            tracing::debug!(kind = %remote.kind(), codec = %remote.codec().capability.mime_type, "publishing");
            track_room.publish(Forwarder::start(owner, remote, publisher.clone(), gate.clone()));
            Box::pin(async {})
        }));

        let (relay_room, channel_tx) = (room.clone(), local_tx.clone());
        publish.on_data_channel(Box::new(move |channel: Arc<RTCDataChannel>| {
            let (room, open_tx, opened) = (relay_room.clone(), channel_tx.clone(), channel.clone());
            channel.on_open(Box::new(move || {
                let _ = open_tx.send(Local::DataChannelOpen(opened));
                Box::pin(async {})
            }));
            channel.on_message(Box::new(move |message| {
                match Envelope::decode(&message.data) {
                    // The sender is who this connection belongs to, whatever the message claims.
                    Ok(envelope) => room.relay(owner, envelope.message),
                    Err(error) => {
                        tracing::info!(%error, "dropped an app message");
                        room.deny(owner, format!("your message was not delivered: {error}"));
                    }
                }
                Box::pin(async {})
            }));
            Box::pin(async {})
        }));

        for pc in [&publish, &subscribe] {
            let failed_tx = local_tx.clone();
            pc.on_peer_connection_state_change(Box::new(move |state| {
                if state == RTCPeerConnectionState::Failed {
                    let _ = failed_tx.send(Local::TransportFailed);
                }
                Box::pin(async {})
            }));
        }

        Ok(Session {
            room,
            me,
            publish,
            subscribe,
            subscriptions: HashMap::new(),
            offer_in_flight: false,
            renegotiate_after_answer: false,
            data_channel: None,
            pending_app_messages: Vec::new(),
            local,
        })
    }

    async fn run<S>(
        &mut self,
        socket: &mut WebSocketStream<S>,
        mut events: mpsc::UnboundedReceiver<SessionEvent>,
        existing_tracks: Vec<Arc<Forwarder>>,
    ) -> Result<(), SessionError>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        for forwarder in existing_tracks {
            self.add_subscription(&forwarder).await?;
        }
        self.negotiate(socket).await?;
        loop {
            tokio::select! {
                message = socket.next() => match message {
                    Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientSignal>(&text) {
                        Ok(ClientSignal::Leave) => return Ok(()),
                        Ok(signal) => self.on_signal(socket, signal).await?,
                        Err(error) => tracing::info!(%error, "ignored an unreadable signal"),
                    },
                    Some(Ok(Message::Close(_))) | None => return Ok(()),
                    Some(Ok(_)) => {}
                    Some(Err(error)) => return Err(error.into()),
                },
                Some(event) = events.recv() => self.on_room_event(socket, event).await?,
                Some(local) = self.local.recv() => match local {
                    Local::DataChannelOpen(channel) => {
                        for text in std::mem::take(&mut self.pending_app_messages) {
                            let _ = channel.send_text(text).await;
                        }
                        self.data_channel = Some(channel);
                    }
                    Local::TransportFailed => {
                        tracing::warn!("media transport failed");
                        return Ok(());
                    }
                },
            }
        }
    }

    async fn on_signal<S>(&mut self, socket: &mut WebSocketStream<S>, signal: ClientSignal) -> Result<(), SessionError>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        match signal {
            ClientSignal::PublishOffer { sdp } => {
                let sdp = negotiate::answer(&self.publish, sdp).await?;
                self.send(socket, ServerSignal::PublishAnswer { sdp }).await
            }
            ClientSignal::SubscribeAnswer { sdp } => {
                negotiate::accept_answer(&self.subscribe, sdp).await?;
                self.offer_in_flight = false;
                if std::mem::take(&mut self.renegotiate_after_answer) {
                    self.negotiate(socket).await?;
                }
                Ok(())
            }
            ClientSignal::Admit { id } => self.control(socket, RoomControl::Admit(id)).await,
            ClientSignal::Refuse { id } => self.control(socket, RoomControl::Refuse(id)).await,
            ClientSignal::Lock { locked } => self.control(socket, RoomControl::Lock(locked)).await,
            ClientSignal::Remove { id } => self.control(socket, RoomControl::Remove(id)).await,
            ClientSignal::SetRole { id, role } => self.control(socket, RoomControl::SetRole(id, role)).await,
            ClientSignal::Join { .. } => {
                tracing::info!("ignored a second join");
                Ok(())
            }
            ClientSignal::Leave => Ok(()),
        }
    }

    async fn on_room_event<S>(&mut self, socket: &mut WebSocketStream<S>, event: SessionEvent) -> Result<(), SessionError>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        match event {
            SessionEvent::Signal(signal) => self.send(socket, signal).await,
            SessionEvent::Ended(reason) => {
                self.send(socket, ServerSignal::Refused { reason }).await?;
                Err(SessionError::Refused(reason))
            }
            SessionEvent::Admitted(_) => Ok(()),
            SessionEvent::Left(id) => {
                for (_, sender) in self.subscriptions.remove(&id).unwrap_or_default() {
                    self.subscribe.remove_track(&sender).await?;
                }
                self.negotiate(socket).await?;
                self.send(socket, ServerSignal::ParticipantLeft { id }).await
            }
            SessionEvent::Subscribe(forwarder) => {
                self.add_subscription(&forwarder).await?;
                self.negotiate(socket).await
            }
            SessionEvent::Unsubscribe(forwarder) => {
                let id = forwarder.track.id().to_string();
                let senders = self.subscriptions.entry(forwarder.owner).or_default();
                let (dropped, kept) = std::mem::take(senders).into_iter().partition(|(track, _)| *track == id);
                *senders = kept;
                for (_, sender) in dropped {
                    self.subscribe.remove_track(&sender).await?;
                }
                self.negotiate(socket).await
            }
            SessionEvent::AppMessage(text) => {
                match &self.data_channel {
                    Some(channel) => {
                        if let Err(error) = channel.send_text(text).await {
                            tracing::info!(%error, "could not deliver an app message");
                        }
                    }
                    None if self.pending_app_messages.len() < PENDING_APP_MESSAGES => {
                        self.pending_app_messages.push(text)
                    }
                    None => tracing::info!("dropped an app message: data channel not open"),
                }
                Ok(())
            }
        }
    }

    async fn control<S>(&mut self, socket: &mut WebSocketStream<S>, control: RoomControl) -> Result<(), SessionError>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        tracing::info!(?control, "moderation");
        match self.room.control(self.me.id, control) {
            Ok(()) => Ok(()),
            Err(reason) => self.send(socket, ServerSignal::Denied { reason }).await,
        }
    }

    async fn add_subscription(&mut self, forwarder: &Arc<Forwarder>) -> Result<(), SessionError> {
        let track: Arc<dyn TrackLocal + Send + Sync> = forwarder.track.clone();
        // Always a new transceiver: `add_track` would reuse the one a removed track of the same id left (a screen
        // shared again), and webrtc-rs 0.17 then fails ("new track must have the same envelope as previous").
        let sender = self.subscribe.add_transceiver_from_track(track, None).await?.sender().await;
        forwarder.watch_subscriber(sender.clone());
        forwarder.request_keyframe();
        self.subscriptions.entry(forwarder.owner).or_default().push((forwarder.track.id().to_string(), sender));
        Ok(())
    }

    /// Offers the current set of subscriptions, or remembers to once the outstanding offer is answered.
    async fn negotiate<S>(&mut self, socket: &mut WebSocketStream<S>) -> Result<(), SessionError>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        if self.offer_in_flight {
            self.renegotiate_after_answer = true;
            return Ok(());
        }
        if self.subscriptions.is_empty() && self.subscribe.remote_description().await.is_none() {
            return Ok(()); // Nothing to receive yet: an offer without media would be empty.
        }
        let sdp = negotiate::offer(&self.subscribe).await?;
        self.offer_in_flight = true;
        self.send(socket, ServerSignal::SubscribeOffer { sdp }).await
    }

    async fn send<S>(&self, socket: &mut WebSocketStream<S>, signal: ServerSignal) -> Result<(), SessionError>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        tracing::trace!(participant = %self.me.id, ?signal, "signal out");
        socket.send(Message::text(signal.to_json())).await?;
        Ok(())
    }

    async fn close(&self) {
        let _ = self.publish.close().await;
        let _ = self.subscribe.close().await;
    }
}
