// Every word the window shows, in French (the default) and in English.
//
// `ui` holds the window's own words; `linkErrors` says, for each code of palabre-core's `LinkError::code()`, what
// is wrong (`problem`) and what the agent can do about it (`action`), in words for people who are not technicians.
// A Rust test (src-tauri/commands.rs) checks that every code has an entry in both languages.

export const DEFAULT_LANGUAGE = "fr";

export const MESSAGES = {
  fr: {
    name: "Français",
    ui: {
      "app.tagline": "Réunions vidéo du service public",
      "app.version": "version {version}",
      "link.label": "Lien de la réunion",
      "link.hint":
        "Collez le lien reçu dans votre invitation (courriel ou agenda), puis choisissez «\u00a0Vérifier\u00a0» ou appuyez sur Entrée.",
      "link.check": "Vérifier",
      "result.valid": "Ce lien de réunion est valide",
      "result.fromLaunch": "Lien reçu à l’ouverture de Palabre.",
      "result.room": "Salle",
      "result.server": "Serveur",
      "result.connection": "Connexion",
      "result.connection.pinned": "chiffrée, serveur authentifié par le lien",
      "result.connection.encrypted": "chiffrée",
      "result.connection.plain": "non chiffrée\u00a0: à utiliser seulement sur le réseau interne de votre administration",
      "result.moderator": "Ce lien vous permet d’animer la réunion (rôle de modération).",
      "error.title": "Ce lien ne peut pas être utilisé",
      "error.action": "Que faire\u00a0:",
      "error.detail": "Détail technique, pour le support informatique",
    },
    linkErrors: {
      "empty": {
        problem: "Aucun lien n’a été saisi.",
        action: "Collez le lien complet reçu dans votre invitation, puis choisissez «\u00a0Vérifier\u00a0».",
      },
      "unknown-scheme": {
        problem: "Ce texte n’est pas un lien de réunion Palabre.",
        action:
          "Un lien de réunion commence par «\u00a0palabre://\u00a0» (ou «\u00a0janus+ws://\u00a0»). Cherchez ce lien dans l’invitation\u202f; " +
          "si vous n’avez reçu qu’une adresse web, demandez le lien de réunion à la personne qui organise la réunion.",
      },
      "malformed": {
        problem: "Le lien est abîmé.",
        action: "Copiez-le à nouveau depuis l’invitation, en entier et sans rien y ajouter.",
      },
      "missing-host": {
        problem: "Le lien n’indique pas de serveur.",
        action: "Copiez-le à nouveau depuis l’invitation, en entier.",
      },
      "missing-room": {
        problem: "Le lien n’indique pas de salle de réunion.",
        action: "Copiez-le à nouveau depuis l’invitation, en entier\u00a0: la fin du lien a sans doute été coupée.",
      },
      "bad-room-name": {
        problem: "Le nom de la salle dans le lien n’est pas valide.",
        action:
          "Copiez le lien à nouveau depuis l’invitation. Si le problème continue, demandez un nouveau lien à la " +
          "personne qui organise la réunion.",
      },
      "bad-janus-room": {
        problem: "Le numéro de la salle dans le lien n’est pas valide.",
        action:
          "Copiez le lien à nouveau depuis l’invitation. Si le problème continue, demandez un nouveau lien à la " +
          "personne qui organise la réunion.",
      },
      "missing-token": {
        problem: "Il manque au lien son code d’accès.",
        action: "Le lien est incomplet\u00a0: demandez à la personne qui organise la réunion de vous le renvoyer en entier.",
      },
      "missing-fingerprint": {
        problem: "Il manque au lien l’empreinte de sécurité du serveur.",
        action: "Le lien est incomplet\u00a0: demandez à la personne qui organise la réunion de vous le renvoyer en entier.",
      },
      "bad-fingerprint": {
        problem: "L’empreinte de sécurité du serveur, dans le lien, est abîmée.",
        action:
          "Copiez le lien à nouveau depuis l’invitation. Si le problème continue, demandez un nouveau lien à la " +
          "personne qui organise la réunion.",
      },
      // Not a link error: the check itself could not run.
      "unexpected": {
        problem: "La vérification n’a pas pu avoir lieu.",
        action: "Fermez puis rouvrez Palabre. Si le problème continue, contactez votre support informatique.",
      },
    },
  },

  en: {
    name: "English",
    ui: {
      "app.tagline": "Video meetings for public services",
      "app.version": "version {version}",
      "link.label": "Meeting link",
      "link.hint": "Paste the link from your invitation (email or calendar), then choose “Check” or press Enter.",
      "link.check": "Check",
      "result.valid": "This meeting link is valid",
      "result.fromLaunch": "Link received when Palabre opened.",
      "result.room": "Room",
      "result.server": "Server",
      "result.connection": "Connection",
      "result.connection.pinned": "encrypted, server authenticated by the link",
      "result.connection.encrypted": "encrypted",
      "result.connection.plain": "not encrypted: use it only on your administration's internal network",
      "result.moderator": "This link lets you lead the meeting (moderator role).",
      "error.title": "This link cannot be used",
      "error.action": "What to do:",
      "error.detail": "Technical detail, for IT support",
    },
    linkErrors: {
      "empty": {
        problem: "No link was entered.",
        action: "Paste the whole link from your invitation, then choose “Check”.",
      },
      "unknown-scheme": {
        problem: "This text is not a Palabre meeting link.",
        action:
          "A meeting link starts with “palabre://” (or “janus+ws://”). Look for it in the invitation; if you only " +
          "received a web address, ask the meeting organiser for the meeting link.",
      },
      "malformed": {
        problem: "The link is damaged.",
        action: "Copy it again from the invitation, in full, without adding anything.",
      },
      "missing-host": {
        problem: "The link does not name a server.",
        action: "Copy it again from the invitation, in full.",
      },
      "missing-room": {
        problem: "The link does not name a meeting room.",
        action: "Copy it again from the invitation, in full: the end of the link was probably cut off.",
      },
      "bad-room-name": {
        problem: "The room name in the link is not valid.",
        action: "Copy the link again from the invitation. If that does not help, ask the meeting organiser for a new link.",
      },
      "bad-janus-room": {
        problem: "The room number in the link is not valid.",
        action: "Copy the link again from the invitation. If that does not help, ask the meeting organiser for a new link.",
      },
      "missing-token": {
        problem: "The link lacks its access code.",
        action: "The link is incomplete: ask the meeting organiser to send you the whole link again.",
      },
      "missing-fingerprint": {
        problem: "The link lacks the server's security fingerprint.",
        action: "The link is incomplete: ask the meeting organiser to send you the whole link again.",
      },
      "bad-fingerprint": {
        problem: "The server's security fingerprint in the link is damaged.",
        action: "Copy the link again from the invitation. If that does not help, ask the meeting organiser for a new link.",
      },
      // Not a link error: the check itself could not run.
      "unexpected": {
        problem: "The check could not be done.",
        action: "Close Palabre and open it again. If the problem continues, contact your IT support.",
      },
    },
  },
};

export const LANGUAGES = Object.keys(MESSAGES);

// The language to start in: the first of the user's preferred languages that the window speaks, else French.
export function pickLanguage(preferred) {
  for (const tag of preferred ?? []) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (LANGUAGES.includes(base)) {
      return base;
    }
  }
  return DEFAULT_LANGUAGE;
}

// The language the switch button offers.
export function otherLanguage(language) {
  return LANGUAGES.find((other) => other !== language) ?? DEFAULT_LANGUAGE;
}

// The name of a language in that language ("Français", "English").
export function languageName(language) {
  return MESSAGES[language].name;
}

// One of the window's strings, with `{name}` placeholders filled from `values`.
export function text(language, key, values = {}) {
  const template = MESSAGES[language].ui[key] ?? MESSAGES[DEFAULT_LANGUAGE].ui[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// What is wrong and what to do, for a link error code; unknown codes get the words for "unexpected".
export function linkErrorWords(language, code) {
  const table = MESSAGES[language].linkErrors;
  return Object.hasOwn(table, code) ? table[code] : table["unexpected"];
}
