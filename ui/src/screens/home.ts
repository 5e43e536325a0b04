// Home: paste a link, or host a meeting on this computer.

import { copyText } from "../clipboard";
import { h } from "../dom";
import { shell } from "../ipc";
import type { HostedRoom, JoinTarget, LinkSummary, Problem, RecentRoom } from "../types";
import { problemView, t, type Ui } from "../ui";

export interface HomeActions {
  /** The agent chose a meeting; the pre-join screen comes next. */
  prepare(target: JoinTarget, room: string, summary: LinkSummary | null): void;
}

export class HomeScreen {
  readonly element = h("section", { className: "screen home", "aria-labelledby": "home-title" });
  private linkText = "";
  private problem: Problem | null = null;
  private hosted: HostedRoom | null = null;
  private copied: boolean | null = null;

  constructor(
    private ui: Ui,
    private recent: RecentRoom[],
    private actions: HomeActions,
  ) {}

  /** Shows why the link the app was opened with cannot be used. */
  showProblem(problem: Problem) {
    this.problem = problem;
    this.render();
  }

  render() {
    const ui = this.ui;
    const input = h("input", {
      id: "link-input",
      name: "link",
      type: "text",
      inputmode: "url",
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      "aria-describedby": "link-hint result",
      "aria-invalid": this.problem ? "true" : undefined,
    });
    input.value = this.linkText;
    input.addEventListener("input", () => (this.linkText = input.value));
    const form = h(
      "form",
      { id: "link-form", className: "link-form", novalidate: true },
      h("label", { for: "link-input" }, t(ui, "link.label")),
      h("p", { id: "link-hint", className: "hint" }, t(ui, "link.hint")),
      h("div", { className: "field-row" }, input, h("button", { type: "submit", id: "link-continue" }, t(ui, "home.join"))),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.check(input.value);
    });
    const result = h("section", { id: "result", className: "result", "aria-live": "polite", "aria-atomic": "true" });
    if (this.problem) {
      result.classList.add("result-error");
      result.append(...problemView(ui, this.problem, t(ui, "error.title")));
    }
    this.element.replaceChildren(
      h("h2", { id: "home-title" }, t(ui, "home.title")),
      form,
      result,
      this.recentSection(),
      this.hostSection(),
    );
  }

  private recentSection(): HTMLElement | string {
    const ui = this.ui;
    if (this.recent.length === 0) {
      return "";
    }
    return h(
      "section",
      { className: "recent", "aria-labelledby": "recent-title" },
      h("h3", { id: "recent-title" }, t(ui, "home.recent.title")),
      h(
        "ul",
        { id: "recent-rooms" },
        ...this.recent.map((room, index) =>
          h(
            "li",
            {},
            h("span", {}, t(ui, "home.recent.room", { room: room.room, server: room.server })),
            h(
              "button",
              {
                type: "button",
                id: `recent-join-${index}`,
                className: "small",
                onclick: () => this.actions.prepare({ kind: "recent", id: room.id }, room.room, null),
              },
              t(ui, "home.recent.join", { room: room.room }),
            ),
            h(
              "button",
              { type: "button", id: `recent-forget-${index}`, className: "small", onclick: () => void this.forget(room) },
              t(ui, "home.recent.forget", { room: room.room }),
            ),
          ),
        ),
      ),
    );
  }

  private async forget(room: RecentRoom) {
    try {
      this.recent = (await shell.forgetRoom(room.id)).recent;
    } catch (problem) {
      this.problem = problem as Problem;
    }
    this.render();
    document.getElementById("link-input")?.focus();
  }

  private hostSection(): HTMLElement {
    const ui = this.ui;
    const section = h(
      "section",
      { className: "host", "aria-labelledby": "host-title" },
      h("h3", { id: "host-title" }, t(ui, "home.host.title")),
      h("p", { className: "hint" }, t(ui, "home.host.explain")),
    );
    if (!this.hosted) {
      section.append(h("button", { type: "button", id: "host-start", onclick: () => void this.host() }, t(ui, "home.host.start")));
      return section;
    }
    const hosted = this.hosted;
    const link = h("input", { id: "guest-link", type: "text", readonly: true, "aria-describedby": "host-ready" });
    link.value = hosted.guest_link;
    section.append(
      h("p", { id: "host-ready" }, t(ui, "home.host.ready", { room: hosted.room })),
      h("label", { for: "guest-link", className: "visually-hidden" }, t(ui, "home.host.guestLink")),
      h(
        "div",
        { className: "field-row" },
        link,
        h("button", { type: "button", id: "copy-guest-link", onclick: () => void this.copy(link) }, t(ui, "home.host.copy")),
      ),
      h("p", { className: "hint", role: "status" }, this.copied === null ? "" : t(ui, this.copied ? "home.host.copied" : "home.host.notCopied")),
      h(
        "button",
        {
          type: "button",
          id: "host-enter",
          className: "primary",
          onclick: () => this.actions.prepare({ kind: "hosted" }, hosted.room, null),
        },
        t(ui, "home.host.enter"),
      ),
    );
    return section;
  }

  private async check(text: string) {
    try {
      const summary = await shell.parseLink(text);
      this.problem = null;
      this.actions.prepare({ kind: "link", text }, summary.room, summary);
    } catch (problem) {
      this.problem = problem as Problem;
      this.render();
      document.getElementById("link-input")?.focus();
    }
  }

  private async host() {
    try {
      this.hosted = await shell.hostMeeting();
      this.problem = null;
    } catch (problem) {
      this.problem = problem as Problem;
    }
    this.render();
    document.getElementById(this.hosted ? "guest-link" : "host-start")?.focus();
  }

  private async copy(field: HTMLInputElement) {
    this.copied = await copyText(field.value);
    this.render();
    document.getElementById("copy-guest-link")?.focus();
  }
}
