//! The adapter for Palabre's embedded room server (`palabre-server`).
//!
//! Signalling is a TLS WebSocket whose certificate must match the link's fingerprint. Then two peer
//! connections: *publish*, which we offer once with our tracks and the app-message data channel, and
//! *subscribe*, which the server offers and re-offers as others come and go (see `palabre_core::signal`).

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use palabre_core::link::host_port;
use palabre_core::message::PROTOCOL_VERSION;
use palabre_core::signal::{ClientSignal, ServerSignal};
use palabre_core::{EmbeddedLink, ParticipantId, RoomControl};
use palabre_net::rtcp::drain_receiver_rtcp;
use palabre_net::negotiate;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, Mutex};
use tokio_rustls::client::TlsStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;
use webrtc::peer_connection::RTCPeerConnection;
use webrtc::track::track_local::track_local_static_rtp::TrackLocalStaticRTP;

use crate::adapter::{LocalTracks, RoomConnection, RoomEvent};
use crate::connections::{add_send_track, keyframe_requester, Connections, SendFeedback};
use crate::error::CallError;
use crate::stats;
use crate::transport::{self, Trust};

const WELCOME_TIMEOUT: Duration = Duration::from_secs(10);

type Socket = WebSocketStream<TlsStream<TcpStream>>;

pub struct EmbeddedRoom {
    connections: Connections,
    writer: Arc<Mutex<SplitSink<Socket, Message>>>,
}

impl EmbeddedRoom {
    pub async fn connect(
        link: &EmbeddedLink,
        name: &str,
        local: &LocalTracks,
        events: mpsc::UnboundedSender<RoomEvent>,
    ) -> Result<EmbeddedRoom, CallError> {
        let mut socket = open_socket(link).await?;
        let join = ClientSignal::Join {
            protocol: PROTOCOL_VERSION,
            room: link.room.clone(),
            token: link.token.clone(),
            name: name.to_string(),
        };
        socket.send(Message::text(join.to_json())).await.map_err(|_| CallError::ServerGone)?;
        let mut welcome = tokio::time::timeout(WELCOME_TIMEOUT, next_signal(&mut socket))
            .await
            .map_err(|_| CallError::Timeout("waiting to be let in"))??;
        if welcome == ServerSignal::Waiting {
            // In the lobby for as long as a moderator takes; the caller decides how long to wait.
            let _ = events.send(RoomEvent::Waiting);
            welcome = next_signal(&mut socket).await?;
        }
        match welcome {
            ServerSignal::Welcome { you, role, name, participants } => {
                let _ = events.send(RoomEvent::Welcomed { you, role, name, participants });
            }
            ServerSignal::Refused { reason } => return Err(CallError::Refused(reason)),
            other => return Err(CallError::Protocol(format!("expected a welcome, got {other:?}"))),
        }

        let connections = Connections::open(local, &events, "room server").await?;
        let messages = events.clone();
        connections.data_channel.on_message(Box::new(move |message| {
            let _ = messages.send(RoomEvent::AppMessage(message.data.to_vec()));
            Box::pin(async {})
        }));
        forward_remote_tracks(&connections.subscribe, &events);

        let offer = negotiate::offer(&connections.publish).await?;
        socket.send(Message::text(ClientSignal::PublishOffer { sdp: offer }.to_json())).await.map_err(|_| CallError::ServerGone)?;
        let (writer, reader) = socket.split();
        let writer = Arc::new(Mutex::new(writer));
        let (publish, subscribe) = (connections.publish.clone(), connections.subscribe.clone());
        tokio::spawn(read_signals(reader, writer.clone(), publish, subscribe, events));
        Ok(EmbeddedRoom { connections, writer })
    }
}

#[async_trait]
impl RoomConnection for EmbeddedRoom {
    async fn send_app_message(&self, text: String) -> Result<(), CallError> {
        self.connections.send_app_message(text).await
    }

    async fn control(&self, control: RoomControl) -> Result<(), CallError> {
        let signal = match control {
            RoomControl::Admit(id) => ClientSignal::Admit { id },
            RoomControl::Refuse(id) => ClientSignal::Refuse { id },
            RoomControl::Lock(locked) => ClientSignal::Lock { locked },
            RoomControl::Remove(id) => ClientSignal::Remove { id },
            RoomControl::SetRole(id, role) => ClientSignal::SetRole { id, role },
        };
        self.writer.lock().await.send(Message::text(signal.to_json())).await.map_err(|_| CallError::ServerGone)
    }

    async fn round_trip_ms(&self) -> Option<f64> {
        stats::round_trip_ms(&self.connections.publish).await
    }

