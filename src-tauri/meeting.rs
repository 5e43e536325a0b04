//! The meeting the window is in: joining, acting on it, and telling the UI what changed.
//!
//! One meeting at a time. The engine's [`Call`] stays here; after every change the UI gets a fresh
//! [`MeetingView`] (event `meeting-view`), a short announcement for screen readers when something happens to
//! someone (event `meeting-event`), and encoded video through the channel it passed to `join_meeting`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use palabre_core::conference::Change;
use palabre_core::{Link, ParticipantId};
use palabre_rtc::{join_with, AudioSource, Call, CallEvent, CallOptions, MediaOptions, SpeakerChoice, VoiceProcessing};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::device_check;
use crate::video_channel;
use crate::view::{Measured, MeetingView};

/// How often the view is refreshed when nothing happens, for the clock and the connection indicator.
const REFRESH: Duration = Duration::from_secs(1);

/// How often who is speaking is looked at; the view is sent again only when that changed. Fast enough that the
/// highlight follows a conversation.
const SPEAKERS_CHECK: Duration = Duration::from_millis(200);

/// What the user chose before joining.
pub struct JoinRequest {
    pub link: Link,
    pub name: String,
    pub camera_on: bool,
    pub microphone_on: bool,
    pub devices: DeviceChoice,
}

/// The microphone and speaker picked on the pre-join screen (`None` for the system's default), and the
/// processing the microphone gets (a setting).
pub struct DeviceChoice {
    pub microphone: Option<String>,
    pub speaker: Option<String>,
    pub voice: VoiceProcessing,
}

/// Something that happened to someone, for the UI to announce in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Announcement {
    Joined { name: String },
    Left { name: String },
    HandRaised { name: String },
    Chat { from_name: String },
    MutedBy { name: String },
    UnmuteRequested { name: String },
    FloorGiven { name: String },
    Lobby { waiting: usize },
    BreakReminder { elapsed_ms: u64 },
    /// A problem that did not end the call, in English for support staff.
    Notice { detail: String },
    /// The call ended without us leaving; `code` is `CallError::code()`.
    Ended { code: String, detail: String },
}

#[derive(Default)]
pub struct Meeting {
    active: Mutex<Option<Active>>,
}

struct Active {
    call: Arc<Call>,
    room: String,
    tasks: Vec<JoinHandle<()>>,
}

impl Meeting {
    /// Joins, leaving the current meeting first.
    pub async fn join<R: Runtime>(
        &self,
        app: AppHandle<R>,
        request: JoinRequest,
        video: Channel,
    ) -> Result<MeetingView, palabre_rtc::CallError> {
        self.leave().await;
        let room = request.link.room_label();
        let voice = request.devices.voice;
        // Support staff asking "why does it echo" need to know whether the agent switched the processing off.
        tracing::info!(
            %room,
            echo_cancellation = voice.echo_cancellation,
            noise_suppression = voice.noise_suppression,
            auto_gain = voice.auto_gain,
            "joining"
        );
        let (audio, speaker) = sound_for(request.devices);
        let options = CallOptions {
            link: request.link,
            name: request.name,
            video: device_check::camera().0,
            audio,
            accept_unmute_requests: false,
            audio_muted: !request.microphone_on,
            video_muted: !request.camera_on,
        };
        let (call, events) = join_with(options, MediaOptions { record_dir: None, speaker, voice, ..MediaOptions::default() }).await?;
        let call = Arc::new(call);
        let tasks = vec![
            tokio::spawn({
                let mut frames = call.video_feed();
                async move { video_channel::forward(&mut frames, video).await }
            }),
            tokio::spawn(pump(app, call.clone(), room.clone(), events)),
        ];
        let view = view_of(&call, &room).await;
        *self.active.lock().await = Some(Active { call, room, tasks });
        Ok(view)
    }

    /// Acts on the current meeting; `false` when there is none.
    /// What `act` gives on the call; None outside a meeting.
    pub async fn with_call<T>(&self, act: impl FnOnce(&Call) -> T) -> Option<T> {
        self.active.lock().await.as_ref().map(|active| act(&active.call))
    }

    pub async fn view(&self) -> Option<MeetingView> {
        let active = self.active.lock().await;
        let active = active.as_ref()?;
        Some(view_of(&active.call, &active.room).await)
    }

    /// Leaves the meeting, if there is one: the others see us go at once.
    pub async fn leave(&self) {
        let started = std::time::Instant::now();
        let Some(active) = self.active.lock().await.take() else { return };
        tracing::info!(room = %active.room, waited_ms = started.elapsed().as_millis(), "leaving the meeting");
        for task in active.tasks {
            task.abort();
            // Aborted tasks drop their handle on the call only once they have stopped.
            let _ = task.await;
        }
        match Arc::try_unwrap(active.call) {
            Ok(call) => call.leave().await,
            Err(_) => tracing::warn!("the call is still in use; it ends when the last user lets go"),
        }
        tracing::info!(room = %active.room, ms = started.elapsed().as_millis(), "left the meeting");
    }
}

