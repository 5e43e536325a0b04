// The window: which screen shows, and the language. The screens render what the shell computes and send what the
// agent does; no conference logic lives here.

import { Announcer } from "./announcer";
import { copyText } from "./clipboard";
import { h } from "./dom";
import { elapsed } from "./format";
import { DEFAULT_LANGUAGE, isLanguage, type Language, languageName, otherLanguage, pickLanguage, problemWords } from "./i18n";
import { onMeetingEvent, onMeetingView, onMicLevel, onOpenedLink, type OpenedLink, shell } from "./ipc";
import { CallScreen } from "./screens/call";
import { HomeScreen } from "./screens/home";
import { type JoinChoice, PrejoinScreen } from "./screens/prejoin";
import { type Announcement, type JoinTarget, type LinkSummary, type Problem, type Settings, VOICE_PROCESSING_ON, type VoiceProcessing } from "./types";
import { problemView, t, type Ui } from "./ui";
import { VideoTiles } from "./video-tiles";
import { readFrame } from "./video-wire";

interface Screen {
  element: HTMLElement;
  render(): void;
  close?(): void;
}

const ui: Ui = { language: systemLanguage() };
let rememberedName = "";
let rememberedVoice: VoiceProcessing = VOICE_PROCESSING_ON;
const video = new VideoTiles();
const announcer = new Announcer(document.getElementById("announce-polite")!, document.getElementById("announce-urgent")!);
const main = document.getElementById("screen")!;
const languageSwitch = document.getElementById("language-switch")!;
const diagnosticsButton = document.getElementById("copy-diagnostics")!;
const diagnosticsStatus = document.getElementById("diagnostics-status")!;
let screen: Screen;
let call: CallScreen | null = null;
// A link opened during a call waits until the agent leaves: a click in a mail must not cut a meeting short.
let waitingLink: LinkSummary | null = null;

function systemLanguage(): Language {
  return pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language ?? DEFAULT_LANGUAGE]);
}

/** Remembers a choice; not being able to is no reason to stop the agent. */
function remember(change: Partial<Settings>) {
  shell.saveSettings(change).catch(() => undefined);
}

function show(next: Screen) {
  screen?.close?.();
  screen = next;
  call = next instanceof CallScreen ? next : null;
  next.render();
  main.replaceChildren(next.element);
  // Screen readers and keyboard users start at the new screen's title.
  const title = next.element.querySelector<HTMLElement>("h2");
  if (title) {
    title.tabIndex = -1;
    title.focus();
  }
}

function render() {
  document.documentElement.lang = ui.language;
  for (const node of document.querySelectorAll<HTMLElement>("[data-i18n]")) {
    node.textContent = t(ui, node.dataset.i18n!);
  }
  // The switch names the language it leads to, in that language, so that a screen reader pronounces it right.
  const target = otherLanguage(ui.language);
  languageSwitch.textContent = languageName(target);
  languageSwitch.lang = target;
  screen?.render();
}

async function home(problem?: Problem) {
  const recent = await shell.settings().then((settings) => settings.recent, () => []);
  const managed = await shell.managed().catch(() => ({ hosting_disabled: false }));
  const screen = new HomeScreen(ui, recent, managed, { prepare });
  show(screen);
  if (problem) {
    screen.showProblem(problem);
  }
}

function prepare(target: JoinTarget, room: string, _summary: LinkSummary | null) {
  const rememberVoice = (voice: VoiceProcessing) => {
    rememberedVoice = voice;
    remember({ voice });
  };
  const actions = { join, back: () => void home(), rememberVoice, startPreview, stopPreview };
  show(new PrejoinScreen(ui, target, room, rememberedName, rememberedVoice, actions));
}

function drawVideo(buffer: ArrayBuffer) {
  const frame = readFrame(buffer);
  if (frame) {
    video.push(frame);
  }
}

async function startPreview(canvas: HTMLCanvasElement) {
  if ((await video.probe()) !== "yes") {
    return;
  }
  video.attach("self", canvas);
  await shell.startCameraPreview(drawVideo);
}

async function stopPreview() {
  await shell.stopCameraPreview();
}

