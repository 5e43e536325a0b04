// Screen-reader announcements: a polite live region for what happens to others, an assertive one for what
// happens to you (being muted). Each message also stays visible for a few seconds, for everyone.

const VISIBLE_MS = 6000;

export class Announcer {
  constructor(
    private polite: HTMLElement,
    private assertive: HTMLElement,
  ) {}

  say(message: string, urgent = false) {
    const region = urgent ? this.assertive : this.polite;
    const line = document.createElement("p");
    line.textContent = message;
    region.append(line);
    window.setTimeout(() => line.remove(), VISIBLE_MS);
  }

  clear() {
    this.polite.replaceChildren();
    this.assertive.replaceChildren();
  }
}
