//! A call as an application sees it: [`join`] a link, act on the [`Call`], read [`CallEvent`]s.
//!
//! One driver task per call is the only place where the conference model changes: it feeds the model what the
//! room adapter reports and what the user does, sends the app messages the model asks for, and turns the
//! model's changes into events. Media runs beside it in its own tasks.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use palabre_media::{VideoCodec, VoiceProcessing, VoiceProcessor};
use palabre_core::conference::{Change, Input, Output};
use palabre_core::screen_share::is_screen_track;
use palabre_core::{ChatEntry, Conference, Link, Millis, ModeratorAction, Participant, ParticipantId, ParticipantInfo};
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use crate::adapter::{self, RoomConnection, RoomEvent};
use crate::error::CallError;
use crate::local_media::{local_tracks_for, open_sources, start_sources, AudioSource, LocalState, VideoSource};
use crate::playout::{SpeakerChoice, SpeakerPlayout};
use crate::recording::{Recorder, Recording};
use crate::screen::{send_screen, OpenedScreen, ScreenCounters, ScreenOptions, ScreenTrack};
use crate::remote_media::{self, RemoteSinks};
use crate::stats::CallStats;
use crate::video_feed::{EncodedVideo, VideoFeed};

/// What to join and what to send.
#[derive(Debug, Clone)]
pub struct CallOptions {
    pub link: Link,
    /// Display name, e.g. "Marie Dupont (Mairie de Lyon)"; the server cleans it and may add a suffix.
    pub name: String,
    pub video: VideoSource,
    pub audio: AudioSource,
    /// Unmute at once when a moderator asks (for bots and tests; a person is asked in the UI).
    pub accept_unmute_requests: bool,
    /// Enter with the microphone or the camera off (the pre-join choice): not one frame of it leaves before
    /// the user turns it on, and the others see it off from the start.
    pub audio_muted: bool,
    pub video_muted: bool,
}

/// Where received media goes besides the stats ([`join_with`]); the default only counts it.
#[derive(Debug, Clone, Default)]
pub struct MediaOptions {
    /// Record what we decode from each remote participant into `DIR/<name>.y4m` and `DIR/<name>.wav`.
    pub record_dir: Option<PathBuf>,
    /// Where everyone's audio is played.
    pub speaker: SpeakerChoice,
    /// Echo cancellation, noise suppression and automatic gain for a microphone (all on by default).
    pub voice: VoiceProcessing,
    /// The video codec we would rather send; the other is offered too, and the other side's choice wins.
    pub video_codec: VideoCodec,
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
    /// Something else in the meeting changed (floor given, lobby, proxy, vote, break reminder, a moderator muted
    /// us or asks us to unmute); the `Call` accessors give the new state.
    Conference(Change),
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
    Moderate(ModeratorAction),
    Vote { vote: u32, option: String, proxy_for: Option<String> },
    ShareScreen(Box<OpenedScreen>),
    StopSharing,
}

pub struct Call {
    room: Arc<dyn RoomConnection>,
    actions: mpsc::UnboundedSender<Action>,
    conference: Arc<Mutex<Conference>>,
    stats: Arc<Mutex<CallStats>>,
    local: Arc<LocalState>,
    recorder: Option<Arc<Recorder>>,
    /// Kept for the call's length: dropping it closes the speaker.
    _playout: Option<Arc<SpeakerPlayout>>,
    video: VideoFeed,
    screen_counters: Arc<ScreenCounters>,
    /// When the room let us in.
    pub joined_at: Instant,
    tasks: Vec<JoinHandle<()>>,
}

/// Joins the room `options.link` names and starts sending and receiving.
pub async fn join(options: CallOptions) -> Result<(Call, mpsc::UnboundedReceiver<CallEvent>), CallError> {
    join_with(options, MediaOptions::default()).await
}

