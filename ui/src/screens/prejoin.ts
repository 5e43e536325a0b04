// Pre-join: who you are and how you enter (camera, microphone, speaker, each checked here, and the microphone's
// processing), then join.

import { h } from "../dom";
import { shell } from "../ipc";
import type { Device, Devices, JoinTarget, MicLevel, Problem, VoiceProcessing } from "../types";
import { problemView, t, type Ui } from "../ui";

/** The meter's scale: below -60 dBFS is silence to the ear, 0 is the loudest a microphone gives. */
const METER_FLOOR_DBFS = -60;

export interface JoinChoice {
  target: JoinTarget;
  name: string;
  cameraOn: boolean;
  microphoneOn: boolean;
  /** Device ids; null for the system's default. */
  microphone: string | null;
  speaker: string | null;
  /** The microphone's processing, also kept as a setting; sent with the join so that a change made just
   * before entering cannot lose a race with its saving. */
  voice: VoiceProcessing;
}

export interface PrejoinActions {
  join(choice: JoinChoice): Promise<Problem | null>;
  back(): void;
  /** Keeps the processing chosen for the microphone: it is a setting, used by this call and the next ones. */
  rememberVoice(voice: VoiceProcessing): void;
  /** Draws our camera, as the others will see it, into `canvas`. */
  startPreview(canvas: HTMLCanvasElement): Promise<void>;
  stopPreview(): Promise<void>;
}

export class PrejoinScreen {
  readonly element = h("section", { className: "screen prejoin", "aria-labelledby": "prejoin-title" });
  private name: string;
  private cameraOn = true;
  private microphoneOn = true;
  private joining = false;
  private problem: Problem | null = null;
  private nameMissing = false;
  private devices: Devices | null = null;
  /** null: no camera, the test pattern stands in. */
  private cameraName: string | null = null;
  private cameraNote = h("p", { className: "hint", id: "camera-note" });
  private devicesProblem: Problem | null = null;
  private microphone: string | null = null;
  private speaker: string | null = null;
  private meter = h("meter", { id: "mic-level", min: METER_FLOOR_DBFS, max: 0, low: -40, high: -6, optimum: -20 });
  private meterNote = h("p", { id: "mic-level-note", className: "hint", "aria-live": "polite" });
  private testing = false;
  // Updated alone when the devices arrive or a test sound plays, so that the name being typed keeps its focus.
  private devicesBox = h("div", { id: "devices" });
  // Kept across renders: the decoder draws into this very canvas.
  private preview = h("canvas", { id: "camera-preview", role: "img" });
  // The device checks start and stop one after the other, so that a stop never overtakes the start before it.
  private checks: Promise<void> = Promise.resolve();
  // Set once the agent joins or goes back: no check may open a device after that.
  private closed = false;

  constructor(
    private ui: Ui,
    private target: JoinTarget,
    private room: string,
    rememberedName: string,
    private voice: VoiceProcessing,
    private actions: PrejoinActions,
  ) {
    this.name = rememberedName;
    this.meter.setAttribute("value", String(METER_FLOOR_DBFS));
    void this.loadDevices();
    this.showCamera(this.cameraOn);
  }

  /** Stops the checks: the screen is going away. */
  close() {
    void this.stopChecks();
  }

  /** Lets go of the camera and microphone, for the call to open them. */
  private async stopChecks() {
    this.closed = true;
    await this.queueCheck(() => Promise.all([shell.stopMicMeter(), this.actions.stopPreview()]).then(() => undefined));
  }

  private describeCamera() {
    const name = this.cameraName;
    this.cameraNote.textContent = name ? t(this.ui, "prejoin.cameraNamed", { name }) : t(this.ui, "prejoin.cameraNote");
  }

  private startMeter() {
    if (!this.devices || this.devices.microphones.length === 0) {
      return;
    }
    void this.queueCheck(() =>
      this.closed
        ? Promise.resolve()
        : shell.startMicMeter(this.microphone).catch((problem: Problem) => this.showLevel({ kind: "problem", detail: problem.detail })),
    );
  }

