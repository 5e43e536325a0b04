import { describe, expect, it } from "vitest";

import { commandFor, type KeyPress } from "../src/shortcuts";

const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  targetTag: "BODY",
  targetEditable: false,
  ...more,
});

describe("commandFor", () => {
  it("maps the documented letters, whatever their case", () => {
    expect(commandFor(press("m"))).toBe("microphone");
    expect(commandFor(press("V"))).toBe("camera");
    expect(commandFor(press("h"))).toBe("hand");
    expect(commandFor(press("c"))).toBe("chat");
    expect(commandFor(press("p"))).toBe("participants");
    expect(commandFor(press("?"))).toBe("help");
  });

  it("leaves letters typed in a field to the field", () => {
    expect(commandFor(press("m", { targetTag: "INPUT" }))).toBeNull();
    expect(commandFor(press("h", { targetTag: "textarea" }))).toBeNull();
    expect(commandFor(press("v", { targetTag: "DIV", targetEditable: true }))).toBeNull();
  });

  it("leaves combinations to the system and the webview", () => {
    expect(commandFor(press("c", { ctrlKey: true }))).toBeNull();
    expect(commandFor(press("m", { altKey: true }))).toBeNull();
    expect(commandFor(press("v", { metaKey: true }))).toBeNull();
    expect(commandFor(press("x"))).toBeNull();
  });
});
