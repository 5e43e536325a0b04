//! Palabre's conference model, sans-IO.
//!
//! Everything here is pure: no async runtime, no sockets, no threads, no clock. Drivers (the call engine, the
//! embedded server, the desktop shell) feed inputs in and carry outputs out; time arrives as a value.

pub mod conference;
pub mod link;
pub mod message;
pub mod names;
pub mod participant;
pub mod signal;

pub use conference::{ChatEntry, Change, Conference, Input, Millis, Output, Participant};
pub use link::{EmbeddedLink, Fingerprint, JanusLink, Link, LinkError};
pub use message::{AppMessage, Envelope, WireError};
pub use participant::{ParticipantId, ParticipantInfo, Role};
