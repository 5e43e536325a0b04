import { describe, expect, it } from "vitest";

import { elapsed, gridColumns } from "../src/format";

describe("elapsed", () => {
  it("shows minutes and seconds, then hours", () => {
    expect(elapsed(0)).toBe("0:00");
    expect(elapsed(65_400)).toBe("1:05");
    expect(elapsed(3_723_000)).toBe("1:02:03");
    expect(elapsed(-5)).toBe("0:00");
  });
});

describe("gridColumns", () => {
  it("keeps the grid about square", () => {
    expect([1, 2, 3, 4, 5, 9, 10].map(gridColumns)).toEqual([1, 2, 2, 2, 3, 3, 4]);
    expect(gridColumns(0)).toBe(1);
  });
});
