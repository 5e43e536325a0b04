// Keyboard shortcuts of the call screen. Single letters, as in other meeting apps, and only when the focus is not
// in a text field (where the letters are typed). Listed in the help dialog (key "?").

export type Command = "microphone" | "camera" | "hand" | "share" | "chat" | "participants" | "help";

export const SHORTCUTS: Record<string, Command> = {
  m: "microphone",
  v: "camera",
  h: "hand",
  s: "share",
  c: "chat",
  p: "participants",
  "?": "help",
};

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  // What has the focus: its tag and whether it is editable.
  targetTag: string;
  targetEditable: boolean;
}

/** The command `press` stands for, if any. */
export function commandFor(press: KeyPress): Command | null {
  if (press.ctrlKey || press.altKey || press.metaKey) {
    return null;
  }
  const typing = press.targetEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(press.targetTag.toUpperCase());
  if (typing) {
    return null;
  }
  return SHORTCUTS[press.key.toLowerCase()] ?? null;
}
