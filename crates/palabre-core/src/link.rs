//! The room-link grammar: what a guest pastes, what a mail opens, what `palabre-server` prints.
//!
//! ```text
//! palabre://HOST:PORT/ROOM?token=T&fp=sha256:HEX     embedded room server, certificate pinned by `fp`
//! janus+ws://HOST:PORT/ROOM_ID?pin=P[&secret=S]      Janus VideoRoom
//! janus+wss://HOST:PORT/ROOM_ID?pin=P[&secret=S][&fp=sha256:HEX]
//!                                                    the same over TLS: a CA-signed certificate, or the pinned one
//! ```
//!
//! A link is parsed once, here, into a typed [`Link`]; every way it can be wrong is a [`LinkError`] whose message
//! tells a non-technical user what to fix. Links round-trip: `Link::parse(&link.to_string()) == Ok(link)`.

use std::fmt;
use std::str::FromStr;

use url::Url;

/// Port of `palabre-server` when a `palabre://` link names none.
pub const DEFAULT_EMBEDDED_PORT: u16 = 7443;
/// Janus' stock WebSocket ports (janus.transport.websockets.jcfg).
pub const DEFAULT_JANUS_WS_PORT: u16 = 8188;
pub const DEFAULT_JANUS_WSS_PORT: u16 = 8989;

const ROOM_NAME_MAX: usize = 64;

/// A room someone can join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Embedded(EmbeddedLink),
    Janus(JanusLink),
}

/// A room on Palabre's own room server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedLink {
    pub host: String,
    pub port: u16,
    pub room: String,
    /// Says who the holder is to the server (host or guest); a secret for host links.
    pub token: String,
    /// The server's certificate fingerprint: the link carries its own trust anchor, no CA is involved.
    pub fingerprint: Fingerprint,
}

/// A room of a Janus VideoRoom plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JanusLink {
    /// `janus+wss://` (TLS) rather than `janus+ws://`.
    pub secure: bool,
    pub host: String,
    pub port: u16,
    pub room_id: u64,
    pub pin: Option<String>,
    /// The room secret: whoever holds it may moderate.
    pub secret: Option<String>,
    /// Over TLS, the one certificate to accept (a Janus with a self-signed certificate), as `palabre://` links
    /// carry it; without it, the certificate must be signed by an authority the computer trusts.
    pub fingerprint: Option<Fingerprint>,
}

/// SHA-256 of a server's DER certificate.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link is empty: paste the whole meeting link you received")]
    Empty,
    #[error("this is not a meeting link (it does not start with palabre://, janus+ws:// or janus+wss://)")]
    UnknownScheme,
    #[error("the link is damaged ({0}): copy it again from the invitation")]
    Malformed(String),
    #[error("the link names no server: copy it again from the invitation")]
    MissingHost,
    #[error("the link names no room: copy it again, including the part after the server")]
    MissingRoom,
    #[error("the room name {0:?} is not valid: only letters, digits, '-' and '_' (at most 64)")]
    BadRoomName(String),
    #[error("the Janus room {0:?} is not a room number")]
    BadJanusRoom(String),
    #[error("the link has no access token: ask the organiser for a complete link")]
    MissingToken,
    #[error("the link has no server fingerprint (fp=sha256:…): ask the organiser for a complete link")]
    MissingFingerprint,
    #[error("the server fingerprint in the link is damaged (expected sha256: and 64 hexadecimal digits)")]
    BadFingerprint,
    /// A pinned certificate on a link without TLS: whoever wrote it expected a secure connection.
    #[error("the link names a server certificate (fp=) but no secure connection (janus+ws://): ask the organiser for the janus+wss:// link")]
    FingerprintWithoutTls,
}

impl LinkError {
    /// A stable identifier for this kind of error, for user interfaces that word it in their own language.
    pub fn code(&self) -> &'static str {
        match self {
            LinkError::Empty => "empty",
            LinkError::UnknownScheme => "unknown-scheme",
            LinkError::Malformed(_) => "malformed",
            LinkError::MissingHost => "missing-host",
            LinkError::MissingRoom => "missing-room",
            LinkError::BadRoomName(_) => "bad-room-name",
            LinkError::BadJanusRoom(_) => "bad-janus-room",
            LinkError::MissingToken => "missing-token",
            LinkError::MissingFingerprint => "missing-fingerprint",
            LinkError::BadFingerprint => "bad-fingerprint",
            LinkError::FingerprintWithoutTls => "fingerprint-without-tls",
        }
    }
}

