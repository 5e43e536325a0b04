// The shapes the Rust shell sends: src-tauri/view.rs, commands.rs, meeting.rs, hosting.rs. Kept in step by hand;
// the WebDriver tests exercise both sides together.

export type Role = "animateur" | "moderateur" | "intervenant" | "participant-actif" | "participant-passif";

export interface Person {
  id: number;
  name: string;
  role: Role;
  microphone_on: boolean;
  camera_on: boolean;
  hand_position?: number;
  /** Heard speaking just now. */
  speaking: boolean;
  sharing_screen: boolean;
}

export type ChatPart = { kind: "text"; text: string } | { kind: "link"; text: string };

export interface ChatLine {
  from_name: string;
  mine: boolean;
  private: boolean;
  at_ms: number;
  parts: ChatPart[];
}

export type QualityLevel = "unknown" | "good" | "fair" | "poor";

export interface Abilities {
  speak: boolean;
  present: boolean;
  chat: boolean;
  raise_hand: boolean;
  admit: boolean;
  mute_others: boolean;
  remove: boolean;
  give_floor: boolean;
  change_roles: boolean;
  lock: boolean;
}

export interface MeetingView {
  room: string;
  me: Person | null;
  others: Person[];
  hand_queue: number[];
  chat: ChatLine[];
  /** Who shares a screen, first started first. */
  screen_shares: number[];
  lobby: { id: number; name: string }[];
  elapsed_ms: number;
  quality: { level: QualityLevel; round_trip_ms?: number; loss_percent: number };
  may: Abilities;
}

export type Announcement =
  | { kind: "joined" | "left" | "hand-raised" | "muted-by" | "unmute-requested" | "floor-given"; name: string }
  | { kind: "chat"; from_name: string }
  | { kind: "lobby"; waiting: number }
  | { kind: "break-reminder"; elapsed_ms: number }
  | { kind: "notice"; detail: string }
  | { kind: "ended"; code: string; detail: string };

export interface LinkSummary {
  kind: "embedded" | "janus";
  room: string;
  server: string;
  secure_server: boolean;
  role_hint?: "moderator";
}

export interface Problem {
  code: string;
  detail: string;
}

export interface HostedRoom {
  room: string;
  guest_link: string;
}

export type JoinTarget =
  | { kind: "link"; text: string }
  | { kind: "hosted" }
  | { kind: "launch" }
  | { kind: "recent"; id: string };

export type MeetingAction =
  | { kind: "microphone" | "camera"; on: boolean }
  | { kind: "hand"; raised: boolean }
  | { kind: "chat"; text: string; to: number | null }
  | { kind: "lower-hand" | "give-floor" | "mute" | "ask-unmute" | "admit" | "refuse" | "remove"; id: number }
  | { kind: "mute-all" }
  | { kind: "lock"; locked: boolean }
  | { kind: "set-role"; id: number; role: Role }
  | { kind: "share-screen"; on: true; source: string | null }
  | { kind: "share-screen"; on: false };

/** A screen or window the share picker offers (src-tauri/share_picker.rs). */
export interface ShareSource {
  id: string;
  title: string;
  kind: "screen" | "window";
  width: number;
  height: number;
  thumbnail_width: number;
  thumbnail_height: number;
  /** R G B A bytes, base64. */
  thumbnail: string;
}

/** What the app remembers between runs (src-tauri/settings.rs). */
export interface Settings {
  name: string;
  /** "fr", "en", or empty for the system's language. */
  language: string;
  /** Most recent first. Their links stay in the system's keyring. */
  recent: RecentRoom[];
  voice: VoiceProcessing;
}

/** What the microphone gets in calls (palabre-media's `VoiceProcessing`); all on unless switched off. */
export interface VoiceProcessing {
  echo_cancellation: boolean;
  noise_suppression: boolean;
  auto_gain: boolean;
}

export const VOICE_PROCESSING_ON: VoiceProcessing = { echo_cancellation: true, noise_suppression: true, auto_gain: true };

export interface RecentRoom {
  id: string;
  room: string;
  server: string;
  joined_at: number;
}

/** A microphone or speaker (src-tauri/device_check.rs). */
export interface Device {
  id: string;
  name: string;
  is_default: boolean;
}

export interface Devices {
  microphones: Device[];
  speakers: Device[];
}

export type MicLevel = { kind: "level"; dbfs: number } | { kind: "problem"; detail: string };

/** What IT decided for this computer (src-tauri/commands.rs `managed`). */
export interface Managed {
  hosting_disabled: boolean;
  default_server?: string;
}
