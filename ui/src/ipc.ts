// Every call to the Rust shell goes through here, typed. A failure always arrives as a `Problem` whose `code` the
// window words in the agent's language.

import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import type {
  Announcement,
  Devices,
  HostedRoom,
  LinkSummary,
  Managed,
  MeetingAction,
  MeetingView,
  MicLevel,
  Problem,
  Settings,
  ShareSource,
} from "./types";
import type { JoinChoice } from "./screens/prejoin";

function asProblem(error: unknown): Problem {
  if (error && typeof error === "object" && typeof (error as Problem).code === "string") {
    return error as Problem;
  }
  return { code: "unexpected", detail: String(error) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw asProblem(error);
  }
}

export const shell = {
  appInfo: () => call<{ name: string; version: string }>("app_info"),
  parseLink: (text: string) => call<LinkSummary>("parse_link", { text }),
  launchLink: () => call<LinkSummary | null>("launch_link"),
  hostMeeting: () => call<HostedRoom>("host_meeting"),
  joinMeeting: (choice: JoinChoice, onVideo: (frame: ArrayBuffer) => void) =>
    call<MeetingView>("join_meeting", { ...choice, video: videoChannel(onVideo) }),
  leaveMeeting: () => call<void>("leave_meeting"),
  meetingView: () => call<MeetingView | null>("meeting_view"),
  act: (action: MeetingAction) => call<void>("act", { action }),
  settings: () => call<Settings>("settings"),
  saveSettings: (change: Partial<Settings>) => call<Settings>("save_settings", change),
  diagnostics: () => call<string>("diagnostics"),
  forgetRoom: (id: string) => call<Settings>("forget_room", { id }),
  managed: () => call<Managed>("managed"),
  devices: () => call<Devices>("devices"),
  startMicMeter: (id: string | null) => call<void>("start_mic_meter", { id }),
  stopMicMeter: () => call<void>("stop_mic_meter"),
  playTestSound: (id: string | null) => call<void>("play_test_sound", { id }),
  startCameraPreview: (onVideo: (frame: ArrayBuffer) => void) =>
    call<void>("start_camera_preview", { video: videoChannel(onVideo) }),
  stopCameraPreview: () => call<void>("stop_camera_preview"),
  cameraName: () => call<string | null>("camera_name"),
  shareSources: () => call<ShareSource[]>("share_sources"),
};

/** Where the shell sends encoded video (see video-wire.ts): raw bytes, never JSON. */
function videoChannel(onVideo: (frame: ArrayBuffer) => void): Channel<ArrayBuffer> {
  const video = new Channel<ArrayBuffer>();
  video.onmessage = onVideo;
  return video;
}

export function onMeetingView(handler: (view: MeetingView) => void): Promise<UnlistenFn> {
  return listen<MeetingView>("meeting-view", (event) => handler(event.payload));
}

/** A link opened while the app runs (clicked in a mail or a browser): its room, or what is wrong with it. */
export type OpenedLink = { link: LinkSummary } | { problem: Problem };

export function onOpenedLink(handler: (opened: OpenedLink) => void): Promise<UnlistenFn> {
  return listen<OpenedLink>("open-link", (event) => handler(event.payload));
}

export function onMicLevel(handler: (level: MicLevel) => void): Promise<UnlistenFn> {
  return listen<MicLevel>("mic-level", (event) => handler(event.payload));
}

export function onMeetingEvent(handler: (announcement: Announcement) => void): Promise<UnlistenFn> {
  return listen<Announcement>("meeting-event", (event) => handler(event.payload));
}
