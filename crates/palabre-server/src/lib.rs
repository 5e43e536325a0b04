//! Palabre's embedded room server: a laptop in a crisis room can host a meeting with no infrastructure.
//!
//! A library first, so tests and the desktop app can run it in process; the `palabre-server` binary is a thin
//! shell around [`RoomServer::start`]. The server speaks TLS WebSocket signalling (`palabre_core::signal`) with a
//! self-signed certificate that room links pin, and forwards RTP between participants without decoding it.

pub mod cert;
pub mod room;
mod session;
pub mod sfu;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use palabre_core::link::{is_room_name, EmbeddedLink};
use palabre_core::{Fingerprint, Link};
use palabre_net::negotiate::PeerOptions;
use palabre_net::{fingerprint_of, server_config};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::cert::{Identity, IdentityError};
pub use crate::room::Policy;
use crate::room::{Room, Tokens};

/// How to run a server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// The room's name; `None` picks a readable random one.
    pub room: Option<String>,
    /// Where the certificate and the rooms' tokens are kept.
    pub data_dir: PathBuf,
    pub policy: Policy,
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("the room name {0:?} is not valid: use letters, digits, '-' and '_' (at most 64)")]
    BadRoomName(String),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error("cannot keep room tokens in {dir}: {source}")]
    Tokens { dir: PathBuf, source: std::io::Error },
    #[error("cannot listen on {addr}: {source} (is another server using this port?)")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("TLS setup failed: {0}")]
    Tls(#[from] palabre_net::PinError),
}

/// A running server; dropping it stops accepting new participants.
pub struct RoomServer {
    pub local_addr: SocketAddr,
    pub room: Arc<Room>,
    pub fingerprint: Fingerprint,
    accept_loop: JoinHandle<()>,
}

impl RoomServer {
    /// Binds, loads or makes the identity, and starts accepting participants.
    pub async fn start(config: ServerConfig) -> Result<RoomServer, ServerError> {
        let name = config.room.unwrap_or_else(room::random_room_name);
        if !is_room_name(&name) {
            return Err(ServerError::BadRoomName(name));
        }
        let identity = Identity::load_or_create(&config.data_dir)?;
        let fingerprint = fingerprint_of(&identity.certificate);
        let tokens = Tokens::load_or_create(&config.data_dir, &name)
            .map_err(|source| ServerError::Tokens { dir: config.data_dir.clone(), source })?;
        let tls = TlsAcceptor::from(server_config(identity.certificate, identity.key)?);
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| ServerError::Listen { addr: config.listen, source })?;
        let local_addr = listener.local_addr().map_err(|source| ServerError::Listen { addr: config.listen, source })?;
        let room = Arc::new(Room::new(name, tokens, config.policy));
        let rooms = Arc::new(HashMap::from([(room.name.clone(), room.clone())]));
        let options = PeerOptions { include_loopback: local_addr.ip().is_loopback() || local_addr.ip().is_unspecified() };
        let accept_loop = tokio::spawn(accept(listener, tls, rooms, options));
        tracing::info!(%local_addr, room = %room.name, %fingerprint, "room server listening");
        Ok(RoomServer { local_addr, room, fingerprint, accept_loop })
    }

    /// The link that makes its holder an animateur.
    pub fn host_link(&self) -> Link {
        self.link(&self.room.tokens.host)
    }

    /// The link to hand to guests.
    pub fn guest_link(&self) -> Link {
        self.link(&self.room.tokens.guest)
    }

    fn link(&self, token: &str) -> Link {
        Link::Embedded(EmbeddedLink {
            host: advertised_host(self.local_addr.ip()),
            port: self.local_addr.port(),
            room: self.room.name.clone(),
            token: token.to_string(),
            fingerprint: self.fingerprint,
        })
    }
}

impl Drop for RoomServer {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

async fn accept(listener: TcpListener, tls: TlsAcceptor, rooms: Arc<HashMap<String, Arc<Room>>>, options: PeerOptions) {
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                continue;
            }
        };
        let (tls, rooms, options) = (tls.clone(), rooms.clone(), options.clone());
        tokio::spawn(async move {
            let _ = tcp.set_nodelay(true);
            let stream = match tls.accept(tcp).await {
                Ok(stream) => stream,
                Err(error) => {
                    tracing::info!(%peer, %error, "TLS handshake failed");
                    return;
                }
            };
            match tokio_tungstenite::accept_async(stream).await {
                Ok(socket) => session::serve(rooms, options, socket).await,
                Err(error) => tracing::info!(%peer, %error, "WebSocket handshake failed"),
            }
        });
    }
}

/// The address to put in links: the one listened on, or for a wildcard listen the machine's first LAN address,
/// so that a link copied from the terminal works for colleagues on the same network.
fn advertised_host(listen: IpAddr) -> String {
    if !listen.is_unspecified() {
        return listen.to_string();
    }
    webrtc::util::ifaces::ifaces()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|iface| iface.addr.map(|addr| addr.ip()))
        .find(|ip| ip.is_ipv4() && !ip.is_loopback() && !ip.is_unspecified())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
        .to_string()
}
