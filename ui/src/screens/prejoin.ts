// Pre-join: who you are and how you enter (camera, microphone), then join.

import { h } from "../dom";
import type { JoinTarget, Problem } from "../types";
import { problemView, t, type Ui } from "../ui";

export interface JoinChoice {
  target: JoinTarget;
  name: string;
  cameraOn: boolean;
  microphoneOn: boolean;
}

export interface PrejoinActions {
  join(choice: JoinChoice): Promise<Problem | null>;
  back(): void;
}

export class PrejoinScreen {
  readonly element = h("section", { className: "screen prejoin", "aria-labelledby": "prejoin-title" });
  private name: string;
  private cameraOn = true;
  private microphoneOn = true;
  private joining = false;
  private problem: Problem | null = null;
  private nameMissing = false;

  constructor(
    private ui: Ui,
    private target: JoinTarget,
    private room: string,
    rememberedName: string,
    private actions: PrejoinActions,
  ) {
    this.name = rememberedName;
  }

  render() {
    const ui = this.ui;
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
      toggle("camera-on", t(ui, "prejoin.camera"), this.cameraOn, (on) => (this.cameraOn = on)),
      h("p", { className: "hint" }, t(ui, "prejoin.cameraNote")),
      toggle("microphone-on", t(ui, "prejoin.microphone"), this.microphoneOn, (on) => (this.microphoneOn = on)),
      h("p", { className: "hint" }, t(ui, "prejoin.microphoneNote")),
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
      status.append(...problemView(ui, this.problem, t(ui, "error.title")));
    }
    this.element.replaceChildren(h("h2", { id: "prejoin-title" }, t(ui, "prejoin.title", { room: this.room })), form, status);
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
    const choice = { target: this.target, name, cameraOn: this.cameraOn, microphoneOn: this.microphoneOn };
    this.problem = await this.actions.join(choice);
    this.joining = false;
    if (this.problem) {
      this.render();
      document.getElementById("join")?.focus();
    }
  }
}