    async fn publish_screen(
        &self,
        track: Arc<TrackLocalStaticRTP>,
        keyframe_requested: Arc<AtomicBool>,
    ) -> Result<(), CallError> {
        let feedback = SendFeedback { keyframe_requested, loss: None };
        add_send_track(&self.connections.publish, track, None, feedback).await?;
        // The server answers on the signalling socket; `read_signals` applies the answer.
        let offer = negotiate::offer(&self.connections.publish).await?;
        let signal = ClientSignal::PublishOffer { sdp: offer };
        self.writer.lock().await.send(Message::text(signal.to_json())).await.map_err(|_| CallError::ServerGone)
    }

    async fn leave(&self) {
        let mut writer = self.writer.lock().await;
        let _ = writer.send(Message::text(ClientSignal::Leave.to_json())).await;
        let _ = writer.close().await;
        drop(writer);
        self.connections.close().await;
    }
}

/// TCP, then TLS pinned to the link's fingerprint, then the WebSocket upgrade.
async fn open_socket(link: &EmbeddedLink) -> Result<Socket, CallError> {
    let address = host_port(&link.host, link.port);
    let stream = transport::connect_tls(&link.host, link.port, &Trust::Pinned(link.fingerprint)).await?;
    let url = format!("wss://{address}/");
    let (socket, _) = tokio_tungstenite::client_async(url, stream)
        .await
        .map_err(|e| CallError::Unreachable { address, detail: format!("not a Palabre room server: {e}") })?;
    Ok(socket)
}

/// The next server signal; a closed socket is [`CallError::ServerGone`].
async fn next_signal<S>(socket: &mut S) -> Result<ServerSignal, CallError>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => {
                return serde_json::from_str(&text).map_err(|e| CallError::Protocol(e.to_string()));
            }
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return Err(CallError::ServerGone),
            Some(Ok(_)) => {}
        }
    }
}

fn forward_remote_tracks(subscribe: &Arc<RTCPeerConnection>, events: &mpsc::UnboundedSender<RoomEvent>) {
    let (events, pc) = (events.clone(), Arc::downgrade(subscribe));
    subscribe.on_track(Box::new(move |track, receiver, _transceiver| {
        drain_receiver_rtcp(receiver);
        // The server names each forwarded stream after its owner's id.
        let Ok(owner) = track.stream_id().parse().map(ParticipantId) else {
            tracing::warn!(stream = %track.stream_id(), "ignored a track with no owner");
            return Box::pin(async {});
        };
        let request_keyframe = keyframe_requester(pc.clone(), track.ssrc());
        let _ = events.send(RoomEvent::Track { owner, track, request_keyframe });
        Box::pin(async {})
    }));
}

async fn read_signals(
    mut reader: SplitStream<Socket>,
    writer: Arc<Mutex<SplitSink<Socket, Message>>>,
    publish: Arc<RTCPeerConnection>,
    subscribe: Arc<RTCPeerConnection>,
    events: mpsc::UnboundedSender<RoomEvent>,
) {
    let outcome: Result<(), CallError> = async {
        loop {
            match next_signal(&mut reader).await? {
                ServerSignal::PublishAnswer { sdp } => negotiate::accept_answer(&publish, sdp).await?,
                ServerSignal::SubscribeOffer { sdp } => {
                    let sdp = negotiate::answer(&subscribe, sdp).await?;
                    let answer = Message::text(ClientSignal::SubscribeAnswer { sdp }.to_json());
                    writer.lock().await.send(answer).await.map_err(|_| CallError::ServerGone)?;
                }
                ServerSignal::ParticipantJoined { participant } => {
                    let _ = events.send(RoomEvent::ParticipantJoined(participant));
                }
                ServerSignal::ParticipantLeft { id } => {
                    let _ = events.send(RoomEvent::ParticipantLeft(id));
                }
                ServerSignal::RoleChanged { id, role } => {
                    let _ = events.send(RoomEvent::RoleChanged { id, role });
                }
                ServerSignal::Lobby { waiting } => {
                    let _ = events.send(RoomEvent::LobbyChanged(waiting));
                }
                ServerSignal::Denied { reason } => {
                    let _ = events.send(RoomEvent::Denied(reason));
                }
                ServerSignal::Refused { reason } => return Err(CallError::Refused(reason)),
                ServerSignal::Welcome { .. } | ServerSignal::Waiting => {
                    return Err(CallError::Protocol("a second welcome".into()))
                }
            }
        }
    }
    .await;
    if let Err(error) = outcome {
        // After our own leave the socket closes too; the engine ignores events once it has left.
        let _ = events.send(RoomEvent::Closed(error));
    }
}
