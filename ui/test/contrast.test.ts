// WCAG 2.1 AA: every text colour in the stylesheet against what it is drawn on, at least 4.5:1.
//
// Read from ui/style.css itself, so that a colour changed there is checked here: a rule's text colour is paired
// with the rule's own background when it sets one, else with both backgrounds a text may sit on (the page and
// the panels' surface). A translucent background is laid over white, the worst case for white text.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const css = readFileSync(new URL("../style.css", import.meta.url), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");

type Rgb = [number, number, number];

const variables = new Map<string, string>();
for (const [, name, value] of css.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) {
  variables.set(name, value.trim());
}

function colour(value: string): Rgb | null {
  const resolved = value.replace(/var\((--[\w-]+)\)/g, (_, name: string) => variables.get(name) ?? "");
  const hex = resolved.match(/#([0-9a-f]{6})\b/i);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const rgba = resolved.match(/rgba?\(\s*(\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\s*\)/);
  if (rgba) {
    const alpha = rgba[4] === undefined ? 1 : Number(rgba[4]);
    return [1, 2, 3].map((i) => Math.round(Number(rgba[i]) * alpha + 255 * (1 - alpha))) as Rgb;
  }
  return null;
}

function luminance([r, g, b]: Rgb): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function ratio(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

interface Pair {
  rule: string;
  text: string;
  background: string;
}

function pairs(): Pair[] {
  const found: Pair[] = [];
  for (const [, selector, body] of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const text = body.match(/(?:^|;|\s)color\s*:\s*([^;]+);/)?.[1];
    if (!text || text.includes("inherit") || text.includes("transparent")) {
      continue;
    }
    const own = body.match(/background(?:-color)?\s*:\s*([^;]+);/)?.[1];
    const backgrounds = own ? [own] : ["var(--background)", "var(--surface)"];
    for (const background of backgrounds) {
      found.push({ rule: selector.trim(), text: text.trim(), background: background.trim() });
    }
  }
  return found;
}

describe("contrast", () => {
  it("finds the stylesheet's text colours", () => {
    expect(pairs().length).toBeGreaterThan(10);
  });

  it("gives every text at least 4.5:1 against its background", () => {
    const failures = pairs().flatMap(({ rule, text, background }) => {
      const [fg, bg] = [colour(text), colour(background)];
      if (!fg || !bg) {
        return [];
      }
      const value = ratio(fg, bg);
      return value < 4.5 ? [`${rule}: ${text} on ${background} is ${value.toFixed(2)}:1`] : [];
    });
    expect(failures).toEqual([]);
  });
});
