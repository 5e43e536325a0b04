// The call: video tiles (a screen share as the main view above them), toolbar, raised hands, waiting room,
// participants with moderator actions, chat.
//
// The screen is built once and updated in place from each `MeetingView` the shell sends (about once a second and
// after every change), so that keyboard focus and half-typed chat survive updates.

import { elapsed, gridColumns } from "../format";
import { h, renderIfChanged } from "../dom";
import { shell } from "../ipc";
import { commandFor, type Command, SHORTCUTS } from "../shortcuts";
import type { MeetingAction, MeetingView, Person, Problem, ShareSource } from "../types";
import { t, type Ui } from "../ui";
import type { VideoTiles } from "../video-tiles";
import { type Codec, screenStream } from "../video-wire";

export interface CallActions {
  leave(): void;
  /** Tells a screen reader, politely. */
  say(text: string): void;
  /** A problem with something the agent did (a share that could not start), said at once. */
  failed(problem: Problem): void;
}

export class CallScreen {
  readonly element: HTMLElement;
  private view: MeetingView;
  private tiles = h("div", { id: "tiles", className: "tiles" });
  // Someone else's screen share, the main view; hidden when nobody (but us) shares.
  private stage = h("figure", { id: "stage", className: "stage", hidden: true }, h("figcaption", { id: "stage-caption" }));
  private stageCanvas = h("canvas", { id: "video-stage", className: "video", role: "img" });
  private stageStream = "";
  // While we share: what we show, and the way to stop.
  private sharingBanner = h("div", { id: "sharing-banner", className: "sharing-banner", role: "status", hidden: true });
  private clock = h("p", { id: "elapsed", className: "clock" });
  private quality = h("p", { id: "quality", className: "quality" });
  private toolbar = h("div", { role: "toolbar", className: "toolbar", "aria-label": "" });
  private hands = h("div", { id: "hands", className: "panel" });
  private lobby = h("div", { id: "lobby", className: "panel" });
  private people = h("div", { id: "people", className: "panel" });
  private chatLog = h("div", { id: "chat-log", role: "log", className: "chat-log", "aria-labelledby": "chat-title" });
  private title = h("h2", { id: "call-title" });
  private chatTitle = h("h3", { id: "chat-title", tabindex: "-1" });
  private chatLabel = h("label", { for: "chat-input", className: "visually-hidden" });
  private chatSend = h("button", { type: "submit", id: "chat-send" });
  private chatInput = h("input", { id: "chat-input", type: "text", maxlength: 2000, autocomplete: "off" });
  private help = h("dialog", { id: "help", "aria-labelledby": "help-title" });
  private picker = h("dialog", { id: "share-picker", "aria-labelledby": "share-picker-title" });
  private onKey = (event: KeyboardEvent) => this.shortcut(event);