async function join(choice: JoinChoice): Promise<Problem | null> {
  rememberedName = choice.name;
  remember({ name: choice.name });
  await video.probe();
  // Our picture in the call starts afresh from the pre-join preview's, with its own keyframe and count.
  video.retain(new Set());
  let view;
  try {
    view = await shell.joinMeeting(choice, drawVideo);
  } catch (problem) {
    return problem as Problem;
  }
  show(new CallScreen(ui, view, video, { leave, say: (text) => announcer.say(text), failed: sayProblem }));
  return null;
}

/** A problem during the call, said at once: what is wrong and what to do. */
function sayProblem(problem: Problem) {
  const words = problemWords(ui.language, problem.code);
  announcer.say(`${words.problem} ${words.action}`, true);
}

async function leave() {
  await shell.leaveMeeting();
  video.retain(new Set());
  announcer.clear();
  const next = waitingLink;
  waitingLink = null;
  if (next) {
    prepare({ kind: "launch" }, next.room, next);
  } else {
    await home();
  }
}

function opened(link: OpenedLink) {
  if ("problem" in link) {
    if (call) {
      announcer.say(t(ui, "say.link-problem"));
    } else {
      void home(link.problem);
    }
  } else if (call) {
    waitingLink = link.link;
    announcer.say(t(ui, "say.link-waiting", { room: link.link.room }));
  } else {
    prepare({ kind: "launch" }, link.link.room, link.link);
  }
}

function ended(problem: Problem) {
  video.retain(new Set());
  // The call is over, but its microphone and speaker stay open until the engine is told.
  void shell.leaveMeeting().catch(() => undefined);
  const element = h("section", { className: "screen ended", "aria-labelledby": "ended-title" });
  show({
    element,
    render() {
      element.replaceChildren(
        ...problemView(ui, problem, t(ui, "ended.title")),
        h("button", { type: "button", id: "ended-home", className: "primary", onclick: () => void home() }, t(ui, "ended.home")),
      );
      element.querySelector("h2")!.id = "ended-title";
    },
  });
}

/** Puts version, system and the end of the log on the clipboard, for a message to IT support. */
async function copyDiagnostics() {
  let copied = false;
  try {
    const report = await shell.diagnostics();
    copied = await copyText(report);
  } catch {
    copied = false;
  }
  diagnosticsStatus.textContent = t(ui, copied ? "diagnostics.copied" : "diagnostics.failed");
}

function announce(event: Announcement) {
  switch (event.kind) {
    case "ended":
      ended({ code: event.code, detail: event.detail });
      return;
    case "chat":
      announcer.say(t(ui, "say.chat", { name: event.from_name }));
      return;
    case "lobby":
      announcer.say(t(ui, "say.lobby", { count: event.waiting }));
      return;
    case "break-reminder":
      announcer.say(t(ui, "say.break-reminder", { time: elapsed(event.elapsed_ms) }));
      return;
    case "notice":
      announcer.say(t(ui, "say.notice", { detail: event.detail }));
      return;
    default:
      announcer.say(t(ui, `say.${event.kind}`, { name: event.name }), event.kind === "muted-by");
  }
}

async function start() {
  languageSwitch.addEventListener("click", () => {
    ui.language = otherLanguage(ui.language);
    remember({ language: ui.language });
    render();
  });
  diagnosticsButton.addEventListener("click", () => void copyDiagnostics());
  try {
    const settings = await shell.settings();
    rememberedName = settings.name;
    rememberedVoice = settings.voice;
    if (isLanguage(settings.language)) {
      ui.language = settings.language;
    }
  } catch {
    // First run, or settings unreadable: the system's language, an empty name, all the voice processing.
  }
  render();
  await onMeetingView((view) => call?.update(view));
  await onMeetingEvent(announce);
  await onOpenedLink(opened);
  await onMicLevel((level) => {
    if (screen instanceof PrejoinScreen) {
      screen.showLevel(level);
    }
  });
  try {
    const info = await shell.appInfo();
    document.getElementById("app-version")!.textContent = t(ui, "app.version", { version: info.version });
  } catch {
    // The version is only informative.
  }
  // A link the app was opened with (from a mail, `palabre LINK`) goes straight to the pre-join screen.
  try {
    const launch = await shell.launchLink();
    if (launch) {
      prepare({ kind: "launch" }, launch.room, launch);
      return;
    }
  } catch (problem) {
    await home(problem as Problem);
    return;
  }
  await home();
}

void start();
