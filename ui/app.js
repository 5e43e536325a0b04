// The window's behaviour: ask the shell (Rust) through IPC, show what it answers.
//
// No conference logic lives here: the shell parses links and, later, runs the call; this file only renders.
// Text that comes from outside (a room name, an error detail) only ever goes into `textContent`.

import { LANGUAGES, languageName, linkErrorWords, otherLanguage, pickLanguage, text } from "./i18n.js";

const LANGUAGE_KEY = "palabre.language";

const invoke = window.__TAURI__?.core?.invoke;

const state = {
  language: startLanguage(),
  // `{ name, version }` from the shell, once known.
  info: null,
  // What the result region shows: null, `{ link, origin }` or `{ problem, origin }`; `origin` is "typed" or
  // "launch" (the link the app was started with, which the field does not show: it may hold an access code).
  result: null,
};

const elements = {
  appName: document.getElementById("app-name"),
  appVersion: document.getElementById("app-version"),
  languageSwitch: document.getElementById("language-switch"),
  form: document.getElementById("link-form"),
  input: document.getElementById("link-input"),
  result: document.getElementById("result"),
};

function startLanguage() {
  let saved = null;
  try {
    saved = window.localStorage.getItem(LANGUAGE_KEY);
  } catch {
    // Storage can be unavailable; the system language then decides.
  }
  if (LANGUAGES.includes(saved)) {
    return saved;
  }
  return pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

// --- talking to the shell -------------------------------------------------------------------------------------------

// Calls an IPC command; a failure of the call itself becomes an "unexpected" problem.
async function call(command, args) {
  if (!invoke) {
    throw { code: "unexpected", detail: "window.__TAURI__ is missing: this page must run inside the Palabre app" };
  }
  try {
    return await invoke(command, args);
  } catch (error) {
    if (error && typeof error === "object" && typeof error.code === "string") {
      throw error;
    }
    throw { code: "unexpected", detail: String(error) };
  }
}

async function checkLink(textToCheck, origin) {
  try {
    state.result = { link: await call("parse_link", { text: textToCheck }), origin };
  } catch (problem) {
    state.result = { problem, origin };
  }
  renderResult();
}

async function loadLaunchLink() {
  try {
    const link = await call("launch_link");
    state.result = link ? { link, origin: "launch" } : null;
  } catch (problem) {
    state.result = { problem, origin: "launch" };
  }
  renderResult();
}

async function loadAppInfo() {
  try {
    state.info = await call("app_info");
  } catch {
    state.info = null;
  }
  renderHeader();
}

// --- rendering ------------------------------------------------------------------------------------------------------

function render() {
  const language = state.language;
  document.documentElement.lang = language;
  for (const node of document.querySelectorAll("[data-i18n]")) {
    node.textContent = text(language, node.dataset.i18n);
  }
  // The switch names the language it leads to, in that language, so that a screen reader pronounces it right.
  const target = otherLanguage(language);
  elements.languageSwitch.textContent = languageName(target);
  elements.languageSwitch.lang = target;
  renderHeader();
  renderResult();
}

function renderHeader() {
  const name = state.info?.name ?? "Palabre";
  elements.appName.textContent = name;
  document.title = name;
  elements.appVersion.textContent = state.info ? text(state.language, "app.version", { version: state.info.version }) : "";
}

function renderResult() {
  const region = elements.result;
  region.replaceChildren();
  region.className = "result";
  elements.input.removeAttribute("aria-invalid");
  const { result } = state;
  if (!result) {
    return;
  }
  if (result.link) {
    region.classList.add("result-ok");
    region.append(...linkView(result.link, result.origin));
  } else {
    region.classList.add("result-error");
    if (result.origin === "typed") {
      elements.input.setAttribute("aria-invalid", "true");
    }
    region.append(...problemView(result.problem, result.origin));
  }
}

function linkView(link, origin) {
  const language = state.language;
  const nodes = [heading("✓", text(language, "result.valid")), ...originNote(origin)];
  const connection = link.kind === "embedded" ? "pinned" : link.secure_server ? "encrypted" : "plain";
  const facts = document.createElement("dl");
  facts.append(
    ...fact(text(language, "result.room"), link.room, "room"),
    ...fact(text(language, "result.server"), link.server),
    ...fact(text(language, "result.connection"), text(language, `result.connection.${connection}`)),
  );
  if (connection === "plain") {
    facts.lastElementChild.classList.add("warning");
  }
  nodes.push(facts);
  if (link.role_hint === "moderator") {
    nodes.push(paragraph(text(language, "result.moderator")));
  }
  return nodes;
}

function problemView(problem, origin) {
  const language = state.language;
  const words = linkErrorWords(language, problem?.code);
  const action = paragraph("", "action");
  const label = document.createElement("strong");
  label.textContent = text(language, "error.action");
  action.append(label, " ", words.action);

  const details = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = text(language, "error.detail");
  const code = document.createElement("code");
  code.textContent = problem?.code ?? "unexpected";
  const detail = paragraph("");
  // The detail is palabre-core's English sentence: mark it so, for screen readers.
  detail.lang = "en";
  detail.append(code, " — ", String(problem?.detail ?? ""));
  details.append(summary, detail);

  return [
    heading("!", text(language, "error.title")),
    ...originNote(origin),
    paragraph(words.problem, "problem"),
    action,
    details,
  ];
}

// Says where a link came from when the agent did not type it.
function originNote(origin) {
  return origin === "launch" ? [paragraph(text(state.language, "result.fromLaunch"), "origin")] : [];
}

function heading(symbol, words) {
  const node = document.createElement("h2");
  const mark = document.createElement("span");
  mark.className = "mark";
  mark.setAttribute("aria-hidden", "true");
  mark.textContent = symbol;
  node.append(mark, words);
  return node;
}

function paragraph(words, className) {
  const node = document.createElement("p");
  node.textContent = words;
  if (className) {
    node.className = className;
  }
  return node;
}

function fact(term, value, className) {
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  dd.textContent = value;
  if (className) {
    dd.className = className;
  }
  return [dt, dd];
}

// --- wiring ---------------------------------------------------------------------------------------------------------

elements.form.addEventListener("submit", (event) => {
  // Enter in the field submits the form too.
  event.preventDefault();
  checkLink(elements.input.value, "typed");
});

elements.languageSwitch.addEventListener("click", () => {
  state.language = otherLanguage(state.language);
  try {
    window.localStorage.setItem(LANGUAGE_KEY, state.language);
  } catch {
    // Not remembered; the choice still holds for this window.
  }
  render();
});

render();
loadAppInfo();
loadLaunchLink();
