//! "Host a meeting on this computer": the embedded room server, run inside the app.
//!
//! A laptop in a crisis room becomes the meeting's server: no infrastructure, no account. Guests on the same
//! network join with the guest link; the host joins over loopback with the host link, which never leaves Rust.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use palabre_core::Link;
use palabre_server::{RoomServer, ServerConfig, ServerError};
use serde::Serialize;
use tokio::sync::Mutex;

/// The port people are told about in docs and firewalls; another is taken when it is busy.
const PREFERRED_PORT: u16 = 7443;

/// The room this app hosts, if any.
#[derive(Default)]
pub struct Hosting {
    server: Mutex<Option<RoomServer>>,
}

/// What the host shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostedRoom {
    pub room: String,
    /// The link for guests, to copy into a mail or a chat. It admits as a guest only.
    pub guest_link: String,
}

impl Hosting {
    /// Starts the room server (once; later calls give the same room).
    pub async fn start(&self, data_dir: PathBuf) -> Result<HostedRoom, ServerError> {
        let mut server = self.server.lock().await;
        if server.is_none() {
            *server = Some(start_server(data_dir).await?);
        }
        let running = server.as_ref().expect("started above");
        Ok(HostedRoom { room: running.room.name.clone(), guest_link: running.guest_link().to_string() })
    }

    /// The host's own link, over loopback, if a room is hosted here.
    pub async fn host_link(&self) -> Option<Link> {
        let server = self.server.lock().await;
        let mut link = server.as_ref()?.host_link();
        if let Link::Embedded(embedded) = &mut link {
            embedded.host = Ipv4Addr::LOCALHOST.to_string();
        }
        Some(link)
    }
}

async fn start_server(data_dir: PathBuf) -> Result<RoomServer, ServerError> {
    let config = |port| ServerConfig {
        listen: SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)),
        room: None,
        data_dir: data_dir.clone(),
        policy: Default::default(),
    };
    match RoomServer::start(config(PREFERRED_PORT)).await {
        Err(ServerError::Listen { .. }) => RoomServer::start(config(0)).await,
        started => started,
    }
}