  private showCamera(on: boolean) {
    this.cameraOn = on;
    this.preview.hidden = !on;
    void this.queueCheck(() => (on && !this.closed ? this.actions.startPreview(this.preview) : this.actions.stopPreview()));
  }

  private queueCheck(step: () => Promise<void>): Promise<void> {
    this.checks = this.checks.then(step).catch(() => undefined);
    return this.checks;
  }

  /** A reading of the microphone meter (event `mic-level`). */
  showLevel(level: MicLevel) {
    if (level.kind === "problem") {
      this.meterNote.textContent = t(this.ui, "prejoin.micProblem", { detail: level.detail });
      return;
    }
    const dbfs = Math.max(METER_FLOOR_DBFS, Math.min(0, level.dbfs));
    this.meter.setAttribute("value", dbfs.toFixed(1));
    this.meter.setAttribute("aria-valuetext", t(this.ui, "prejoin.level", { dbfs: Math.round(dbfs) }));
  }

  private async loadDevices() {
    this.cameraName = await shell.cameraName().catch(() => null);
    this.describeCamera();
    try {
      this.devices = await shell.devices();
      this.microphone = preferred(this.devices.microphones);
      this.speaker = preferred(this.devices.speakers);
      this.startMeter();
    } catch (problem) {
      this.devicesProblem = problem as Problem;
    }
    this.renderDevices();
  }

  private renderDevices() {
    this.devicesBox.replaceChildren(this.devicesSection());
  }

  private devicesSection(): HTMLElement {
    const ui = this.ui;
    const section = h("fieldset", { className: "devices" }, h("legend", {}, t(ui, "prejoin.devices")));
    if (this.devicesProblem) {
      section.append(h("p", { className: "problem" }, t(ui, "prejoin.noAudio"), " ", this.devicesProblem.detail));
      return section;
    }
    if (!this.devices) {
      section.append(h("p", { className: "hint" }, t(ui, "prejoin.devicesLoading")));
      return section;
    }
    const picker = (id: string, label: string, list: Device[], chosen: string | null, pick: (id: string) => void) => {
      const select = h("select", { id }, ...list.map((d) => h("option", { value: d.id, selected: d.id === chosen }, d.name)));
      select.addEventListener("change", () => pick(select.value));
      return [h("label", { for: id }, label), select];
    };
    if (this.devices.microphones.length === 0) {
      section.append(h("p", { className: "hint" }, t(ui, "prejoin.noMicrophone")));
    } else {
      section.append(
        ...picker("microphone-select", t(ui, "prejoin.microphoneDevice"), this.devices.microphones, this.microphone, (id) => {
          this.microphone = id;
          this.startMeter();
        }),
        h("label", { for: "mic-level" }, t(ui, "prejoin.level.label")),
        this.meter,
        this.meterNote,
      );
    }
    if (this.devices.speakers.length === 0) {
      section.append(h("p", { className: "hint" }, t(ui, "prejoin.noSpeaker")));
    } else {
      section.append(
        ...picker("speaker-select", t(ui, "prejoin.speakerDevice"), this.devices.speakers, this.speaker, (id) => (this.speaker = id)),
        h(
          "button",
          { type: "button", id: "speaker-test", className: "small", disabled: this.testing, onclick: () => void this.testSpeaker() },
          t(ui, "prejoin.speakerTest"),
        ),
      );
    }
    return section;
  }

  private async testSpeaker() {
    this.testing = true;
    this.renderDevices();
    try {
      await shell.playTestSound(this.speaker);
    } catch (problem) {
      this.meterNote.textContent = (problem as Problem).detail;
    }
    this.testing = false;
    this.renderDevices();
    document.getElementById("speaker-test")?.focus();
  }

