//! One Janus session over one WebSocket: transactions matched to their replies, events handed on, keepalives.
//!
//! Janus answers every request with the request's `transaction`. Synchronous requests get `success` or
//! `error`; plugin requests that take time get an `ack` first and later an `event` carrying the same
//! transaction. So a request waits for the first reply to its transaction that is not an `ack`. Everything
//! else (events from other participants, `webrtcup`, `hangup`, `timeout`) goes to the event channel in the
//! order it arrived. The session dies if Janus hears nothing for `session_timeout` (60 s by default; some
//! servers set less), hence a keepalive every 10 s: a few bytes, and a session that survives a 15 s timeout.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use palabre_core::JanusLink;
use tokio::sync::{mpsc, oneshot, Mutex};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::api::{self, Incoming};
use crate::error::CallError;
use crate::transport::{self, ByteStream, Trust};

const REPLY_TIMEOUT: Duration = Duration::from_secs(10);
const KEEPALIVE_EVERY: Duration = Duration::from_secs(10);
/// The WebSocket subprotocol Janus requires.
const SUBPROTOCOL: &str = "janus-protocol";

type Socket = WebSocketStream<Box<dyn ByteStream>>;
type Waiters = Arc<StdMutex<HashMap<String, oneshot::Sender<Incoming>>>>;

/// The socket's writing half and the requests waiting for a reply.
struct Channel {
    writer: Mutex<SplitSink<Socket, Message>>,
    waiting: Waiters,
    next_transaction: AtomicU64,
}

pub struct Session {
    channel: Arc<Channel>,
    id: u64,
    keepalive: JoinHandle<()>,
}

impl Session {
    /// Connects to `ws://HOST:PORT/` (`wss://` for a `janus+wss://` link: the certificate pinned by the link's
    /// `fp=`, or else one the system's authorities vouch for) and creates a session. Events arrive on the returned
    /// channel, which closes when the socket does.
    pub async fn open(link: &JanusLink) -> Result<(Session, mpsc::UnboundedReceiver<Incoming>), CallError> {
        let address = palabre_core::link::host_port(&link.host, link.port);
        let unreachable = |detail: String| CallError::Unreachable { address: address.clone(), detail };
        let trust = link.secure.then(|| link.fingerprint.map_or(Trust::Authorities, Trust::Pinned));
        let stream = transport::connect(&link.host, link.port, trust.as_ref()).await?;
        let scheme = if link.secure { "wss" } else { "ws" };
        let mut request = format!("{scheme}://{address}/").into_client_request().map_err(|e| unreachable(e.to_string()))?;
        request.headers_mut().insert("Sec-WebSocket-Protocol", HeaderValue::from_static(SUBPROTOCOL));
        let (socket, _) = tokio_tungstenite::client_async(request, stream)
            .await
            .map_err(|e| unreachable(format!("not a Janus WebSocket API: {e}")))?;
        let (writer, reader) = socket.split();
        let channel = Arc::new(Channel {
            writer: Mutex::new(writer),
            waiting: Arc::default(),
            next_transaction: AtomicU64::new(1),
        });
        let (events_tx, events) = mpsc::unbounded_channel();
        tokio::spawn(read(reader, channel.waiting.clone(), events_tx));
        let created = channel.request(api::create(), "creating a Janus session").await?;
        let id = created.created_id().ok_or_else(|| CallError::Protocol("Janus created a session without an id".into()))?;
        let keepalive = tokio::spawn(keep_alive(channel.clone(), id));
        Ok((Session { channel, id, keepalive }, events))
    }

    /// Attaches a new VideoRoom handle to this session.
    pub async fn attach(&self) -> Result<u64, CallError> {
        let reply = self.request(api::attach(), "attaching to the VideoRoom plugin").await?;
        reply.created_id().ok_or_else(|| CallError::Protocol("Janus attached a handle without an id".into()))
    }

    /// Sends a request within this session and waits for its reply (an `error` reply is an `Err`).
    pub async fn request(&self, mut request: Value, doing: &'static str) -> Result<Incoming, CallError> {
        request["session_id"] = self.id.into();
        self.channel.request(request, doing).await
    }

    /// Ends the session: Janus detaches our handles and tells the room we left. Then closes the socket.
    pub async fn close(&self) {
        let _ = self.request(api::destroy(), "leaving").await;
        let _ = self.channel.writer.lock().await.close().await;
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.keepalive.abort();
    }
}

impl Channel {
    async fn request(&self, mut request: Value, doing: &'static str) -> Result<Incoming, CallError> {
        let transaction = self.next_transaction.fetch_add(1, Ordering::Relaxed).to_string();
        request["transaction"] = transaction.clone().into();
        let (reply_tx, reply) = oneshot::channel();
        self.waiting.lock().expect("waiters lock").insert(transaction.clone(), reply_tx);
        if let Err(error) = self.send(&request).await {
            self.waiting.lock().expect("waiters lock").remove(&transaction);
            return Err(error);
        }
        let reply = match tokio::time::timeout(REPLY_TIMEOUT, reply).await {
            Ok(Ok(reply)) => reply,
            Ok(Err(_)) => return Err(CallError::ServerGone),
            Err(_) => {
                self.waiting.lock().expect("waiters lock").remove(&transaction);
                return Err(CallError::Timeout(doing));
            }
        };
        match &reply.error {
            Some(error) if reply.janus == "error" => {
                Err(CallError::Janus { code: error.code, reason: error.reason.clone() })
            }
            _ => Ok(reply),
        }
    }

    async fn send(&self, message: &Value) -> Result<(), CallError> {
        let text = message.to_string();
        self.writer.lock().await.send(Message::text(text)).await.map_err(|_| CallError::ServerGone)
    }
}

/// Routes what Janus sends until the socket closes; then every waiting request fails with `ServerGone`.
async fn read(mut reader: SplitStream<Socket>, waiting: Waiters, events: mpsc::UnboundedSender<Incoming>) {
    while let Some(Ok(message)) = reader.next().await {
        let text = match message {
            Message::Text(text) => text,
            Message::Close(_) => break,
            _ => continue,
        };
        tracing::debug!(message = %text, "from Janus");
        let incoming: Incoming = match serde_json::from_str(&text) {
            Ok(incoming) => incoming,
            Err(error) => {
                tracing::warn!(%error, "ignored a Janus message that is not understood");
                continue;
            }
        };
        if incoming.janus == "ack" {
            continue;
        }
        let waiter = incoming.transaction.as_ref().and_then(|t| waiting.lock().expect("waiters lock").remove(t));
        match waiter {
            Some(waiter) => {
                let _ = waiter.send(incoming);
            }
            None => {
                let _ = events.send(incoming);
            }
        }
    }
    waiting.lock().expect("waiters lock").clear();
}

async fn keep_alive(channel: Arc<Channel>, session: u64) {
    let mut ticks = tokio::time::interval(KEEPALIVE_EVERY);
    ticks.tick().await; // the first tick is immediate
    loop {
        ticks.tick().await;
        let mut keepalive = api::keepalive();
        keepalive["session_id"] = session.into();
        keepalive["transaction"] = format!("keepalive-{}", channel.next_transaction.fetch_add(1, Ordering::Relaxed)).into();
        if channel.send(&keepalive).await.is_err() {
            return;
        }
    }
}
