// What every screen needs: the words in the current language.

import { type Language, problemWords, text, type Words } from "./i18n";
import { h } from "./dom";
import type { Problem } from "./types";

export interface Ui {
  language: Language;
}

export const t = (ui: Ui, key: string, values?: Record<string, string | number>) => text(ui.language, key, values);

/** A problem as the agent reads it: what is wrong, what to do, and the technical detail folded away. */
export function problemView(ui: Ui, problem: Problem, title: string): HTMLElement[] {
  const words: Words = problemWords(ui.language, problem.code);
  const detail = h("p", { lang: "en" }, h("code", {}, problem.code), " — ", problem.detail);
  return [
    h("h2", {}, h("span", { className: "mark", "aria-hidden": "true" }, "!"), title),
    h("p", { className: "problem" }, words.problem),
    h("p", { className: "action" }, h("strong", {}, text(ui.language, "error.action")), " ", words.action),
    h("details", {}, h("summary", {}, text(ui.language, "error.detail")), detail),
  ];
}
