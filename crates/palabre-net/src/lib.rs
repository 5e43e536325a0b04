//! What both ends of Palabre's own protocol share, so that the room server and the call engine cannot drift
//! apart: how a WebRTC peer connection is set up and negotiated, and how the signalling TLS certificate is
//! pinned by the fingerprint that a room link carries.

pub mod rtcp;
pub mod negotiate;
pub mod tls;

pub use negotiate::{new_peer_connection, PeerOptions};
pub use tls::{authorities_client_config, fingerprint_of, is_pin_mismatch, pinned_client_config, server_config, PinError};
