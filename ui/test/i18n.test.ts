import { describe, expect, it } from "vitest";

import { LANGUAGES, MESSAGES, otherLanguage, pickLanguage, problemWords, text } from "../src/i18n";

describe("languages", () => {
  it("starts in the first preferred language the window speaks, else French", () => {
    expect(pickLanguage(["en-GB", "fr"])).toBe("en");
    expect(pickLanguage(["de-DE", "fr-BE"])).toBe("fr");
    expect(pickLanguage(["de"])).toBe("fr");
    expect(pickLanguage(undefined)).toBe("fr");
    expect(otherLanguage("fr")).toBe("en");
  });

  it("has every string in every language", () => {
    for (const language of LANGUAGES) {
      expect(Object.keys(MESSAGES[language].ui).sort()).toEqual(Object.keys(MESSAGES.fr.ui).sort());
      expect(Object.keys(MESSAGES[language].problems).sort()).toEqual(Object.keys(MESSAGES.fr.problems).sort());
    }
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(text("en", "call.people.title", { count: 3 })).toBe("Participants (3)");
    expect(text("fr", "call.elapsed")).toContain("{time}");
  });
});

describe("problemWords", () => {
  it("words link errors, whether from the link check or from a call", () => {
    expect(problemWords("fr", "missing-token")).toBe(MESSAGES.fr.problems["missing-token"]);
    expect(problemWords("en", "link-missing-token")).toBe(MESSAGES.en.problems["missing-token"]);
  });

  it("words call errors and falls back for unknown codes", () => {
    expect(problemWords("en", "refused-locked").problem).toBe("The room is locked.");
    expect(problemWords("fr", "something-new")).toBe(MESSAGES.fr.problems.unexpected);
    expect(problemWords("fr", undefined)).toBe(MESSAGES.fr.problems.unexpected);
  });
});

describe("the code's strings", () => {
  it("names only keys that exist", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
      );
    const used = new Set<string>();
    for (const file of files("src")) {
      for (const match of readFileSync(file, "utf8").matchAll(/\bt\(ui, "([^"]+)"/g)) {
        used.add(match[1]);
      }
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter((key) => !(key in MESSAGES.fr.ui));
    expect(missing).toEqual([]);
  });
});
