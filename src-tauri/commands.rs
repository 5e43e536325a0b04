//! The IPC commands the webview may call, and the shapes they answer with.
//!
//! Everything that crosses to the webview is built here, so this is where secrets stop: a link's access token,
//! room PIN, room secret and certificate fingerprint stay in Rust; the UI gets only what it shows.

use palabre_core::{Link, LinkError, ModeratorAction, ParticipantId, Role};
use palabre_policy::Policy;
use palabre_rtc::{Call, CallError, ScreenOptions, ScreenSource, VoiceProcessing};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::device_check::{self, DeviceChecks, Devices};
use crate::diagnostics;
use crate::hosting::{HostedRoom, Hosting};
use crate::launch::LaunchLink;
use crate::meeting::{DeviceChoice, JoinRequest, Meeting};
use crate::recent_rooms::{self, RecentRoom};
use crate::settings::{Settings, SettingsStore};
use crate::share_picker::{self, ShareSource};
use crate::view::MeetingView;

/// Name and version, as the window's header shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
}

/// Which kind of room server a link leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    /// `palabre://`: Palabre's own room server.
    Embedded,
    /// `janus+ws://` or `janus+wss://`: a Janus VideoRoom.
    Janus,
}

/// What the link itself says about the holder's part in the meeting. The server has the last word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleHint {
    /// The link carries the room's secret, which lets its holder moderate.
    Moderator,
}

/// A link that can be used, described for people: no token, PIN, secret or fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkSummary {
    pub kind: LinkKind,
    /// The room as people name it.
    pub room: String,
    /// `host:port` of the room server.
    pub server: String,
    /// Whether the connection to the server is encrypted (always, for `palabre://`, whose certificate is pinned
    /// by the link).
    pub secure_server: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_hint: Option<RoleHint>,
}

/// Why something the agent asked for cannot be done. The UI words `code` in the agent's language; `detail` is
/// the engine's English sentence, for support staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// For a link, one of `LinkError::code()` (`empty`, `unknown-scheme`, …); for a call, `CallError::code()`.
    pub code: String,
    pub detail: String,
}

impl Problem {
    pub(crate) fn new(code: &str, detail: impl ToString) -> Self {
        Problem { code: code.to_owned(), detail: detail.to_string() }
    }
}

impl From<&Link> for LinkSummary {
    fn from(link: &Link) -> Self {
        let (kind, secure_server, role_hint) = match link {
            Link::Embedded(_) => (LinkKind::Embedded, true, None),
            Link::Janus(janus) => (LinkKind::Janus, janus.secure, janus.secret.as_ref().map(|_| RoleHint::Moderator)),
        };
        LinkSummary { kind, room: link.room_label(), server: link.server_address(), secure_server, role_hint }
    }
}

impl From<&LinkError> for Problem {
    fn from(error: &LinkError) -> Self {
        Problem::new(error.code(), error)
    }
}

impl From<CallError> for Problem {
    fn from(error: CallError) -> Self {
        Problem { code: error.code(), detail: error.to_string() }
    }
}

/// Checks a link without keeping it: that it parses, and that the organisation's policy lets it lead there.
pub fn check_link(text: &str, policy: &Policy) -> Result<LinkSummary, Problem> {
    allowed_link(text, policy).map(|link| LinkSummary::from(&link))
}

/// The link in `text`, if it parses and the machine policy allows its server.
fn allowed_link(text: &str, policy: &Policy) -> Result<Link, Problem> {
    let link = Link::parse(text).map_err(|error| Problem::from(&error))?;
    let host = match &link {
        Link::Embedded(embedded) => &embedded.host,
        Link::Janus(janus) => &janus.host,
    };
    policy.allows_server(host).map_err(|refusal| Problem::new(refusal.code(), &refusal))?;
    Ok(link)
}

/// The app's name and version.
#[tauri::command]
pub fn app_info<R: Runtime>(app: AppHandle<R>) -> AppInfo {
    let package = app.package_info();
    AppInfo { name: package.name.clone(), version: package.version.to_string() }
}