impl Link {
    /// Parses a pasted link. Surrounding blanks and the `<…>` that mail clients add are ignored.
    pub fn parse(text: &str) -> Result<Link, LinkError> {
        let text = text.trim().trim_start_matches('<').trim_end_matches('>').trim();
        if text.is_empty() {
            return Err(LinkError::Empty);
        }
        let scheme = text.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        let (kind, default_port) = match scheme.as_deref() {
            Some("palabre") => (Kind::Embedded, DEFAULT_EMBEDDED_PORT),
            Some("janus+ws") => (Kind::Janus { secure: false }, DEFAULT_JANUS_WS_PORT),
            Some("janus+wss") => (Kind::Janus { secure: true }, DEFAULT_JANUS_WSS_PORT),
            _ => return Err(LinkError::UnknownScheme),
        };
        let url = Url::parse(text).map_err(|e| LinkError::Malformed(e.to_string()))?;
        let host = match url.host_str() {
            Some(h) if !h.is_empty() => h.trim_start_matches('[').trim_end_matches(']').to_string(),
            _ => return Err(LinkError::MissingHost),
        };
        let port = url.port().unwrap_or(default_port);
        let path = url.path().trim_matches('/');
        if path.is_empty() {
            return Err(LinkError::MissingRoom);
        }
        let room = percent_decode(path)?;
        let query = |key: &str| {
            url.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
                .filter(|v| !v.is_empty())
        };
        match kind {
            Kind::Embedded => {
                if !is_room_name(&room) {
                    return Err(LinkError::BadRoomName(room));
                }
                let token = query("token").ok_or(LinkError::MissingToken)?;
                let fingerprint = query("fp").ok_or(LinkError::MissingFingerprint)?.parse()?;
                Ok(Link::Embedded(EmbeddedLink { host, port, room, token, fingerprint }))
            }
            Kind::Janus { secure } => {
                let room_id = room.parse().map_err(|_| LinkError::BadJanusRoom(room))?;
                let fingerprint = query("fp").map(|fp| fp.parse()).transpose()?;
                if fingerprint.is_some() && !secure {
                    return Err(LinkError::FingerprintWithoutTls);
                }
                Ok(Link::Janus(JanusLink {
                    secure,
                    host,
                    port,
                    room_id,
                    pin: query("pin"),
                    secret: query("secret"),
                    fingerprint,
                }))
            }
        }
    }

    /// The room as people name it: "MaReunion456", or "1234" for a Janus room.
    pub fn room_label(&self) -> String {
        match self {
            Link::Embedded(l) => l.room.clone(),
            Link::Janus(l) => l.room_id.to_string(),
        }
    }

    /// `host:port` of the room server, with IPv6 hosts in brackets.
    pub fn server_address(&self) -> String {
        match self {
            Link::Embedded(l) => host_port(&l.host, l.port),
            Link::Janus(l) => host_port(&l.host, l.port),
        }
    }
}

enum Kind {
    Embedded,
    Janus { secure: bool },
}