/// [`join`], also playing what we receive on a speaker and/or recording it.
pub async fn join_with(
    options: CallOptions,
    media: MediaOptions,
) -> Result<(Call, mpsc::UnboundedReceiver<CallEvent>), CallError> {
    // Devices are opened and files checked before we connect: nobody sees us join with a source that cannot
    // play, and a wrong device id is an error, not a silent call.
    let (device_problems_tx, mut device_problems) = mpsc::unbounded_channel();
    // One processor for the microphone and the speaker, so that the echo canceller knows what was played.
    let voice = (matches!(options.audio, AudioSource::Microphone { .. }) && media.voice.any())
        .then(|| Arc::new(Mutex::new(VoiceProcessor::new(media.voice))));
    let sources = open_sources(&options.video, &options.audio, voice.clone(), device_problems_tx.clone())?;
    let playout = SpeakerPlayout::start(&media.speaker, voice, device_problems_tx)?.map(Arc::new);
    let stats = Arc::new(Mutex::new(CallStats::default()));
    let recorder = match &media.record_dir {
        Some(dir) => {
            let stats = stats.clone();
            Some(Recorder::new(dir, move |error| stats.lock().expect("stats lock").errors.push(error))?)
        }
        None => None,
    };
    // A camera that could not be had (a notice) leaves no video track to offer.
    let sent_video = if sources.sends_video() { &options.video } else { &VideoSource::None };
    let tracks = local_tracks_for(sent_video, &options.audio, media.video_codec);
    let (room_events_tx, room_events) = mpsc::unbounded_channel();
    let room: Arc<dyn RoomConnection> =
        adapter::connect(&options.link, &options.name, &tracks, room_events_tx).await?.into();
    let joined_at = Instant::now();
    let (events_tx, events) = mpsc::unbounded_channel();
    let (actions, actions_rx) = mpsc::unbounded_channel();
    let conference = Arc::new(Mutex::new(Conference::new()));
    let local = Arc::new(LocalState {
        audio_muted: options.audio_muted.into(),
        video_muted: options.video_muted.into(),
        ..LocalState::default()
    });
    let video = VideoFeed::new();
    let screen_counters = Arc::new(ScreenCounters::default());

    let driver = Driver {
        room: room.clone(),
        conference: conference.clone(),
        stats: stats.clone(),
        local: local.clone(),
        video: video.clone(),
        events: events_tx.clone(),
        started: joined_at,
        accept_unmute_requests: options.accept_unmute_requests,
        recorder: recorder.clone(),
        playout: playout.clone(),
        screen: ScreenSending::new(screen_counters.clone()),
        screen_recordings: HashMap::new(),
        actions: actions.downgrade(),
    };
    if options.audio_muted || options.video_muted {
        // Told after the welcome, which the driver handles first.
        let _ = actions.send(Action::MediaState);
    }
    let mut tasks = vec![tokio::spawn(driver.run(room_events, actions_rx))];
    // A device that fails mid-call is told to the user; the call goes on.
    let (notices, problem_stats) = (events_tx.clone(), stats.clone());
    tasks.push(tokio::spawn(async move {
        while let Some(problem) = device_problems.recv().await {
            problem_stats.lock().expect("stats lock").errors.push(problem.clone());
            let _ = notices.send(CallEvent::Notice(problem));
        }
    }));
    for source in start_sources(&tracks, sources, local.clone(), video.clone()) {
        let (events, stats) = (events_tx.clone(), stats.clone());
        tasks.push(tokio::spawn(async move {
            if let Ok(Err(error)) = source.await {
                let message = format!("sending stopped: {error}");
                stats.lock().expect("stats lock").errors.push(message.clone());
                let _ = events.send(CallEvent::Notice(message));
            }
        }));
    }
    let call = Call { room, actions, conference, stats, local, recorder, _playout: playout, video, screen_counters, joined_at, tasks };
    Ok((call, events))
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

    /// Acts on the meeting as a moderator or animateur; refused (a `Notice`) if our role does not allow it.
    pub fn moderate(&self, action: ModeratorAction) {
        let _ = self.actions.send(Action::Moderate(action));
    }

    /// Answers vote `vote`, for ourselves or for an absent person whose proxy we hold.
    pub fn cast_vote(&self, vote: u32, option: impl Into<String>, proxy_for: Option<String>) {
        let _ = self.actions.send(Action::Vote { vote, option: option.into(), proxy_for });
    }

    /// Shares a screen or a y4m file. The source is opened here, so a missing display or a bad file is an error
    /// at once; the picture goes out once the room accepts the share (only intervenant and up, one share at a
    /// time unless the animateur allows more), otherwise a [`CallEvent::Notice`] says why.
    pub fn share_screen(&self, options: &ScreenOptions) -> Result<(), CallError> {
        let screen = OpenedScreen::open(options)?;
        let _ = self.actions.send(Action::ShareScreen(Box::new(screen)));
        Ok(())
    }

    /// Stops our screen share; receivers drop it.
    pub fn stop_sharing(&self) {
        let _ = self.actions.send(Action::StopSharing);
    }

    /// What our screen shares sent: frames and bytes.
    pub fn screen_sent(&self) -> (u64, u64) {
        let counters = &self.screen_counters;
        (counters.frames_sent.load(Ordering::Relaxed), counters.bytes_sent.load(Ordering::Relaxed))
    }

    /// Reads the conference model as it is now.
    pub fn conference<T>(&self, read: impl FnOnce(&Conference) -> T) -> T {
        read(&self.conference.lock().expect("conference lock"))
    }

    /// Milliseconds since we joined, on the clock the conference model was given.
    pub fn elapsed_ms(&self) -> Millis {
        self.joined_at.elapsed().as_millis() as Millis
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

    /// Encoded video as sent and received, for a renderer that decodes it itself (the desktop app's webview).
    pub fn video_feed(&self) -> broadcast::Receiver<EncodedVideo> {
        self.video.subscribe()
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

    /// What our camera video's encoder aims at now, in kbit/s (lowered while the receivers report loss); None
    /// before it starts or without video.
    pub fn video_target_kbps(&self) -> Option<u32> {
        Some(self.local.video_target_kbps.load(Ordering::Relaxed)).filter(|&kbps| kbps > 0)
    }

    pub async fn round_trip_ms(&self) -> Option<f64> {
        self.room.round_trip_ms().await
    }

    /// Leaves the room: the others see us go at once, not after a timeout. Recordings are closed.
    pub async fn leave(self) {
        for task in &self.tasks {
            task.abort();
        }
        self.room.leave().await;
        self.finish_recordings();
    }

    /// Closes the recordings (also done by [`Call::leave`] and when the room ends the call); what is
    /// decoded afterwards is not recorded.
    pub fn finish_recordings(&self) {
        if let Some(recorder) = &self.recorder {
            recorder.finish_all();
        }
    }
}

struct Driver {
    room: Arc<dyn RoomConnection>,
    conference: Arc<Mutex<Conference>>,
    stats: Arc<Mutex<CallStats>>,
    local: Arc<LocalState>,
    video: VideoFeed,
    events: mpsc::UnboundedSender<CallEvent>,
    started: Instant,
    accept_unmute_requests: bool,
    recorder: Option<Arc<Recorder>>,
    playout: Option<Arc<SpeakerPlayout>>,
    screen: ScreenSending,
    /// The screen share we record from each sharer, closed when they stop.
    screen_recordings: HashMap<ParticipantId, Recording>,
    /// Our own actions, for a share that ends by itself (its window closed) to withdraw itself from the room.
    actions: mpsc::WeakUnboundedSender<Action>,
}

/// Our side of screen sharing: the source waiting for the room's go-ahead, the track once published, the
/// sending task while we share.
struct ScreenSending {
    pending: Option<OpenedScreen>,
    track: Option<Arc<ScreenTrack>>,
    keyframe_requested: Arc<AtomicBool>,
    sending: Option<JoinHandle<()>>,
    counters: Arc<ScreenCounters>,
}

impl ScreenSending {
    fn new(counters: Arc<ScreenCounters>) -> Self {
        ScreenSending { pending: None, track: None, keyframe_requested: Arc::default(), sending: None, counters }
    }

    fn stop(&mut self) {
        if let Some(task) = self.sending.take() {
            task.abort();
        }
    }
}

/// The driver ends with the call: so does our share.
impl Drop for ScreenSending {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Driver {
    async fn run(mut self, mut room_events: mpsc::UnboundedReceiver<RoomEvent>, mut actions: mpsc::UnboundedReceiver<Action>) {
        loop {
            let timeout = self.conference.lock().expect("conference lock").poll_timeout();
            let input = tokio::select! {
                // Room events first: the welcome is queued before `join` returns, so it is always handled
                // before anything the user does.
                biased;
                Some(event) = room_events.recv() => match event {
                    RoomEvent::Welcomed { you, role, name, participants } => Input::Welcomed { you, role, name, participants },
                    RoomEvent::ParticipantJoined(info) => Input::ParticipantJoined(info),
                    RoomEvent::ParticipantLeft(id) => {
                        if let Some(playout) = &self.playout {
                            playout.mixer.lock().expect("mixer lock").remove(id.0);
                        }
                        Input::ParticipantLeft(id)
                    }
                    RoomEvent::RoleChanged { id, role } => Input::RoleChanged { id, role },
                    RoomEvent::LobbyChanged(waiting) => Input::LobbyChanged(waiting),
                    RoomEvent::AppMessage(bytes) => Input::Received(bytes),
                    RoomEvent::Waiting => continue,
                    RoomEvent::Denied(reason) => {
                        self.notice(format!("the room server refused: {reason}"));
                        continue;
                    }
                    RoomEvent::Track { owner, track, request_keyframe } => {
                        let recording = self.recorder.as_ref().and_then(|recorder| {
                            let name = self.conference.lock().expect("conference lock").participant(owner)
                                .map_or_else(|| format!("participant {owner}"), |p| p.info.name.clone());
                            match track.kind() {
                                webrtc::rtp_transceiver::rtp_codec::RTPCodecType::Video if is_screen_track(&track.id()) => {
                                    let recording = recorder.screen(owner, &name);
                                    self.screen_recordings.insert(owner, recording.clone());
                                    Some(recording)
                                }
                                webrtc::rtp_transceiver::rtp_codec::RTPCodecType::Video => Some(recorder.video(owner, &name)),
                                _ => recorder.audio(owner, &name),
                            }
                        });
                        let playout = self.playout.as_ref().map(|p| p.mixer.clone());
                        let sinks = RemoteSinks { recording, playout };
                        tokio::spawn(remote_media::receive(owner, track, request_keyframe, self.stats.clone(), self.video.clone(), sinks));
                        continue;
                    }
                    RoomEvent::Closed(error) => {
                        if let Some(recorder) = &self.recorder {
                            recorder.finish_all();
                        }
                        let _ = self.events.send(CallEvent::Ended(error));
                        return;
                    }
                },
                Some(action) = actions.recv() => match action {
                    Action::Chat { text, to } => Input::SendChat { text, to },
                    Action::Hand(raised) => Input::SetHand { raised },
                    Action::MediaState => self.media_state(),
                    Action::Moderate(action) => Input::Moderate(action),
                    Action::Vote { vote, option, proxy_for } => Input::CastVote { vote, option, proxy_for },
                    Action::ShareScreen(screen) => {
                        self.screen.pending = Some(*screen);
                        Input::SetSharing { sharing: true }
                    }
                    Action::StopSharing => {
                        self.screen.stop();
                        Input::SetSharing { sharing: false }
                    }
                },
                _ = sleep_until(timeout.map(|at| self.started + Duration::from_millis(at))) => Input::Timeout,
                else => return,
            };
            let mut inputs = VecDeque::from([input]);
            while let Some(input) = inputs.pop_front() {
                let outputs = {
                    let mut conference = self.conference.lock().expect("conference lock");
                    conference.handle(input, self.started.elapsed().as_millis() as Millis);
                    std::iter::from_fn(|| conference.poll_output()).collect::<Vec<_>>()
                };
                for output in outputs {
                    inputs.extend(self.apply(output).await);
                }
            }
        }
    }

    /// Our microphone and camera as they are now.
    fn media_state(&self) -> Input {
        Input::SetMediaState {
            audio_muted: self.local.audio_muted.load(Ordering::Relaxed),
            video_muted: self.local.video_muted.load(Ordering::Relaxed),
        }
    }

    /// Carries out one output; returns what the model must hear back (our own media change).
    async fn apply(&mut self, output: Output) -> Option<Input> {
        let change = match output {
            Output::Send(text) => {
                if let Err(error) = self.room.send_app_message(text).await {
                    self.notice(format!("a message could not be sent: {error}"));
                }
                return None;
            }
            Output::Control(control) => {
                if let Err(error) = self.room.control(control).await {
                    self.notice(format!("the room server could not be asked: {error}"));
                }
                return None;
            }
            Output::Changed(change) => change,
        };
        let (event, follow_up) = match change {
            Change::Joined => match self.conference.lock().expect("conference lock").me() {
                Some(me) => (CallEvent::Joined(me.info.clone()), None),
                None => return None,
            },
            Change::ParticipantJoined(id) => match self.conference.lock().expect("conference lock").participant(id) {
                Some(p) => (CallEvent::ParticipantJoined(p.info.clone()), None),
                None => return None,
            },
            Change::ParticipantLeft(id) => (CallEvent::ParticipantLeft(id), None),
            Change::ParticipantUpdated(id) => (CallEvent::ParticipantUpdated(id), None),
            Change::Chat(entry) => (CallEvent::Chat(entry), None),
            Change::Refused(why) => {
                self.notice(why);
                return None;
            }
            Change::IgnoredMessage(why) => {
                self.notice(format!("ignored a message: {why}"));
                return None;
            }
            change @ Change::MutedBy { .. } => {
                self.local.audio_muted.store(true, Ordering::Relaxed);
                (CallEvent::Conference(change), Some(self.media_state()))
            }
            change @ Change::UnmuteRequested { .. } if self.accept_unmute_requests => {
                self.local.audio_muted.store(false, Ordering::Relaxed);
                (CallEvent::Conference(change), Some(self.media_state()))
            }
            Change::ScreenShare { id, sharing } => {
                let mine = self.conference.lock().expect("conference lock").me().is_some_and(|me| me.info.id == id);
                let follow_up = match (mine, sharing) {
                    (true, true) => self.start_sharing().await,
                    (true, false) => {
                        self.screen.stop();
                        None
                    }
                    (false, true) => None,
                    (false, false) => {
                        if let Some(recording) = self.screen_recordings.remove(&id) {
                            recording.finish();
                        }
                        None
                    }
                };
                (CallEvent::Conference(Change::ScreenShare { id, sharing }), follow_up)
            }
            change => (CallEvent::Conference(change), None),
        };
        let _ = self.events.send(event);
        follow_up
    }

    /// The room accepted our share: publish the track (first share only) and start sending. On failure the share
    /// is withdrawn (the returned input) and the user told why.
    async fn start_sharing(&mut self) -> Option<Input> {
        let source = self.screen.pending.take()?;
        let track = match &self.screen.track {
            Some(track) => track.clone(),
            None => {
                let track = ScreenTrack::new();
                if let Err(error) = self.room.publish_screen(track.track.clone(), self.screen.keyframe_requested.clone()).await {
                    self.notice(format!("the screen cannot be shared: {error}"));
                    return Some(Input::SetSharing { sharing: false });
                }
                self.screen.track = Some(track.clone());
                track
            }
        };
        self.screen.stop();
        let sending = send_screen(track, source, self.screen.keyframe_requested.clone(), self.screen.counters.clone());
        let (events, stats, actions) = (self.events.clone(), self.stats.clone(), self.actions.clone());
        self.screen.sending = Some(tokio::spawn(async move {
            if let Err(error) = sending.await {
                let message = format!("screen sharing stopped: {error}");
                stats.lock().expect("stats lock").errors.push(message.clone());
                let _ = events.send(CallEvent::Notice(message));
                // The room and the receivers learn that the share is over, as if the user had stopped it.
                if let Some(actions) = actions.upgrade() {
                    let _ = actions.send(Action::StopSharing);
                }
            }
        }));
        None
    }

    fn notice(&self, message: String) {
        self.stats.lock().expect("stats lock").errors.push(message.clone());
        let _ = self.events.send(CallEvent::Notice(message));
    }
}

/// Sleeps until `deadline`, or forever when there is none.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}