/// Checks a link the agent pasted: what room it opens, or what is wrong with it.
#[tauri::command]
pub fn parse_link(policy: State<'_, Policy>, text: String) -> Result<LinkSummary, Problem> {
    check_link(&text, &policy)
}

/// The link the app was started with (`palabre LINK`), checked; `null` when there was none.
#[tauri::command]
pub fn launch_link(launch: State<'_, LaunchLink>, policy: State<'_, Policy>) -> Result<Option<LinkSummary>, Problem> {
    launch.text().map(|text| check_link(&text, &policy)).transpose()
}

/// What IT decided for this computer, for the window to hide or mark as "managed by your organisation".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Managed {
    pub hosting_disabled: bool,
    /// The organisation's own server, to show on the home screen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_server: Option<String>,
}

#[tauri::command]
pub fn managed(policy: State<'_, Policy>) -> Managed {
    Managed {
        hosting_disabled: policy.hosting_disabled(),
        default_server: policy.default_server().map(|server| server.to_string()),
    }
}

/// Which meeting to join: one named by a link, or the one this computer hosts (whose host link stays here).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum JoinTarget {
    Link { text: String },
    Hosted,
    /// The link the app was started with, which the webview never sees.
    Launch,
    /// A recent room, whose link is in the keyring.
    Recent { id: String },
}

/// Starts the embedded room server on this computer and gives the link to send to guests.
#[tauri::command]
pub async fn host_meeting<R: Runtime>(
    app: AppHandle<R>,
    hosting: State<'_, Hosting>,
    policy: State<'_, Policy>,
) -> Result<HostedRoom, Problem> {
    if policy.hosting_disabled() {
        return Err(Problem::new("hosting-disabled", "DisableHosting: the organisation's policy forbids hosting here"));
    }
    let data_dir = app.path().app_data_dir().map_err(|e| Problem::new("no-data-dir", e))?.join("room-server");
    hosting.start(data_dir).await.map_err(|e| Problem::new("hosting-failed", e))
}

/// Joins a meeting; the video of everyone in it then flows through `video` (see `video_channel`).
#[tauri::command]
// A command's arguments are the states it uses and the fields the window sends by name: there is no struct to fold.
#[allow(clippy::too_many_arguments)]
pub async fn join_meeting<R: Runtime>(
    app: AppHandle<R>,
    meeting: State<'_, Meeting>,
    hosting: State<'_, Hosting>,
    launch: State<'_, LaunchLink>,
    settings: State<'_, SettingsStore>,
    policy: State<'_, Policy>,
    checks: State<'_, DeviceChecks>,
    target: JoinTarget,
    name: String,
    camera_on: bool,
    microphone_on: bool,
    microphone: Option<String>,
    speaker: Option<String>,
    voice: VoiceProcessing,
    video: Channel,
) -> Result<MeetingView, Problem> {
    // The pre-join checks hold the camera and microphone the call is about to open.
    checks.stop_all().await;
    let devices = DeviceChoice { microphone, speaker, voice };
    let text = match target {
        JoinTarget::Link { text } => text,
        JoinTarget::Hosted => {
            let link = hosting.host_link().await.ok_or_else(|| Problem::new("not-hosting", "no room is hosted here"))?;
            // The host's own loopback link: nothing to remember, the room goes when the app does.
            let request = JoinRequest { link, name, camera_on, microphone_on, devices };
            return Ok(meeting.join(app, request, video).await?);
        }
        JoinTarget::Launch => launch.text().ok_or_else(|| Problem::new("empty", "the app was started without a link"))?,
        JoinTarget::Recent { id } => {
            recent_rooms::load_link(&id).map_err(|error| Problem::new("recent-room-lost", error))?
        }
    };
    let link = allowed_link(&text, &policy)?;
    let recent = RecentRoom::of(&link, unix_seconds());
    let request = JoinRequest { link, name, camera_on, microphone_on, devices };
    let view = meeting.join(app, request, video).await?;
    remember_room(&settings, recent, &text);
    Ok(view)
}

