//! Rooms joined recently, offered on the home screen so an agent rejoins a standing meeting in one click.
//!
//! The list (room, server, when) lives in the settings file; the links themselves carry access tokens, so they
//! go to the operating system's keyring (Secret Service on Linux, Credential Manager on Windows, Keychain on
//! macOS), never to a file. Without a keyring, nothing is remembered, and the log says why.

use palabre_core::Link;
use serde::{Deserialize, Serialize};

/// How many rooms the home screen offers.
const KEPT: usize = 5;
/// The keyring's name for Palabre's entries.
const KEYRING_SERVICE: &str = "Palabre";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentRoom {
    /// `server/room`: names the keyring entry; holds no secret.
    pub id: String,
    pub room: String,
    pub server: String,
    /// Seconds since 1970, for "most recent first".
    pub joined_at: u64,
}

impl RecentRoom {
    pub fn of(link: &Link, joined_at: u64) -> RecentRoom {
        let (room, server) = (link.room_label(), link.server_address());
        RecentRoom { id: format!("{server}/{room}"), room, server, joined_at }
    }
}

/// Puts `room` first, once, and keeps the `KEPT` most recent; returns the rooms that fell off the list, whose
/// links must leave the keyring too.
pub fn remember(list: &mut Vec<RecentRoom>, room: RecentRoom) -> Vec<RecentRoom> {
    list.retain(|known| known.id != room.id);
    list.insert(0, room);
    list.split_off(KEPT.min(list.len()))
}

/// The keyring entry that holds the link of room `id`.
fn keyring_entry(id: &str) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, &format!("room {id}"))
}

pub fn store_link(id: &str, link: &str) -> keyring::Result<()> {
    keyring_entry(id)?.set_password(link)
}

pub fn load_link(id: &str) -> keyring::Result<String> {
    keyring_entry(id)?.get_password()
}

pub fn forget_link(id: &str) {
    if let Err(error) = keyring_entry(id).and_then(|entry| entry.delete_credential()) {
        tracing::debug!(%error, "no keyring entry to forget");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(id: &str, at: u64) -> RecentRoom {
        RecentRoom { id: id.into(), room: id.into(), server: "h:1".into(), joined_at: at }
    }

    #[test]
    fn the_latest_room_comes_first_and_only_once() {
        let mut list = vec![room("A", 1), room("B", 2)];
        assert!(remember(&mut list, room("B", 3)).is_empty());
        assert_eq!(list, [room("B", 3), room("A", 1)]);
    }

    #[test]
    fn the_oldest_rooms_fall_off_and_are_returned() {
        let mut list: Vec<RecentRoom> = (0..KEPT as u64).map(|i| room(&format!("R{i}"), i)).collect();
        let dropped = remember(&mut list, room("New", 99));
        assert_eq!(list.len(), KEPT);
        assert_eq!(list[0].id, "New");
        assert_eq!(dropped, [room(&format!("R{}", KEPT - 1), KEPT as u64 - 1)]);
    }

    #[test]
    fn a_room_is_named_without_its_token() {
        let fp = "sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let link = Link::parse(&format!("palabre://10.0.0.5:7443/Cellule?token=tok-Secret&fp={fp}")).unwrap();
        let recent = RecentRoom::of(&link, 7);
        assert_eq!(recent.id, "10.0.0.5:7443/Cellule");
        let json = serde_json::to_string(&recent).unwrap();
        assert!(!json.contains("tok-Secret") && !json.contains("0011223344"), "{json}");
    }
}
