// Copying text for the agent to paste elsewhere (a guest link into a mail, diagnostics into a support ticket).

import { h } from "./dom";

/** Puts `value` on the clipboard; `false` when the system refused. */
export async function copyText(value: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    // WebKitGTK may refuse the asynchronous clipboard: copy from a selected, hidden field instead.
    const field = h("textarea", { className: "visually-hidden", "aria-hidden": "true" });
    field.value = value;
    document.body.append(field);
    field.select();
    const done = document.execCommand("copy");
    field.remove();
    return done;
  }
}
