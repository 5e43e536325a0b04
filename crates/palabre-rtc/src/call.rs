//! A call as an application sees it: [`join`] a link, act on the [`Call`], read [`CallEvent`]s.
//!
//! One driver task per call is the only place where the conference model changes: it feeds the model what the
//! room adapter reports and what the user does, sends the app messages the model asks for, and turns the
//! model's changes into events. Media runs beside it in its own tasks.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use palabre_core::conference::{Change, Input, Output};
use palabre_core::{ChatEntry, Conference, Link, Participant, ParticipantId, ParticipantInfo};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::adapter::{self, RoomConnection, RoomEvent};
use crate::error::CallError;
use crate::local_media::{local_tracks, start_sources, AudioSource, LocalState, VideoSource};
use crate::remote_media;
use crate::stats::CallStats;

/// What to join and what to send.
#[derive(Debug, Clone)]
pub struct CallOptions {
    pub link: Link,
    /// Display name, e.g. "Marie Dupont (Mairie de Lyon)"; the server cleans it and may add a suffix.
    pub name: String,
    pub video: VideoSource,
    pub audio: AudioSource,
}

/// What happened in the call, named for what the user sees.
#[derive(Debug)]
pub enum CallEvent {
    Joined(ParticipantInfo),
    ParticipantJoined(ParticipantInfo),
    ParticipantLeft(ParticipantId),
    /// Someone's microphone, camera or hand changed.
    ParticipantUpdated(ParticipantId),
    Chat(ChatEntry),
    /// Something went wrong without ending the call.
    Notice(String),
    /// The call ended without us leaving.
    Ended(CallError),
}

/// What the user does.
enum Action {
    Chat { text: String, to: Option<ParticipantId> },
    Hand(bool),
    MediaState,
}

pub struct Call {
    room: Arc<dyn RoomConnection>,
    actions: mpsc::UnboundedSender<Action>,
    conference: Arc<Mutex<Conference>>,
    stats: Arc<Mutex<CallStats>>,
    local: Arc<LocalState>,
    /// When the room let us in.
    pub joined_at: Instant,
    tasks: Vec<JoinHandle<()>>,
}

/// Joins the room `options.link` names and starts sending and receiving.
pub async fn join(options: CallOptions) -> Result<(Call, mpsc::UnboundedReceiver<CallEvent>), CallError> {
    let tracks = local_tracks(options.video, options.audio);
    let (room_events_tx, room_events) = mpsc::unbounded_channel();
    let room: Arc<dyn RoomConnection> =
        adapter::connect(&options.link, &options.name, &tracks, room_events_tx).await?.into();
    let joined_at = Instant::now();
    let (events_tx, events) = mpsc::unbounded_channel();
    let (actions, actions_rx) = mpsc::unbounded_channel();
    let conference = Arc::new(Mutex::new(Conference::new()));
    let stats = Arc::new(Mutex::new(CallStats::default()));
    let local = Arc::new(LocalState::default());

    let driver = Driver {
        room: room.clone(),
        conference: conference.clone(),
        stats: stats.clone(),
        local: local.clone(),
        events: events_tx.clone(),
        started: joined_at,
    };
    let mut tasks = vec![tokio::spawn(driver.run(room_events, actions_rx))];
    for source in start_sources(&tracks, options.video, options.audio, local.clone()) {
        let (events, stats) = (events_tx.clone(), stats.clone());
        tasks.push(tokio::spawn(async move {
            if let Ok(Err(error)) = source.await {
                let message = format!("sending stopped: {error}");
                stats.lock().expect("stats lock").errors.push(message.clone());
                let _ = events.send(CallEvent::Notice(message));
            }
        }));
    }
    Ok((Call { room, actions, conference, stats, local, joined_at, tasks }, events))
}

impl Call {
    /// Writes in the chat, to everyone or privately to `to`.
    pub fn send_chat(&self, text: impl Into<String>, to: Option<ParticipantId>) {
        let _ = self.actions.send(Action::Chat { text: text.into(), to });
    }

    pub fn set_hand_raised(&self, raised: bool) {
        let _ = self.actions.send(Action::Hand(raised));
    }

    pub fn set_audio_muted(&self, muted: bool) {
        self.local.audio_muted.store(muted, Ordering::Relaxed);
        let _ = self.actions.send(Action::MediaState);
    }

    pub fn set_video_muted(&self, muted: bool) {
        self.local.video_muted.store(muted, Ordering::Relaxed);
        let _ = self.actions.send(Action::MediaState);
    }