/// Offers the room on the home screen next time; its link goes to the keyring, or nowhere.
fn remember_room(settings: &SettingsStore, room: RecentRoom, link: &str) {
    if let Err(error) = recent_rooms::store_link(&room.id, link) {
        tracing::warn!(%error, "no keyring to keep the room's link in: recent rooms are not remembered");
        return;
    }
    let mut dropped = Vec::new();
    let saved = settings.update(|settings| dropped = recent_rooms::remember(&mut settings.recent, room));
    if let Err(error) = saved {
        tracing::warn!(%error, "the recent rooms could not be saved");
    }
    for room in dropped {
        recent_rooms::forget_link(&room.id);
    }
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Takes a room off the recent list and its link out of the keyring.
#[tauri::command]
pub fn forget_room(settings: State<'_, SettingsStore>, id: String) -> Result<Settings, Problem> {
    recent_rooms::forget_link(&id);
    settings
        .update(|settings| settings.recent.retain(|room| room.id != id))
        .map_err(|error| Problem::new("settings-not-saved", error))
}

#[tauri::command]
pub async fn leave_meeting(meeting: State<'_, Meeting>) -> Result<(), Problem> {
    meeting.leave().await;
    Ok(())
}

/// The meeting as it is now, for a window that (re)loads during a call; `null` outside a meeting.
#[tauri::command]
pub async fn meeting_view(meeting: State<'_, Meeting>) -> Result<Option<MeetingView>, Problem> {
    Ok(meeting.view().await)
}

/// Something the agent does in the meeting.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum MeetingAction {
    Microphone { on: bool },
    Camera { on: bool },
    Hand { raised: bool },
    Chat { text: String, to: Option<u64> },
    LowerHand { id: u64 },
    GiveFloor { id: u64 },
    Mute { id: u64 },
    MuteAll,
    AskUnmute { id: u64 },
    Admit { id: u64 },
    Refuse { id: u64 },
    Lock { locked: bool },
    Remove { id: u64 },
    SetRole { id: u64, role: Role },
    /// Starts sharing what the share picker offered (`source`, else this session's screen), or stops.
    ShareScreen { on: bool, source: Option<String> },
}

/// Enough for slides and documents, where detail matters more than motion.
const SHARE_FPS: u32 = 10;

impl MeetingAction {
    /// Only a share can fail here (no screen to capture); what the room refuses comes back as a notice.
    fn apply(self, call: &Call) -> Result<(), CallError> {
        let id = ParticipantId;
        let moderate = |action| call.moderate(action);
        match self {
            MeetingAction::ShareScreen { on: true, source } => {
                let source = match source {
                    Some(id) => ScreenSource::Source { display: None, id },
                    None => ScreenSource::Display(None),
                };
                return call.share_screen(&ScreenOptions { source, fps: SHARE_FPS });
            }
            MeetingAction::ShareScreen { on: false, .. } => call.stop_sharing(),
            MeetingAction::Microphone { on } => call.set_audio_muted(!on),
            MeetingAction::Camera { on } => call.set_video_muted(!on),
            MeetingAction::Hand { raised } => call.set_hand_raised(raised),
            MeetingAction::Chat { text, to } => call.send_chat(text, to.map(id)),
            MeetingAction::LowerHand { id: who } => moderate(ModeratorAction::LowerHand(id(who))),
            MeetingAction::GiveFloor { id: who } => moderate(ModeratorAction::GiveFloor(id(who))),
            MeetingAction::Mute { id: who } => moderate(ModeratorAction::Mute(id(who))),
            MeetingAction::MuteAll => moderate(ModeratorAction::MuteAll { except: vec![] }),
            MeetingAction::AskUnmute { id: who } => moderate(ModeratorAction::AskUnmute(id(who))),
            MeetingAction::Admit { id: who } => moderate(ModeratorAction::Admit(id(who))),
            MeetingAction::Refuse { id: who } => moderate(ModeratorAction::Refuse(id(who))),
            MeetingAction::Lock { locked } => moderate(ModeratorAction::Lock(locked)),
            MeetingAction::Remove { id: who } => moderate(ModeratorAction::Remove(id(who))),
            MeetingAction::SetRole { id: who, role } => moderate(ModeratorAction::SetRole(id(who), role)),
        }
        Ok(())
    }
}