/// Room names are what `palabre-server --room` accepts: safe in URLs, file names and logs.
pub fn is_room_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= ROOM_NAME_MAX
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn percent_decode(path: &str) -> Result<String, LinkError> {
    let bytes: Vec<u8> = url::form_urlencoded::parse(format!("r={path}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned().into_bytes())
        .unwrap_or_default();
    String::from_utf8(bytes).map_err(|_| LinkError::Malformed("room is not UTF-8".into()))
}

/// `host:port`, with IPv6 hosts in brackets, as URLs and socket addresses want it.
pub fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn encode_query(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Link::Embedded(l) => write!(
                f,
                "palabre://{}/{}?token={}&fp={}",
                host_port(&l.host, l.port),
                l.room,
                encode_query(&l.token),
                l.fingerprint
            ),
            Link::Janus(l) => {
                let scheme = if l.secure { "janus+wss" } else { "janus+ws" };
                write!(f, "{scheme}://{}/{}", host_port(&l.host, l.port), l.room_id)?;
                let mut sep = '?';
                for (key, value) in [("pin", &l.pin), ("secret", &l.secret)] {
                    if let Some(value) = value {
                        write!(f, "{sep}{key}={}", encode_query(value))?;
                        sep = '&';
                    }
                }
                match &l.fingerprint {
                    Some(fingerprint) => write!(f, "{sep}fp={fingerprint}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl FromStr for Link {
    type Err = LinkError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Link::parse(s)
    }
}

impl Fingerprint {
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.to_hex())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Fingerprint {
    type Err = LinkError;
    /// Accepts `sha256:` followed by 64 hex digits, in either case, with or without `:` between bytes
    /// (the form `openssl x509 -fingerprint` prints).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hex = s
            .strip_prefix("sha256:")
            .or_else(|| s.strip_prefix("SHA256:"))
            .ok_or(LinkError::BadFingerprint)?;
        let digits: Vec<u8> = hex.bytes().filter(|&b| b != b':').collect();
        if digits.len() != 64 {
            return Err(LinkError::BadFingerprint);
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(digits.chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| LinkError::BadFingerprint)?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| LinkError::BadFingerprint)?;
        }
        Ok(Fingerprint(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    fn embedded(text: &str) -> EmbeddedLink {
        match Link::parse(text) {
            Ok(Link::Embedded(l)) => l,
            other => panic!("expected an embedded link, got {other:?}"),
        }
    }

    #[test]
    fn embedded_link_parses_every_part() {
        let l = embedded(&format!("palabre://192.168.1.20:7443/MaReunion456?token=abc&fp={FP}"));
        assert_eq!(l.host, "192.168.1.20");
        assert_eq!(l.port, 7443);
        assert_eq!(l.room, "MaReunion456");
        assert_eq!(l.token, "abc");
        assert_eq!(l.fingerprint.to_string(), FP);
    }

    #[test]
    fn embedded_link_defaults_port_and_accepts_pasting_noise() {
        let l = embedded(&format!("  <palabre://mairie.local/Conseil?fp={FP}&token=t>\n"));
        assert_eq!(l.port, DEFAULT_EMBEDDED_PORT);
        assert_eq!(l.host, "mairie.local");
    }

    #[test]
    fn ipv6_hosts_round_trip() {
        let text = format!("palabre://[::1]:9000/R?token=t&fp={FP}");
        let link = Link::parse(&text).unwrap();
        assert_eq!(link.server_address(), "[::1]:9000");
        assert_eq!(link.to_string(), text);
    }

    #[test]
    fn fingerprint_accepts_openssl_form() {
        let colons = "SHA256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
        assert_eq!(colons.parse::<Fingerprint>().unwrap().to_string(), FP);
    }

    #[test]
    fn links_round_trip() {
        for text in [
            format!("palabre://h:1/R?token=a%2Bb&fp={FP}"),
            "janus+ws://127.0.0.1:8188/1234".to_string(),
            "janus+wss://janus.example.org:8989/42?pin=p%26q&secret=s".to_string(),
            format!("janus+wss://127.0.0.1:8989/42?pin=1&fp={FP}"),
        ] {
            let link = Link::parse(&text).unwrap();
            assert_eq!(link.to_string(), text);
            assert_eq!(Link::parse(&link.to_string()).unwrap(), link);
        }
    }

    #[test]
    fn janus_link_parses_pin_and_secret() {
        match Link::parse("janus+ws://localhost/1234?pin=9&secret=adminpwd").unwrap() {
            Link::Janus(l) => {
                assert!(!l.secure);
                assert_eq!(l.port, DEFAULT_JANUS_WS_PORT);
                assert_eq!(l.room_id, 1234);
                assert_eq!(l.pin.as_deref(), Some("9"));
                assert_eq!(l.secret.as_deref(), Some("adminpwd"));
                assert_eq!(l.fingerprint, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_links_give_the_matching_error() {
        let cases: Vec<(String, LinkError)> = vec![
            ("   ".into(), LinkError::Empty),
            ("https://example.org/room".into(), LinkError::UnknownScheme),
            ("\\\\server\\share".into(), LinkError::UnknownScheme),
            ("palabre:///R?token=t".into(), LinkError::MissingHost),
            (format!("palabre://h:1/?token=t&fp={FP}"), LinkError::MissingRoom),
            (format!("palabre://h:1/a%20b?token=t&fp={FP}"), LinkError::BadRoomName("a b".into())),
            (format!("palabre://h:1/R?fp={FP}"), LinkError::MissingToken),
            ("palabre://h:1/R?token=t".into(), LinkError::MissingFingerprint),
            ("palabre://h:1/R?token=t&fp=sha256:12ab".into(), LinkError::BadFingerprint),
            ("palabre://h:1/R?token=t&fp=md5:00".into(), LinkError::BadFingerprint),
            ("janus+ws://h/salle".into(), LinkError::BadJanusRoom("salle".into())),
            (format!("janus+ws://h/42?fp={FP}"), LinkError::FingerprintWithoutTls),
            ("janus+wss://h/42?fp=sha256:12ab".into(), LinkError::BadFingerprint),
        ];
        for (text, expected) in cases {
            assert_eq!(Link::parse(&text), Err(expected), "for {text:?}");
        }
        assert!(matches!(Link::parse("palabre://h:99999/R?token=t"), Err(LinkError::Malformed(_))));
    }

    #[test]
    fn errors_read_as_one_sentence() {
        let message = Link::parse("ftp://x").unwrap_err().to_string();
        assert!(message.contains("not a meeting link"), "{message}");
        assert!(!message.contains('\n'));
    }
}