    /// Ourselves, as the room knows us.
    pub fn me(&self) -> Option<Participant> {
        self.conference.lock().expect("conference lock").me().cloned()
    }

    /// Everyone else in the room now.
    pub fn participants(&self) -> Vec<Participant> {
        self.conference.lock().expect("conference lock").others().cloned().collect()
    }

    pub fn chat(&self) -> Vec<ChatEntry> {
        self.conference.lock().expect("conference lock").chat().to_vec()
    }

    pub fn stats(&self) -> CallStats {
        self.stats.lock().expect("stats lock").clone()
    }

    /// What we sent: video frames, audio frames, bytes.
    pub fn sent(&self) -> (u64, u64, u64) {
        let local = &self.local;
        (
            local.video_frames_sent.load(Ordering::Relaxed),
            local.audio_frames_sent.load(Ordering::Relaxed),
            local.bytes_sent.load(Ordering::Relaxed),
        )
    }

    pub async fn round_trip_ms(&self) -> Option<f64> {
        self.room.round_trip_ms().await
    }

    /// Leaves the room: the others see us go at once, not after a timeout.
    pub async fn leave(self) {
        for task in &self.tasks {
            task.abort();
        }
        self.room.leave().await;
    }
}

struct Driver {
    room: Arc<dyn RoomConnection>,
    conference: Arc<Mutex<Conference>>,
    stats: Arc<Mutex<CallStats>>,
    local: Arc<LocalState>,
    events: mpsc::UnboundedSender<CallEvent>,
    started: Instant,
}

impl Driver {
    async fn run(self, mut room_events: mpsc::UnboundedReceiver<RoomEvent>, mut actions: mpsc::UnboundedReceiver<Action>) {
        loop {
            let input = tokio::select! {
                Some(event) = room_events.recv() => match event {
                    RoomEvent::Welcomed { you, role, name, participants } => Input::Welcomed { you, role, name, participants },
                    RoomEvent::ParticipantJoined(info) => Input::ParticipantJoined(info),
                    RoomEvent::ParticipantLeft(id) => Input::ParticipantLeft(id),
                    RoomEvent::AppMessage(bytes) => Input::Received(bytes),
                    RoomEvent::Track { owner, track, request_keyframe } => {
                        tokio::spawn(remote_media::receive(owner, track, request_keyframe, self.stats.clone()));
                        continue;
                    }
                    RoomEvent::Closed(error) => {
                        let _ = self.events.send(CallEvent::Ended(error));
                        return;
                    }
                },
                Some(action) = actions.recv() => match action {
                    Action::Chat { text, to } => Input::SendChat { text, to },
                    Action::Hand(raised) => Input::SetHand { raised },
                    Action::MediaState => Input::SetMediaState {
                        audio_muted: self.local.audio_muted.load(Ordering::Relaxed),
                        video_muted: self.local.video_muted.load(Ordering::Relaxed),
                    },
                },
                else => return,
            };
            let outputs = {
                let mut conference = self.conference.lock().expect("conference lock");
                conference.handle(input, self.started.elapsed().as_millis() as u64);
                std::iter::from_fn(|| conference.poll_output()).collect::<Vec<_>>()
            };
            for output in outputs {
                self.apply(output).await;
            }
        }
    }

    async fn apply(&self, output: Output) {
        let event = match output {
            Output::Send(text) => {
                if let Err(error) = self.room.send_app_message(text).await {
                    self.notice(format!("a message could not be sent: {error}"));
                }
                return;
            }
            Output::Changed(change) => match change {
                Change::Joined => match self.conference.lock().expect("conference lock").me() {
                    Some(me) => CallEvent::Joined(me.info.clone()),
                    None => return,
                },
                Change::ParticipantJoined(id) => {
                    match self.conference.lock().expect("conference lock").participant(id) {
                        Some(p) => CallEvent::ParticipantJoined(p.info.clone()),
                        None => return,
                    }
                }
                Change::ParticipantLeft(id) => CallEvent::ParticipantLeft(id),
                Change::ParticipantUpdated(id) => CallEvent::ParticipantUpdated(id),
                Change::Chat(entry) => CallEvent::Chat(entry),
                Change::Refused(why) => return self.notice(why),
                Change::IgnoredMessage(why) => return self.notice(format!("ignored a message: {why}")),
            },
        };
        let _ = self.events.send(event);
    }

    fn notice(&self, message: String) {
        self.stats.lock().expect("stats lock").errors.push(message.clone());
        let _ = self.events.send(CallEvent::Notice(message));
    }
}