/// Does what the agent asked in the meeting; what their role does not allow comes back as a `meeting-event`
/// notice from the engine.
#[tauri::command]
pub async fn act(meeting: State<'_, Meeting>, action: MeetingAction) -> Result<(), Problem> {
    match meeting.with_call(|call| action.apply(call)).await {
        Some(done) => Ok(done?),
        None => Err(Problem::new("not-in-meeting", "there is no meeting to act on")),
    }
}

/// The screens and windows the share picker offers.
#[tauri::command]
pub async fn share_sources() -> Result<Vec<ShareSource>, Problem> {
    tokio::task::spawn_blocking(share_picker::list)
        .await
        .unwrap_or_else(|error| Err(Problem::new("unexpected", error)))
}

/// The microphones and speakers, for the pre-join pickers.
#[tauri::command]
pub fn devices() -> Result<Devices, Problem> {
    Ok(device_check::devices()?)
}

/// Meters microphone `id` (null: the default); readings come as `mic-level` events.
#[tauri::command]
pub async fn start_mic_meter<R: Runtime>(
    app: AppHandle<R>,
    checks: State<'_, DeviceChecks>,
    id: Option<String>,
) -> Result<(), Problem> {
    Ok(checks.start_meter(app, id).await?)
}

#[tauri::command]
pub async fn stop_mic_meter(checks: State<'_, DeviceChecks>) -> Result<(), Problem> {
    checks.stop_meter().await;
    Ok(())
}

/// The camera's name; null when the test pattern stands in for one.
#[tauri::command]
pub fn camera_name() -> Option<String> {
    device_check::camera().1
}

/// Shows our camera on the pre-join screen: its encoded frames flow through `video` as a call's do.
#[tauri::command]
pub async fn start_camera_preview(checks: State<'_, DeviceChecks>, video: Channel) -> Result<(), Problem> {
    Ok(checks.start_preview(video).await?)
}

#[tauri::command]
pub async fn stop_camera_preview(checks: State<'_, DeviceChecks>) -> Result<(), Problem> {
    checks.stop_preview().await;
    Ok(())
}

/// Plays the test sound on speaker `id` (null: the default) and answers once it has played.
#[tauri::command]
pub async fn play_test_sound(id: Option<String>) -> Result<(), Problem> {
    Ok(palabre_rtc::device_test::play_test_sound(id.as_deref()).await?)
}

/// Where the log is written, if it could be opened.
pub struct LogFile(pub Option<std::path::PathBuf>);

#[tauri::command]
pub fn settings(store: State<'_, SettingsStore>) -> Settings {
    store.get()
}

/// Remembers what the agent chose; fields left out keep their value.
#[tauri::command]
pub fn save_settings(
    store: State<'_, SettingsStore>,
    name: Option<String>,
    language: Option<String>,
    voice: Option<VoiceProcessing>,
) -> Result<Settings, Problem> {
    store
        .update(|settings| {
            if let Some(name) = name {
                settings.name = name;
            }
            if let Some(language) = language {
                settings.language = language;
            }
            if let Some(voice) = voice {
                settings.voice = voice;
            }
        })
        .map_err(|error| Problem::new("settings-not-saved", error))
}