/// The microphone and speaker to use: the ones picked, among those that exist. A computer without a microphone
/// joins to listen; one without a speaker joins all the same (the pre-join screen said so).
fn sound_for(choice: DeviceChoice) -> (AudioSource, SpeakerChoice) {
    let devices = device_check::devices().unwrap_or_else(|error| {
        tracing::warn!(%error, "no audio devices: joining without sound");
        device_check::Devices::default()
    });
    let audio = if devices.microphones.is_empty() {
        AudioSource::None
    } else {
        AudioSource::Microphone { device: choice.microphone }
    };
    let speaker = match (devices.speakers.is_empty(), choice.speaker) {
        (true, _) => SpeakerChoice::None,
        (false, Some(id)) => SpeakerChoice::Device(id),
        (false, None) => SpeakerChoice::Default,
    };
    (audio, speaker)
}

async fn view_of(call: &Call, room: &str) -> MeetingView {
    view_with(call, room, call.round_trip_ms().await)
}

fn view_with(call: &Call, room: &str, round_trip_ms: Option<f64>) -> MeetingView {
    let now = call.elapsed_ms();
    let stats = call.stats();
    let measured = Measured { round_trip_ms, speakers: stats.speakers(Instant::now()) };
    call.conference(|conference| MeetingView::new(room.to_owned(), conference, &stats, &measured, now))
}

/// Why the pump looks at the call again.
enum Wake {
    Event(CallEvent),
    Refresh,
    SpeakersCheck,
}

/// Turns the call's events into views and announcements for the window, until the call ends.
async fn pump<R: Runtime>(app: AppHandle<R>, call: Arc<Call>, room: String, mut events: UnboundedReceiver<CallEvent>) {
    let mut refresh = tokio::time::interval(REFRESH);
    let mut speakers_check = tokio::time::interval(SPEAKERS_CHECK);
    // Measured once a second, on the refresh: asking the peer connection for its statistics on every event
    // would cost most when the meeting is busiest.
    let mut round_trip_ms = call.round_trip_ms().await;
    let mut before = view_with(&call, &room, round_trip_ms);
    loop {
        let wake = tokio::select! {
            event = events.recv() => match event {
                Some(event) => Wake::Event(event),
                // The call's driver is gone (its last word was `Ended`): nothing more will change.
                None => return,
            },
            _ = refresh.tick() => Wake::Refresh,
            _ = speakers_check.tick() => Wake::SpeakersCheck,
        };
        if matches!(wake, Wake::Refresh) {
            round_trip_ms = call.round_trip_ms().await;
        }
        let after = view_with(&call, &room, round_trip_ms);
        if matches!(wake, Wake::SpeakersCheck) && speakers_of(&after) == speakers_of(&before) {
            continue;
        }
        if let Wake::Event(event) = wake {
            let ended = matches!(event, CallEvent::Ended(_));
            if let Some(announcement) = announce(event, &before, &after) {
                let _ = app.emit("meeting-event", announcement);
            }
            if ended {
                let _ = app.emit("meeting-view", &after);
                return;
            }
        }
        let _ = app.emit("meeting-view", &after);
        before = after;
    }
}

fn speakers_of(view: &MeetingView) -> Vec<u64> {
    view.others.iter().filter(|person| person.speaking).map(|person| person.id).collect()
}

/// What is worth telling the user about `event`, given the window before and after it.
fn announce(event: CallEvent, before: &MeetingView, after: &MeetingView) -> Option<Announcement> {
    // Someone who just left is only in the view before.
    let name_of = |id: ParticipantId| {
        [after, before]
            .into_iter()
            .flat_map(|view| view.me.iter().chain(&view.others))
            .find(|person| person.id == id.0)
            .map_or_else(|| format!("#{id}"), |person| person.name.clone())
    };
    let is_me = |id: ParticipantId| after.me.as_ref().is_some_and(|me| me.id == id.0);
    Some(match event {
        CallEvent::Joined(_) => return None,
        CallEvent::ParticipantJoined(info) => Announcement::Joined { name: info.name },
        CallEvent::ParticipantLeft(id) => Announcement::Left { name: name_of(id) },
        CallEvent::ParticipantUpdated(id) => {
            let raised_now = after.hand_queue.contains(&id.0) && !before.hand_queue.contains(&id.0);
            // Our own hand shows on the button we just pressed.
            if !raised_now || is_me(id) {
                return None;
            }
            Announcement::HandRaised { name: name_of(id) }
        }
        CallEvent::Chat(entry) if is_me(entry.from) => return None,
        CallEvent::Chat(entry) => Announcement::Chat { from_name: entry.from_name },
        CallEvent::Conference(change) => match change {
            Change::MutedBy { by } => Announcement::MutedBy { name: name_of(by) },
            Change::UnmuteRequested { by } => Announcement::UnmuteRequested { name: name_of(by) },
            Change::FloorGiven { to, .. } => Announcement::FloorGiven { name: name_of(to) },
            Change::LobbyChanged => Announcement::Lobby { waiting: after.lobby.len() },
            Change::BreakReminder { elapsed } => Announcement::BreakReminder { elapsed_ms: elapsed },
            _ => return None,
        },
        CallEvent::Notice(detail) => Announcement::Notice { detail },
        CallEvent::Ended(error) => Announcement::Ended { code: error.code(), detail: error.to_string() },
    })
}
