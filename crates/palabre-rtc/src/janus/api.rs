//! The JSON of Janus' WebSocket API and of its VideoRoom plugin, as far as Palabre uses it.
//!
//! Requests are built here as `serde_json::Value`s (the session adds `transaction` and `session_id`); replies
//! and events are read into [`Incoming`], whose fields are all optional because Janus sends one shape for
//! many purposes. Reference: the janus-gateway documentation pages "janus-protocol" (the core API) and
//! "videoroom" (the plugin, multistream since Janus 1.0).

use serde::Deserialize;
use serde_json::{json, Value};

/// The plugin's package name, for `attach`.
pub const VIDEOROOM: &str = "janus.plugin.videoroom";

// VideoRoom error codes (janus_videoroom.c, "Error codes").
pub const ERROR_NO_SUCH_ROOM: i64 = 426;
pub const ERROR_MISSING_ELEMENT: i64 = 429;
pub const ERROR_PUBLISHERS_FULL: i64 = 432;
pub const ERROR_UNAUTHORIZED: i64 = 433;

/// Anything Janus sends on the WebSocket: a reply to a transaction or an event.
#[derive(Debug, Clone, Deserialize)]
pub struct Incoming {
    /// `success`, `error`, `ack`, `event`, `webrtcup`, `media`, `hangup`, `detached`, `timeout`, …
    pub janus: String,
    #[serde(default)]
    pub transaction: Option<String>,
    /// The handle an event comes from.
    #[serde(default)]
    pub sender: Option<u64>,
    /// For `success` replies to `create` and `attach`: `{"id": …}`.
    #[serde(default)]
    pub data: Option<Value>,
    #[serde(default)]
    pub error: Option<CoreError>,
    #[serde(default)]
    pub plugindata: Option<PluginData>,
    #[serde(default)]
    pub jsep: Option<Jsep>,
}

/// An error of the Janus core (bad session, bad handle, malformed request), as opposed to a plugin error.
#[derive(Debug, Clone, Deserialize)]
pub struct CoreError {
    pub code: i64,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PluginData {
    #[serde(default)]
    pub data: VideoRoom,
}

/// What the VideoRoom plugin says. Which fields are present depends on `videoroom` (`joined`, `event`,
/// `attached`, `updated`, `success`, `destroyed`, …).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VideoRoom {
    #[serde(default)]
    pub videoroom: Option<String>,
    /// Our publisher id, in `joined`.
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub private_id: Option<u64>,
    /// Active publishers: all of them in `joined`, the new one in later events.
    #[serde(default)]
    pub publishers: Option<Vec<Publisher>>,
    /// Someone's id when they left; `"ok"` when we did.
    #[serde(default)]
    pub leaving: Option<Value>,
    /// Someone's id when they stopped publishing; `"ok"` when we did.
    #[serde(default)]
    pub unpublished: Option<Value>,
    #[serde(default)]
    pub kicked: Option<u64>,
    #[serde(default)]
    pub reason: Option<String>,
    /// A subscription's layout (in `attached` and `updated`): which of our mids carries which feed.
    #[serde(default)]
    pub streams: Option<Vec<SubscribedStream>>,
    #[serde(default)]
    pub error_code: Option<i64>,
    #[serde(default)]
    pub error: Option<String>,
}

impl VideoRoom {
    /// The id in `leaving`/`unpublished` when it names someone (it is the string "ok" when it is us).
    pub fn id_in(field: &Option<Value>) -> Option<u64> {
        field.as_ref().and_then(Value::as_u64)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Publisher {
    pub id: u64,
    #[serde(default)]
    pub display: Option<String>,
    /// A placeholder publisher some rooms have; nobody is behind it.
    #[serde(default)]
    pub dummy: bool,
    /// What it publishes, by mid in its own publish connection (what `moderate` names).
    #[serde(default)]
    pub streams: Vec<PublishedStream>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PublishedStream {
    /// `audio`, `video` or `data`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub mid: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SubscribedStream {
    /// The mid in *our* subscriber peer connection.
    #[serde(default)]
    pub mid: Option<String>,
    /// The publisher whose stream it is.
    #[serde(default)]
    pub feed_id: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Jsep {
    #[serde(rename = "type")]
    pub kind: String,
    pub sdp: String,
}

/// Our SDP, complete with candidates: `trickle: false` tells Janus not to wait for more.
pub fn jsep(kind: &str, sdp: String) -> Value {
    json!({ "type": kind, "sdp": sdp, "trickle": false })
}

pub fn create() -> Value {
    json!({ "janus": "create" })
}

pub fn attach() -> Value {
    json!({ "janus": "attach", "plugin": VIDEOROOM })
}

pub fn keepalive() -> Value {
    json!({ "janus": "keepalive" })
}

pub fn destroy() -> Value {
    json!({ "janus": "destroy" })
}

/// A request to the plugin through one of our handles.
pub fn message(handle: u64, body: Value, jsep: Option<Value>) -> Value {
    let mut message = json!({ "janus": "message", "handle_id": handle, "body": body });
    if let Some(jsep) = jsep {
        message["jsep"] = jsep;
    }
    message
}

pub fn join_publisher(room: u64, pin: Option<&str>, display: &str) -> Value {
    let mut body = json!({ "request": "join", "ptype": "publisher", "room": room, "display": display });
    if let Some(pin) = pin {
        body["pin"] = pin.into();
    }
    body
}

/// Needs the room secret; answers 433 when it is wrong, which is how we check a link's secret.
pub fn list_forwarders(room: u64, secret: &str) -> Value {
    json!({ "request": "listforwarders", "room": room, "secret": secret })
}

pub fn publish() -> Value {
    json!({ "request": "publish" })
}

/// Every stream of each feed (audio, video and data: the data stream is how app messages reach us).
fn feeds(feeds: &[u64]) -> Value {
    feeds.iter().map(|feed| json!({ "feed": feed })).collect()
}

pub fn join_subscriber(room: u64, pin: Option<&str>, private_id: Option<u64>, to: &[u64]) -> Value {
    let mut body = json!({ "request": "join", "ptype": "subscriber", "room": room, "streams": feeds(to) });
    if let Some(pin) = pin {
        body["pin"] = pin.into();
    }
    if let Some(private_id) = private_id {
        body["private_id"] = private_id.into();
    }
    body
}

pub fn subscribe(to: &[u64]) -> Value {
    json!({ "request": "subscribe", "streams": feeds(to) })
}

/// Answers the subscriber offer (with a jsep) or resumes delivery.
pub fn start() -> Value {
    json!({ "request": "start" })
}

pub fn kick(room: u64, secret: &str, id: u64) -> Value {
    json!({ "request": "kick", "room": room, "secret": secret, "id": id })
}

/// Mutes or unmutes, for everyone, the stream `mid` that participant `id` publishes (needs the room secret).
pub fn moderate(room: u64, secret: &str, id: u64, mid: &str, mute: bool) -> Value {
    json!({ "request": "moderate", "room": room, "secret": secret, "id": id, "mid": mid, "mute": mute })
}

pub fn leave() -> Value {
    json!({ "request": "leave" })
}

impl Incoming {
    /// The id in a `success` reply to `create` or `attach`.
    pub fn created_id(&self) -> Option<u64> {
        self.data.as_ref()?.get("id")?.as_u64()
    }

    /// The plugin's part, or an empty one.
    pub fn videoroom(&self) -> VideoRoom {
        self.plugindata.as_ref().map(|p| p.data.clone()).unwrap_or_default()
    }
}