/// Version, system and the end of the log, for the agent to paste into a message to IT support.
#[tauri::command]
pub fn diagnostics<R: Runtime>(app: AppHandle<R>, log: State<'_, LogFile>) -> String {
    diagnostics::report(&app.package_info().version.to_string(), log.0.as_deref())
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    const FP: &str = "sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    fn to_json(value: &impl Serialize) -> Value {
        serde_json::to_value(value).expect("serialisable")
    }

    #[test]
    fn embedded_link_gives_kind_room_and_server_but_no_token() {
        let text = format!("palabre://127.0.0.1:7443/MaReunion456?token=tok-Secret-42&fp={FP}");
        let summary = check_link(&text, &Policy::default()).expect("a valid link");
        let sent = to_json(&summary);
        assert_eq!(
            sent,
            json!({"kind": "embedded", "room": "MaReunion456", "server": "127.0.0.1:7443", "secure_server": true})
        );
        let sent = sent.to_string();
        assert!(!sent.contains("tok-Secret-42"), "token leaked: {sent}");
        assert!(!sent.contains("00112233"), "fingerprint leaked: {sent}");
    }

    #[test]
    fn janus_link_with_secret_hints_moderator_without_sending_secret_or_pin() {
        let summary = check_link("janus+wss://janus.example.org/1234?pin=9876&secret=adminpwd", &Policy::default()).unwrap();
        let sent = to_json(&summary);
        assert_eq!(
            sent,
            json!({
                "kind": "janus",
                "room": "1234",
                "server": "janus.example.org:8989",
                "secure_server": true,
                "role_hint": "moderator"
            })
        );
        let sent = sent.to_string();
        assert!(!sent.contains("adminpwd") && !sent.contains("9876"), "secret leaked: {sent}");
    }

    #[test]
    fn janus_link_pinning_its_certificate_is_secure() {
        let link = "janus+wss://10.0.0.5:8989/1234?fp=sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let summary = check_link(link, &Policy::default()).unwrap();
        assert_eq!(summary.kind, LinkKind::Janus);
        assert!(summary.secure_server);
        assert_eq!(summary.server, "10.0.0.5:8989");
    }

    #[test]
    fn plain_janus_link_is_not_secure_and_hints_nothing() {
        let summary = check_link("janus+ws://127.0.0.1:8188/1234", &Policy::default()).unwrap();
        assert_eq!(summary.kind, LinkKind::Janus);
        assert!(!summary.secure_server);
        assert_eq!(summary.role_hint, None);
    }

    #[test]
    fn invalid_link_gives_its_code_and_a_sentence() {
        let cases = [
            ("https://x", "unknown-scheme"),
            ("   ", "empty"),
            ("palabre://h:1/R?token=t", "missing-fingerprint"),
            ("palabre://h:1/R?token=t&fp=sha256:12ab", "bad-fingerprint"),
            ("janus+ws://h/salle", "bad-janus-room"),
            ("janus+ws://h/1234?fp=sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "fingerprint-without-tls"),
        ];
        for (text, code) in cases {
            let problem = check_link(text, &Policy::default()).expect_err(text);
            let sent = to_json(&problem);
            assert_eq!(sent["code"], code, "for {text:?}");
            assert!(!problem.detail.is_empty());
        }
    }

    #[test]
    fn a_server_outside_the_allowed_list_is_refused_naming_the_policy() {
        use palabre_policy::parse::RawValue;
        use palabre_policy::Source;
        let allowed = [("AllowedServers".to_string(), RawValue::List(vec!["visio.interieur.gouv.fr".into()]))];
        let policy = Policy::from_values(Source::Registry, allowed).policy;
        let inside = format!("palabre://visio.interieur.gouv.fr:7443/Cellule?token=t&fp={FP}");
        assert!(check_link(&inside, &policy).is_ok());
        let outside = format!("palabre://203.0.113.9:7443/Cellule?token=t&fp={FP}");
        let problem = check_link(&outside, &policy).expect_err("refused");
        assert_eq!(problem.code, "server-not-allowed");
        assert!(problem.detail.contains("AllowedServers"), "{}", problem.detail);
    }

    #[test]
    fn error_detail_does_not_repeat_the_token() {
        let problem = check_link("palabre://h:1/R?token=tok-Secret-42&fp=sha256:zz", &Policy::default()).unwrap_err();
        assert_eq!(problem.code, "bad-fingerprint");
        assert!(!problem.detail.contains("tok-Secret-42"));
    }

    /// Every kind of link error `palabre-core` has. The `match` stops this from compiling when a kind is added, so
    /// that the UI gets words for it.
    fn every_link_error() -> Vec<LinkError> {
        let all = vec![
            LinkError::Empty,
            LinkError::UnknownScheme,
            LinkError::Malformed(String::new()),
            LinkError::MissingHost,
            LinkError::MissingRoom,
            LinkError::BadRoomName(String::new()),
            LinkError::BadJanusRoom(String::new()),
            LinkError::MissingToken,
            LinkError::MissingFingerprint,
            LinkError::BadFingerprint,
            LinkError::FingerprintWithoutTls,
        ];
        for error in &all {
            match error {
                LinkError::Empty
                | LinkError::UnknownScheme
                | LinkError::Malformed(_)
                | LinkError::MissingHost
                | LinkError::MissingRoom
                | LinkError::BadRoomName(_)
                | LinkError::BadJanusRoom(_)
                | LinkError::MissingToken
                | LinkError::MissingFingerprint
                | LinkError::BadFingerprint
                | LinkError::FingerprintWithoutTls => {}
            }
        }
        all
    }

    /// Every way a call can fail that an agent can meet. The `match` stops this from compiling when a kind is
    /// added, so that the UI gets words for it.
    fn every_call_error() -> Vec<CallError> {
        use palabre_core::signal::Refusal;
        let refusals = [
            Refusal::UnknownRoom,
            Refusal::BadToken,
            Refusal::BadName,
            Refusal::ProtocolVersion,
            Refusal::BadRequest,
            Refusal::Locked,
            Refusal::NotAdmitted,
            Refusal::Removed,
        ];
        let mut all: Vec<CallError> = refusals.into_iter().map(CallError::Refused).collect();
        all.extend([
            CallError::Unreachable { address: String::new(), detail: String::new() },
            CallError::WrongFingerprint { address: String::new() },
            CallError::UntrustedCertificate { address: String::new(), detail: String::new() },
            CallError::UnsupportedServer("x"),
            CallError::ServerGone,
            CallError::Timeout("x"),
            CallError::Protocol(String::new()),
            CallError::JanusRoomNotFound(1),
            CallError::WrongPin,
            CallError::WrongSecret,
            CallError::RoomFull,
            CallError::SessionTimedOut,
            CallError::Janus { code: 0, reason: String::new() },
            CallError::Media(MediaError::File { path: String::new(), reason: String::new() }),
            CallError::Media(MediaError::Recording { path: String::new(), reason: String::new() }),
        ]);
        use palabre_devices::DeviceError;
        all.extend(
            [
                DeviceError::NotFound { kind: "microphone", id: String::new() },
                DeviceError::NoDefault("microphone"),
                DeviceError::Unusable { kind: "microphone", name: String::new(), detail: String::new() },
                DeviceError::Listing(String::new()),
            ]
            .map(|error| CallError::Media(MediaError::Device(error))),
        );
        for error in &all {
            match error {
                CallError::BadLink(_) // worded with the link errors, below
                | CallError::Media(_) // a codec failing ("media") is a bug to report: the "unexpected" words say so
                | CallError::Refused(_)
                | CallError::Unreachable { .. }
                | CallError::WrongFingerprint { .. }
                | CallError::UntrustedCertificate { .. }
                | CallError::UnsupportedServer(_)
                | CallError::ServerGone
                | CallError::Timeout(_)
                | CallError::Protocol(_)
                | CallError::WebRtc(_) // "media-connection": worded, but not built here (no webrtc dependency)
                | CallError::JanusRoomNotFound(_)
                | CallError::WrongPin
                | CallError::WrongSecret
                | CallError::RoomFull
                | CallError::SessionTimedOut
                | CallError::Janus { .. } => {}
            }
        }
        all
    }

    use palabre_rtc::MediaError;

    #[test]
    fn every_call_error_code_has_words_in_both_languages() {
        let strings = include_str!("../ui/src/i18n.ts");
        for error in every_call_error() {
            let key = format!("\"{}\":", error.code());
            assert_eq!(strings.matches(&key).count(), 2, "ui/src/i18n.ts needs French and English words for {key}");
        }
    }

    #[test]
    fn every_link_error_code_has_words_in_both_languages() {
        let strings = include_str!("../ui/src/i18n.ts");
        for error in every_link_error() {
            let key = format!("\"{}\":", error.code());
            // One entry in the French table and one in the English one.
            assert_eq!(strings.matches(&key).count(), 2, "ui/i18n.js needs French and English words for {key}");
        }
    }
}