  constructor(
    private ui: Ui,
    view: MeetingView,
    private video: VideoTiles,
    private actions: CallActions,
  ) {
    this.view = view;
    this.stage.prepend(this.stageCanvas);
    const chatForm = h(
      "form",
      { id: "chat-form", className: "field-row" },
      this.chatLabel,
      this.chatInput,
      this.chatSend,
    );
    chatForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.chatInput.value.trim();
      if (text) {
        void this.act({ kind: "chat", text, to: null });
        this.chatInput.value = "";
      }
    });
    this.element = h(
      "section",
      { className: "screen call", "aria-labelledby": "call-title" },
      h("header", { className: "call-header" }, this.title, this.clock, this.quality),
      this.sharingBanner,
      h(
        "div",
        { className: "call-body" },
        h("div", { className: "views" }, this.stage, this.tiles),
        h(
          "aside",
          { className: "side" },
          this.hands,
          this.lobby,
          this.people,
          h("section", { className: "panel chat", "aria-labelledby": "chat-title" }, this.chatTitle, this.chatLog, chatForm),
        ),
      ),
      this.toolbar,
      this.help,
      this.picker,
    );
    document.addEventListener("keydown", this.onKey);
  }

  /** Stops listening for shortcuts: the screen is going away. */
  close() {
    document.removeEventListener("keydown", this.onKey);
  }

  update(view: MeetingView) {
    this.view = view;
    this.render();
  }

  /** Redraws everything that depends on the language or the view. */
  render() {
    const { ui, view } = this;
    this.title.textContent = t(ui, "call.region", { room: view.room });
    this.clock.textContent = t(ui, "call.elapsed", { time: elapsed(view.elapsed_ms) });
    this.quality.textContent = t(ui, `call.quality.${view.quality.level}`);
    this.quality.dataset.level = view.quality.level;
    this.quality.title = qualityFigures(view);
    this.renderTiles();
    this.renderStage();
    this.renderSharing();
    this.renderToolbar();
    this.renderHands();
    this.renderLobby();
    this.renderPeople();
    this.renderChat();
    this.renderHelp();
  }

  private me(): Person | null {
    return this.view.me;
  }

  private renderTiles() {
    const people = [...(this.me() ? [this.me()!] : []), ...this.view.others];
    const streams = new Set(people.map((p) => this.streamOf(p)));
    for (const tile of [...this.tiles.children] as HTMLElement[]) {
      if (!streams.has(tile.dataset.stream ?? "")) {
        tile.remove();
      }
    }
    const share = this.sharedScreen();
    this.video.retain(share === null ? streams : new Set([...streams, screenStream(share.id)]));
    for (const person of people) {
      const stream = this.streamOf(person);
      let tile = this.tiles.querySelector<HTMLElement>(`[data-stream="${stream}"]`);
      if (!tile) {
        const canvas = h("canvas", { className: "video", "aria-hidden": "true", id: `video-${stream}` });
        tile = h("figure", { className: "tile", "data-stream": stream }, canvas, h("figcaption", {}));
        this.tiles.append(tile);
        this.video.attach(stream, canvas);
      }
      tile.classList.toggle("camera-off", !person.camera_on);
      tile.classList.toggle("hand-up", person.hand_position !== undefined);
      // Seen, not announced: a screen reader saying who speaks would talk over them.
      tile.classList.toggle("speaking", person.speaking);
      // Our own camera floats over the others while we present, so that we still see ourselves.
      tile.classList.toggle("pip", stream === "self" && person.sharing_screen);
      const undrawable = this.video.undrawableCodec(stream);
      tile.classList.toggle("undrawable", undrawable !== null);
      tile.querySelector("figcaption")!.textContent = this.describe(person, undrawable);
    }
    this.tiles.style.setProperty("--columns", String(gridColumns(people.length)));
  }

  /** The screen share to show as the main view: the first one that is not ours. */
  private sharedScreen(): Person | null {
    const id = this.view.screen_shares.find((id) => id !== this.me()?.id);
    return this.view.others.find((person) => person.id === id) ?? null;
  }

  private renderStage() {
    const share = this.sharedScreen();
    this.stage.hidden = share === null;
    this.element.classList.toggle("presenting", share !== null);
    const stream = share === null ? "" : screenStream(share.id);
    if (stream !== this.stageStream) {
      this.stageStream = stream;
      // A new share starts on a fresh canvas count, so "frames drawn" says what this share drew.
      delete this.stageCanvas.dataset.frames;
      if (share !== null) {
        this.video.attach(stream, this.stageCanvas);
        this.actions.say(t(this.ui, "say.screen-shared", { name: share.name }));
      }
    }
    if (share !== null) {
      const undrawable = this.video.undrawableCodec(stream);
      const caption = [
        t(this.ui, "call.stage", { name: share.name }),
        ...(undrawable ? [t(this.ui, "call.videoUndrawable", { codec: codecName(undrawable) })] : []),
      ].join(" — ");
      this.stage.querySelector("figcaption")!.textContent = caption;
      this.stageCanvas.setAttribute("aria-label", caption);
    }
  }

  private renderSharing() {
    const ui = this.ui;
    const sharing = this.me()?.sharing_screen ?? false;
    this.sharingBanner.hidden = !sharing;
    renderIfChanged(this.sharingBanner, JSON.stringify([ui.language, sharing]), () =>
      sharing
        ? [
            h("span", {}, t(ui, "call.sharing")),
            h("button", { type: "button", id: "stop-sharing", className: "danger", onclick: () => this.run("share") }, t(ui, "call.share.stop")),
          ]
        : [],
    );
  }

  private streamOf(person: Person): string {
    return person.id === this.me()?.id ? "self" : String(person.id);
  }

  /** A person in words: name (and "you"), role, microphone, camera, hand, and `undrawable`: the codec of a
   * video that arrives but that this computer cannot show. */
  private describe(person: Person, undrawable: Codec | null = null): string {
    const ui = this.ui;
    const name = person.id === this.me()?.id ? t(ui, "call.you", { name: person.name }) : person.name;
    const states = [
      t(ui, `role.${person.role}`),
      !person.microphone_on && t(ui, "call.microphoneOff"),
      !person.camera_on && t(ui, "call.cameraOff"),
      person.hand_position !== undefined && t(ui, "call.hand", { position: person.hand_position }),
      person.sharing_screen && t(ui, "call.sharingScreen"),
      person.camera_on && undrawable && t(ui, "call.videoUndrawable", { codec: codecName(undrawable) }),
    ].filter(Boolean);
    return `${name} — ${states.join(", ")}`;
  }

  private renderToolbar() {
    const ui = this.ui;
    const me = this.me();
    const micOn = me?.microphone_on ?? false;
    const cameraOn = me?.camera_on ?? false;
    const handUp = me?.hand_position !== undefined;
    const sharing = me?.sharing_screen ?? false;
    this.toolbar.setAttribute("aria-label", t(ui, "call.toolbar"));
    const button = (id: string, label: string, onclick: () => void, pressed?: boolean, className = "") =>
      h("button", { type: "button", id, className, "aria-pressed": pressed === undefined ? undefined : String(pressed), onclick }, label);
    const may = this.view.may;
    const key = JSON.stringify([ui.language, micOn, cameraOn, handUp, sharing, may.speak, may.raise_hand, may.present]);
    renderIfChanged(this.toolbar, key, () => [
      button("toggle-microphone", t(ui, micOn ? "call.microphone.on" : "call.microphone.off"), () => this.run("microphone"), micOn),
      button("toggle-camera", t(ui, cameraOn ? "call.camera.on" : "call.camera.off"), () => this.run("camera"), cameraOn),
      may.raise_hand && button("toggle-hand", t(ui, handUp ? "call.hand.lower" : "call.hand.raise"), () => this.run("hand"), handUp),
      (may.present || sharing) &&
        button("toggle-share", t(ui, sharing ? "call.share.stop" : "call.share.start"), () => this.run("share"), sharing),
      button("show-chat", t(ui, "call.chat"), () => this.run("chat")),
      button("show-participants", t(ui, "call.participants"), () => this.run("participants")),
      button("show-help", t(ui, "call.help"), () => this.run("help")),
      button("leave", t(ui, "call.leave"), () => this.actions.leave(), undefined, "danger"),
    ]);
  }

  private renderHands() {
    const ui = this.ui;
    const names = this.view.hand_queue.map((id) => this.nameOf(id));
    renderIfChanged(this.hands, JSON.stringify([ui.language, names]), () => [
      h("h3", {}, t(ui, "call.hands.title")),
      names.length === 0
        ? h("p", { className: "hint" }, t(ui, "call.hands.none"))
        : h("ol", { id: "hand-queue" }, ...names.map((name) => h("li", {}, name))),
    ]);
  }

  private renderLobby() {
    const ui = this.ui;
    const { lobby, may } = this.view;
    this.lobby.hidden = !may.admit || lobby.length === 0;
    renderIfChanged(this.lobby, JSON.stringify([ui.language, may.admit, lobby]), () => [
      h("h3", {}, t(ui, "call.lobby.title")),
      h(
        "ul",
        {},
        ...lobby.map((person) =>
          h(
            "li",
            {},
            h("span", {}, person.name),
            this.actionButton(`admit-${person.id}`, t(ui, "call.lobby.admit", { name: person.name }), { kind: "admit", id: person.id }),
            this.actionButton(`refuse-${person.id}`, t(ui, "call.lobby.refuse", { name: person.name }), { kind: "refuse", id: person.id }),
          ),
        ),
      ),
    ]);
  }

  private renderPeople() {
    const ui = this.ui;
    const { others, may } = this.view;
    const people = [...(this.me() ? [this.me()!] : []), ...others];
    renderIfChanged(this.people, JSON.stringify([ui.language, people, may]), () => [
      h("h3", { id: "people-title", tabindex: "-1" }, t(ui, "call.people.title", { count: people.length })),
      may.mute_others && others.length > 0 && this.actionButton("mute-all", t(ui, "call.people.muteAll"), { kind: "mute-all" }),
      h(
        "ul",
        { id: "people-list" },
        ...people.map((person) => {
          const other = person.id !== this.me()?.id;
          const name = person.name;
          return h(
            "li",
            { "data-id": String(person.id) },
            h("span", {}, this.describe(person)),
            other && may.give_floor && person.hand_position !== undefined &&
              this.actionButton(`floor-${person.id}`, t(ui, "call.people.floor", { name }), { kind: "give-floor", id: person.id }),
            other && may.mute_others && person.microphone_on &&
              this.actionButton(`mute-${person.id}`, t(ui, "call.people.mute", { name }), { kind: "mute", id: person.id }),
            other && may.remove &&
              this.actionButton(`remove-${person.id}`, t(ui, "call.people.remove", { name }), { kind: "remove", id: person.id }),
          );
        }),
      ),
    ]);
  }

  private renderChat() {
    const ui = this.ui;
    this.chatTitle.textContent = t(ui, "call.chat.title");
    this.chatLabel.textContent = t(ui, "call.chat.label");
    this.chatSend.textContent = t(ui, "call.chat.send");
    this.chatInput.disabled = !this.view.may.chat;
    const lines = this.view.chat;
    renderIfChanged(this.chatLog, JSON.stringify([ui.language, lines.length, lines.at(-1)?.at_ms]), () =>
      lines.length === 0
        ? [h("p", { className: "hint" }, t(ui, "call.chat.empty"))]
        : lines.map((line) =>
            h(
              "p",
              { className: line.mine ? "chat-line mine" : "chat-line" },
              h("strong", {}, line.from_name),
              line.private ? ` ${t(ui, "call.chat.private")}` : "",
              " : ",
              // Links are shown, not followed: the app opens nothing on a click from a stranger's message.
              ...line.parts.map((part) => (part.kind === "link" ? h("span", { className: "link" }, part.text) : part.text)),
            ),
          ),
    );
    this.chatLog.scrollTop = this.chatLog.scrollHeight;
  }

  private renderHelp() {
    const ui = this.ui;
    renderIfChanged(this.help, ui.language, () => [
      h("h3", { id: "help-title" }, t(ui, "call.help.title")),
      h(
        "dl",
        {},
        ...Object.entries(SHORTCUTS).flatMap(([key, command]) => [
          h("dt", {}, h("kbd", {}, key.toUpperCase())),
          h("dd", {}, t(ui, `call.help.${command}`)),
        ]),
      ),
      h("button", { type: "button", id: "help-close", onclick: () => this.help.close() }, t(ui, "call.help.close")),
    ]);
  }

  private actionButton(id: string, label: string, action: MeetingAction) {
    return h("button", { type: "button", id, className: "small", onclick: () => void this.act(action) }, label);
  }

  private nameOf(id: number): string {
    const people = [...(this.me() ? [this.me()!] : []), ...this.view.others];
    return people.find((p) => p.id === id)?.name ?? `#${id}`;
  }

  private shortcut(event: KeyboardEvent) {
    const target = event.target instanceof HTMLElement ? event.target : document.body;
    const command = commandFor({
      key: event.key,
      ctrlKey: event.ctrlKey,
      altKey: event.altKey,
      metaKey: event.metaKey,
      targetTag: target.tagName,
      targetEditable: target.isContentEditable,
    });
    if (command && !this.help.open && !this.picker.open) {
      event.preventDefault();
      this.run(command);
    }
  }

  private run(command: Command) {
    const me = this.me();
    switch (command) {
      case "microphone":
        void this.act({ kind: "microphone", on: !(me?.microphone_on ?? false) });
        break;
      case "camera":
        void this.act({ kind: "camera", on: !(me?.camera_on ?? false) });
        break;
      case "hand":
        void this.act({ kind: "hand", raised: me?.hand_position === undefined });
        break;
      case "share":
        void this.share(!(me?.sharing_screen ?? false));
        break;
      case "chat":
        this.chatInput.focus();
        break;
      case "participants":
        this.people.querySelector<HTMLElement>("h3")?.focus();
        break;
      case "help":
        this.help.showModal();
        break;
    }
  }

  /** Sharing starts with the picker; what fails (no screen to read) is told, not left waiting. */
  private async share(on: boolean) {
    if (!on) {
      await this.act({ kind: "share-screen", on: false });
      return;
    }
    if (!this.view.may.present) {
      this.actions.say(t(this.ui, "say.share-not-allowed"));
      return;
    }
    try {
      this.showPicker(await shell.shareSources());
    } catch (problem) {
      this.actions.failed(problem as Problem);
    }
  }

  /** A dialog of what can be shared, screens first, each a button with its thumbnail; Escape cancels. */
  private showPicker(sources: ShareSource[]) {
    const ui = this.ui;
    const choice = (source: ShareSource, index: number) =>
      h(
        "li",
        {},
        h(
          "button",
          { type: "button", id: `share-source-${index}`, className: "share-source", onclick: () => void this.startShare(source.id) },
          thumbnail(source),
          h("span", {}, sourceLabel(ui, source)),
        ),
      );
    this.picker.replaceChildren(
      h("h3", { id: "share-picker-title" }, t(ui, "call.picker.title")),
      sources.length === 0
        ? h("p", { className: "hint" }, t(ui, "call.picker.empty"))
        : h("ul", { className: "share-sources" }, ...sources.map(choice)),
      h("button", { type: "button", id: "share-picker-cancel", onclick: () => this.picker.close() }, t(ui, "call.picker.cancel")),
    );
    this.picker.showModal();
  }

  private async startShare(source: string) {
    this.picker.close();
    try {
      await shell.act({ kind: "share-screen", on: true, source });
    } catch (problem) {
      this.actions.failed(problem as Problem);
    }
  }

  private async act(action: MeetingAction) {
    try {
      await shell.act(action);
    } catch {
      // Outside a meeting (it just ended): the end screen follows.
    }
  }
}

