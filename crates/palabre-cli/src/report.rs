//! The `--report` JSON. Field names are a contract with scripts outside the test suite: add, never rename.
//!
//! Times are milliseconds since the process started; `participants` lists the others (also those who left
//! during the call); counts are frames decoded, not packets.

use std::collections::BTreeMap;
use std::time::Instant;

use palabre_core::ParticipantId;
use palabre_rtc::Call;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Report {
    #[serde(skip)]
    process_start: Instant,
    #[serde(skip)]
    pub joined_at: Option<Instant>,
    pub joined_ms: Option<u64>,
    pub first_remote_video_ms: Option<u64>,
    pub first_remote_audio_ms: Option<u64>,
    pub participants: Vec<ParticipantReport>,
    pub chat: Vec<ChatReport>,
    pub errors: Vec<String>,
    pub me: Option<String>,
    pub sent: SentReport,
    pub round_trip_ms: Option<f64>,
    pub duration_ms: u64,
    /// Names of raised hands, first raised first.
    pub hand_queue: Vec<String>,
    pub attendance: Vec<AttendanceReport>,
    pub votes: Vec<VoteReport>,
    /// Names waiting in the lobby (seen by those who may admit).
    pub lobby: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct AttendanceReport {
    /// Time since we joined, as in the CSV.
    pub time: String,
    pub event: &'static str,
    pub name: String,
    pub role: Option<&'static str>,
    pub detail: String,
}

#[derive(Debug, Serialize)]
pub struct VoteReport {
    pub question: String,
    pub open: bool,
    /// Who answered what; `proxy_for` names the absent person answered for.
    pub answers: Vec<VoteAnswerReport>,
    pub totals: BTreeMap<String, usize>,
}

#[derive(Debug, Serialize)]
pub struct VoteAnswerReport {
    pub name: String,
    pub proxy_for: Option<String>,
    pub option: String,
}

#[derive(Debug, Serialize)]
pub struct ParticipantReport {
    pub id: u64,
    pub name: String,
    pub role: Option<&'static str>,
    pub video_frames_decoded: u64,
    pub audio_frames_decoded: u64,
    pub hand_raised: bool,
    pub muted: bool,
    pub video_muted: bool,
    /// Still in the room when the call ended.
    pub present: bool,
    pub first_video_ms: Option<u64>,
    pub first_audio_ms: Option<u64>,
    /// First and last test-pattern frame numbers decoded: how many frames the sender sent meanwhile.
    pub video_frame_numbers: Option<(u32, u32)>,
    pub video_size: Option<(u32, u32)>,
    /// `vp8` or `h264`: the codec their video arrived in.
    pub video_codec: Option<String>,
    pub packets_lost: u64,
    pub bytes_received: u64,
    /// Payloads the decoders refused; the call went on.
    pub video_decode_errors: u64,
    pub audio_decode_errors: u64,
    /// Audio frames made up for lost packets (FEC or concealment).
    pub audio_frames_repaired: u64,
    /// Frames of their screen share decoded (a second video track, not counted in `video_frames_decoded`).
    pub screen_frames_decoded: u64,
    pub first_screen_ms: Option<u64>,
    /// Sharing their screen when the call ended, as the room relayed it.
    pub screen_sharing: bool,
}

#[derive(Debug, Serialize)]
pub struct ChatReport {
    pub from: String,
    pub text: String,
    pub private: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct SentReport {
    pub video_frames: u64,
    pub audio_frames: u64,
    pub bytes: u64,
    /// Our screen shares: frames and bytes (not in `video_frames` and `bytes`).
    pub screen_frames: u64,
    pub screen_bytes: u64,
    /// The camera video's bitrate target when the call ended, in kbit/s: below the starting bitrate when the
    /// receivers reported loss (None without video).
    pub video_target_kbps: Option<u32>,
}

/// Everyone seen during the call, including those who left, in order of arrival.
#[derive(Debug, Default)]
pub struct Roster {
    me: Option<String>,
    others: BTreeMap<ParticipantId, String>,
}

impl Roster {
    pub fn seen(&mut self, id: ParticipantId, name: String, is_me: bool) {
        if is_me {
            self.me = Some(name);
        } else {
            self.others.insert(id, name);
        }
    }
}

impl Report {
    pub fn new(process_start: Instant) -> Report {
        Report {
            process_start,
            joined_at: None,
            joined_ms: None,
            first_remote_video_ms: None,
            first_remote_audio_ms: None,
            participants: Vec::new(),
            chat: Vec::new(),
            errors: Vec::new(),
            me: None,
            sent: SentReport::default(),
            round_trip_ms: None,
            duration_ms: 0,
            hand_queue: Vec::new(),
            attendance: Vec::new(),
            votes: Vec::new(),
            lobby: Vec::new(),
        }
    }

    fn ms(&self, at: Instant) -> u64 {
        at.saturating_duration_since(self.process_start).as_millis() as u64
    }

    /// Fills the report from the call as it is now.
    pub async fn record(&mut self, call: &Call, roster: &Roster) {
        self.joined_ms = self.joined_at.map(|at| self.ms(at));
        self.me = roster.me.clone();
        let stats = call.stats();
        let present: BTreeMap<_, _> = call.participants().into_iter().map(|p| (p.info.id, p)).collect();
        let sharers = call.conference(|c| c.screen_sharers().to_vec());
        let mut ids: Vec<ParticipantId> =
            roster.others.keys().chain(present.keys()).chain(stats.remote.keys()).copied().collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            let media = stats.remote.get(&id).cloned().unwrap_or_default();
            let now = present.get(&id);
            let name = now.map(|p| p.info.name.clone()).or_else(|| roster.others.get(&id).cloned()).unwrap_or_default();
            self.participants.push(ParticipantReport {
                id: id.0,
                name,
                role: now.map(|p| p.info.role.label()),
                video_frames_decoded: media.video_frames_decoded,
                audio_frames_decoded: media.audio_frames_decoded,
                hand_raised: now.is_some_and(|p| p.hand_raised),
                muted: now.is_some_and(|p| p.audio_muted),
                video_muted: now.is_some_and(|p| p.video_muted),
                present: now.is_some(),
                first_video_ms: media.first_video_at.map(|at| self.ms(at)),
                first_audio_ms: media.first_audio_at.map(|at| self.ms(at)),
                video_frame_numbers: media.video_first_frame_number.zip(media.video_last_frame_number),
                video_size: media.video_size,
                video_codec: media.video_codec.clone(),
                packets_lost: media.packets_lost(),
                bytes_received: media.bytes_received(),
                video_decode_errors: media.video_decode_errors,
                audio_decode_errors: media.audio_decode_errors,
                audio_frames_repaired: media.audio_frames_repaired,
                screen_frames_decoded: media.screen_frames_decoded,
                first_screen_ms: media.first_screen_at.map(|at| self.ms(at)),
                screen_sharing: sharers.contains(&id),
            });
        }
        self.first_remote_video_ms = self.participants.iter().filter_map(|p| p.first_video_ms).min();
        self.first_remote_audio_ms = self.participants.iter().filter_map(|p| p.first_audio_ms).min();
        self.chat = call
            .chat()
            .into_iter()
            .map(|entry| ChatReport { from: entry.from_name, text: entry.text, private: entry.to.is_some() })
            .collect();
        self.errors.extend(stats.errors);
        let (video_frames, audio_frames, bytes) = call.sent();
        let (screen_frames, screen_bytes) = call.screen_sent();
        let video_target_kbps = call.video_target_kbps();
        self.sent = SentReport { video_frames, audio_frames, bytes, screen_frames, screen_bytes, video_target_kbps };
        self.round_trip_ms = call.round_trip_ms().await;
        self.duration_ms = self.ms(Instant::now());
        call.conference(|conference| {
            let name_of = |id| conference.participant(id).map(|p| p.info.name.clone()).unwrap_or_default();
            self.hand_queue = conference.hand_queue().into_iter().map(name_of).collect();
            self.lobby = conference.lobby().iter().map(|p| p.name.clone()).collect();
            self.attendance = conference
                .attendance()
                .iter()
                .map(|event| AttendanceReport {
                    time: time_label(event.at),
                    event: event.kind.label(),
                    name: event.name.clone(),
                    role: event.role.map(|r| r.label()),
                    detail: event.detail.clone(),
                })
                .collect();
            self.votes = conference
                .votes()
                .iter()
                .map(|vote| VoteReport {
                    question: vote.question.clone(),
                    open: vote.open,
                    answers: vote
                        .answers
                        .iter()
                        .map(|a| VoteAnswerReport {
                            name: a.voter_name.clone(),
                            proxy_for: a.proxy_for.clone(),
                            option: a.option.clone(),
                        })
                        .collect(),
                    totals: vote.totals().into_iter().collect(),
                })
                .collect();
        });
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("reports serialise")
    }
}

/// Meeting time as people read it: "00:41:07" since we joined.
pub fn time_label(at: palabre_core::Millis) -> String {
    let seconds = at / 1000;
    format!("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
}