  render() {
    const ui = this.ui;
    this.renderDevices();
    this.describeCamera();
    this.preview.setAttribute("aria-label", t(ui, "prejoin.preview"));
    const name = h("input", {
      id: "name-input",
      type: "text",
      autocomplete: "name",
      required: true,
      maxlength: 80,
      "aria-describedby": "name-hint",
      "aria-invalid": this.nameMissing ? "true" : undefined,
    });
    name.value = this.name;
    name.addEventListener("input", () => (this.name = name.value));
    const toggle = (id: string, label: string, checked: boolean, set: (on: boolean) => void) => {
      const box = h("input", { id, type: "checkbox" });
      box.checked = checked;
      box.addEventListener("change", () => set(box.checked));
      return h("div", { className: "check" }, box, h("label", { for: id }, label));
    };
    const form = h(
      "form",
      { id: "prejoin-form", novalidate: true },
      h("label", { for: "name-input" }, t(ui, "prejoin.name")),
      h("p", { id: "name-hint", className: "hint" }, t(ui, "prejoin.nameHint")),
      name,
      h("div", { className: "preview" }, this.preview),
      toggle("camera-on", t(ui, "prejoin.camera"), this.cameraOn, (on) => this.showCamera(on)),
      this.cameraNote,
      toggle("microphone-on", t(ui, "prejoin.microphone"), this.microphoneOn, (on) => (this.microphoneOn = on)),
      this.devicesBox,
      this.voiceSection(toggle),
      h(
        "div",
        { className: "buttons" },
        h("button", { type: "button", id: "prejoin-back", onclick: () => this.actions.back() }, t(ui, "prejoin.back")),
        h("button", { type: "submit", id: "join", className: "primary", disabled: this.joining }, t(ui, "prejoin.join")),
      ),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.join();
    });
    const status = h("section", { id: "join-status", "aria-live": "polite", className: "result" });
    if (this.joining) {
      status.append(h("p", {}, t(ui, "prejoin.joining")));
    } else if (this.nameMissing) {
      status.append(h("p", { className: "problem" }, t(ui, "prejoin.nameMissing")));
    } else if (this.problem) {
      status.classList.add("result-error");
      status.append(...problemView(ui, this.problem, t(ui, "prejoin.failed")));
    }
    this.element.replaceChildren(h("h2", { id: "prejoin-title" }, t(ui, "prejoin.title", { room: this.room })), form, status);
  }

  /** The microphone's processing, each part a checkbox; a change is saved at once. */
  private voiceSection(toggle: (id: string, label: string, checked: boolean, set: (on: boolean) => void) => HTMLElement) {
    const ui = this.ui;
    const part = (id: string, label: string, key: keyof VoiceProcessing) =>
      toggle(id, t(ui, label), this.voice[key], (on) => {
        this.voice = { ...this.voice, [key]: on };
        this.actions.rememberVoice(this.voice);
      });
    return h(
      "fieldset",
      { className: "voice", "aria-describedby": "voice-hint" },
      h("legend", {}, t(ui, "prejoin.voice")),
      h("p", { id: "voice-hint", className: "hint" }, t(ui, "prejoin.voiceHint")),
      part("echo-cancellation", "prejoin.echoCancellation", "echo_cancellation"),
      part("noise-suppression", "prejoin.noiseSuppression", "noise_suppression"),
      part("auto-gain", "prejoin.autoGain", "auto_gain"),
    );
  }

  private async join() {
    const name = this.name.trim();
    this.nameMissing = name === "";
    if (this.nameMissing) {
      this.render();
      document.getElementById("name-input")?.focus();
      return;
    }
    this.joining = true;
    this.problem = null;
    this.render();
    await this.stopChecks();
    const choice = {
      target: this.target,
      name,
      cameraOn: this.cameraOn,
      microphoneOn: this.microphoneOn,
      microphone: this.microphone,
      speaker: this.speaker,
      voice: this.voice,
    };
    this.problem = await this.actions.join(choice);
    this.joining = false;
    if (this.problem) {
      // Still here, to try again: the checks come back.
      this.closed = false;
      this.showCamera(this.cameraOn);
      this.startMeter();
      this.render();
      document.getElementById("join")?.focus();
      // The explanation sits under the button; on a small window it would be out of sight.
      document.getElementById("join-status")?.scrollIntoView({ block: "nearest" });
    }
  }
}

/** The system's default device, else the first one; null when there is none. */
function preferred(list: Device[]): string | null {
  return (list.find((d) => d.is_default) ?? list[0])?.id ?? null;
}