function codecName(codec: Codec): string {
  return codec === "h264" ? "H.264" : "VP8";
}

/** A source in words: what it is and its title; on Wayland, the desktop's own dialog, which chooses. */
function sourceLabel(ui: Ui, source: ShareSource): string {
  if (source.id === "portal") {
    return t(ui, "call.picker.portal");
  }
  const untitled = source.kind === "screen" ? "call.picker.mainScreen" : "call.picker.untitled";
  return t(ui, `call.picker.${source.kind}`, { title: source.title || t(ui, untitled) });
}

/** A source's thumbnail, drawn from the shell's RGBA bytes. */
function thumbnail(source: ShareSource): HTMLCanvasElement {
  const { thumbnail_width: width, thumbnail_height: height } = source;
  const canvas = h("canvas", { width, height, className: "thumbnail", "aria-hidden": "true" });
  const bytes = Uint8ClampedArray.from(atob(source.thumbnail), (c) => c.charCodeAt(0));
  if (width > 0 && height > 0 && bytes.length === width * height * 4) {
    canvas.getContext("2d")?.putImageData(new ImageData(bytes, width, height), 0, 0);
  }
  return canvas;
}

function qualityFigures(view: MeetingView): string {
  const rtt = view.quality.round_trip_ms;
  const parts = [rtt === undefined ? null : `RTT ${Math.round(rtt)} ms`, `${view.quality.loss_percent.toFixed(1)} %`];
  return parts.filter(Boolean).join(" · ");
}
